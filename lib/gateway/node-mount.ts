import type { IncomingMessage, ServerResponse } from "node:http";
import { handleGateway } from "./core";
import { Abort } from "./abort";
import { BODY_LIMIT } from "./stages/parse";
import { logWriter } from "./log-writer";
import { closePools } from "./pool";
import { stopSnapshotPoller } from "./snapshot";
import type { GatewayRequest, GatewaySink } from "./types";
import { log } from "@/lib/telemetry/logger";
import { stopObservability } from "@/lib/telemetry/observability";
import { stopBudgetRefresh } from "@/lib/policy/limits";

export function isGatewayPath(url: string): boolean {
  return url.startsWith("/v1/") || url === "/v1";
}

function readBody(req: IncomingMessage): Promise<{ body: Buffer | null; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? -1);
    if (declared > BODY_LIMIT) {
      req.resume();
      return resolve({ body: null, tooLarge: true });
    }
    const parts: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (b: Buffer) => {
      size += b.length;
      if (size > BODY_LIMIT) tooLarge = true;
      else parts.push(b);
    });
    req.on("end", () => resolve({ body: tooLarge ? null : parts.length === 1 ? parts[0]! : Buffer.concat(parts), tooLarge }));
    req.on("error", reject);
  });
}

/** Node http (req, res) → gateway core, with backpressure and client-abort propagation. */
export function gatewayNodeHandler(req: IncomingMessage, res: ServerResponse): void {
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
      const greq: GatewayRequest = {
        method: req.method ?? "GET",
        path: q === -1 ? url : url.slice(0, q),
        query: new URLSearchParams(q === -1 ? "" : url.slice(q + 1)),
        headers: req.headers as Record<string, string | undefined>,
        body,
        bodyTooLarge: tooLarge,
        signal: abort,
        remoteIp: req.socket.remoteAddress,
      };
      return handleGateway(greq, sink);
    })
    .catch((e: unknown) => {
      log.error("gateway mount error", { path: req.url, err: e });
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "Internal error", type: "api_error", param: null, code: "internal_error" } }));
    });
}

/** Flush logs and close upstream pools on shutdown. */
export async function shutdownGateway(): Promise<void> {
  logWriter().flush();
  stopSnapshotPoller();
  stopObservability();
  stopBudgetRefresh();
  await closePools();
}
