/**
 * One Portico server process: the data plane on its fast path (`/v1`, `/mcp`, `/metrics`,
 * health), and — unless PORTICO_ROLE=gateway — Next for everything else. Next is loaded only
 * through `loadNext` (a dynamic import passed in by server.ts), so a gateway process never
 * loads it. In a cluster (lib/server/cluster.ts) this runs in every worker.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { applyEnvDefaults, bootstrap } from "@/lib/bootstrap";
import { closeDb } from "@/lib/db/client";
import { drainServer, trackResponses } from "@/lib/server/graceful";
import { createEdgeServer, forwardToNext } from "@/lib/server/control-request";
import { trustedProxies } from "@/lib/server/client-address";
import type { Role } from "@/lib/server/role";
import { SCHEDULER_MESSAGE, startWholeSetSchedulers } from "@/lib/server/schedulers";
import { beginShutdown, gatewayNodeHandler, isGatewayPath, shutdownGateway } from "@/lib/gateway/node-mount";
import { isMetricsPath, metricsNodeHandler } from "@/lib/telemetry/metrics-endpoint";
import { readinessProbed } from "@/lib/health";
import { flushTraces } from "@/lib/telemetry/otlp";
import { log } from "@/lib/telemetry/logger";

/** `/mcp/{slug}` (lib/mcp/handler.ts isMcpPath), without loading the MCP SDK to ask. */
const isMcpPath = (url: string) => url.startsWith("/mcp/");

/**
 * The MCP mount and its SDK (~25 MB) load on the first `/mcp` request: most instances serve
 * none, and an idle gateway replica stays small.
 */
let mcpMount: Promise<typeof import("@/lib/mcp/mounts")> | null = null;
const loadMcp = () => (mcpMount ??= import("@/lib/mcp/mounts"));

type NextHandle = (req: IncomingMessage, res: ServerResponse) => Promise<void>;
export type LoadNext = (opts: { port: number; hostname: string }) => Promise<NextHandle>;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

/** The cluster worker id (1, 2, …) when PORTICO_WORKERS > 1: tells load-balanced answers apart. */
function workerId(): number | undefined {
  const id = Number(process.env.PORTICO_WORKER_ID);
  return Number.isInteger(id) && id > 0 ? id : undefined;
}

/** Liveness and readiness without Next: the same JSON as app/healthz and app/readyz. */
async function healthNodeHandler(path: string, res: ServerResponse): Promise<void> {
  const worker = workerId();
  if (path === "/healthz") return json(res, 200, { status: "ok", ...(worker ? { worker } : {}) });
  const r = await readinessProbed();
  json(res, r.status === "ok" ? 200 : 503, r);
}

export async function serve(role: Role, loadNext: LoadNext | null): Promise<void> {
  applyEnvDefaults();
  const port = Number(process.env.PORT || 3000);
  const host = process.env.HOST || "0.0.0.0";
  try {
    trustedProxies(); // a malformed PORTICO_TRUSTED_PROXIES stops start-up here
    await bootstrap();
  } catch (e) {
    console.error(`[portico] start-up failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
  const handle = role === "gateway" || !loadNext ? null : await loadNext({ port, hostname: host === "0.0.0.0" ? "localhost" : host });
  // The control role leaves the data plane to gateway replicas; `all` serves both.
  const dataPlane = role !== "control";
  const fastPath = role === "gateway" || process.env.PORTICO_FAST_PATH !== "0";
  const { inFlight, track } = trackResponses();

  // Timeouts and JSON answers to malformed requests: lib/server/control-request.ts.
  const server = createEdgeServer((req, res) => {
    track(res);
    const url = req.url ?? "/";
    const path = url.split("?")[0]!;
    if (path === "/healthz" || path === "/readyz") {
      healthNodeHandler(path, res).catch((e: unknown) => {
        log.error("health check failed", { err: e });
        if (!res.headersSent) json(res, 503, { status: "error" });
      });
      return;
    }
    // Prometheus scrapes skip Next too (app/metrics/route.ts serves the same text under plain Next).
    if (isMetricsPath(url)) return metricsNodeHandler(req, res);
    if (!dataPlane && (isGatewayPath(url) || isMcpPath(url))) {
      return json(res, 404, { error: { code: "not_found", message: "This Portico instance is a control plane (PORTICO_ROLE=control): send API calls to a gateway instance." } });
    }
    if (fastPath && isGatewayPath(url)) return gatewayNodeHandler(req, res);
    // MCP servers of the catalog (/mcp/{slug}): same fast path, no Next per-request machinery.
    if (fastPath && isMcpPath(url)) {
      loadMcp()
        .then((m) => m.mcpNodeHandler(req, res))
        .catch((e: unknown) => {
          log.error("MCP mount failed to load", { err: e });
          if (!res.headersSent) json(res, 500, { error: { code: "internal_error", message: "Something went wrong on our side." } });
        });
      return;
    }
    if (!handle) {
      return json(res, 404, { error: { code: "not_found", message: "This Portico instance is a gateway (PORTICO_ROLE=gateway): it serves /v1, /mcp, /healthz, /readyz and /metrics only. The dashboard, portal and admin API are on a control instance." } });
    }
    // Body limit (counted as it arrives) and the peer address, then Next.
    forwardToNext(req, res, handle).catch((e: unknown) => {
      log.error("request failed", { path: req.url, err: e });
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "internal_error", message: "Something went wrong on our side." } }));
    });
  });

  // The cluster primary picks one worker to run retention and alert evaluation.
  process.on("message", (m: unknown) => {
    if (m === SCHEDULER_MESSAGE) {
      startWholeSetSchedulers();
      console.log(`[portico] worker ${workerId() ?? "-"} (pid ${process.pid}) runs the whole-set schedulers (log retention, alert evaluation)`);
    }
  });

  // A deep accept queue: bursts of new connections (1,000 streams opening at once) must not overflow into SYN retries.
  server.listen({ port, host, backlog: Number(process.env.PORTICO_LISTEN_BACKLOG || 4096) }, () => {
    const shown = host === "0.0.0.0" ? "localhost" : host;
    const w = workerId();
    console.log(`[portico] ${w ? `worker ${w} (pid ${process.pid}) ` : ""}listening on http://${shown}:${port} (role ${role}; data plane fast path ${fastPath && dataPlane ? "on" : "off"})`);
    process.send?.({ portico: "listening" });
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[portico] ${signal}: no new connections; letting in-flight requests finish`);
    // No breaker opens from now on; every response says `Connection: close` (drainServer).
    beginShutdown();
    const { cut } = await drainServer(server, inFlight, Number(process.env.PORTICO_SHUTDOWN_GRACE_MS || 10_000));
    if (cut) console.log(`[portico] grace period over: cut ${cut} request(s) still running`);
    // MCP sessions end with their upstream sessions (DELETE upstream).
    if (mcpMount) await (await import("@/lib/mcp/sessions")).closeAllSessions();
    // After the last response (drainServer then closed every connection, so nothing new arrives):
    // running calls hand over their log rows, the batched writer flushes them, then the database closes.
    await shutdownGateway();
    await flushTraces().catch(() => undefined);
    closeDb();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
  // A worker whose primary was killed exits at once (node:cluster's own disconnect handling).
}
