import { Pool, errors, util, type Dispatcher } from "undici";
import type { IncomingHttpHeaders } from "node:http";
import type { UpstreamRequest } from "@/lib/providers/types";
import type { AbortLike } from "./types";
import { applyUpstreamAuth } from "./upstream-auth";
import { runtime } from "@/lib/runtime";

/**
 * One keep-alive undici Pool per upstream origin. The connection cap is sized
 * for concurrent streams (each SSE stream holds a connection for its whole
 * life), not for requests per second — a small cap silently queues streams.
 */
const pools = runtime().pools;

const CONNECTIONS = Number(process.env.PORTICO_UPSTREAM_CONNECTIONS || 2048);

function poolFor(origin: string): Pool {
  let p = pools.get(origin);
  if (!p) {
    p = new Pool(origin, {
      connections: CONNECTIONS,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
      connect: { timeout: 10_000 },
    });
    pools.set(origin, p);
  }
  return p;
}

export interface SendOptions {
  signal: AbortLike;
  /** time to response headers (first byte) */
  headersTimeout: number;
  /** max idle time between body chunks */
  bodyTimeout: number;
}

export function sendUpstream(up: UpstreamRequest, o: SendOptions): Promise<Dispatcher.ResponseData> {
  // SigV4 / Google token: applied last, over the final headers (see UpstreamRequest.auth).
  if (up.auth) return applyUpstreamAuth(up, postForm).then((signed) => send(signed, o));
  return send(up, o);
}

/** The token exchange of a Google service account, on the same pools (bounded by a 10 s timeout). */
async function postForm(url: string, body: string): Promise<{ status: number; text: string }> {
  const u = new URL(url);
  const res = await poolFor(u.origin).request({
    method: "POST",
    path: u.pathname + u.search,
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  return { status: res.statusCode, text: await res.body.text() };
}

// Upstream URLs repeat (one per target and operation): parsed once, not per call.
const parsed = new Map<string, { origin: string; path: string }>();
function parseUrl(url: string): { origin: string; path: string } {
  let p = parsed.get(url);
  if (!p) {
    const u = new URL(url);
    p = { origin: u.origin, path: u.pathname + u.search };
    if (parsed.size >= 1000) parsed.clear();
    parsed.set(url, p);
  }
  return p;
}

function send(up: UpstreamRequest, o: SendOptions): Promise<Dispatcher.ResponseData> {
  const u = parseUrl(up.url);
  return poolFor(u.origin).request({
    method: up.method,
    path: u.path,
    headers: up.headers,
    body: up.body,
    signal: o.signal as unknown as Dispatcher.RequestOptions["signal"],
    headersTimeout: o.headersTimeout,
    bodyTimeout: o.bodyTimeout,
  });
}

/** A non-streamed answer: status and headers, then the whole body as text. */
export interface BufferedResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** the body as UTF-8 (a leading BOM dropped), as undici's `body.text()` reads it */
  text(): Promise<string>;
}

/**
 * `sendUpstream` for an answer read whole (non-streamed calls): undici's dispatch with a plain
 * handler that collects the body, instead of `request()`'s async resource and body stream per call.
 * Same settlement as `request()` + `body.text()`: rejects (before the headers) or `text()`
 * rejects (after) with undici's error, or the signal's reason when it fired.
 */
export function sendUpstreamBuffered(up: UpstreamRequest, o: SendOptions): Promise<BufferedResponse> {
  if (up.auth) return applyUpstreamAuth(up, postForm).then((signed) => dispatchBuffered(signed, o));
  return dispatchBuffered(up, o);
}

const BOM = 0xfeff;

function dispatchBuffered(up: UpstreamRequest, o: SendOptions): Promise<BufferedResponse> {
  const u = parseUrl(up.url);
  return new Promise<BufferedResponse>((resolve, reject) => {
    const signal = o.signal;
    const chunks: Buffer[] = [];
    let res: (BufferedResponse & { done: boolean; error: unknown; text(): Promise<string> }) | null = null;
    let waiting: { resolve: (s: string) => void; reject: (e: unknown) => void } | null = null;
    let abortFn: ((e: Error) => void) | null = null;
    let reason: unknown = null;
    let settled = false;
    const onAbort = () => {
      reason = (signal as { reason?: unknown }).reason ?? new errors.RequestAbortedError();
      if (abortFn) abortFn(reason as Error);
    };
    const detach = () => signal.off?.("abort", onAbort);
    const bodyText = (): string => {
      const s = chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8");
      return s.charCodeAt(0) === BOM ? s.slice(1) : s;
    };
    const handler: Dispatcher.DispatchHandler = {
      onConnect(abort) {
        if (reason !== null) abort(reason as Error);
        else abortFn = abort as (e: Error) => void;
      },
      onHeaders(statusCode, rawHeaders) {
        const headers = util.parseHeaders(rawHeaders as unknown as Buffer[]) as IncomingHttpHeaders;
        const r = {
          statusCode,
          headers,
          done: false,
          error: null as unknown,
          text(): Promise<string> {
            if (r.error !== null) return Promise.reject(r.error);
            if (r.done) return Promise.resolve(bodyText());
            return new Promise<string>((ok, fail) => (waiting = { resolve: ok, reject: fail }));
          },
        };
        res = r;
        settled = true;
        resolve(r);
        return true;
      },
      onData(chunk) {
        chunks.push(chunk);
        return true;
      },
      onComplete() {
        detach();
        if (!res) return;
        res.done = true;
        if (waiting) waiting.resolve(bodyText());
      },
      onError(err) {
        detach();
        const e = reason ?? err;
        if (!settled) {
          settled = true;
          reject(e);
          return;
        }
        if (res && !res.done) {
          res.error = e;
          if (waiting) waiting.reject(e);
        }
      },
    };
    if ((signal as { aborted?: boolean }).aborted) onAbort();
    else signal.on("abort", onAbort);
    try {
      poolFor(u.origin).dispatch(
        { method: up.method as Dispatcher.HttpMethod, path: u.path, headers: up.headers, body: up.body, headersTimeout: o.headersTimeout, bodyTimeout: o.bodyTimeout },
        handler,
      );
    } catch (e) {
      detach();
      reject(e);
    }
  });
}

export async function closePools(): Promise<void> {
  await Promise.allSettled([...pools.values()].map((p) => p.close()));
  pools.clear();
}
