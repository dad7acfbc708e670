import { writeBatch, type BulkOp } from "@/lib/db/bulk";
import type { CallRecord } from "@/lib/gateway/types";
import { capturedSizes } from "./capture";
import { accKey, aggregate, upsertParams, GRANS, ROLLUP_COLUMNS, ROLLUP_CONFLICT, type RollupAcc, type RollupInput } from "./rollup";
import { runtime } from "@/lib/runtime";
import { slotsOp } from "@/lib/alerts/window";

/**
 * Writes a flushed batch's rollups (and captured bodies) in ONE transaction: the batch is
 * aggregated in memory first, so a 500-row batch costs one upsert per distinct
 * (granularity, bucket, dimensions) — typically a few dozen, not 1,500. SQLite: one
 * prepared upsert per accumulator; PostgreSQL: one multi-row upsert (lib/db/bulk.ts).
 */
export function rollupOp(accs: Iterable<RollupAcc>): BulkOp {
  // Same order in every process: two writers upserting the same rows cannot deadlock.
  const list = [...accs].map((a) => [accKey(a), a] as const).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  return { kind: "insert", table: "usage_rollups", columns: ROLLUP_COLUMNS, rows: list.map(([, a]) => upsertParams(a)), conflict: ROLLUP_CONFLICT };
}

const BODY_COLUMNS = ["request_id", "at", "req_body", "res_body", "req_bytes", "res_bytes", "truncated"] as const;

export function bodiesOp(rows: readonly CallRecord[]): BulkOp {
  const withBodies = rows.filter((r) => r.reqBody !== undefined || r.resBody !== undefined);
  return {
    kind: "insert",
    table: "request_bodies",
    columns: BODY_COLUMNS,
    rows: withBodies.map((r) => {
      const rb = r.reqBody ?? null;
      const sb = r.resBody ?? null;
      // Original sizes (before truncation and redaction) and whether a body was cut: the log detail says so.
      const z = capturedSizes(r);
      return [r.id, r.at, rb, sb, z?.reqBytes || (rb ? Buffer.byteLength(rb) : 0), z?.resBytes || (sb ? Buffer.byteLength(sb) : 0), !!z?.truncated];
    }),
    conflict: { ignore: true },
  };
}

/** Upserts accumulators in one transaction; resolves to how many were written. */
export async function writeRollups(accs: Iterable<RollupAcc>): Promise<number> {
  const op = rollupOp(accs);
  await writeBatch([op]);
  return op.rows.length;
}

export interface FlushStats {
  flushes: number;
  upserts: number;
  lastMs: number;
  maxMs: number;
}
export const rollupStats: FlushStats = runtime().rollupStats;

/** Rows aggregated per event-loop turn: a 2,000-row PostgreSQL batch is summed in four short steps, not one long one. */
const AGGREGATE_SLICE = 500;

/** The log writer's onFlush listener. */
export async function onLogFlush(rows: CallRecord[]): Promise<void> {
  if (!rows.length) return;
  const t0 = performance.now();
  const accs = new Map<string, RollupAcc>();
  for (let i = 0; i < rows.length; i += AGGREGATE_SLICE) {
    if (i) await new Promise<void>((r) => setImmediate(r));
    aggregate(rows.slice(i, i + AGGREGATE_SLICE) as RollupInput[], GRANS, accs);
  }
  const ups = rollupOp(accs.values());
  // the alert windows every process shares (lib/alerts/window.ts), in the same transaction
  await writeBatch([ups, bodiesOp(rows), slotsOp(rows)]);
  const ms = performance.now() - t0;
  rollupStats.flushes++;
  rollupStats.upserts += ups.rows.length;
  rollupStats.lastMs = ms;
  if (ms > rollupStats.maxMs) rollupStats.maxMs = ms;
}
