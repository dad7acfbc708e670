import { Pool, type Dispatcher } from "undici";
import type { UpstreamRequest } from "@/lib/providers/types";
import type { AbortLike } from "./types";
import { applyUpstreamAuth } from "./upstream-auth";

/**
 * One keep-alive undici Pool per upstream origin. The connection cap is sized
 * for concurrent streams (each SSE stream holds a connection for its whole
 * life), not for requests per second — a small cap silently queues streams.
 */
const g = globalThis as unknown as { __porticoPools?: Map<string, Pool> };
const pools = (g.__porticoPools ??= new Map());

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

export async function closePools(): Promise<void> {
  await Promise.allSettled([...pools.values()].map((p) => p.close()));
  pools.clear();
}
