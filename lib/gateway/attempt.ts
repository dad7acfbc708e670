import { createParser, type EventSourceMessage } from "eventsource-parser";
import type { ChatRequest, ChatResponse, ProviderError, SseEvent, StreamDecoder, StreamTransformer, Usage } from "@/lib/providers/types";
import { mockChat } from "@/lib/providers/mock";
import { httpAdapter } from "./adapters";
import { sendUpstream, sendUpstreamBuffered, type BufferedResponse } from "./pool";
import type { Dispatcher } from "undici";
import { Abort } from "./abort";
import { GatewayError, upstreamError } from "./errors";
import { parseRetryAfter, verdictFor, type Verdict } from "./routing";
import { SSE_HEADERS, type ChatOutput } from "./output";
import type { TargetInfo } from "./snapshot";
import type { AbortLike, GatewaySink } from "./types";
import type { RetryPolicy } from "@/lib/db/schema";
import { withTraceHeaders } from "@/lib/telemetry/trace";

export interface AttemptCtx {
  req: ChatRequest;
  t: TargetInfo;
  stream: boolean;
  /** OpenAI inbound: did the client ask for the usage chunk */
  includeUsage: boolean;
  alias: string;
  responseId: string;
  created: number;
  out: ChatOutput;
  sink: GatewaySink;
  client: AbortLike;
  retry: RetryPolicy;
  /** headers the gateway adds to a successful answer */
  headers: () => Record<string, string>;
}

/** What one attempt produced. `answered`: the client got a response (ok, partial or aborted) — never retry then. */
export type AttemptResult =
  | { answered: true; outcome: "ok" | "partial" | "aborted"; usage: Usage | null; ttftMs: number | null; text: string; error?: string; response?: ChatResponse }
  | { answered: false; status: number | null; verdict: Verdict; err: GatewayError; retryAfterMs: number | null; local?: boolean };

const sleep = (ms: number, signal: AbortLike) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.off?.("abort", done);
      resolve();
    }
    signal.on("abort", done);
  });

function fail(status: number | null, err: GatewayError, retryAfterMs: number | null = null): AttemptResult {
  return { answered: false, status, verdict: verdictFor(status), err, retryAfterMs };
}

/**
 * The upstream's own error (a non-2xx answer, or an error event in its stream) as the caller sees it.
 * Server errors, rate limits and Portico's misconfigured targets get a generic message (the
 * upstream's words name its models, organisations and accounts); the caller's own mistakes (other
 * 4xx) keep the provider's explanation, with the names of the target swapped for the public alias.
 * The upstream's words always reach the log (`detail`).
 */
export function fromProviderError(pe: ProviderError, t: TargetInfo, alias: string): GatewayError {
  const detail = `Upstream ${t.label} answered ${pe.status}: ${pe.message}`;
  let e: GatewayError;
  if (pe.status === 429) {
    // Passed through only when every target is rate limited; the code tells it from Portico's own limits.
    e = new GatewayError(429, pe.type || "rate_limit_error", "upstream_rate_limited", "The upstream provider is rate limiting this model; retry after a short wait.");
  } else if (pe.status >= 500 || pe.status === 401 || pe.status === 403 || pe.status === 404) {
    e = new GatewayError(pe.status, pe.type, pe.code ?? null, `The upstream provider failed to answer (HTTP ${pe.status}).`);
  } else {
    e = new GatewayError(pe.status, pe.type, pe.code ?? null, scrubNames(pe.message, t, alias), pe.param ?? null);
  }
  e.detail = detail;
  return e;
}

/** The target's provider name and upstream model id out of a text the caller will read. */
export function scrubNames(text: string, t: TargetInfo, alias: string): string {
  let out = text;
  if (t.model.upstreamModel && t.model.upstreamModel !== alias) out = out.split(t.model.upstreamModel).join(alias);
  if (t.provider.name.length >= 3) out = out.split(t.provider.name).join("the provider");
  return out;
}

/**
 * undici errors that say nothing about the upstream: the request was never sent because of
 * Portico itself (an invalid argument, a pool closed by shutdown). They must not count against
 * the target's breaker, nor be retried on another target.
 */
const LOCAL_CODES = new Set(["UND_ERR_INVALID_ARG", "UND_ERR_NOT_SUPPORTED", "UND_ERR_CLOSED", "UND_ERR_DESTROYED", "UND_ERR_REQ_CONTENT_LENGTH_MISMATCH"]);

/** A network error, a timeout, or (no code / a local code) a failure of Portico's own. */
export function networkError(e: unknown, t: TargetInfo, alias = t.model.upstreamModel): AttemptResult & { answered: false } {
  // A credential that could not be applied (Vertex token exchange refused): an upstream answer, not "unreachable".
  const auth = (e as { providerError?: ProviderError })?.providerError;
  if (auth) return fail(auth.status, fromProviderError(auth, t, alias)) as AttemptResult & { answered: false };
  const code = (e as { code?: string })?.code ?? "";
  const msg = e instanceof Error ? e.message : String(e);
  if (code === "UND_ERR_HEADERS_TIMEOUT") {
    return fail(null, upstreamError(504, "timeout_error", "upstream_timeout", "The upstream provider did not answer in time.", `Upstream ${t.label} sent no response before the first-byte timeout.`)) as AttemptResult & { answered: false };
  }
  if (code === "UND_ERR_BODY_TIMEOUT") {
    return fail(null, upstreamError(504, "timeout_error", "upstream_timeout", "The upstream provider did not answer in time.", `Upstream ${t.label} stalled while sending its answer.`)) as AttemptResult & { answered: false };
  }
  if (!code || LOCAL_CODES.has(code)) {
    const closed = code === "UND_ERR_CLOSED" || code === "UND_ERR_DESTROYED";
    const err = closed
      ? upstreamError(503, "api_error", "unavailable", "Portico is restarting; retry the request.", `Upstream pool for ${t.label} is closed (${code}).`, { "x-portico-refusal": "shutting_down" })
      : upstreamError(500, "api_error", "internal_error", "Portico hit an internal error handling this request.", `Request to ${t.label} not sent: ${code || msg}`);
    return { answered: false, status: null, verdict: "return", err, retryAfterMs: null, local: true };
  }
  return fail(null, upstreamError(502, "api_error", "upstream_unreachable", "The upstream provider could not be reached.", `Could not reach upstream ${t.label}: ${code}: ${msg}.`)) as AttemptResult & { answered: false };
}

/** One try of one target. Writes to the client only once it has something to send. */
export async function attemptChat(c: AttemptCtx): Promise<AttemptResult> {
  if (c.t.provider.type === "mock") return attemptMock(c);
  const adapter = httpAdapter(c.t.provider.type)!;
  let up;
  try {
    up = adapter.chatRequest({ ...c.req, stream: c.stream }, c.t.target);
  } catch (e) {
    // e.g. Anthropic cannot take audio parts: the caller's request, so return it as is.
    // Nothing was sent: never an upstream failure (dispatch does not count it against the breaker).
    const pe = (e as { providerError?: ProviderError }).providerError;
    if (pe) return { ...fail(pe.status, new GatewayError(pe.status, pe.type, pe.code ?? null, pe.message, pe.param ?? null)), local: true } as AttemptResult;
    throw e;
  }
  // W3C traceparent of this attempt's span (and the caller's tracestate) for the provider
  up = withTraceHeaders(up, c.client);
  const abort = new Abort();
  const onClient = () => abort.abort("client");
  c.client.on("abort", onClient);
  const total = c.retry.totalTimeoutMs ?? c.t.provider.totalTimeoutMs;
  const timer = setTimeout(() => abort.abort("timeout"), total);
  // Our own abort (the client left, the total timeout), whether it stops the headers or the body.
  const stopped = (): AttemptResult | null =>
    abort.reason === "client"
      ? fail(null, new GatewayError(499, "client_closed", "client_closed_request", "The client closed the request before the upstream answered."))
      : abort.reason === "timeout"
        ? fail(null, upstreamError(504, "timeout_error", "upstream_timeout", "The upstream provider did not answer in time.", `Upstream ${c.t.label} did not finish within ${total} ms.`))
        : null;
  try {
    let res: Dispatcher.ResponseData | BufferedResponse;
    try {
      const opts = {
        signal: abort,
        headersTimeout: c.retry.firstByteTimeoutMs ?? c.t.provider.firstByteTimeoutMs,
        bodyTimeout: c.stream ? (c.retry.streamIdleTimeoutMs ?? 60_000) : total,
      };
      // a non-streamed answer is read whole: no body stream needed (pool.ts)
      res = c.stream ? await sendUpstream(up, opts) : await sendUpstreamBuffered(up, opts);
    } catch (e) {
      return stopped() ?? networkError(e, c.t, c.alias);
    }
    const ct = res.headers["content-type"];
    const ctype = Array.isArray(ct) ? ct[0] : ct;
    const r = res;
    const readText = (): Promise<string> => ("text" in r ? r.text() : r.body.text());
    if (res.statusCode < 200 || res.statusCode >= 300) {
      const text = await readText().catch(() => "");
      const pe = adapter.error(res.statusCode, text, ctype, res.headers);
      return fail(res.statusCode, fromProviderError(pe, c.t, c.alias), parseRetryAfter(res.headers["retry-after"]) ?? pe.retryAfterMs ?? null);
    }
    if (!c.stream) {
      let text: string;
      try {
        text = await readText();
      } catch (e) {
        // undici rejects with the abort's reason ("client", "timeout"), which is no network error
        return stopped() ?? networkError(e, c.t, c.alias);
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return fail(502, upstreamError(502, "api_error", "upstream_invalid_response", "The upstream provider returned an invalid answer.", `Upstream ${c.t.label} returned a truncated or invalid JSON body.`));
      }
      let resp: ChatResponse;
      try {
        resp = adapter.chatResponse(json, { model: c.alias, id: c.responseId, created: c.created, request: c.req });
      } catch (e) {
        return fail(502, upstreamError(502, "api_error", "upstream_invalid_response", "The upstream provider returned an invalid answer.", `Upstream ${c.t.label} answered in an unexpected shape: ${(e as Error).message}`));
      }
      return respondJson(c, resp);
    }
    return await pumpStream(c, (res as Dispatcher.ResponseData).body, adapter.chatStream({ model: c.alias, id: c.responseId, created: c.created, includeUsage: c.includeUsage, request: c.req }), abort, adapter.streamDecoder?.());
  } finally {
    clearTimeout(timer);
    c.client.off?.("abort", onClient);
  }
}

function responseText(r: ChatResponse): string {
  return r.choices.map((ch) => ch.message.content ?? "").join("");
}

function respondJson(c: AttemptCtx, resp: ChatResponse): AttemptResult {
  if (c.client.aborted) return { answered: true, outcome: "aborted", usage: resp.usage ?? null, ttftMs: null, text: responseText(resp) };
  c.sink.head(200, { "content-type": "application/json", ...c.headers() });
  c.sink.end(c.out.response(resp));
  // response: the canonical answer, for the response cache (lib/policy/cache-hooks.ts)
  return { answered: true, outcome: "ok", usage: resp.usage ?? null, ttftMs: null, text: responseText(resp), response: resp };
}

function chunkText(ch: { choices: { delta: { content?: string | null } }[] }): string {
  let s = "";
  for (const x of ch.choices) if (x.delta.content) s += x.delta.content;
  return s;
}

const MAX_TEXT_KEEP = 256 * 1024;

/** Upstream SSE → provider transformer → caller's format, chunk by chunk, honouring client backpressure. */
async function pumpStream(c: AttemptCtx, body: AsyncIterable<Buffer>, tr: StreamTransformer, abort: Abort, framing?: StreamDecoder): Promise<AttemptResult> {
  const events: SseEvent[] = [];
  const parser = createParser({ onEvent: (ev: EventSourceMessage) => events.push(ev) });
  const decoder = new TextDecoder();
  // SSE unless the provider frames its stream otherwise (Bedrock's binary event stream).
  const feed = framing ? (buf: Buffer) => void events.push(...framing.feed(buf)) : (buf: Buffer) => parser.feed(decoder.decode(buf, { stream: true }));
  const t0 = Date.now();
  let ttft: number | null = null;
  let text = "";
  const write = async (s: string) => {
    if (!c.sink.headersSent) {
      c.sink.head(200, { ...SSE_HEADERS, ...c.headers() });
      ttft = Date.now() - t0;
    }
    if (!c.sink.write(s)) await c.sink.drain();
  };
  // Frames decoded from one upstream read leave in one socket write (they would leave in the
  // same tick anyway): one writev instead of one per frame. Nothing is held across reads.
  let pending = "";
  let primed = false;
  const emit = (chunks: ReturnType<StreamTransformer["push"]>) => {
    if (!primed && chunks.length) {
      // The upstream's usage as known before the first chunk leaves (e.g. Anthropic's message_start).
      primed = true;
      c.out.prime?.(tr.usage());
    }
    for (const ch of chunks) {
      if (text.length < MAX_TEXT_KEEP) text += chunkText(ch);
      pending += c.out.chunk(ch);
    }
  };
  const flush = async () => {
    if (!pending) return;
    const s = pending;
    pending = "";
    await write(s);
  };
  let cutError: string | null = null;
  try {
    for await (const buf of body) {
      feed(buf);
      while (events.length) {
        const ev = events.shift()!;
        emit(tr.push({ event: ev.event, data: ev.data, id: ev.id }));
        const pe = tr.error?.();
        if (pe) {
          // Nothing decoded and nothing sent: another target may still answer. Content already
          // decoded is delivered first (then the error event), as if it had been written per frame.
          if (!c.sink.headersSent && !pending) return fail(pe.status, fromProviderError(pe, c.t, c.alias));
          cutError = `upstream error event: ${pe.message}`;
          break;
        }
      }
      await flush();
      if (cutError || c.client.aborted) break;
    }
  } catch (e) {
    if (c.client.aborted) return { answered: true, outcome: "aborted", usage: tr.usage(), ttftMs: ttft, text };
    if (!c.sink.headersSent) return networkError(e, c.t, c.alias);
    await flush();
    cutError = (e as { code?: string })?.code === "UND_ERR_BODY_TIMEOUT" ? "upstream stream idle timeout" : "upstream connection closed mid-stream";
  }
  if (c.client.aborted) {
    abort.abort("client");
    return { answered: true, outcome: "aborted", usage: tr.usage(), ttftMs: ttft, text };
  }
  if (!cutError) emit(tr.end());
  if (!cutError && tr.done) {
    pending += c.out.end(tr.usage());
    await flush();
    c.sink.end();
    return { answered: true, outcome: "ok", usage: tr.usage(), ttftMs: ttft, text };
  }
  const why = cutError ?? "upstream stream ended without its final event";
  if (!c.sink.headersSent && !pending) {
    return fail(502, upstreamError(502, "api_error", "upstream_stream_interrupted", "The upstream stream was interrupted before any data.", `Upstream ${c.t.label}: ${why} before any data.`));
  }
  await flush();
  // The caller reads a generic message; `why` (possibly the upstream's own words) goes to the log row.
  c.sink.end(c.out.error(new GatewayError(502, "api_error", "upstream_stream_interrupted", "The upstream stream was interrupted. The answer above is incomplete.")));
  return { answered: true, outcome: "partial", usage: tr.usage(), ttftMs: ttft, text, error: why };
}

/** The built-in mock: no network, deterministic, with configured latency and speed. */
async function attemptMock(c: AttemptCtx): Promise<AttemptResult> {
  const plan = mockChat(c.req, c.t.target);
  const ctx = { model: c.alias, id: c.responseId, created: c.created, includeUsage: c.includeUsage, request: c.req };
  if (!c.stream) {
    await sleep(plan.delaysMs.total, c.client);
    return respondJson(c, plan.response(ctx));
  }
  const t0 = Date.now();
  const chunks = plan.chunks(ctx);
  let ttft: number | null = null;
  let text = "";
  await sleep(plan.delaysMs.firstToken, c.client);
  c.out.prime?.(plan.usage);
  for (let i = 0; i < chunks.length; i++) {
    // The mock stops generating when the client leaves: no usage, so the record counts what was sent
    // (plan.usage is the whole planned answer).
    if (c.client.aborted) return { answered: true, outcome: "aborted", usage: null, ttftMs: ttft, text };
    if (i > 1 && plan.delaysMs.perToken > 0) await sleep(plan.delaysMs.perToken, c.client);
    if (!c.sink.headersSent) {
      c.sink.head(200, { ...SSE_HEADERS, ...c.headers() });
      ttft = Date.now() - t0;
    }
    text += chunkText(chunks[i]!);
    if (!c.sink.write(c.out.chunk(chunks[i]!))) await c.sink.drain();
  }
  c.sink.end(c.out.end(plan.usage));
  return { answered: true, outcome: "ok", usage: plan.usage, ttftMs: ttft, text };
}
