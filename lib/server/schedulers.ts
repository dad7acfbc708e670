/**
 * Background jobs that must run ONCE for the whole set of worker processes on one database
 * (PORTICO_WORKERS > 1): log retention and the alert evaluator. Per-process work stays in
 * every worker (log writer, config snapshot poll, budget spend refresh, breakers).
 *
 * The cluster primary (lib/server/cluster.ts) forks every worker with PORTICO_CLUSTER_WORKER=1,
 * which defers these jobs, then tells exactly one live worker to run them; when that worker
 * dies, it tells another. A single process (no cluster) runs them itself at start.
 */
import { startRetention } from "@/lib/telemetry/retention";
import { alertEngine } from "@/lib/alerts/engine";
import { runtime } from "@/lib/runtime";


export const SCHEDULER_MESSAGE = "portico:run-schedulers";

/** True in a cluster worker: the primary decides which worker runs the whole-set jobs. */
export function schedulersDeferred(env: Record<string, string | undefined> = process.env): boolean {
  return env.PORTICO_CLUSTER_WORKER === "1";
}

export function schedulersRunning(): boolean {
  return runtime().started.schedulers;
}

/** Retention and alert evaluation, once per process. */
export function startWholeSetSchedulers(): void {
  if (runtime().started.schedulers) return;
  runtime().started.schedulers = true;
  alertEngine().passive = false;
  if (process.env.PORTICO_RETENTION !== "off") startRetention();
  const every = Number(process.env.PORTICO_ALERT_EVAL_MS ?? 15_000);
  if (every > 0) alertEngine().start(every);
}

/** A deferred worker: its alert engine keeps counting but never evaluates (no duplicate events). */
export function deferSchedulers(): void {
  if (!runtime().started.schedulers) alertEngine().passive = true;
}
