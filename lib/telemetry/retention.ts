import fs from "node:fs";
import { dbEngine } from "@/lib/db/client";
import { dbFileInfo } from "@/lib/db/info";
import { rawGet, rawRun } from "@/lib/db/sql";
import { readRetention, type RetentionSettings } from "./settings";
import { runtime } from "@/lib/runtime";
import { pruneSlots } from "@/lib/alerts/window";

const DAY = 86_400_000;
/** Rows per DELETE: small, so the batched log writer never waits long for the write lock. */
export const PRUNE_BATCH = 2000;

export interface PruneResult {
  logs: number;
  bodies: number;
  rollups: number;
  breakerEvents: number;
  /** stored Responses API answers (kept as long as raw logs) */
  responses: number;
  done: boolean;
}

/**
 * One batch's DELETE for a table of raw rows (time column `at`): the oldest `limit` rows
 * older than the cut, each batch its own short statement so the table is never locked for
 * long. SQLite by rowid; PostgreSQL by ctid (the physical row address, no index needed
 * beyond the `at` one the inner SELECT walks).
 */
function deleteOldSql(table: string): string {
  // PostgreSQL: `= ANY(ARRAY(...))` plans as one index walk then a TID scan, never a join
  if (dbEngine() === "postgres") return `DELETE FROM ${table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${table} WHERE at < ? ORDER BY at LIMIT ?))`;
  return `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE at < ? ORDER BY at LIMIT ?)`;
}

/**
 * Rollups of one granularity older than the cut. SQLite's usage_rollups is WITHOUT ROWID,
 * clustered by (gran, bucket, ...): delete by primary-key prefix range. PostgreSQL: by ctid,
 * the inner SELECT walking the primary key's (gran, bucket) prefix.
 */
function deleteRollupsSql(): string {
  if (dbEngine() === "postgres") {
    return "DELETE FROM usage_rollups WHERE ctid = ANY(ARRAY(SELECT ctid FROM usage_rollups WHERE gran = ? AND bucket < ? LIMIT ?))";
  }
  const key = "gran, bucket, team_id, app_id, key_id, api_id, route, model, provider_id, status_class";
  return `DELETE FROM usage_rollups WHERE (${key}) IN (SELECT ${key} FROM usage_rollups WHERE gran = ? AND bucket < ? LIMIT ?)`;
}

/**
 * One pruning pass of at most `maxBatches` small DELETE statements per table. Returns
 * `done: false` when a table still has old rows (the timer comes back sooner).
 */
export async function pruneOnce(settings: RetentionSettings, now = Date.now(), maxBatches = 5, batch = PRUNE_BATCH): Promise<PruneResult> {
  const rawCut = now - settings.rawDays * DAY;
  const rollCut = now - settings.rollupDays * DAY;
  const minCut = now - settings.minuteRollupDays * DAY;
  const res: PruneResult = { logs: 0, bodies: 0, rollups: 0, breakerEvents: 0, responses: 0, done: true };
  const loop = async (fn: () => Promise<number>, add: (n: number) => void) => {
    for (let i = 0; i < maxBatches; i++) {
      const n = await fn();
      add(n);
      if (n < batch) return;
    }
    res.done = false;
  };
  const old = (table: string) => () => rawRun(deleteOldSql(table), [rawCut, batch]);
  await loop(old("request_logs"), (n) => (res.logs += n));
  await loop(old("request_bodies"), (n) => (res.bodies += n));
  await loop(old("breaker_events"), (n) => (res.breakerEvents += n));
  await loop(old("stored_responses"), (n) => (res.responses += n));
  // the shared alert windows hold an hour (lib/alerts/window.ts); the evaluator prunes them too, when it runs
  await pruneSlots(now);
  const rollups = deleteRollupsSql();
  await loop(() => rawRun(rollups, ["m", minCut, batch]), (n) => (res.rollups += n));
  for (const g of ["h", "d", "H", "D"]) await loop(() => rawRun(rollups, [g, rollCut, batch]), (n) => (res.rollups += n));
  return res;
}

export interface RetentionState {
  timer: NodeJS.Timeout | null;
  last: (PruneResult & { at: number }) | null;
}
const state = runtime().retention;

export function lastPrune() {
  return state.last;
}

const IDLE_MS = Number(process.env.PORTICO_RETENTION_INTERVAL_MS || 10 * 60_000);
const BUSY_MS = 1000;

/** Starts the background pruning timer (idempotent; unref'd so it never keeps the process up). */
export function startRetention(): void {
  if (state.timer) return;
  const tick = async () => {
    // The database was closed (shutdown, a test's teardown): stop rather than open a new, empty one.
    if (!runtime().db) {
      state.timer = null;
      return;
    }
    let next = IDLE_MS;
    try {
      const r = await pruneOnce(await readRetention());
      state.last = { ...r, at: Date.now() };
      if (!r.done) next = BUSY_MS;
    } catch (e) {
      console.error("[portico] log retention pass failed:", e);
    }
    state.timer = setTimeout(tick, next);
    state.timer.unref();
  };
  state.timer = setTimeout(tick, 5_000);
  state.timer.unref();
}

export function stopRetention(): void {
  if (state.timer) clearTimeout(state.timer);
  state.timer = null;
}

/** Database size and row counts for the Settings page. */
export async function storageStats() {
  const info = await dbFileInfo();
  const count = async (t: string) => Number((await rawGet<{ n: number | string }>(`SELECT count(*) AS n FROM ${t}`))?.n ?? 0);
  const oldest = (await rawGet<{ a: number | string | null }>("SELECT min(at) AS a FROM request_logs"))?.a ?? null;
  let walBytes = 0;
  if (info.file && info.file !== ":memory:") {
    try {
      walBytes = fs.statSync(info.file + "-wal").size;
    } catch {
      walBytes = 0;
    }
  }
  return {
    file: !info.file ? null : info.file === ":memory:" ? ":memory:" : info.file.split("/").pop(),
    sizeBytes: info.sizeBytes,
    walBytes,
    rows: { requestLogs: await count("request_logs"), requestBodies: await count("request_bodies"), usageRollups: await count("usage_rollups") },
    oldestLogAt: oldest === null ? null : Number(oldest),
    lastPrune: state.last,
  };
}
