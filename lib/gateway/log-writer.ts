import { writeBatch, type BulkOp } from "@/lib/db/bulk";
import { dbEngine } from "@/lib/db/client";
import type { CallRecord } from "./types";
import { log } from "@/lib/telemetry/logger";
import { runtime } from "@/lib/runtime";

/**
 * Batched request-log writer: the request path only pushes onto an array (synchronous,
 * never awaits the database); a flush writes up to MAX_BATCH rows in one transaction
 * every FLUSH_MS (or at once when the batch is full). Key last-used times ride along,
 * debounced. SQLite: cached prepared statements in one synchronous transaction;
 * PostgreSQL: one multi-row INSERT per batch on a pooled connection (lib/db/bulk.ts).
 * One flush runs at a time; rows pushed meanwhile go into its next batch. While a batch's
 * listeners (rollups, ledger) run, the next batch is already being inserted: on PostgreSQL
 * the two overlap on two pooled connections; listeners still see batches in order.
 */
const FLUSH_MS = Number(process.env.PORTICO_LOG_FLUSH_MS || 100);
/**
 * Rows per transaction. SQLite writes synchronously (the event loop waits for the whole
 * batch, so batches stay small); PostgreSQL's statement costs little per row and the rollup
 * upserts count distinct dimensions per batch, not rows: a backlog drains in bigger batches.
 */
const MAX_BATCH_SQLITE = 500;
const MAX_BATCH_PG = 2000;
const maxBatch = () => (dbEngine() === "postgres" ? MAX_BATCH_PG : MAX_BATCH_SQLITE);
/**
 * Rows that may wait for the database (PORTICO_LOG_QUEUE_MAX): a database slower than the
 * traffic for long must not take the process's memory with it. Past it, new rows are
 * dropped, counted and logged (at most once every 10 s).
 */
const MAX_QUEUE = Number(process.env.PORTICO_LOG_QUEUE_MAX || 200_000);
const LAST_USED_DEBOUNCE_MS = 60_000;

type Listener = (rows: CallRecord[]) => void | Promise<void>;

class LogWriter {
  private queue: CallRecord[] = [];
  private lastUsed = new Map<string, number>();
  private pendingLastUsed = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private listeners: Listener[] = [];
  /** the flush in progress: a second flush() waits for it, then writes what is left */
  private running: Promise<void> | null = null;
  flushes = 0;
  written = 0;
  lastFlushMs = 0;
  /** rows refused because the queue was full */
  dropped = 0;
  private droppedLoggedAt = 0;

  /** Queues one row; never waits for the database. */
  push(r: CallRecord): void {
    if (this.queue.length >= MAX_QUEUE) {
      this.dropped++;
      const now = Date.now();
      if (now - this.droppedLoggedAt > 10_000) {
        this.droppedLoggedAt = now;
        log.error("request log queue full; rows dropped", { queued: this.queue.length, dropped: this.dropped });
      }
      return;
    }
    this.queue.push(r);
    if (r.keyId) {
      const prev = this.lastUsed.get(r.keyId) ?? 0;
      if (r.at - prev > LAST_USED_DEBOUNCE_MS) {
        this.lastUsed.set(r.keyId, r.at);
        this.pendingLastUsed.set(r.keyId, r.at);
      }
    }
    if (this.queue.length >= MAX_BATCH_SQLITE) {
      if (!this.running) void this.flush();
    } else if (!this.timer && !this.running) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_MS);
      this.timer.unref();
    }
  }

  /** Called after each flush with the rows written (rollups, metrics, live tail). */
  onFlush(l: Listener): void {
    this.listeners.push(l);
  }

  get depth(): number {
    return this.queue.length;
  }

  /** Writes everything queued (and what is pushed while it writes); never rejects. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.running) await this.running;
    if (!this.queue.length && !this.pendingLastUsed.size) return;
    const run = this.drain();
    this.running = run;
    try {
      await run;
    } finally {
      this.running = null;
      // rows pushed during the last listener call: the next timer tick takes them
      if (this.queue.length && !this.timer) {
        this.timer = setTimeout(() => void this.flush(), FLUSH_MS);
        this.timer.unref();
      }
    }
  }

  private async drain(): Promise<void> {
    // listeners of the previous batch, running while this batch is inserted (at most one batch behind)
    let notifying: Promise<void> | null = null;
    while (this.queue.length || this.pendingLastUsed.size) {
      const batch = this.queue.splice(0, maxBatch());
      const touches = [...this.pendingLastUsed];
      this.pendingLastUsed.clear();
      const t0 = performance.now();
      try {
        await writeBatch(batchOps(batch, touches));
        this.written += batch.length;
      } catch (e) {
        // Never take the data plane down for a log write; say it loudly instead.
        log.error("request log flush failed; rows dropped", { rows: batch.length, err: e });
      }
      this.flushes++;
      this.lastFlushMs = performance.now() - t0;
      if (notifying) await notifying;
      notifying = this.notify(batch);
    }
    if (notifying) await notifying;
  }

  /** Every listener in turn with the batch written; never rejects. */
  private async notify(batch: CallRecord[]): Promise<void> {
    for (const l of this.listeners) {
      try {
        await l(batch);
      } catch (e) {
        log.error("log flush listener failed", { err: e });
      }
    }
  }
}

// Positional parameters in COLUMNS order: binding 31 named parameters looked each name up on a
// spread copy of the record, per row (a visible share of the data plane's CPU in the benchmark).
export const LOG_COLUMNS = [
  "id", "at", "endpoint", "inbound", "key_id", "team_id", "app_id", "api_id", "route_alias", "provider_id", "provider_type", "model_id",
  "upstream_model", "stream", "status", "outcome", "attempts", "latency_ms", "ttft_ms", "tokens_in", "tokens_out", "tokens_cached", "usage_estimated",
  "cost_usd", "error_code", "error_message", "cache", "saved_cost_usd", "flags", "req_bytes", "res_bytes",
] as const;

/** The batch's statements: the rows (a repeated id is skipped) and the debounced key touches. */
export function batchOps(batch: readonly CallRecord[], touches: readonly (readonly [string, number])[]): BulkOp[] {
  return [
    { kind: "insert", table: "request_logs", columns: LOG_COLUMNS, rows: batch.map(toRow), conflict: { ignore: true } },
    { kind: "each", sql: "UPDATE api_keys SET last_used_at = ? WHERE id = ?", rows: touches.map(([id, at]) => [at, id]) },
  ];
}

/** Integer columns get integers (PostgreSQL's bigint refuses 12.5; SQLite would keep a real). */
const int = (n: number | null | undefined) => (n === null || n === undefined ? null : Math.round(n));

export function toRow(r: CallRecord): unknown[] {
  return [
    r.id, r.at, r.endpoint, r.inbound, r.keyId, r.teamId, r.appId, r.apiId, r.routeAlias, r.providerId, r.providerType, r.modelId,
    r.upstreamModel, !!r.stream, r.status, r.outcome, JSON.stringify(r.attempts), int(r.latencyMs), int(r.ttftMs), int(r.tokensIn), int(r.tokensOut), int(r.tokensCached), !!r.usageEstimated,
    r.costUsd, r.errorCode, r.errorMessage ? r.errorMessage.slice(0, 2000) : null, r.cache ?? null, r.savedCostUsd ?? null, r.flags?.length ? JSON.stringify(r.flags) : null, int(r.reqBytes), int(r.resBytes),
  ];
}


export function logWriter(): LogWriter {
  return (runtime().logWriter ??= new LogWriter());
}

export type { LogWriter };
