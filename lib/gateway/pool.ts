import { Pool, type Dispatcher } from "undici";
import type { UpstreamRequest } from "@/lib/providers/types";
import type { AbortLike } from "./types";

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
  const u = new URL(up.url);
  return poolFor(u.origin).request({
    method: up.method,
    path: u.pathname + u.search,
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
