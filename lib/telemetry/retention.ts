import { rawGet } from "@/lib/db/sql";
import fs from "node:fs";
import type Database from "better-sqlite3";
import { getDbHolder } from "@/lib/db/client";
import { readRetention, type RetentionSettings } from "./settings";

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
 * One pruning pass of at most `maxBatches` small DELETE transactions per table. Returns
 * `done: false` when a table still has old rows (the timer comes back sooner).
 */
export function pruneOnce(db: Database.Database, settings: RetentionSettings, now = Date.now(), maxBatches = 5, batch = PRUNE_BATCH): PruneResult {
  const rawCut = now - settings.rawDays * DAY;
  const rollCut = now - settings.rollupDays * DAY;
  const minCut = now - settings.minuteRollupDays * DAY;
  const delLogs = db.prepare(`DELETE FROM request_logs WHERE rowid IN (SELECT rowid FROM request_logs WHERE at < ? ORDER BY at LIMIT ?)`);
  const delEvents = db.prepare(`DELETE FROM breaker_events WHERE rowid IN (SELECT rowid FROM breaker_events WHERE at < ? ORDER BY at LIMIT ?)`);
  const delResponses = db.prepare(`DELETE FROM stored_responses WHERE rowid IN (SELECT rowid FROM stored_responses WHERE at < ? ORDER BY at LIMIT ?)`);
  const delBodies = db.prepare(`DELETE FROM request_bodies WHERE rowid IN (SELECT rowid FROM request_bodies WHERE at < ? ORDER BY at LIMIT ?)`);
  // WITHOUT ROWID, clustered by (gran, bucket, ...): delete by primary-key prefix range.
  const delRollups = db.prepare(
    `DELETE FROM usage_rollups WHERE (gran, bucket, team_id, app_id, key_id, api_id, route, model, provider_id, status_class) IN
      (SELECT gran, bucket, team_id, app_id, key_id, api_id, route, model, provider_id, status_class FROM usage_rollups WHERE gran = ? AND bucket < ? LIMIT ?)`,
  );
  const res: PruneResult = { logs: 0, bodies: 0, rollups: 0, breakerEvents: 0, responses: 0, done: true };
  const loop = (fn: () => number, add: (n: number) => void) => {
    for (let i = 0; i < maxBatches; i++) {
      const n = fn();
      add(n);
      if (n < batch) return;
    }
    res.done = false;
  };
  loop(() => delLogs.run(rawCut, batch).changes, (n) => (res.logs += n));
  loop(() => delBodies.run(rawCut, batch).changes, (n) => (res.bodies += n));
  loop(() => delEvents.run(rawCut, batch).changes, (n) => (res.breakerEvents += n));
  loop(() => delResponses.run(rawCut, batch).changes, (n) => (res.responses += n));
  loop(() => delRollups.run("m", minCut, batch).changes, (n) => (res.rollups += n));
  for (const g of ["h", "d", "H", "D"]) loop(() => delRollups.run(g, rollCut, batch).changes, (n) => (res.rollups += n));
  return res;
}

interface RetentionState {
  timer: NodeJS.Timeout | null;
  last: (PruneResult & { at: number }) | null;
}
const g = globalThis as unknown as { __porticoRetention?: RetentionState };
const state = (g.__porticoRetention ??= { timer: null, last: null });

export function lastPrune() {
  return state.last;
}

const IDLE_MS = Number(process.env.PORTICO_RETENTION_INTERVAL_MS || 10 * 60_000);
const BUSY_MS = 1000;

/** Starts the background pruning timer (idempotent; unref'd so it never keeps the process up). */
export function startRetention(): void {
  if (state.timer) return;
  const tick = async () => {
    let next = IDLE_MS;
    try {
      const r = pruneOnce(getDbHolder().sqlite, (await readRetention()));
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
  const { sqlite, file } = getDbHolder();
  const pageCount = Number(sqlite.pragma("page_count", { simple: true }));
  const pageSize = Number(sqlite.pragma("page_size", { simple: true }));
  const count = async (t: string) => ((await rawGet(`SELECT count(*) AS n FROM ${t}`, [])) as { n: number }).n;
  const oldest = ((await rawGet("SELECT min(at) AS a FROM request_logs", [])) as { a: number | null }).a;
  let walBytes = 0;
  try {
    walBytes = file === ":memory:" ? 0 : fs.statSync(file + "-wal").size;
  } catch {
    walBytes = 0;
  }
  return {
    file: file === ":memory:" ? ":memory:" : file.split("/").pop(),
    sizeBytes: pageCount * pageSize,
    walBytes,
    rows: { requestLogs: (await count("request_logs")), requestBodies: (await count("request_bodies")), usageRollups: (await count("usage_rollups")) },
    oldestLogAt: oldest,
    lastPrune: state.last,
  };
}
