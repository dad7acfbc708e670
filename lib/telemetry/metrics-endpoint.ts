/**
 * `GET /metrics` on both mounts: the production server answers it before Next
 * (`metricsNodeHandler`), `app/metrics/route.ts` under plain Next
 * (`metricsResponse`). Optional bearer token: `PORTICO_METRICS_TOKEN`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createHash, timingSafeEqual } from "node:crypto";
import { metricsText } from "./metrics";
import { log } from "./logger";

export function isMetricsPath(url: string): boolean {
  return url === "/metrics" || url.startsWith("/metrics?");
}

/** True when no token is configured or the header carries it (compared in constant time). */
export function metricsAuthorized(authorization: string | null | undefined): boolean {
  const want = process.env.PORTICO_METRICS_TOKEN;
  if (!want) return true;
  const m = /^Bearer\s+(.+)$/i.exec(authorization ?? "");
  if (!m) return false;
  const a = createHash("sha256").update(m[1]!.trim()).digest();
  const b = createHash("sha256").update(want).digest();
  return timingSafeEqual(a, b);
}

const UNAUTHORIZED = JSON.stringify({ error: { code: "unauthorized", message: "Send Authorization: Bearer <PORTICO_METRICS_TOKEN>." } });

/** Node http handler (production fast path). */
export function metricsNodeHandler(req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET", "content-type": "application/json" });
    res.end(JSON.stringify({ error: { code: "method_not_allowed", message: "Use GET /metrics." } }));
    return;
  }
  if (!metricsAuthorized(req.headers.authorization)) {
    res.writeHead(401, { "content-type": "application/json", "www-authenticate": 'Bearer realm="metrics"' });
    res.end(UNAUTHORIZED);
    return;
  }
  metricsText().then(
    ({ contentType, body }) => {
      res.writeHead(200, { "content-type": contentType, "cache-control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : body);
    },
    (e: unknown) => {
      log.error("metrics collection failed", { err: e });
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("metrics collection failed\n");
    },
  );
}

/** Web handler (app/metrics/route.ts). */
export async function metricsResponse(req: Request): Promise<Response> {
  if (!metricsAuthorized(req.headers.get("authorization"))) {
    return new Response(UNAUTHORIZED, { status: 401, headers: { "content-type": "application/json", "www-authenticate": 'Bearer realm="metrics"' } });
  }
  const { contentType, body } = await metricsText();
  return new Response(body, { status: 200, headers: { "content-type": contentType, "cache-control": "no-store" } });
}
