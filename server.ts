/**
 * Portico's production server. `/v1/*` goes straight to the gateway core
 * (no Next per-request machinery on the data plane); everything else goes to
 * Next's request handler. Both share one process, one database connection,
 * one config snapshot and one log writer (singletons on globalThis).
 */
// First: Next's Node environment (AsyncLocalStorage globals). Control-plane modules that the
// fast path imports indirectly (webhooks → services → next/headers) need it at load time.
import "next/dist/server/node-environment";
import next from "next";
import { applyEnvDefaults, bootstrap } from "@/lib/bootstrap";
import { closeDb } from "@/lib/db/client";
import { drainServer, trackResponses } from "@/lib/server/graceful";
import { createEdgeServer, forwardToNext } from "@/lib/server/control-request";
import { trustedProxies } from "@/lib/server/client-address";
import { beginShutdown, gatewayNodeHandler, isGatewayPath, shutdownGateway } from "@/lib/gateway/node-mount";
import { isMetricsPath, metricsNodeHandler } from "@/lib/telemetry/metrics-endpoint";
import { isMcpPath } from "@/lib/mcp/handler";
import { mcpNodeHandler } from "@/lib/mcp/mounts";
import { closeAllSessions } from "@/lib/mcp/sessions";
import { flushTraces } from "@/lib/telemetry/otlp";
import { log } from "@/lib/telemetry/logger";

async function main(): Promise<void> {
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
  const app = next({ dev: false, dir: process.cwd(), port, hostname: host === "0.0.0.0" ? "localhost" : host });
  const handle = app.getRequestHandler();
  await app.prepare();
  const fastPath = process.env.PORTICO_FAST_PATH !== "0";
  const { inFlight, track } = trackResponses();

  // Timeouts and JSON answers to malformed requests: lib/server/control-request.ts.
  const server = createEdgeServer((req, res) => {
    track(res);
    if (fastPath && isGatewayPath(req.url ?? "/")) {
      gatewayNodeHandler(req, res);
      return;
    }
    // MCP servers of the catalog (/mcp/{slug}): same fast path, no Next per-request machinery.
    if (fastPath && isMcpPath(req.url ?? "/")) {
      mcpNodeHandler(req, res);
      return;
    }
    // Prometheus scrapes skip Next too (app/metrics/route.ts serves the same text under plain Next).
    if (isMetricsPath(req.url ?? "/")) {
      metricsNodeHandler(req, res);
      return;
    }
    // Body limit (counted as it arrives) and the peer address, then Next.
    forwardToNext(req, res, handle).catch((e: unknown) => {
      log.error("request failed", { path: req.url, err: e });
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "internal_error", message: "Something went wrong on our side." } }));
    });
  });

  // A deep accept queue: bursts of new connections (1,000 streams opening at once) must not overflow into SYN retries.
  server.listen({ port, host, backlog: Number(process.env.PORTICO_LISTEN_BACKLOG || 4096) }, () => {
    console.log(`[portico] listening on http://${host === "0.0.0.0" ? "localhost" : host}:${port} (data plane fast path ${fastPath ? "on" : "off"})`);
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
    await closeAllSessions();
    // After the last response (drainServer then closed every connection, so nothing new arrives):
    // running calls hand over their log rows, the batched writer flushes them, then the database closes.
    await shutdownGateway();
    await flushTraces().catch(() => undefined);
    closeDb();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

void main();
