import { withTransaction } from "@/lib/db/sql";
import type Database from "better-sqlite3";
import { getDbHolder } from "@/lib/db/client";
import type { CallRecord } from "./types";
import { log } from "@/lib/telemetry/logger";

/**
 * Batched request-log writer: the request path only pushes onto an array;
 * a flush writes up to MAX_BATCH rows in one transaction every FLUSH_MS (or
 * at once when the batch is full). Key last-used times ride along, debounced.
 */
const FLUSH_MS = Number(process.env.PORTICO_LOG_FLUSH_MS || 100);
const MAX_BATCH = 500;
const LAST_USED_DEBOUNCE_MS = 60_000;

type Listener = (rows: CallRecord[]) => void;

class LogWriter {
  private queue: CallRecord[] = [];
  private lastUsed = new Map<string, number>();
  private pendingLastUsed = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private insert: Database.Statement | null = null;
  private touchKey: Database.Statement | null = null;
  private listeners: Listener[] = [];
  flushes = 0;
  written = 0;
  lastFlushMs = 0;

  async push(r: CallRecord): Promise<void> {
    this.queue.push(r);
    if (r.keyId) {
      const prev = this.lastUsed.get(r.keyId) ?? 0;
      if (r.at - prev > LAST_USED_DEBOUNCE_MS) {
        this.lastUsed.set(r.keyId, r.at);
        this.pendingLastUsed.set(r.keyId, r.at);
      }
    }
    if (this.queue.length >= MAX_BATCH) (await this.flush());
    else if (!this.timer) {
      this.timer = setTimeout(async () => (await this.flush()), FLUSH_MS);
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

  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.queue.length || this.pendingLastUsed.size) {
      const batch = this.queue.splice(0, MAX_BATCH);
      const touches = [...this.pendingLastUsed];
      this.pendingLastUsed.clear();
      const t0 = performance.now();
      try {
        const { sqlite } = getDbHolder();
        this.prepare(sqlite);
        sqlite.transaction(() => {
          for (const r of batch) this.insert!.run(...toRow(r));
          for (const [id, at] of touches) this.touchKey!.run(at, id);
        })();
        this.written += batch.length;
      } catch (e) {
        // Never take the data plane down for a log write; say it loudly instead.
        log.error("request log flush failed; rows dropped", { rows: batch.length, err: e });
        this.insert = null;
        this.touchKey = null;
      }
      this.flushes++;
      this.lastFlushMs = performance.now() - t0;
      for (const l of this.listeners) {
        try {
          l(batch);
        } catch (e) {
          log.error("log flush listener failed", { err: e });
        }
      }
    }
  }

  private prepare(sqlite: Database.Database): void {
    this.insert ??= sqlite.prepare(`INSERT OR IGNORE INTO request_logs (${COLUMNS.join(", ")}) VALUES (${COLUMNS.map(() => "?").join(", ")})`);
    this.touchKey ??= sqlite.prepare("UPDATE api_keys SET last_used_at = ? WHERE id = ?");
  }
}

// Positional parameters in COLUMNS order: binding 31 named parameters looked each name up on a
// spread copy of the record, per row (a visible share of the data plane's CPU in the benchmark).
const COLUMNS = [
  "id", "at", "endpoint", "inbound", "key_id", "team_id", "app_id", "api_id", "route_alias", "provider_id", "provider_type", "model_id",
  "upstream_model", "stream", "status", "outcome", "attempts", "latency_ms", "ttft_ms", "tokens_in", "tokens_out", "tokens_cached", "usage_estimated",
  "cost_usd", "error_code", "error_message", "cache", "saved_cost_usd", "flags", "req_bytes", "res_bytes",
] as const;

function toRow(r: CallRecord): unknown[] {
  return [
    r.id, r.at, r.endpoint, r.inbound, r.keyId, r.teamId, r.appId, r.apiId, r.routeAlias, r.providerId, r.providerType, r.modelId,
    r.upstreamModel, r.stream ? 1 : 0, r.status, r.outcome, JSON.stringify(r.attempts), r.latencyMs, r.ttftMs, r.tokensIn, r.tokensOut, r.tokensCached, r.usageEstimated ? 1 : 0,
    r.costUsd, r.errorCode, r.errorMessage ? r.errorMessage.slice(0, 2000) : null, r.cache ?? null, r.savedCostUsd ?? null, r.flags?.length ? JSON.stringify(r.flags) : null, r.reqBytes ?? null, r.resBytes ?? null,
  ];
}

const g = globalThis as unknown as { __porticoLogWriter?: LogWriter };

export function logWriter(): LogWriter {
  return (g.__porticoLogWriter ??= new LogWriter());
}

export type { LogWriter };
