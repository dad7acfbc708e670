import type { IncomingMessage, ServerResponse } from "node:http";
import { handleGateway } from "./core";
import { Abort } from "./abort";
import { BODY_LIMIT } from "./stages/parse";
import { logWriter } from "./log-writer";
import { closePools } from "./pool";
import { GatewayError } from "./errors";
import { breakers } from "./breaker";
import { newRecord, record, requestIdFor, sendError, toGatewayError } from "./context";
import { stopSnapshotPoller } from "./snapshot";
import type { GatewayRequest, GatewaySink } from "./types";
import { log } from "@/lib/telemetry/logger";
import { stopObservability } from "@/lib/telemetry/observability";
import { stopBudgetRefresh } from "@/lib/policy/limits";

export function isGatewayPath(url: string): boolean {
  return url.startsWith("/v1/") || url === "/v1";
}

/**
 * The body, read up to the limit and no further: a declared length over the limit is refused
 * before reading, and a chunked body stops being read the moment it crosses the limit (the
 * request is paused: TCP backpressure holds the sender, nothing more is buffered). The answer
 * (413) then closes the connection — the rest of the body is never read.
 */
function readBody(req: IncomingMessage): Promise<{ body: Buffer | null; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? -1);
    if (declared > BODY_LIMIT) return resolve({ body: null, tooLarge: true });
    const parts: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    function onData(b: Buffer) {
      size += b.length;
      if (size > BODY_LIMIT) {
        cleanup();
        req.pause();
        resolve({ body: null, tooLarge: true });
        return;
      }
      parts.push(b);
    }
    function onEnd() {
      cleanup();
      resolve({ body: parts.length === 1 ? parts[0]! : Buffer.concat(parts), tooLarge: false });
    }
    function onError(e: Error) {
      cleanup();
      reject(e);
    }
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

/** How long a connection refused for its body size stays half-open after the 413 (see lingerThenClose). */
const LINGER_MS = 2_000;

/**
 * Node closes a `Connection: close` socket right after the answer is flushed; with the sender's
 * unread bytes still queued that close is a TCP reset, which can destroy the 413 before the
 * client has read it. So: send FIN (the answer is complete), keep not reading, and destroy the
 * socket a little later — the client reads the 413 and closes its side meanwhile.
 */
function lingerThenClose(req: IncomingMessage): void {
  const sock = req.socket;
  sock.destroySoon = () => {
    sock.end();
    setTimeout(() => sock.destroy(), LINGER_MS).unref();
  };
}

/** Gateway calls still running (until their log row is handed to the writer): shutdown waits for them. */
let active = 0;
let idleWaiters: (() => void)[] = [];
function settled(): void {
  if (--active === 0 && idleWaiters.length) {
    const w = idleWaiters;
    idleWaiters = [];
    for (const f of w) f();
  }
}

/** Node http (req, res) → gateway core, with backpressure and client-abort propagation. */
export function gatewayNodeHandler(req: IncomingMessage, res: ServerResponse): void {
  active++;
  const abort = new Abort();
  res.on("close", () => {
    if (!res.writableFinished) abort.abort("client");
  });
  const sink: GatewaySink = {
    head: (status, headers) => res.writeHead(status, headers),
    write: (chunk) => res.write(chunk),
    drain: () =>
      new Promise<void>((resolve) => {
        if (abort.aborted) return resolve();
        const done = () => {
          res.off("drain", done);
          abort.off("abort", done);
          resolve();
        };
        res.on("drain", done);
        abort.on("abort", done);
      }),
    end: (chunk) => {
      if (chunk !== undefined) res.end(chunk);
      else res.end();
    },
    get headersSent() {
      return res.headersSent;
    },
  };
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  readBody(req)
    .then(({ body, tooLarge }) => {
      // The unread rest of an oversized body stays unread: Node sends `Connection: close` and
      // ends the socket after the 413.
      if (tooLarge) {
        res.shouldKeepAlive = false;
        lingerThenClose(req);
      }
      let query: URLSearchParams | undefined;
      const greq: GatewayRequest = {
        method: req.method ?? "GET",
        path: q === -1 ? url : url.slice(0, q),
        // parsed on first use (only GET /v1/responses/{id} reads it)
        get query() {
          return (query ??= new URLSearchParams(q === -1 ? "" : url.slice(q + 1)));
        },
        headers: req.headers as Record<string, string | undefined>,
        body,
        bodyTooLarge: tooLarge,
        signal: abort,
        remoteIp: req.socket.remoteAddress,
      };
      return handleGateway(greq, sink);
    })
    .catch(async (e: unknown) => {
      // Every answer has a log row, this one included.
      if (!abort.aborted) log.error("gateway mount error", { path: req.url, err: e });
      const rec = newRecord(requestIdFor({ headers: req.headers } as GatewayRequest), "unknown", "openai");
      const gone = abort.aborted || (e as { code?: string })?.code === "ECONNRESET";
      sendError(sink, "openai", rec, gone ? new GatewayError(499, "client_closed", "client_closed_request", "The client closed the request while sending it.") : toGatewayError(e));
      (await record(rec, Date.now()));
    })
    .finally(settled);
}

/**
 * From SIGTERM on: failures seen while pools close and requests are cut say nothing about the
 * upstreams, so no circuit breaker may open on them.
 */
export function beginShutdown(): void {
  breakers().freeze();
}

/** Resolves when no gateway call is running (or after `timeoutMs`). */
export function gatewayIdle(timeoutMs = 5_000): Promise<void> {
  if (active === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(resolve, timeoutMs);
    idleWaiters.push(() => {
      clearTimeout(t);
      resolve();
    });
  });
}

/** After the server drained: wait for running calls to hand over their log rows, flush them, close upstream pools. */
export async function shutdownGateway(): Promise<void> {
  beginShutdown();
  await gatewayIdle();
  (await logWriter().flush());
  stopSnapshotPoller();
  stopObservability();
  stopBudgetRefresh();
  await closePools();
}
