import { withTransaction } from "@/lib/db/sql";
import type Database from "better-sqlite3";
import { getDbHolder } from "@/lib/db/client";
import type { CallRecord } from "@/lib/gateway/types";
import { capturedSizes } from "./capture";
import { aggregate, upsertParams, UPSERT_SQL, type RollupAcc, type RollupInput } from "./rollup";

/**
 * Writes a flushed batch's rollups (and captured bodies) in ONE transaction: the batch is
 * aggregated in memory first, so a 500-row batch costs one upsert per distinct
 * (granularity, bucket, dimensions) — typically a few dozen, not 1,500.
 */
interface Stmts {
  db: Database.Database;
  upsert: Database.Statement;
  body: Database.Statement;
}
let stmts: Stmts | null = null;

function prepared(db: Database.Database): Stmts {
  if (stmts?.db !== db) {
    stmts = {
      db,
      upsert: db.prepare(UPSERT_SQL),
      body: db.prepare(
        `INSERT OR IGNORE INTO request_bodies (request_id, at, req_body, res_body, req_bytes, res_bytes, truncated) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
    };
  }
  return stmts;
}

export function writeRollups(db: Database.Database, accs: Iterable<RollupAcc>): number {
  const s = prepared(db);
  let n = 0;
  for (const a of accs) {
    s.upsert.run(upsertParams(a));
    n++;
  }
  return n;
}

export interface FlushStats {
  flushes: number;
  upserts: number;
  lastMs: number;
  maxMs: number;
}
const g = globalThis as unknown as { __porticoRollupStats?: FlushStats };
export const rollupStats = (g.__porticoRollupStats ??= { flushes: 0, upserts: 0, lastMs: 0, maxMs: 0 });

/** The log writer's onFlush listener. */
export async function onLogFlush(rows: CallRecord[]): Promise<void> {
  if (!rows.length) return;
  const t0 = performance.now();
  const { sqlite } = getDbHolder();
  const accs = aggregate(rows as RollupInput[]);
  const withBodies = rows.filter((r) => r.reqBody !== undefined || r.resBody !== undefined);
  const s = prepared(sqlite);
  let n = 0;
  sqlite.transaction(() => {
    n = writeRollups(sqlite, accs.values());
    for (const r of withBodies) {
      const rb = r.reqBody ?? null;
      const sb = r.resBody ?? null;
      // Original sizes (before truncation and redaction) and whether a body was cut: the log detail says so.
      const z = capturedSizes(r);
      s.body.run(r.id, r.at, rb, sb, z?.reqBytes || (rb ? Buffer.byteLength(rb) : 0), z?.resBytes || (sb ? Buffer.byteLength(sb) : 0), z?.truncated ? 1 : 0);
    }
  })();
  const ms = performance.now() - t0;
  rollupStats.flushes++;
  rollupStats.upserts += n;
  rollupStats.lastMs = ms;
  if (ms > rollupStats.maxMs) rollupStats.maxMs = ms;
}
