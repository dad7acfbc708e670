import { handleGateway } from "./core";
import { Abort } from "./abort";
import { BODY_LIMIT } from "./stages/parse";
import type { GatewayRequest, GatewaySink } from "./types";
import { log } from "@/lib/telemetry/logger";

/**
 * The same core behind Next route handlers (next dev, plain `next start`):
 * a web Request in, a Response with a streaming body out.
 */
export async function handleWebRequest(request: Request): Promise<Response> {
  const abort = new Abort();
  request.signal.addEventListener("abort", () => abort.abort("client"));
  const url = new URL(request.url);
  const declared = Number(request.headers.get("content-length") ?? -1);
  let body: Buffer | null = null;
  let tooLarge = declared > BODY_LIMIT;
  if (!tooLarge && request.body && request.method !== "GET") {
    const r = await readLimited(request.body);
    tooLarge = r === null;
    body = r;
  }
  const headers: Record<string, string> = {};
  request.headers.forEach((v, k) => (headers[k] = v));

  const enc = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let pull: (() => void) | null = null;
  let closed = false;
  const stream = new ReadableStream<Uint8Array>(
    {
      start: (c) => void (controller = c),
      pull: () => {
        const p = pull;
        pull = null;
        p?.();
      },
      cancel: () => {
        closed = true;
        abort.abort("client");
        const p = pull;
        pull = null;
        p?.();
      },
    },
    { highWaterMark: 16 },
  );
  let resolveHead!: (r: Response) => void;
  const head = new Promise<Response>((r) => (resolveHead = r));
  let sent = false;
  const sink: GatewaySink = {
    head: (status, h) => {
      sent = true;
      // 499 is not a valid status for Response; the client is gone anyway.
      resolveHead(new Response(status === 204 ? null : stream, { status: status === 499 ? 400 : status, headers: h }));
    },
    write: (chunk) => {
      if (closed) return true;
      controller.enqueue(enc.encode(chunk));
      return (controller.desiredSize ?? 1) > 0;
    },
    drain: () => new Promise<void>((r) => (closed ? r() : (pull = r))),
    end: (chunk) => {
      if (closed) return;
      if (chunk) controller.enqueue(enc.encode(chunk));
      closed = true;
      controller.close();
    },
    get headersSent() {
      return sent;
    },
  };
  const greq: GatewayRequest = {
    method: request.method,
    path: url.pathname,
    query: url.searchParams,
    headers,
    body,
    bodyTooLarge: tooLarge,
    signal: abort,
  };
  const done = handleGateway(greq, sink).catch((e: unknown) => {
    log.error("gateway error", { err: e });
    if (!sent) resolveHead(Response.json({ error: { message: "Internal error", type: "api_error", param: null, code: "internal_error" } }, { status: 500 }));
  });
  return Promise.race([head, done.then(() => head)]);
}

/** The body up to BODY_LIMIT; null (and the rest left unread: the reader is cancelled) as soon as it crosses it. */
async function readLimited(stream: ReadableStream<Uint8Array>): Promise<Buffer | null> {
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > BODY_LIMIT) {
      void reader.cancel().catch(() => undefined);
      return null;
    }
    parts.push(value);
  }
  return Buffer.concat(parts, size);
}
