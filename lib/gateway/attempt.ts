import { createParser, type EventSourceMessage } from "eventsource-parser";
import type { ChatRequest, ChatResponse, ProviderError, SseEvent, StreamDecoder, StreamTransformer, Usage } from "@/lib/providers/types";
import { mockChat } from "@/lib/providers/mock";
import { httpAdapter } from "./adapters";
import { sendUpstream } from "./pool";
import { Abort } from "./abort";
import { GatewayError } from "./errors";
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
  | { answered: false; status: number | null; verdict: Verdict; err: GatewayError; retryAfterMs: number | null };

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

function fromProviderError(pe: ProviderError): GatewayError {
  return new GatewayError(pe.status, pe.type, pe.code ?? null, pe.message, pe.param ?? null);
}

function networkError(e: unknown, t: TargetInfo): AttemptResult {
  // A credential that could not be applied (Vertex token exchange refused): an upstream answer, not "unreachable".
  const auth = (e as { providerError?: ProviderError })?.providerError;
  if (auth) return fail(auth.status, fromProviderError(auth));
  const code = (e as { code?: string })?.code ?? "";
  if (code === "UND_ERR_HEADERS_TIMEOUT") return fail(null, new GatewayError(504, "timeout_error", "upstream_timeout", `Upstream ${t.label} sent no response before the first-byte timeout.`));
  if (code === "UND_ERR_BODY_TIMEOUT") return fail(null, new GatewayError(504, "timeout_error", "upstream_timeout", `Upstream ${t.label} stalled while sending its answer.`));
  const msg = e instanceof Error ? e.message : String(e);
  return fail(null, new GatewayError(502, "api_error", "upstream_unreachable", `Could not reach upstream ${t.label}: ${code || msg}.`));
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
    const pe = (e as { providerError?: ProviderError }).providerError;
    if (pe) return fail(pe.status, fromProviderError(pe));
    throw e;
  }
  // W3C traceparent of this attempt's span (and the caller's tracestate) for the provider
  up = withTraceHeaders(up, c.client);
  const abort = new Abort();
  const onClient = () => abort.abort("client");
  c.client.on("abort", onClient);
  const total = c.retry.totalTimeoutMs ?? c.t.provider.totalTimeoutMs;
  const timer = setTimeout(() => abort.abort("timeout"), total);
  try {
    let res;
    try {
      res = await sendUpstream(up, {
        signal: abort,
        headersTimeout: c.retry.firstByteTimeoutMs ?? c.t.provider.firstByteTimeoutMs,
        bodyTimeout: c.stream ? (c.retry.streamIdleTimeoutMs ?? 60_000) : total,
      });
    } catch (e) {
      if (abort.reason === "client") return fail(null, new GatewayError(499, "client_closed", "client_closed_request", "The client closed the request before the upstream answered."));
      if (abort.reason === "timeout") return fail(null, new GatewayError(504, "timeout_error", "upstream_timeout", `Upstream ${c.t.label} did not finish within ${total} ms.`));
      return networkError(e, c.t);
    }
    const ct = res.headers["content-type"];
    const ctype = Array.isArray(ct) ? ct[0] : ct;
    if (res.statusCode < 200 || res.statusCode >= 300) {
      const text = await res.body.text().catch(() => "");
      const pe = adapter.error(res.statusCode, text, ctype, res.headers);
      return fail(res.statusCode, fromProviderError(pe), parseRetryAfter(res.headers["retry-after"]) ?? pe.retryAfterMs ?? null);
    }
    if (!c.stream) {
      let text: string;
      try {
        text = await res.body.text();
      } catch (e) {
        return networkError(e, c.t);
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return fail(502, new GatewayError(502, "api_error", "upstream_invalid_response", `Upstream ${c.t.label} returned a truncated or invalid JSON body.`));
      }
      let resp: ChatResponse;
      try {
        resp = adapter.chatResponse(json, { model: c.alias, id: c.responseId, created: c.created, request: c.req });
      } catch (e) {
        return fail(502, new GatewayError(502, "api_error", "upstream_invalid_response", `Upstream ${c.t.label} answered in an unexpected shape: ${(e as Error).message}`));
      }
      return respondJson(c, resp);
    }
    return await pumpStream(c, res.body, adapter.chatStream({ model: c.alias, id: c.responseId, created: c.created, includeUsage: c.includeUsage, request: c.req }), abort, adapter.streamDecoder?.());
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
  const emit = (chunks: ReturnType<StreamTransformer["push"]>) => {
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
          if (!c.sink.headersSent && !pending) return fail(pe.status, fromProviderError(pe));
          cutError = pe.message;
          break;
        }
      }
      await flush();
      if (cutError || c.client.aborted) break;
    }
  } catch (e) {
    if (c.client.aborted) return { answered: true, outcome: "aborted", usage: tr.usage(), ttftMs: ttft, text };
    if (!c.sink.headersSent) return networkError(e, c.t);
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
  if (!c.sink.headersSent && !pending) return fail(502, new GatewayError(502, "api_error", "upstream_stream_interrupted", `Upstream ${c.t.label}: ${why} before any data.`));
  await flush();
  c.sink.end(c.out.error(new GatewayError(502, "api_error", "upstream_stream_interrupted", `The upstream stream was interrupted: ${why}. The answer above is incomplete.`)));
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
