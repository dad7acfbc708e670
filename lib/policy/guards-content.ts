/**
 * The content guard (docs/traffic-policy.md, "Guards"): prompt PII redact/block,
 * blocked terms, prompt-injection flag/block, response redaction, and the log
 * scrubber that keeps detected values out of request logs whatever the policy.
 */
import type { ChatMessage, ChatRequest, ContentPart, EmbeddingsRequest } from "@/lib/providers/types";
import { GatewayError } from "@/lib/gateway/errors";
import type { GuardInput } from "@/lib/gateway/stages/guard";
import type { CallRecord, GatewaySink } from "@/lib/gateway/types";
import { Redactor, defaultDetectors, scan, type Detector } from "./pii";
import { detectInjection } from "./guards-content-injection";
import { contentSnapshot, resolvePolicy, type ContentSnapshot, type ResolvedPolicy } from "./guards-content-snapshot";
import { redactJsonText, streamRedactor } from "./guards-content-stream";

export { redactJsonText };

function addFlag(rec: CallRecord, flag: string): void {
  rec.flags ??= [];
  if (!rec.flags.includes(flag)) rec.flags.push(flag);
}

/** Every text of a request the provider will see, with a setter to rewrite it in place. */
export interface TextSlot {
  /** message role for message text; "meta" for every other field (user, metadata, names, tool definitions ...) */
  role: ChatMessage["role"] | "input" | "meta";
  /** where it is, for a refusal's `param`: "messages" / "input" for message text, else the field path */
  param: string;
  get(): string;
  set(v: string): void;
}

function partSlots(role: TextSlot["role"], parts: ContentPart[]): TextSlot[] {
  const out: TextSlot[] = [];
  for (const p of parts) {
    if (p.type === "text") out.push({ role, param: "messages", get: () => p.text, set: (v) => (p.text = v) });
  }
  return out;
}

/**
 * Keys whose values are identifiers, enums, numbers or binary payloads, not text:
 * the provider sees them, but they carry no caller data worth scanning, and
 * rewriting them would break the call (a tool's name must match its definition).
 * Media parts (image/audio/file) are URLs or base64: scanning them is costly and
 * finds false positives.
 */
const STRUCTURAL = new Set([
  "model",
  "role",
  "type",
  "id",
  "tool_call_id",
  "stream",
  "stream_options",
  "tool_choice",
  "parallel_tool_calls",
  "reasoning_effort",
  "service_tier",
  "modalities",
  "logit_bias",
  "encoding_format",
  "dimensions",
  "format",
  "detail",
  "image_url",
  "input_audio",
  "file",
  "audio",
  "$ref",
  "$schema",
]);

/** Every string under `node` (objects and arrays, any depth) except structural keys; `skip` adds keys for this level only. */
function walkStrings(node: unknown, param: string, out: TextSlot[], skip?: ReadonlySet<string>): void {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const v = node[i];
      if (typeof v === "string") out.push({ role: "meta", param: `${param}[${i}]`, get: () => node[i] as string, set: (x) => (node[i] = x) });
      else if (v && typeof v === "object") walkStrings(v, `${param}[${i}]`, out);
    }
    return;
  }
  if (!node || typeof node !== "object") return;
  const o = node as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (STRUCTURAL.has(k) || skip?.has(k)) continue;
    const v = o[k];
    const path = param ? `${param}.${k}` : k;
    if (typeof v === "string") out.push({ role: "meta", param: path, get: () => o[k] as string, set: (x) => (o[k] = x) });
    else if (v && typeof v === "object") walkStrings(v, path, out);
  }
}

const MESSAGE_HANDLED = new Set(["content", "tool_calls"]);
const CHAT_HANDLED = new Set(["messages", "tools"]);
const NAME = new Set(["name"]);
const TOOL_HANDLED = new Set(["function"]);

/**
 * Every text of a chat request the provider will see: message content (by role),
 * tool-call arguments, and every other string field (`user`, `metadata`, a
 * message's `name`, tool descriptions and parameter schemas, `stop`,
 * `response_format`, fields passed through unknown) as role "meta".
 */
export function chatTextSlots(chat: ChatRequest): TextSlot[] {
  const out: TextSlot[] = [];
  chat.messages.forEach((m, i) => {
    const c = (m as { content?: string | ContentPart[] | null }).content;
    if (typeof c === "string") out.push({ role: m.role, param: "messages", get: () => (m as { content: string }).content, set: (v) => ((m as { content: string }).content = v) });
    else if (Array.isArray(c)) out.push(...partSlots(m.role, c));
    if (m.role === "assistant") {
      for (const tc of m.tool_calls ?? []) out.push({ role: "assistant", param: "messages", get: () => tc.function.arguments, set: (v) => (tc.function.arguments = v) });
    }
    walkStrings(m, `messages[${i}]`, out, MESSAGE_HANDLED);
  });
  // Tool definitions: descriptions and parameter schemas; the function's name is its identifier.
  (chat.tools ?? []).forEach((t, i) => {
    walkStrings(t, `tools[${i}]`, out, TOOL_HANDLED);
    if (t.function) walkStrings(t.function, `tools[${i}].function`, out, NAME);
  });
  walkStrings(chat, "", out, CHAT_HANDLED);
  return out;
}

export function embeddingTextSlots(req: EmbeddingsRequest): TextSlot[] {
  const out: TextSlot[] = [];
  if (typeof req.input === "string") out.push({ role: "input", param: "input", get: () => req.input as string, set: (v) => (req.input = v) });
  else if (Array.isArray(req.input) && req.input.every((x) => typeof x === "string")) {
    const arr = req.input as string[];
    arr.forEach((_, i) => out.push({ role: "input", param: "input", get: () => arr[i]!, set: (v: string) => (arr[i] = v) }));
  } // token arrays: nothing readable to scan
  walkStrings(req, "", out, new Set(["input"]));
  return out;
}

const blocked = (what: string, detectors: string[], param: string) =>
  new GatewayError(
    400,
    "invalid_request_error",
    "content_blocked",
    `The request was blocked by the content policy of ${what}: it contains ${detectors.map((d) => d.replace(/_/g, " ")).join(", ")}. Remove that data and try again.`,
    param,
  );

function scopeName(p: ResolvedPolicy, g: GuardInput): string {
  return p.scopeType === "route" ? `route '${g.route.alias}'` : p.scopeType === "api" ? "this API" : "this gateway";
}

/** The guard: first in the ordered list of lib/gateway/guards.ts. */
export function contentGuard(g: GuardInput & { embeddings?: EmbeddingsRequest }): void | Promise<void> {
  const cs = contentSnapshot();
  // Loaded once per config snapshot: a promise only on the first call after a change.
  return cs instanceof Promise ? cs.then((v) => contentWith(g, v)) : contentWith(g, cs);
}

function contentWith(g: GuardInput & { embeddings?: EmbeddingsRequest }, cs: ContentSnapshot): void {
  const p = resolvePolicy(cs, g.route.id, g.rec.apiId);
  if (!p) return;
  const slots = g.chat ? chatTextSlots(g.chat) : g.embeddings ? embeddingTextSlots(g.embeddings) : [];
  if (!slots.length) return;
  const param = g.chat ? "messages" : "input";
  const firstHit = (detectors: readonly Detector[]) => {
    const hit = new Set<string>();
    let where: string | null = null;
    for (const s of slots) {
      for (const f of scan(s.get(), detectors)) {
        hit.add(f.detector);
        where ??= s.param;
      }
    }
    return { hit, where: where ?? param };
  };

  // Injection: caller-controlled text only (user and tool messages, embedding input), not the app's system prompt.
  if (p.injectionMode !== "off") {
    const rules = new Set<string>();
    for (const s of slots) {
      if (s.role === "system" || s.role === "developer" || s.role === "assistant" || s.role === "meta") continue;
      for (const f of detectInjection(s.get())) rules.add(f.rule);
    }
    if (rules.size) {
      if (p.injectionMode === "block") {
        throw new GatewayError(
          400,
          "invalid_request_error",
          "prompt_injection_blocked",
          `The request was blocked by the content policy of ${scopeName(p, g)}: possible prompt injection (${[...rules].join(", ")}).`,
          param,
        );
      }
      addFlag(g.rec, "prompt_injection");
      for (const r of rules) addFlag(g.rec, `injection:${r}`);
    }
  }

  if (p.promptMode === "off" || !p.detectors.length) return;
  if (p.promptMode === "block") {
    const { hit, where } = firstHit(p.detectors);
    if (hit.size) throw blocked(scopeName(p, g), [...hit], where);
    return;
  }
  // redact: blocked-term lists still block; everything else becomes typed placeholders.
  const terms = p.detectors.filter((d) => d.blockOnly);
  if (terms.length) {
    const { hit, where } = firstHit(terms);
    if (hit.size) throw blocked(scopeName(p, g), [...hit], where);
  }
  const r = new Redactor(p.detectors.filter((d) => !d.blockOnly));
  for (const s of slots) {
    const before = s.get();
    const after = r.redact(before);
    if (after !== before) s.set(after);
  }
  for (const [name] of r.counts) addFlag(g.rec, `redacted:${name}`);
}

// ---------------------------------------------------------------- response redaction

/** Rewrites the `data:` lines of SSE events whose payload is JSON. */
export function redactSse(s: string, r: Redactor): string {
  return s.replace(/^data: (.+)$/gm, (line, data: string) => {
    if (data === "[DONE]") return line;
    try {
      return `data: ${JSON.stringify(redactJsonText(JSON.parse(data), r))}`;
    } catch {
      return line;
    }
  });
}

/**
 * A sink that redacts the answer on its way out. JSON answers are redacted whole;
 * streams through a carry-over buffer per choice / content block
 * (lib/policy/guards-content-stream.ts). Error bodies pass unchanged.
 */
export function redactingSink(inner: GatewaySink, detectors: readonly Detector[], rec: CallRecord): GatewaySink {
  const active = detectors.filter((d) => !d.blockOnly);
  const r = new Redactor(active);
  const sse = streamRedactor(active, r);
  let mode: "json" | "sse" | "pass" = "pass";
  let jsonBuf = "";
  const done = () => {
    for (const [name] of r.counts) addFlag(rec, `response_redacted:${name}`);
  };
  return {
    head(status, headers) {
      const ct = Object.entries(headers).find(([k]) => k.toLowerCase() === "content-type")?.[1] ?? "";
      mode = status >= 200 && status < 300 ? (ct.includes("event-stream") ? "sse" : ct.includes("json") ? "json" : "pass") : "pass";
      inner.head(status, headers);
    },
    write(chunk) {
      if (mode === "json") {
        jsonBuf += chunk;
        return true;
      }
      return inner.write(mode === "sse" ? sse.write(chunk) : chunk);
    },
    drain: () => inner.drain(),
    end(chunk) {
      if (mode === "json") {
        const body = jsonBuf + (chunk ?? "");
        let out = body;
        try {
          out = JSON.stringify(redactJsonText(JSON.parse(body), r));
        } catch {
          /* not JSON after all: pass it on */
        }
        done();
        inner.end(out);
        return;
      }
      const last = chunk && mode === "sse" ? sse.write(chunk) : chunk;
      done();
      inner.end(last);
    },
    get headersSent() {
      return inner.headersSent;
    },
  };
}

// ---------------------------------------------------------------- log scrubbing

/**
 * Record hook: error messages (an upstream may echo the prompt), attempt errors and
 * captured bodies go through the built-in detectors and the enabled custom regex detectors before
 * the row is written, whatever the policy.
 */
export function scrubRecord(rec: CallRecord): void | Promise<void> {
  if (!rec.errorMessage && !rec.reqBody && !rec.resBody && !rec.attempts.some((a) => a.error)) return;
  let cs: ContentSnapshot | Promise<ContentSnapshot> | null = null;
  try {
    cs = contentSnapshot();
  } catch {
    /* snapshot unavailable (shutdown): built-ins only */
  }
  if (cs instanceof Promise) return cs.then((v) => scrubWith(rec, v.custom), () => scrubWith(rec, []));
  scrubWith(rec, cs?.custom ?? []);
}

function scrubWith(rec: CallRecord, custom: readonly Detector[]): void {
  const detectors: Detector[] = [...defaultDetectors(), ...custom];
  const r = new Redactor(detectors);
  if (rec.errorMessage) rec.errorMessage = r.redact(rec.errorMessage);
  for (const a of rec.attempts) if (a.error) a.error = r.redact(a.error);
  // captured bodies (lib/telemetry/capture.ts): the raw request, whatever the prompt policy did upstream
  if (rec.reqBody) rec.reqBody = r.redact(rec.reqBody);
  if (rec.resBody) rec.resBody = r.redact(rec.resBody);
}
