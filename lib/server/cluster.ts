/**
 * PORTICO_WORKERS=N|auto: the primary process forks N workers (node:cluster) that share the
 * port; each is a whole server (lib/server/serve.ts) with its own log writer, config snapshot
 * (kept current by the database version poll) and breakers. The primary loads no Portico
 * module and never opens the database.
 *
 * - Start: worker 1 first (it migrates the database and creates the first admin), the rest
 *   once it listens, so two processes never migrate at once.
 * - Whole-set jobs (retention, alert evaluation): the primary tells exactly one live worker to
 *   run them, and another when that one exits.
 * - A worker that exits after it started listening is replaced; one that fails before it ever
 *   listened is a start-up error: the primary stops the others and exits with its code.
 * - SIGTERM/SIGINT: every worker drains (its own SIGTERM handler), then the primary exits.
 */
import cluster, { type Worker } from "node:cluster";
import { SCHEDULER_MESSAGE } from "./schedulers";

const RESTART_DELAY_MS = 500;

export function runPrimary(count: number): void {
  const listening = new Set<Worker>();
  let scheduler: Worker | null = null;
  let stopping = false;
  let nextId = 1;

  const assignScheduler = () => {
    if (stopping || (scheduler && !scheduler.isDead())) return;
    scheduler = [...listening].find((w) => !w.isDead()) ?? null;
    scheduler?.send(SCHEDULER_MESSAGE);
  };

  const fork = (): Worker => {
    // PORTICO_WORKER_ID: the /healthz field and log prefix; PORTICO_CLUSTER_WORKER defers the whole-set jobs.
    const w = cluster.fork({ PORTICO_WORKER_ID: String(nextId++), PORTICO_CLUSTER_WORKER: "1" });
    w.on("message", (m: unknown) => {
      if ((m as { portico?: string } | null)?.portico !== "listening") return;
      const first = listening.size === 0 && !stopping;
      listening.add(w);
      assignScheduler();
      // Worker 1 has migrated the database: start the others.
      if (first) for (let i = 1; i < count && Object.keys(cluster.workers ?? {}).length < count; i++) fork();
    });
    return w;
  };

  cluster.on("exit", (w, code, signal) => {
    const started = listening.delete(w);
    if (w === scheduler) scheduler = null;
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(exitCode);
      return;
    }
    if (!started) {
      console.error(`[portico] a worker failed at start-up (exit ${code ?? signal}); stopping`);
      shutdown("start-up failure", code || 1);
      return;
    }
    console.error(`[portico] worker (pid ${w.process.pid}) exited (${signal ?? `code ${code}`}); starting a replacement`);
    assignScheduler();
    setTimeout(() => {
      if (!stopping) fork();
    }, RESTART_DELAY_MS).unref();
  });

  let exitCode = 0;
  const shutdown = (why: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    console.log(`[portico] ${why}: draining ${Object.keys(cluster.workers ?? {}).length} worker(s)`);
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
    if (alive.length === 0) process.exit(exitCode);
    for (const w of alive) w.process.kill("SIGTERM");
  };
  process.on("exit", () => {
    if (stopping) process.exitCode = exitCode;
  });
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  // SIGHUP (re-apply PORTICO_CONFIG_FILE): one worker applies it; the others see the change
  // through the config version poll, as other instances on the database do.
  process.on("SIGHUP", () => {
    if (scheduler && !scheduler.isDead()) scheduler.process.kill("SIGHUP");
  });

  console.log(`[portico] primary (pid ${process.pid}): starting ${count} workers`);
  if (!process.env.REDIS_URL) {
    console.warn(`[portico] REDIS_URL is not set: rate limits and the sign-in throttle are counted per worker (a limit admits up to ${count}× its value); see docs/deployment.md`);
  }
  fork();
}
