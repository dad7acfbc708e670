import { describe, it, expect } from "vitest";
import { adjustAll, formatReset, msUntilFull, takeAll, type BucketSpec, type BucketState } from "./bucket";
import { MemoryStore } from "./store";
import { BudgetMeter } from "./budget-meter";
import { periodEnd, periodStart } from "./period";
import { rateHeaders } from "./limits";
import type { Budget } from "@/lib/db/schema/policy";

const perMin = (n: number) => n / 60_000;
const rpm = (n: number, burst = n): BucketSpec => ({ key: "r", capacity: burst, perMs: perMin(n), cost: 1 });

describe("token bucket", () => {
  it("starts full, allows a burst of `capacity`, then refuses with the wait for one token", () => {
    const s = new Map<string, BucketState>();
    const b = rpm(10);
    for (let i = 0; i < 10; i++) expect(takeAll(s, [b], 1000).ok).toBe(true);
    const r = takeAll(s, [b], 1000);
    expect(r.ok).toBe(false);
    expect(r.retryAfterMs).toBe(6000); // 10/min → one every 6 s
  });

  it("refills continuously at limit/60 s and never above capacity", () => {
    const s = new Map<string, BucketState>();
    const b = rpm(60, 5);
    for (let i = 0; i < 5; i++) takeAll(s, [b], 0);
    expect(takeAll(s, [b], 0).ok).toBe(false);
    expect(takeAll(s, [b], 999).ok).toBe(false); // 0.999 tokens
    expect(takeAll(s, [b], 1000).ok).toBe(true); // 1 token after 1 s
    // After an hour idle the bucket holds `burst` (5), not 3600.
    let n = 0;
    while (takeAll(s, [b], 3_600_000).ok) n++;
    expect(n).toBe(5);
  });

  it("burst larger than the rate lets a short spike through, then paces at the rate", () => {
    const s = new Map<string, BucketState>();
    const b = rpm(6, 20);
    let ok = 0;
    for (let i = 0; i < 30; i++) if (takeAll(s, [b], 0).ok) ok++;
    expect(ok).toBe(20);
    expect(takeAll(s, [b], 10_000).ok).toBe(true); // 6/min = one per 10 s
    expect(takeAll(s, [b], 10_000).ok).toBe(false);
  });

  it("is all-or-nothing across buckets: a refusal by one takes nothing from the others", () => {
    const s = new Map<string, BucketState>();
    const key: BucketSpec = { key: "key", capacity: 100, perMs: perMin(100), cost: 1 };
    const team: BucketSpec = { key: "team", capacity: 2, perMs: perMin(2), cost: 1 };
    expect(takeAll(s, [key, team], 0).ok).toBe(true);
    expect(takeAll(s, [key, team], 0).ok).toBe(true);
    const r = takeAll(s, [key, team], 0);
    expect(r.ok).toBe(false);
    expect(r.levels[0]).toBe(98); // the key bucket was not charged for the refused call
    expect(r.retryAfterMs).toBe(30_000);
  });

  it("reconciles a token reservation: unused tokens return, an overshoot becomes debt", () => {
    const s = new Map<string, BucketState>();
    const tpm: BucketSpec = { key: "t", capacity: 1000, perMs: perMin(1000), cost: 600 };
    expect(takeAll(s, [tpm], 0).levels[0]).toBe(400);
    expect(takeAll(s, [tpm], 0).ok).toBe(false); // a second 600-token reservation does not fit
    adjustAll(s, [{ ...tpm, cost: 600 - 100 }], 0); // the call used 100 tokens
    expect(s.get("t")!.v).toBe(900);
    expect(takeAll(s, [tpm], 0).ok).toBe(true); // now it fits
    adjustAll(s, [{ ...tpm, cost: 600 - 900 }], 0); // this one used 900: charge 300 more
    expect(s.get("t")!.v).toBe(0);
    adjustAll(s, [{ ...tpm, cost: -200 }], 0);
    expect(s.get("t")!.v).toBe(-200); // debt: later calls wait for it to refill
    expect(takeAll(s, [{ ...tpm, cost: 1 }], 0).retryAfterMs).toBe(Math.ceil(201 / perMin(1000)));
  });

  it("concurrent reservations cannot overshoot by more than one call", async () => {
    const store = new MemoryStore(() => 0);
    const tpm: BucketSpec = { key: "t", capacity: 1000, perMs: perMin(1000), cost: 300 };
    const results = await Promise.all(Array.from({ length: 20 }, async () => store.take([tpm])));
    expect(results.filter((r) => r.ok)).toHaveLength(3); // 3 × 300 ≤ 1000 < 4 × 300
  });

  it("formats reset durations like OpenAI", () => {
    expect(formatReset(0)).toBe("0s");
    expect(formatReset(17)).toBe("17ms");
    expect(formatReset(1000)).toBe("1s");
    expect(formatReset(1500)).toBe("1.5s");
    expect(formatReset(360_000)).toBe("6m0s");
    expect(formatReset(3_723_000)).toBe("1h2m3s");
    expect(msUntilFull(4, rpm(10))).toBe(36_000);
  });

  it("headers report the tightest bucket of each kind", () => {
    const specs: BucketSpec[] = [
      { key: "k", capacity: 100, perMs: perMin(100), cost: 1 },
      { key: "t", capacity: 10, perMs: perMin(10), cost: 1 },
      { key: "tk", capacity: 5000, perMs: perMin(5000), cost: 100 },
    ];
    const h = rateHeaders(specs, [{ kind: "requests", limit: 100 }, { kind: "requests", limit: 10 }, { kind: "tokens", limit: 5000 }], [90, 4, 4900]);
    expect(h).toEqual({
      "x-ratelimit-limit-requests": "10",
      "x-ratelimit-remaining-requests": "4",
      "x-ratelimit-reset-requests": "36s",
      "x-ratelimit-limit-tokens": "5000",
      "x-ratelimit-remaining-tokens": "4900",
      "x-ratelimit-reset-tokens": "1.2s",
    });
  });
});

describe("UTC periods", () => {
  it("days and months start and reset at UTC midnight", () => {
    const at = Date.parse("2026-03-31T23:30:00-05:00"); // 04:30 UTC on April 1st
    expect(new Date(periodStart("day", at)).toISOString()).toBe("2026-04-01T00:00:00.000Z");
    expect(new Date(periodEnd("day", at)).toISOString()).toBe("2026-04-02T00:00:00.000Z");
    expect(new Date(periodStart("month", at)).toISOString()).toBe("2026-04-01T00:00:00.000Z");
    expect(new Date(periodEnd("month", at)).toISOString()).toBe("2026-05-01T00:00:00.000Z");
    const dec = Date.parse("2026-12-31T23:59:59.999Z");
    expect(new Date(periodEnd("month", dec)).toISOString()).toBe("2027-01-01T00:00:00.000Z");
    expect(new Date(periodEnd("day", dec)).toISOString()).toBe("2027-01-01T00:00:00.000Z");
  });
});

describe("budget meter", () => {
  const budget = (limitUsd: number, period: Budget["period"] = "day"): Budget => ({
    id: "b1",
    scope: "team",
    scopeId: "t1",
    period,
    limitUsd,
    thresholds: [50, 80, 100],
    createdAt: 0,
    updatedAt: 0,
  });

  it("reserves estimated cost so concurrent calls stop at the limit, then counts actual cost", () => {
    let now = Date.parse("2026-05-10T12:00:00Z");
    const m = new BudgetMeter(() => 0, () => now);
    const b = budget(1.0);
    const admitted = [];
    for (let i = 0; i < 10; i++) {
      const r = m.reserve([b], 0.3);
      if (r.ok) admitted.push(r.res);
    }
    // 0 + 0.3 + 0.3 + 0.3 + 0.3 ≥ 1.0 after four reservations: at most one call past the limit.
    expect(admitted).toHaveLength(4);
    for (const res of admitted) m.commit(res, 0.1); // each actually cost 0.1
    const c = m.counter("team", "t1", "day");
    expect(c.reserved).toBeCloseTo(0);
    expect(m.spent(c)).toBeCloseTo(0.4);
    expect(m.reserve([b], 0.3).ok).toBe(true);
    // The day rolls over at UTC midnight: a fresh counter from the (empty) ledger.
    now = Date.parse("2026-05-11T00:00:00Z");
    expect(m.spent(m.counter("team", "t1", "day"))).toBe(0);
  });

  it("refuses at the boundary naming the budget and its reset", () => {
    const now = Date.parse("2026-05-10T12:00:00Z");
    const m = new BudgetMeter(() => 0.999, () => now);
    const r1 = m.reserve([budget(1, "month")], 0.01);
    expect(r1.ok).toBe(true);
    if (r1.ok) m.commit(r1.res, 0.001);
    const r2 = m.reserve([budget(1, "month")], 0.01);
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(new Date(r2.resetsAt).toISOString()).toBe("2026-06-01T00:00:00.000Z");
  });

  it("starts from the ledger (restart) and moves flushed spend out of pending", () => {
    const ledger = { v: 0.5 };
    const m = new BudgetMeter(() => ledger.v, () => Date.parse("2026-05-10T12:00:00Z"));
    const r = m.reserve([budget(1)], 0.2);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    m.commit(r.res, 0.2);
    const c = m.counter("team", "t1", "day");
    expect(m.spent(c)).toBeCloseTo(0.7);
    ledger.v = 0.7 + 0.05; // the flush wrote our 0.2; another process added 0.05
    m.unpend(r.res, 0.2);
    expect(m.spent(c)).toBeCloseTo(0.7); // consistent before the (throttled) ledger re-read
    m.refresh();
    expect(m.spent(c)).toBeCloseTo(0.75);
  });
});
