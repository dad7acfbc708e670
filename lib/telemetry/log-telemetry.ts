import { logWriter } from "@/lib/gateway/log-writer";
import { onLogFlush } from "./rollup-store";
import { startRetention } from "./retention";
import { startBreakerEvents } from "./breaker-events";
import { runtime } from "@/lib/runtime";

export { startRetention } from "./retention";

/**
 * Installs the rollup/body listener on the batched log writer (once per process: both
 * bundles share the writer through the runtime), the circuit-breaker opening history and
 * starts the retention timer.
 */
export function startLogTelemetry(opts: { retention?: boolean } = {}): void {
  const started = runtime().started;
  if (!started.logTelemetry) {
    started.logTelemetry = true;
    logWriter().onFlush(onLogFlush);
    startBreakerEvents();
  }
  if (opts.retention !== false && process.env.PORTICO_RETENTION !== "off") startRetention();
}
