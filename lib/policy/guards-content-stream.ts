/**
 * Response redaction for streams with a carry-over buffer: the text of each
 * choice (OpenAI) or content block (Anthropic) is held back by up to HOLD
 * characters, and never released in the middle of something a detector matches,
 * so a value split across chunks (`jane.doe@exa` | `mple.com`) is still caught.
 * The held text is released at the choice's finish / the block's stop. Tool-call
 * argument fragments are redacted event by event (JSON fragments; see the docs).
 */
import { Redactor, scan, type Detector } from "./pii";

export const HOLD = 96;

const REDACT_KEYS = new Set(["content", "text", "arguments", "partial_json", "refusal", "thinking"]);

/** Redacts the text fields of a JSON answer (OpenAI or Anthropic, whole or chunk). */
export function redactJsonText(v: unknown, r: Redactor, inText = false): unknown {
  if (typeof v === "string") return inText ? r.redact(v) : v;
  if (Array.isArray(v)) return v.map((x) => redactJsonText(x, r, inText));
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = redactJsonText(x, r, REDACT_KEYS.has(k) || (inText && typeof x === "object"));
    return out;
  }
  return v;
}


/** One text channel: push raw text, get the redacted text that is safe to release. */
export class CarryRedactor {
  private buf = "";
  constructor(
    private readonly r: Redactor,
    private readonly detectors: readonly Detector[],
    private readonly hold = HOLD,
  ) {}

  push(text: string): string {
    this.buf += text;
    let cut = Math.max(0, this.buf.length - this.hold);
    if (cut === 0) return "";
    for (const f of scan(this.buf, this.detectors)) if (f.start < cut && f.end > cut) cut = f.start;
    const out = this.buf.slice(0, cut);
    this.buf = this.buf.slice(cut);
    return this.r.redact(out);
  }

  flush(): string {
    const out = this.buf;
    this.buf = "";
    return out ? this.r.redact(out) : "";
  }

  get pending(): number {
    return this.buf.length;
  }
}

interface Ev {
  event: string | null;
  data: string;
}

function parseEvents(s: string): Ev[] | null {
  const out: Ev[] = [];
  for (const block of s.split("\n\n")) {
    if (!block.trim()) continue;
    let event: string | null = null;
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event: ")) event = line.slice(7);
      else if (line.startsWith("data: ")) data.push(line.slice(6));
      else if (line.startsWith(":")) continue;
      else return null; // not something we formatted: leave it alone
    }
    out.push({ event, data: data.join("\n") });
  }
  return out;
}

const fmt = (e: Ev) => (e.event ? `event: ${e.event}\n` : "") + `data: ${e.data}\n\n`;

/** A stateful SSE rewriter for one response (OpenAI chunks or Anthropic events). */
export function streamRedactor(detectors: readonly Detector[], r: Redactor) {
  const channels = new Map<string, CarryRedactor>();
  const ch = (k: string) => {
    let c = channels.get(k);
    if (!c) channels.set(k, (c = new CarryRedactor(r, detectors)));
    return c;
  };
  let lastOpenAi: Record<string, unknown> | null = null;

  function rewrite(e: Ev): string {
    if (e.data === "[DONE]") {
      // Text still held without a finish chunk: release it in one more chunk first.
      let extra = "";
      if (lastOpenAi) {
        for (const [k, c] of channels) {
          const t = c.flush();
          if (t) extra += fmt({ event: null, data: JSON.stringify({ ...lastOpenAi, choices: [{ index: Number(k.slice(2)), delta: { content: t }, finish_reason: null }], usage: undefined }) });
        }
      }
      return extra + fmt(e);
    }
    let j: Record<string, unknown>;
    try {
      j = JSON.parse(e.data) as Record<string, unknown>;
    } catch {
      return fmt(e);
    }
    // OpenAI chunk
    if (j.object === "chat.completion.chunk" && Array.isArray(j.choices)) {
      lastOpenAi = { id: j.id, object: j.object, created: j.created, model: j.model };
      for (const c of j.choices as { index: number; delta?: Record<string, unknown>; finish_reason?: string | null }[]) {
        const k = `o:${c.index}`;
        const d = (c.delta ??= {});
        let text = typeof d.content === "string" ? ch(k).push(d.content) : "";
        if (c.finish_reason) text += channels.get(k)?.flush() ?? "";
        if (typeof d.content === "string" || text) d.content = text;
        if (d.tool_calls) d.tool_calls = redactJsonText(d.tool_calls, r);
        if (typeof d.refusal === "string") d.refusal = r.redact(d.refusal);
      }
      return fmt({ event: e.event, data: JSON.stringify(j) });
    }
    // Anthropic events
    if (j.type === "content_block_delta") {
      const d = j.delta as Record<string, unknown>;
      if (d?.type === "text_delta" && typeof d.text === "string") d.text = ch(`a:${j.index}`).push(d.text);
      else j.delta = redactJsonText(d, r);
      return fmt({ event: e.event, data: JSON.stringify(j) });
    }
    if (j.type === "content_block_stop") {
      const t = channels.get(`a:${j.index}`)?.flush();
      const pre = t ? fmt({ event: "content_block_delta", data: JSON.stringify({ type: "content_block_delta", index: j.index, delta: { type: "text_delta", text: t } }) }) : "";
      return pre + fmt(e);
    }
    return fmt({ event: e.event, data: JSON.stringify(redactJsonText(j, r)) });
  }

  return {
    write(s: string): string {
      const evs = parseEvents(s);
      if (!evs) return s;
      return evs.map(rewrite).join("");
    },
  };
}
