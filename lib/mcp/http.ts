/**
 * fetch for the upstream MCP client on keep-alive undici Pools (one per origin).
 * Why: global fetch costs ~340 µs of CPU per call on this class of machine,
 * `Pool.request` ~60 µs (docs/architecture.md); the SDK transport accepts any
 * fetch-compatible function.
 */
import { Pool, type Dispatcher } from "undici";
import { completingSseBody } from "./upstream";
import { mcpConnectLookup } from "./outbound";
import { runtime } from "@/lib/runtime";

const pools = runtime().mcp.pools;

export function poolFor(origin: string): Pool {
  let p = pools.get(origin);
  if (!p) {
    // Every session may hold a GET stream: size for streams, not requests per second.
    p = new Pool(origin, { connections: Number(process.env.PORTICO_MCP_UPSTREAM_CONNECTIONS || 1024), pipelining: 1, keepAliveTimeout: 30_000, connect: { timeout: 10_000, lookup: mcpConnectLookup } });
    pools.set(origin, p);
  }
  return p;
}

function webBody(body: Dispatcher.ResponseData["body"]): ReadableStream<Uint8Array> {
  const it = body[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(c) {
      try {
        const { value, done } = await it.next();
        if (done) c.close();
        else c.enqueue(value as Uint8Array);
      } catch (e) {
        c.error(e);
      }
    },
    cancel() {
      body.destroy();
    },
  });
}

const NO_BODY = new Set([101, 204, 205, 304]);

/** `completeIds`: JSON-RPC requests of this POST; an SSE answer that ends without them gets error events (see upstream.ts). */
export async function poolFetch(input: string | URL, init: RequestInit = {}, completeIds: (string | number)[] = []): Promise<Response> {
  const u = typeof input === "string" ? new URL(input) : input;
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((v, k) => (headers[k] = v));
  const method = init.method ?? "GET";
  const r = await poolFor(u.origin).request({
    method: method as Dispatcher.HttpMethod,
    path: u.pathname + u.search,
    headers,
    body: typeof init.body === "string" ? init.body : undefined,
    signal: init.signal ?? undefined,
    // the SDK client times each request itself; an SSE stream may stay quiet for long
    headersTimeout: 300_000,
    bodyTimeout: 0,
  });
  const h = new Headers();
  for (const [k, v] of Object.entries(r.headers)) {
    if (Array.isArray(v)) for (const x of v) h.append(k, x);
    else if (v !== undefined) h.set(k, v);
  }
  if (NO_BODY.has(r.statusCode) || method === "HEAD") {
    r.body.resume();
    return new Response(null, { status: r.statusCode, headers: h });
  }
  if (completeIds.length && (h.get("content-type") ?? "").toLowerCase().startsWith("text/event-stream")) {
    return new Response(completingSseBody(r.body as AsyncIterable<Uint8Array>, completeIds, () => r.body.destroy()), { status: r.statusCode, headers: h });
  }
  return new Response(webBody(r.body), { status: r.statusCode, headers: h });
}

export async function closeMcpPools(): Promise<void> {
  await Promise.allSettled([...pools.values()].map((p) => p.close()));
  pools.clear();
}
