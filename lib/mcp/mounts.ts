/**
 * The two mounts of /mcp/{slug}: Node's req/res for the production server's fast
 * path (server.ts), and web Request/Response for the Next route handler
 * (app/mcp/[slug]/route.ts, used by `next dev`). Same handler behind both.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { BODY_LIMIT } from "@/lib/gateway/stages/parse";
import { log } from "@/lib/telemetry/logger";
import { handleMcp, type McpHttpRequest } from "./handler";

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

const internalError = JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32603, message: "Internal error" } });

/** Node http → handleMcp, streaming the answer with backpressure; a client that leaves cancels the SDK stream. */
export function mcpNodeHandler(req: IncomingMessage, res: ServerResponse): void {
  const ac = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) ac.abort();
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
      const headers: Record<string, string> = {};
      r.headers.forEach((v, k) => (headers[k] = v));
      res.writeHead(r.status, headers);
      if (!r.body) return void res.end();
      const reader = r.body.getReader();
      ac.signal.addEventListener("abort", () => void reader.cancel().catch(() => undefined));
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        if (!res.write(value)) await new Promise<void>((resolve) => {
          const go = () => {
            res.off("drain", go);
            res.off("close", go);
            resolve();
          };
          res.on("drain", go);
          res.on("close", go);
        });
      }
      res.end();
    })
    .catch((e: unknown) => {
      if (ac.signal.aborted) return;
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
    return await handleMcp({ method: request.method, path: url.pathname, url: request.url, headers, body, bodyTooLarge: tooLarge });
  } catch (e) {
    log.error("mcp error", { err: e });
    return new Response(internalError, { status: 500, headers: { "content-type": "application/json" } });
  }
}
