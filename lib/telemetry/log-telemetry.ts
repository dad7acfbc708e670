import { logWriter } from "@/lib/gateway/log-writer";
import { onLogFlush } from "./rollup-store";
import { startRetention } from "./retention";
import { startBreakerEvents } from "./breaker-events";

export { startRetention } from "./retention";

const g = globalThis as unknown as { __porticoTelemetryStarted?: boolean };

/**
 * Installs the rollup/body listener on the batched log writer (once per process: both
 * bundles share the writer through globalThis), the circuit-breaker opening history and
 * starts the retention timer.
 */
export function startLogTelemetry(opts: { retention?: boolean } = {}): void {
  if (!g.__porticoTelemetryStarted) {
    g.__porticoTelemetryStarted = true;
    logWriter().onFlush(onLogFlush);
    startBreakerEvents();
  }
  if (opts.retention !== false && process.env.PORTICO_RETENTION !== "off") startRetention();
}
