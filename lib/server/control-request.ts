/**
 * The production server's edge for everything it hands to Next (the control plane: pages,
 * admin/portal JSON, next-auth): the peer address onto `X-Forwarded-For`, the body limit
 * counted while the body arrives, Node's parser errors and timeouts answered in JSON.
 * `/v1` has its own limits in the gateway core and never comes through here.
 */
import http from "node:http";
import type { Socket } from "node:net";
import { controlBodyLimit } from "./body-limit";

type NextHandle = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

function errorJson(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

/** Answers and closes the connection: the rest of an oversized body is never read. */
function refuse(req: http.IncomingMessage, res: http.ServerResponse, status: number, code: string, message: string): void {
  if (!res.headersSent) {
    const body = errorJson(code, message);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), connection: "close" });
    res.end(body, () => setImmediate(() => req.socket.destroy()));
  } else {
    req.socket.destroy();
  }
}

/**
 * Proxies append the address they received a request from; so do we, so route handlers see
 * the whole chain with the real peer last and walk it through the trusted proxies only
 * (lib/server/client-address.ts). Nothing the client sends can take the peer's place.
 */
export function appendPeer(req: http.IncomingMessage): void {
  const peer = req.socket.remoteAddress ?? "unknown";
  const xff = req.headers["x-forwarded-for"];
  req.headers["x-forwarded-for"] = xff ? `${Array.isArray(xff) ? xff.join(", ") : xff}, ${peer}` : peer;
}

function hasBody(req: http.IncomingMessage): boolean {
  return req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] || 0) > 0;
}

/**
 * A chunked body has no declared size: read it here, counting, and give Next a request that
 * replays the bytes. (A body with Content-Length is bounded by Node's parser to that length,
 * already checked against the limit, so it streams to Next untouched.)
 */
function bufferedCopy(req: http.IncomingMessage, body: Buffer): http.IncomingMessage {
  const copy = new http.IncomingMessage(req.socket as Socket);
  copy.method = req.method;
  copy.url = req.url;
  copy.httpVersion = req.httpVersion;
  copy.httpVersionMajor = req.httpVersionMajor;
  copy.httpVersionMinor = req.httpVersionMinor;
  const headers = { ...req.headers };
  delete headers["transfer-encoding"];
  headers["content-length"] = String(body.length);
  copy.headers = headers;
  copy.rawHeaders = Object.entries(headers).flatMap(([k, v]) => (Array.isArray(v) ? v.flatMap((x) => [k, x]) : [k, String(v)]));
  copy.complete = true;
  copy.push(body);
  copy.push(null);
  return copy;
}

function readChunked(req: http.IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let seen = 0;
    const onData = (c: Buffer) => {
      seen += c.length;
      if (seen > limit) {
        req.off("data", onData);
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(c);
    };
    req.on("data", onData);
    req.once("end", () => resolve(Buffer.concat(chunks)));
    req.once("error", reject);
    req.once("close", () => resolve(req.complete ? Buffer.concat(chunks) : null));
  });
}

/** Everything that is not `/v1` or `/metrics`: the checks above, then Next. */
export async function forwardToNext(req: http.IncomingMessage, res: http.ServerResponse, handle: NextHandle, limit = controlBodyLimit()): Promise<void> {
  appendPeer(req);
  const tooLarge = `The request body is larger than ${limit} bytes.`;
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > limit) return refuse(req, res, 413, "payload_too_large", tooLarge);
  let target = req;
  if (hasBody(req) && declared === undefined) {
    let body: Buffer | null;
    try {
      body = await readChunked(req, limit);
    } catch {
      return refuse(req, res, 400, "bad_request", "The request body could not be read.");
    }
    if (body === null) {
      if (req.socket.destroyed) return;
      return refuse(req, res, 413, "payload_too_large", tooLarge);
    }
    target = bufferedCopy(req, body);
  }
  await handle(target, res);
}

const CLIENT_ERRORS: Record<string, [number, string, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, "Request Header Fields Too Large", "headers_too_large", "The request headers are too large."],
  ERR_HTTP_REQUEST_TIMEOUT: [408, "Request Timeout", "request_timeout", "The request was not received in time."],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, "Payload Too Large", "payload_too_large", "Chunk extensions are too large."],
};

/**
 * Node answers what its HTTP parser refuses (malformed request line, oversized headers,
 * header/request timeouts) with a bare status line; callers of a JSON API get a JSON body.
 */
export function onClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason, code, message] = CLIENT_ERRORS[err.code ?? ""] ?? [400, "Bad Request", "bad_request", "The request is not valid HTTP."];
  const body = errorJson(code, message);
  socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  // Don't wait for a peer that stops reading.
  setTimeout(() => socket.destroy(), 1000).unref();
}

function ms(name: string, dflt: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v >= 0 ? v : dflt;
}

/**
 * Connection timeouts. `headersTimeout` bounds how long a client may take to send its
 * headers (slow-loris), `requestTimeout` the whole request *upload*: Node stops checking
 * once the request is complete, so long `/v1` response streams are not cut by it (the
 * gateway bounds those itself). Keep-alive outlives common load balancer idle timeouts.
 */
export function serverTimeouts(): { keepAliveTimeout: number; headersTimeout: number; requestTimeout: number; connectionsCheckingInterval: number } {
  const requestTimeout = ms("PORTICO_REQUEST_TIMEOUT_MS", 120_000);
  let headersTimeout = ms("PORTICO_HEADERS_TIMEOUT_MS", 30_000);
  if (requestTimeout > 0 && headersTimeout > requestTimeout) headersTimeout = requestTimeout; // Node requires it
  return {
    keepAliveTimeout: ms("PORTICO_KEEPALIVE_MS", 65_000),
    headersTimeout,
    requestTimeout,
    // How often Node checks the two above: a fraction of the shorter one, at most every second.
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(Math.min(headersTimeout || 30_000, requestTimeout || 30_000) / 4))),
  };
}

function isDataPlane(url: string | undefined): boolean {
  return !!url && (url === "/v1" || url.startsWith("/v1/") || url.startsWith("/v1?"));
}

/** An http.Server with the timeouts above and the JSON client-error answer. */
export function createEdgeServer(listener: http.RequestListener): http.Server {
  const t = serverTimeouts();
  const server = http.createServer({ connectionsCheckingInterval: t.connectionsCheckingInterval, requestTimeout: t.requestTimeout, headersTimeout: t.headersTimeout }, listener);
  server.keepAliveTimeout = t.keepAliveTimeout;
  server.on("clientError", onClientError);
  // `Expect: 100-continue` (curl sends it for large bodies): refuse an oversized control-plane
  // body before inviting the client to send it.
  server.on("checkContinue", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const limit = controlBodyLimit();
    if (!isDataPlane(req.url) && Number(req.headers["content-length"] || 0) > limit) {
      return refuse(req, res, 413, "payload_too_large", `The request body is larger than ${limit} bytes.`);
    }
    res.writeContinue();
    server.emit("request", req, res);
  });
  return server;
}
