import { describe, expect, it } from "vitest";
import { aggregate, bucketStart, isError, mergeAcc, statusClass, UPSERT_SQL, upsertParams, type RollupInput } from "./rollup";
import { bucketIndex, BUCKET_UPPER_MS, histogramQuantile, HISTOGRAM_BUCKETS } from "./histogram";

const T0 = Date.UTC(2026, 10, 20, 10, 30, 15); // 10:30:15 UTC

function rec(over: Partial<RollupInput> = {}): RollupInput {
  return {
    at: T0,
    teamId: "team_a",
    appId: "app_a",
    keyId: "key_a",
    apiId: "api_a",
    routeAlias: "chat",
    upstreamModel: "gpt-4o",
    providerId: "prv_a",
    status: 200,
    outcome: "ok",
    latencyMs: 120,
    ttftMs: 40,
    tokensIn: 100,
    tokensOut: 50,
    tokensCached: 10,
    costUsd: 0.001,
    ...over,
  };
}

describe("rollup arithmetic", () => {
  it("aligns buckets to UTC minute, hour and day", () => {
    expect(bucketStart(T0, "m")).toBe(Date.UTC(2026, 10, 20, 10, 30));
    expect(bucketStart(T0, "h")).toBe(Date.UTC(2026, 10, 20, 10));
    expect(bucketStart(T0, "d")).toBe(Date.UTC(2026, 10, 20));
    expect(bucketStart(T0, "H")).toBe(Date.UTC(2026, 10, 20, 10));
  });

  it("classes statuses and counts failures, not refusals or client aborts, as errors", () => {
    expect([200, 201, 429, 499, 502, 0].map(statusClass)).toEqual(["2xx", "2xx", "4xx", "4xx", "5xx", "0xx"]);
    expect(isError({ status: 200, outcome: "ok" })).toBe(false);
    expect(isError({ status: 429, outcome: "refused" })).toBe(false);
    expect(isError({ status: 499, outcome: "aborted" })).toBe(false);
    expect(isError({ status: 200, outcome: "partial" })).toBe(true);
    expect(isError({ status: 502, outcome: "error" })).toBe(true);
  });

  it("sums a batch per granularity and dimension set", () => {
    const rows = [
      rec(),
      rec({ at: T0 + 20_000, latencyMs: 900, ttftMs: null, costUsd: 0.002, tokensIn: 1, tokensOut: 2, tokensCached: 0 }),
      rec({ at: T0 + 40_000, status: 502, outcome: "error", costUsd: 0, latencyMs: 3000, ttftMs: null }),
      rec({ at: T0 + 60_000, keyId: "key_b" }), // next minute, another key
    ];
    const accs = [...aggregate(rows).values()];
    // Minute rows are coarse (team × model × provider): 10:30 and 10:31.
    expect(accs.filter((a) => a.gran === "m")).toHaveLength(2);
    // Hour rows keep every dimension: key_a 2xx, key_a 5xx, key_b 2xx.
    expect(accs.filter((a) => a.gran === "h")).toHaveLength(3);
    const h2xx = accs.find((a) => a.gran === "h" && a.statusClass === "2xx" && a.keyId === "key_a")!;
    expect(h2xx.requests).toBe(2);
    expect(h2xx.errors).toBe(0);
    expect(h2xx.tokensIn).toBe(101);
    expect(h2xx.tokensOut).toBe(52);
    expect(h2xx.tokensCached).toBe(10);
    expect(h2xx.costUsd).toBeCloseTo(0.003, 12);
    expect(h2xx.latencySum).toBe(1020);
    expect(h2xx.ttftSum).toBe(40);
    expect(h2xx.ttftCount).toBe(1);
    expect(h2xx.h[bucketIndex(120)]).toBe(1);
    expect(h2xx.h[bucketIndex(900)]).toBe(1);
    expect(h2xx.h.reduce((a, b) => a + b, 0)).toBe(2);
    const h5xx = accs.find((a) => a.gran === "h" && a.statusClass === "5xx")!;
    expect(h5xx.errors).toBe(1);
    // Coarse rows keep only team, model, provider: one hour row, one day row for all four calls.
    const coarse = accs.filter((a) => a.gran === "H");
    expect(coarse).toHaveLength(1);
    expect(coarse[0]).toMatchObject({ requests: 4, errors: 1, appId: "", keyId: "", apiId: "", route: "", statusClass: "", model: "gpt-4o", teamId: "team_a" });
    expect(accs.filter((a) => a.gran === "D")).toHaveLength(1);
    // Every granularity sees every request.
    for (const g of ["m", "h", "d", "H", "D"]) expect(accs.filter((a) => a.gran === g).reduce((n, a) => n + a.requests, 0)).toBe(4);
  });

  it("stores null dimensions as '' so the upsert key matches", () => {
    const [a] = [...aggregate([rec({ teamId: null, appId: null, keyId: null, apiId: null, routeAlias: null, upstreamModel: null, providerId: null })], ["h"]).values()];
    expect(a).toMatchObject({ teamId: "", appId: "", keyId: "", apiId: "", route: "", model: "", providerId: "" });
  });

  it("merges accumulators and keeps aggregate() additive across batches", () => {
    const into = aggregate([rec()], ["d"]);
    aggregate([rec({ latencyMs: 5000 })], ["d"], into);
    const [a] = [...into.values()];
    expect(a!.requests).toBe(2);
    const b = structuredClone(a!);
    mergeAcc(b, a!);
    expect(b.requests).toBe(4);
    expect(b.latencySum).toBe(2 * (120 + 5000));
    expect(b.h.reduce((x, y) => x + y, 0)).toBe(4);
  });

  it("binds one parameter per column in the upsert", () => {
    const [a] = [...aggregate([rec()], ["h"]).values()];
    const placeholders = (UPSERT_SQL.match(/\?/g) ?? []).length;
    expect(upsertParams(a!)).toHaveLength(placeholders);
    expect(UPSERT_SQL).toContain("ON CONFLICT(gran, bucket, team_id");
    // qualified: PostgreSQL refuses a bare column on the right of DO UPDATE SET (ambiguous with excluded)
    expect(UPSERT_SQL).toContain("h23 = usage_rollups.h23 + excluded.h23");
  });
});

describe("latency histogram", () => {
  it("puts values in log-spaced buckets with an open last bucket", () => {
    expect(HISTOGRAM_BUCKETS).toBe(24);
    expect(bucketIndex(0)).toBe(0);
    expect(bucketIndex(5)).toBe(0);
    expect(bucketIndex(6)).toBe(1);
    expect(bucketIndex(100)).toBe(BUCKET_UPPER_MS.indexOf(100));
    expect(bucketIndex(60_000)).toBe(22);
    expect(bucketIndex(600_000)).toBe(23);
  });

  it("estimates quantiles by interpolating inside the bucket", () => {
    const h = new Array(24).fill(0);
    expect(histogramQuantile(h, 0.5)).toBeNull();
    // 100 values, all in (100, 150]
    h[bucketIndex(120)] = 100;
    expect(histogramQuantile(h, 0.5)).toBe(125);
    expect(histogramQuantile(h, 0.95)).toBe(148);
    // 90 fast (≤5 ms) + 10 slow (in (1000, 1500]): p50 fast, p95 in the slow bucket's middle
    const g = new Array(24).fill(0);
    g[0] = 90;
    g[bucketIndex(1200)] = 10;
    expect(histogramQuantile(g, 0.5)).toBeLessThanOrEqual(5);
    expect(histogramQuantile(g, 0.95)).toBe(1250);
    expect(histogramQuantile(g, 1)).toBe(1500);
  });

  it("reports the lower bound for the open-ended bucket", () => {
    const h = new Array(24).fill(0);
    h[23] = 3;
    expect(histogramQuantile(h, 0.5)).toBe(60_000);
  });
});
