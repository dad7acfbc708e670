import { describe, expect, it } from "vitest";
import { CallWindows, SLOT_COLUMNS, SLOT_MS, isCountedError, latencyOf, slotsOp, type SlotRow } from "./window";
import type { CallRecord } from "@/lib/gateway/types";

const T0 = 1_800_000_000_000;

function call(over: Partial<CallRecord>): CallRecord {
  return {
    id: "r",
    at: T0,
    endpoint: "chat.completions",
    inbound: "openai",
    keyId: null,
    teamId: null,
    appId: null,
    apiId: "api_1",
    routeAlias: "gpt",
    providerId: "prv_1",
    providerType: "openai",
    modelId: "m",
    upstreamModel: "m",
    stream: false,
    status: 200,
    outcome: "ok",
    attempts: [],
    latencyMs: 100,
    ttftMs: null,
    tokensIn: 0,
    tokensOut: 0,
    tokensCached: 0,
    usageEstimated: false,
    costUsd: 0,
    errorCode: null,
    errorMessage: null,
    ...over,
  };
}

describe("what counts", () => {
  it("errors are 5xx, failed and cut streams; latency is TTFT for streams", () => {
    expect(isCountedError({ status: 502, outcome: "error" })).toBe(true);
    expect(isCountedError({ status: 200, outcome: "partial" })).toBe(true);
    expect(isCountedError({ status: 200, outcome: "ok" })).toBe(false);
    expect(latencyOf({ stream: true, ttftMs: 80, latencyMs: 9000 })).toBe(80);
    expect(latencyOf({ stream: false, ttftMs: null, latencyMs: 300 })).toBe(300);
  });
});

describe("CallWindows", () => {
  it("counts per subject and skips refusals and client aborts", () => {
    const w = new CallWindows();
    w.add(call({}), T0);
    w.add(call({ status: 500, outcome: "error", providerId: "prv_2" }), T0);
    w.add(call({ status: 401, outcome: "refused" }), T0);
    w.add(call({ status: 499, outcome: "aborted" }), T0);
    const now = T0 + 1000;
    expect(w.stats("all", 60_000, now)).toMatchObject({ calls: 2, errors: 1, errorRate: 50 });
    expect(w.stats("provider:prv_1", 60_000, now)).toMatchObject({ calls: 1, errors: 0, errorRate: 0 });
    expect(w.stats("provider:prv_2", 60_000, now)).toMatchObject({ calls: 1, errors: 1, errorRate: 100 });
    expect(w.stats("route:gpt", 60_000, now).calls).toBe(2);
    expect(w.stats("api:api_1", 60_000, now).calls).toBe(2);
    expect(w.stats("provider:nope", 60_000, now)).toEqual({ calls: 0, errors: 0, errorRate: null, latencyCount: 0, p95Ms: null });
    expect(w.subjectsWithPrefix("provider:", 60_000, now).sort()).toEqual(["provider:prv_1", "provider:prv_2"]);
  });

  it("slides: calls older than the window drop out", () => {
    const w = new CallWindows();
    for (let i = 0; i < 10; i++) w.add(call({ status: 500, outcome: "error" }), T0);
    for (let i = 0; i < 10; i++) w.add(call({}), T0 + 3 * 60_000);
    expect(w.stats("all", 5 * 60_000, T0 + 3 * 60_000 + 1)).toMatchObject({ calls: 20, errors: 10, errorRate: 50 });
    expect(w.stats("all", 2 * 60_000, T0 + 3 * 60_000 + 1)).toMatchObject({ calls: 10, errors: 0 });
    // an hour later nothing is left, and pruning forgets the subject
    const later = T0 + 2 * 60 * 60_000;
    expect(w.stats("all", 60 * 60_000, later).calls).toBe(0);
    w.prune(later);
    expect(w.subjectsWithPrefix("", 60 * 60_000, later)).toEqual([]);
  });

  it("reuses ring slots without mixing an hour-old slot into the current one", () => {
    const w = new CallWindows();
    w.add(call({ status: 500, outcome: "error" }), T0);
    const anHourLater = T0 + 61 * 60_000 + SLOT_MS; // lands on a reused ring position
    w.add(call({}), anHourLater);
    expect(w.stats("all", 60_000, anHourLater + 1)).toMatchObject({ calls: 1, errors: 0 });
  });

  it("estimates p95 latency from the histogram", () => {
    const w = new CallWindows();
    for (let i = 0; i < 95; i++) w.add(call({ latencyMs: 40 }), T0);
    for (let i = 0; i < 5; i++) w.add(call({ latencyMs: 4000 }), T0);
    const s = w.stats("all", 60_000, T0 + 1);
    expect(s.latencyCount).toBe(100);
    expect(s.p95Ms).toBeGreaterThanOrEqual(35);
    expect(s.p95Ms).toBeLessThanOrEqual(50);
    for (let i = 0; i < 20; i++) w.add(call({ latencyMs: 4000 }), T0);
    expect(w.stats("all", 60_000, T0 + 1).p95Ms).toBeGreaterThan(3000);
    // failed calls do not count towards latency
    w.add(call({ status: 500, outcome: "error", latencyMs: 1 }), T0);
    expect(w.stats("all", 60_000, T0 + 1).latencyCount).toBe(120);
  });
});

describe("shared slots", () => {
  it("slotsOp rows read back with fromRows give the same windows as adding the calls in memory", () => {
    const calls = [
      call({}),
      call({ latencyMs: 900, providerId: "prv_2" }),
      call({ status: 502, outcome: "error", at: T0 + SLOT_MS }),
      call({ stream: true, ttftMs: 40, latencyMs: 3000, routeAlias: "other" }),
      call({ status: 429, outcome: "refused" }), // not provider health: counted nowhere
      call({ outcome: "aborted" }),
    ];
    const mem = new CallWindows();
    for (const c of calls) mem.add(c);
    const op = slotsOp(calls);
    if (op.kind !== "insert") throw new Error("expected an insert");
    const rows = op.rows.map((r) => Object.fromEntries(SLOT_COLUMNS.map((c, i) => [c, String(r[i])])) as SlotRow);
    // one row per subject and slot, in one order: concurrent writers lock rows alike
    expect(rows.map((r) => `${r.subject}@${Number(r.slot) - Math.floor(T0 / SLOT_MS)}`)).toEqual([
      "all@0", "all@1", "api:api_1@0", "api:api_1@1", "provider:prv_1@0", "provider:prv_1@1", "provider:prv_2@0", "route:gpt@0", "route:gpt@1", "route:other@0",
    ]);
    const shared = CallWindows.fromRows(rows);
    const now = T0 + 2 * SLOT_MS;
    for (const s of ["all", "provider:prv_1", "provider:prv_2", "route:gpt", "route:other", "api:api_1"]) {
      expect(shared.stats(s, 60_000, now)).toEqual(mem.stats(s, 60_000, now));
    }
    expect(shared.stats("all", 60_000, now)).toMatchObject({ calls: 4, errors: 1, latencyCount: 3 });
  });
});
