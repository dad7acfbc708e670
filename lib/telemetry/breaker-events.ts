import { insertMany } from "@/lib/db/bulk";
import { rawAll } from "@/lib/db/sql";
import { breakers } from "@/lib/gateway/breaker";
import { logWriter } from "@/lib/gateway/log-writer";
import { log } from "./logger";
import { runtime } from "@/lib/runtime";

/**
 * Circuit-breaker opening history (`breaker_events`) for the provider-health chart.
 * The breaker's onOpen fires on the request path, so it only queues; the queue is
 * written by the log writer's flush listener (or a short unref'd timer when no request
 * row is pending). Platform-level data: charts show it to admins only.
 */
export interface BreakerEventRow {
  at: number;
  target: string;
  providerId: string;
  modelId: string;
  failures: number;
}

const FALLBACK_MS = 1000;

export interface BreakerEventsState {
  queue: BreakerEventRow[];
  timer: NodeJS.Timeout | null;
  started: boolean;
}
const state = runtime().breakerEvents;

/** Writes the queued openings in one transaction (errors are logged, never thrown). */
export async function flushBreakerEvents(): Promise<void> {
  if (state.timer) clearTimeout(state.timer);
  state.timer = null;
  if (!state.queue.length) return;
  const batch = state.queue.splice(0);
  try {
    await insertMany(
      "breaker_events",
      ["at", "target", "provider_id", "model_id", "failures"],
      batch.map((e) => [e.at, e.target, e.providerId, e.modelId, e.failures]),
    );
  } catch (err) {
    log.error("breaker event write failed; events dropped", { events: batch.length, err });
  }
}

/** Chains onto the breaker's onOpen (keeping earlier handlers) and onto the log writer's flushes; once per process. */
export function startBreakerEvents(): void {
  if (state.started) return;
  state.started = true;
  const br = breakers();
  const prev = br.onOpen;
  br.onOpen = (key) => {
    prev?.(key);
    const e = br.list().find((x) => x.target === key);
    state.queue.push({ at: e?.openedAt ?? Date.now(), target: key, providerId: e?.providerId ?? "", modelId: e?.modelId ?? "", failures: e?.failures ?? 0 });
    if (!state.timer) {
      state.timer = setTimeout(() => void flushBreakerEvents(), FALLBACK_MS);
      state.timer.unref();
    }
  };
  logWriter().onFlush(() => flushBreakerEvents());
}

/** Openings in [from, to), oldest first (at most `limit`). */
export async function listBreakerEvents(from: number, to: number, limit = 500): Promise<BreakerEventRow[]> {
  const rows = await rawAll<BreakerEventRow>('SELECT at, target, provider_id AS "providerId", model_id AS "modelId", failures FROM breaker_events WHERE at >= ? AND at < ? ORDER BY at LIMIT ?', [from, to, limit]);
  // PostgreSQL returns bigint columns as strings
  return rows.map((r) => ({ ...r, at: Number(r.at), failures: Number(r.failures) }));
}
