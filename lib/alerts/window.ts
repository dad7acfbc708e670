/**
 * In-memory sliding windows of call outcomes for the alert evaluator: fed by
 * the log writer's flush listener (off the request path), read every 15 s —
 * no scan of request_logs. Per subject ("all", "provider:<id>", "route:<alias>",
 * "api:<id>") a ring of 10-second slots holds calls, errors and a latency
 * histogram (lib/telemetry/histogram.ts buckets) for up to an hour.
 *
 * What counts: refused calls (the caller's fault: bad key, rate limit, bad
 * request) and aborted ones (the client left) are not provider health and are
 * skipped. An error is a 5xx answer, a failed or cut stream. Latency is the
 * full duration of a non-streamed call and the time to first token of a stream
 * (what a user waits for before seeing anything).
 *
 * Shared: every process also adds its flushed calls to the `alert_slots` table (`slotsOp`, in the
 * rollup listener's transaction), and the evaluator reads its windows from there
 * (`CallWindows.fromRows`), so it judges the traffic of every worker and replica.
 */
import type { BulkOp } from "@/lib/db/bulk";
import { rawRun } from "@/lib/db/sql";
import type { CallRecord } from "@/lib/gateway/types";
import { HISTOGRAM_BUCKETS, bucketIndex, histogramQuantile } from "@/lib/telemetry/histogram";

export const SLOT_MS = 10_000;
export const MAX_WINDOW_MS = 60 * 60_000;

interface Slot {
  idx: number;
  n: number;
  errors: number;
  latN: number;
  hist: Uint32Array;
}

export interface WindowStats {
  calls: number;
  errors: number;
  /** percent 0..100; null without calls */
  errorRate: number | null;
  latencyCount: number;
  p95Ms: number | null;
}

export function isCountedError(r: Pick<CallRecord, "status" | "outcome">): boolean {
  return r.outcome === "error" || r.outcome === "partial" || r.status >= 500;
}

export function latencyOf(r: Pick<CallRecord, "stream" | "ttftMs" | "latencyMs">): number {
  return r.stream && r.ttftMs !== null ? r.ttftMs : r.latencyMs;
}

export function subjectsOf(r: Pick<CallRecord, "providerId" | "routeAlias" | "apiId">): string[] {
  const s = ["all"];
  if (r.providerId) s.push(`provider:${r.providerId}`);
  if (r.routeAlias) s.push(`route:${r.routeAlias}`);
  if (r.apiId) s.push(`api:${r.apiId}`);
  return s;
}

/** What one call adds to its slot, or null for calls that say nothing about provider health (refused, aborted). */
function countOf(r: CallRecord, at: number): { idx: number; err: boolean; bucket: number } | null {
  if (r.outcome === "refused" || r.outcome === "aborted") return null;
  return { idx: Math.floor(at / SLOT_MS), err: isCountedError(r), bucket: r.outcome === "ok" ? bucketIndex(latencyOf(r)) : -1 };
}

export const SLOT_COLUMNS = ["subject", "slot", "calls", "errors", "lat_n", ...Array.from({ length: HISTOGRAM_BUCKETS }, (_, i) => `h${i}`)] as const;
const SLOT_SUMS = SLOT_COLUMNS.slice(2);

/**
 * A flushed batch as upserts of `alert_slots` (one row per subject and slot touched, sums added
 * on conflict), sorted so concurrent writers take the rows' locks in one order.
 */
export function slotsOp(rows: readonly CallRecord[]): BulkOp {
  const acc = new Map<string, (string | number)[]>();
  for (const r of rows) {
    const c = countOf(r, r.at + r.latencyMs);
    if (!c) continue;
    for (const subject of subjectsOf(r)) {
      const k = `${subject}\u0000${c.idx}`;
      let row = acc.get(k);
      if (!row) acc.set(k, (row = [subject, c.idx, 0, 0, 0, ...new Array<number>(HISTOGRAM_BUCKETS).fill(0)]));
      (row[2] as number)++;
      if (c.err) (row[3] as number)++;
      if (c.bucket >= 0) {
        (row[4] as number)++;
        (row[5 + c.bucket] as number)++;
      }
    }
  }
  const list = [...acc].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)).map(([, row]) => row);
  return { kind: "insert", table: "alert_slots", columns: SLOT_COLUMNS, rows: list, conflict: { target: ["subject", "slot"], add: SLOT_SUMS } };
}

/** Deletes the stored slots older than the longest window (the evaluator and the retention pass both call it). */
export async function pruneSlots(now: number): Promise<void> {
  await rawRun("DELETE FROM alert_slots WHERE slot < ?", [Math.floor((now - MAX_WINDOW_MS) / SLOT_MS) - 1]);
}

/** A row of `alert_slots` as read back (numbers may come as strings from PostgreSQL's bigint). */
export type SlotRow = Record<(typeof SLOT_COLUMNS)[number], string | number>;

export class CallWindows {
  private subjects = new Map<string, Slot[]>();
  private readonly ring = Math.ceil(MAX_WINDOW_MS / SLOT_MS) + 1;

  /** Windows over stored slots (every process's calls): what the evaluator judges. */
  static fromRows(rows: readonly SlotRow[]): CallWindows {
    const w = new CallWindows();
    for (const r of rows) {
      const slot = w.slot(String(r.subject), Number(r.slot));
      if (!slot) continue;
      slot.n += Number(r.calls);
      slot.errors += Number(r.errors);
      slot.latN += Number(r.lat_n);
      for (let i = 0; i < HISTOGRAM_BUCKETS; i++) slot.hist[i]! += Number(r[`h${i}` as keyof SlotRow]);
    }
    return w;
  }

  /** The slot `idx` of `subject`, created empty; null when it is older than the ring holds. */
  private slot(subject: string, idx: number): Slot | null {
    let ring = this.subjects.get(subject);
    if (!ring) this.subjects.set(subject, (ring = []));
    const pos = ((idx % this.ring) + this.ring) % this.ring;
    let slot = ring[pos];
    if (!slot || slot.idx !== idx) {
      if (slot && slot.idx > idx) return null; // older than the ring: too late to count
      slot = ring[pos] = { idx, n: 0, errors: 0, latN: 0, hist: new Uint32Array(HISTOGRAM_BUCKETS) };
    }
    return slot;
  }

  add(r: CallRecord, at = r.at + r.latencyMs): void {
    const c = countOf(r, at);
    if (!c) return;
    for (const subject of subjectsOf(r)) {
      const slot = this.slot(subject, c.idx);
      if (!slot) continue;
      slot.n++;
      if (c.err) slot.errors++;
      if (c.bucket >= 0) {
        slot.latN++;
        slot.hist[c.bucket]!++;
      }
    }
  }

  /** Stats of `subject` over the last `windowMs` up to `now`. */
  stats(subject: string, windowMs: number, now: number): WindowStats {
    const ring = this.subjects.get(subject);
    const from = Math.floor((now - Math.min(windowMs, MAX_WINDOW_MS)) / SLOT_MS);
    const to = Math.floor(now / SLOT_MS);
    let calls = 0;
    let errors = 0;
    let latN = 0;
    const hist = new Array<number>(HISTOGRAM_BUCKETS).fill(0);
    if (ring) {
      for (const s of ring) {
        // the slot that holds `from` is only partly inside: counting it whole errs towards recent data
        if (!s || s.idx <= from || s.idx > to) continue;
        calls += s.n;
        errors += s.errors;
        latN += s.latN;
        for (let i = 0; i < HISTOGRAM_BUCKETS; i++) hist[i]! += s.hist[i]!;
      }
    }
    return {
      calls,
      errors,
      errorRate: calls ? (100 * errors) / calls : null,
      latencyCount: latN,
      p95Ms: latN ? histogramQuantile(hist, 0.95) : null,
    };
  }

  /** Subjects of one dimension that saw calls in the window, e.g. every "provider:*". */
  subjectsWithPrefix(prefix: string, windowMs: number, now: number): string[] {
    const from = Math.floor((now - windowMs) / SLOT_MS);
    const out: string[] = [];
    for (const [subject, ring] of this.subjects) {
      if (!subject.startsWith(prefix)) continue;
      if (ring.some((s) => s && s.idx > from)) out.push(subject);
    }
    return out;
  }

  /** Drops subjects with nothing in the last hour (routes and providers come and go). */
  prune(now: number): void {
    const from = Math.floor((now - MAX_WINDOW_MS) / SLOT_MS);
    for (const [subject, ring] of this.subjects) if (!ring.some((s) => s && s.idx > from)) this.subjects.delete(subject);
  }

  clear(): void {
    this.subjects.clear();
  }
}
