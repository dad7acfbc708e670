import { metricsResponse } from "@/lib/telemetry/metrics-endpoint";

export const dynamic = "force-dynamic";

/** Prometheus text format. The production server answers /metrics before Next; this serves `next dev`/`next start`. */
export function GET(req: Request) {
  return metricsResponse(req);
}
