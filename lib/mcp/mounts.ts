/**
 * The two mounts of /mcp/{slug}: Node's req/res for the production server's fast
 * path (server.ts), and web Request/Response for the Next route handler
 * (app/mcp/[slug]/route.ts, used by `next dev`). Same handler behind both.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { BODY_LIMIT } from "@/lib/gateway/stages/parse";
import { log } from "@/lib/telemetry/logger";
import { handleMcp, isDirectAnswer, type McpHttpRequest } from "./handler";

function readBody(req: IncomingMessage): Promise<{ body: Buffer | null; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    if (req.method !== "POST") {
      req.resume();
      return resolve({ body: null, tooLarge: false });
    }
    if (Number(req.headers["content-length"] ?? -1) > BODY_LIMIT) {
      req.resume();
      return resolve({ body: null, tooLarge: true });
    }
    const parts: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (b: Buffer) => {
      size += b.length;
      if (size > BODY_LIMIT) tooLarge = true;
      else if (!tooLarge) parts.push(b);
    });
    req.on("end", () => resolve({ body: tooLarge ? null : Buffer.concat(parts), tooLarge }));
    req.on("error", reject);
  });
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const go = () => {
      res.off("drain", go);
      res.off("close", go);
      resolve();
    };
    res.on("drain", go);
    res.on("close", go);
  });
}

const internalError = JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32603, message: "Internal error" } });

/** Node http → handleMcp, streaming the answer with backpressure; a client that leaves cancels the SDK stream. */
export function mcpNodeHandler(req: IncomingMessage, res: ServerResponse): void {
  // A flag and one callback instead of an AbortController (~70 µs each on this class of machine).
  let gone = false;
  let onGone: (() => void) | null = null;
  res.on("close", () => {
    if (res.writableFinished) return;
    gone = true;
    onGone?.();
  });
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  readBody(req)
    .then(async ({ body, tooLarge }) => {
      const host = req.headers.host ?? "localhost";
      const mreq: McpHttpRequest = {
        method: req.method ?? "GET",
        path: q === -1 ? url : url.slice(0, q),
        url: `http://${host}${url}`,
        headers: req.headers as Record<string, string | undefined>,
        body,
        bodyTooLarge: tooLarge,
      };
      const r = await handleMcp(mreq);
      if (isDirectAnswer(r)) {
        if (gone) return;
        res.writeHead(r.status, r.headers);
        return void res.end(r.body);
      }
      const headers: Record<string, string> = {};
      r.headers.forEach((v, k) => (headers[k] = v));
      res.writeHead(r.status, headers);
      if (!r.body) return void res.end();
      // The GET stream may stay quiet for long: send its head now, not with the first event
      // (Node holds the head until the first write; clients waited ~15 s for the SDK's first keep-alive).
      if (req.method === "GET") res.flushHeaders();
      const reader = r.body.getReader();
      onGone = () => void reader.cancel().catch(() => undefined);
      if (gone) onGone();
      // A tools/call answer is usually one SSE event followed at once by the end of the stream:
      // hold a chunk until the next read settles (at most one event-loop turn) so head, event
      // and end leave in one write; a progress event still goes out within that turn.
      let held: Uint8Array | null = null;
      for (;;) {
        const next = reader.read();
        if (held) {
          const first = await Promise.race([next, new Promise<null>((resolve) => setImmediate(resolve, null))]);
          if (first === null || !first.done) {
            if (!res.write(held)) await drained(res);
            held = null;
          }
        }
        const { value, done } = await next;
        if (done) {
          if (held) res.end(held);
          else res.end();
          return;
        }
        held = value;
      }
    })
    .catch((e: unknown) => {
      if (gone) return;
      log.error("mcp mount error", { path: req.url, err: e });
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(internalError);
    });
}

/** Web Request → handleMcp (the Next route handler). */
export async function handleMcpWebRequest(request: Request): Promise<Response> {
  const url = new URL(request.url);
  let body: Buffer | null = null;
  let tooLarge = Number(request.headers.get("content-length") ?? -1) > BODY_LIMIT;
  if (!tooLarge && request.method === "POST" && request.body) {
    const buf = Buffer.from(await request.arrayBuffer());
    tooLarge = buf.length > BODY_LIMIT;
    body = tooLarge ? null : buf;
  }
  const headers: Record<string, string> = {};
  request.headers.forEach((v, k) => (headers[k] = v));
  try {
    const r = await handleMcp({ method: request.method, path: url.pathname, url: request.url, headers, body, bodyTooLarge: tooLarge });
    return isDirectAnswer(r) ? new Response(r.body, { status: r.status, headers: r.headers }) : r;
  } catch (e) {
    log.error("mcp error", { err: e });
    return new Response(internalError, { status: 500, headers: { "content-type": "application/json" } });
  }
}
