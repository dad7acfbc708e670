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
 * Per process: with several Portico instances each alerts on its own traffic.
 */
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

export class CallWindows {
  private subjects = new Map<string, Slot[]>();
  private readonly ring = Math.ceil(MAX_WINDOW_MS / SLOT_MS) + 1;

  add(r: CallRecord, at = r.at + r.latencyMs): void {
    if (r.outcome === "refused" || r.outcome === "aborted") return;
    const idx = Math.floor(at / SLOT_MS);
    const err = isCountedError(r);
    const ok = r.outcome === "ok";
    const b = ok ? bucketIndex(latencyOf(r)) : -1;
    for (const subject of subjectsOf(r)) {
      let ring = this.subjects.get(subject);
      if (!ring) this.subjects.set(subject, (ring = []));
      const pos = ((idx % this.ring) + this.ring) % this.ring;
      let slot = ring[pos];
      if (!slot || slot.idx !== idx) {
        if (slot && slot.idx > idx) continue; // older than the ring: too late to count
        slot = ring[pos] = { idx, n: 0, errors: 0, latN: 0, hist: new Uint32Array(HISTOGRAM_BUCKETS) };
      }
      slot.n++;
      if (err) slot.errors++;
      if (b >= 0) {
        slot.latN++;
        slot.hist[b]!++;
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
