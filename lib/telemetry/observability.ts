/**
 * Wires telemetry and alerts into the running gateway, once per process (both
 * the fast-path bundle and Next's bundle call bootstrap → here; a flag in the
 * runtime keeps it single):
 * - the record stage (`onRecord`) → request metrics and trace export;
 * - log-writer flushes → flush-latency histogram, rows counter (the alert windows are written by
 *   the rollup listener, lib/telemetry/rollup-store.ts);
 * - circuit breaker openings → counter + a `circuit_open` alert signal;
 * - the alert evaluator timer (`PORTICO_ALERT_EVAL_MS`, default 15 s; 0 disables), unless
 *   `evaluator: false` (bootstrap: lib/server/schedulers.ts starts it, once per set of workers).
 */
import { logWriter } from "@/lib/gateway/log-writer";
import { onRecord } from "@/lib/gateway/context";
import { breakers } from "@/lib/gateway/breaker";
import { alertEngine, emitAlertSignal } from "@/lib/alerts/engine";
import { metrics, providerName } from "./metrics";
import { log } from "./logger";
import { onCallRecorded } from "./record";
import { runtime } from "@/lib/runtime";

export function startObservability(opts: { evaluator?: boolean } = {}): void {
  const started = runtime().started;
  if (started.observability) return;
  started.observability = true;
  const m = metrics();
  // the record stage: counters/histograms and the trace export, per call
  onRecord(onCallRecorded);
  const w = logWriter();
  w.onFlush((rows) => {
    m.logFlush.observe(w.lastFlushMs / 1000);
    if (rows.length) m.logRows.inc(rows.length);
  });
  const br = breakers();
  const prev = br.onOpen;
  br.onOpen = (key) => {
    prev?.(key);
    try {
      m.circuitOpened.inc({ target: key, provider: providerName(key.split(":")[0] ?? "") });
      log.warn("circuit breaker opened", { target: key });
    } catch {
      /* metrics must not break the breaker */
    }
    emitAlertSignal({ kind: "circuit_open", target: key });
  };
  if (opts.evaluator === false) return; // started by lib/server/schedulers.ts, once for a set of workers
  const every = Number(process.env.PORTICO_ALERT_EVAL_MS ?? 15_000);
  if (every > 0) alertEngine().start(every);
}

/** Shutdown: stop the alert evaluator's timers (called by shutdownGateway before the database closes). */
export function stopObservability(): void {
  alertEngine().stop();
}
