/**
 * Model name → behavior. A Portico target configured with upstream model `fault-429-once`
 * (or `gpt-4o-fault-429-once`, tokens may sit anywhere in the name) gets that behavior, so
 * tests drive faults through ordinary config instead of a side channel.
 *
 * Tokens (combinable where it makes sense, e.g. `chunks-3-delay-50-parallel-tools`):
 *   fault-NNN            HTTP NNN with the provider's error body (429 adds Retry-After: 1)
 *   fault-slow-N         wait N ms before sending headers, then OK
 *   fault-slow-stream-N  headers at once, then every frame (or the body) after N ms
 *   fault-cut            stream: 2 content chunks then socket destroyed; non-stream: half body
 *   fault-html           502 text/html nginx page
 *   fault-truncated-json 200 application/json with a cut body (complete HTTP message)
 *   fault-midstream-error stream: 2 content chunks, then the provider's in-stream error event
 *   fault-…-once         the fault only on the first call per fake instance, OK afterwards
 *   chunks-N / long-N    N content chunks (default 5); long streams respect backpressure
 *   delay-N              OK after N ms (non-stream) / N ms between chunks (stream)
 *   tool-call            answer with a tool call when tools are present even if not forced
 *   parallel-tools       two tool calls instead of one (when a tool call is answered)
 */

export type Fault =
  | { type: "status"; status: number }
  | { type: "cut" }
  | { type: "html" }
  | { type: "truncated-json" }
  | { type: "midstream-error" };

export interface Behavior {
  fault: Fault | null;
  /** The fault applies to the first call only (per model, per fake instance). */
  once: boolean;
  /** Wait before sending headers. */
  slowHeadersMs: number;
  /** Headers at once, then wait this long before every frame / the body. */
  slowStreamMs: number;
  /** Non-stream: wait before answering; stream: gap between chunks. */
  delayMs: number;
  /** Content chunks in a stream (and how the reply text is padded). */
  chunks: number;
  parallelTools: boolean;
  toolCallUnforced: boolean;
}

export const DEFAULT_CHUNKS = 5;
// A cap keeps a typo like long-1e9 from eating the machine.
const MAX_CHUNKS = 5_000_000;

const cache = new Map<string, Behavior>();

function num(name: string, re: RegExp): number | null {
  const m = re.exec(name);
  return m ? Number(m[1]) : null;
}

/** Parses (and caches: the benchmark sends the same few names millions of times). */
export function behaviorOf(model: string): Behavior {
  let b = cache.get(model);
  if (b) return b;
  b = parse(model);
  if (cache.size > 10_000) cache.clear();
  cache.set(model, b);
  return b;
}

function parse(raw: string): Behavior {
  const name = raw.toLowerCase();
  const b: Behavior = {
    fault: null,
    once: false,
    slowHeadersMs: 0,
    slowStreamMs: 0,
    delayMs: 0,
    chunks: DEFAULT_CHUNKS,
    parallelTools: name.includes("parallel-tools"),
    toolCallUnforced: name.includes("tool-call") || name.includes("parallel-tools"),
  };
  const chunks = num(name, /(?:^|[^a-z0-9])(?:chunks|long)-(\d+)/);
  if (chunks !== null) b.chunks = Math.min(chunks, MAX_CHUNKS);
  const delay = num(name, /(?:^|[^a-z0-9])delay-(\d+)/);
  if (delay !== null) b.delayMs = delay;

  const slowStream = num(name, /fault-slow-stream-(\d+)/);
  const slow = slowStream === null ? num(name, /fault-slow-(\d+)/) : null;
  if (slowStream !== null) b.slowStreamMs = slowStream;
  if (slow !== null) b.slowHeadersMs = slow;

  const status = num(name, /fault-(\d{3})(?!\d)/);
  if (status !== null) b.fault = { type: "status", status };
  else if (name.includes("fault-cut")) b.fault = { type: "cut" };
  else if (name.includes("fault-html")) b.fault = { type: "html" };
  else if (name.includes("fault-truncated-json")) b.fault = { type: "truncated-json" };
  else if (name.includes("fault-midstream-error")) b.fault = { type: "midstream-error" };

  b.once = /fault-[a-z0-9-]*?-once(?![a-z0-9])/.test(name);
  return b;
}

/**
 * The same behavior with every fault removed (fault-slow-* included): what a `-once` model answers
 * after its first call and what `{kind:"ok"}` answers. `delay-N` is kept: it is not a fault.
 */
export function healthy(b: Behavior): Behavior {
  return { ...b, fault: null, once: false, slowHeadersMs: 0, slowStreamMs: 0 };
}
