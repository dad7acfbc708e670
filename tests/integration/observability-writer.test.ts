/**
 * The batched log writer with the rollup listener fed at 5,000 rows/s: every row is
 * written, every rollup granularity counts every row, and the full-text index takes
 * them all. The achieved rate, event-loop delay (perf_hooks.monitorEventLoopDelay) and
 * flush times are printed, not asserted: speed is measured by the benchmarks on a quiet
 * machine, and a timed assertion here would only measure how busy the CI box is.
 * Then a real call through the gateway shows up in the rollups, the full-text index
 * and (with body capture on) request_bodies.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatBody, requestId, sleep, startGateway, type Gateway } from "../support/gateway";
import type { CallRecord } from "@/lib/gateway/types";
import { rawAll, rawGet } from "@/lib/db/sql";

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway({ PORTICO_RETENTION: "off" });
});
afterAll(() => gw?.close());

const RATE = 5000;
const SECONDS = 3;

function synthetic(i: number, at: number): CallRecord {
  const failed = i % 17 === 0;
  return {
    id: `load-${process.pid}-${i}`,
    at,
    endpoint: "chat.completions",
    inbound: "openai",
    keyId: `key_${i % 40}`,
    teamId: `team_${i % 4}`,
    appId: `app_${i % 12}`,
    apiId: "api_load",
    routeAlias: `route-${i % 3}`,
    providerId: `prv_${i % 2}`,
    providerType: "openai",
    modelId: null,
    upstreamModel: `model-${i % 5}`,
    stream: i % 2 === 0,
    status: failed ? 502 : 200,
    outcome: failed ? "error" : "ok",
    attempts: [{ target: "t", provider: "openai", model: "m", status: failed ? 502 : 200, ms: 80 }],
    latencyMs: 50 + (i % 400),
    ttftMs: i % 2 === 0 ? 20 + (i % 50) : null,
    tokensIn: 100 + (i % 30),
    tokensOut: 40,
    tokensCached: 0,
    usageEstimated: false,
    costUsd: 0.0001,
    errorCode: failed ? "upstream_error" : null,
    errorMessage: failed ? `Provider answered 502 for load row ${i}` : null,
  };
}

describe("log writer at 5,000 rows/s", () => {
  it("writes every row and its rollups and indexes them all", async () => {
    const writer = gw.m.logWriter.logWriter();
    const before = ((await rawGet("SELECT count(*) AS n FROM request_logs", [])) as { n: number }).n;
    // Time whole flushes (insert + every onFlush listener) to tell a flush stall from anything else.
    const flushTimes: number[] = [];
    const orig = writer.flush.bind(writer);
    writer.flush = async () => {
      const t = performance.now();
      await orig();
      flushTimes.push(performance.now() - t);
    };
    const h = monitorEventLoopDelay({ resolution: 5 });
    h.enable();
    const total = RATE * SECONDS;
    const tickMs = 10;
    const perTick = (RATE * tickMs) / 1000;
    const t0 = Date.now();
    let i = 0;
    while (i < total) {
      // Pace to the wall clock: push what is due, then yield.
      const due = Math.min(total, Math.floor(((Date.now() - t0) / tickMs + 1) * perTick));
      for (; i < due; i++) (await writer.push(synthetic(i, Date.now())));
      await sleep(tickMs);
    }
    await sleep(200);
    (await writer.flush());
    h.disable();
    writer.flush = orig;
    const maxFlush = Math.max(...flushTimes);
    console.log(`[writer] flush ms by order: ${flushTimes.map((x) => x.toFixed(0)).join(" ")}`);
    const elapsed = (Date.now() - t0) / 1000;
    const maxStallMs = h.max / 1e6;
    console.log(`[writer] ${total} rows in ${elapsed.toFixed(2)} s (${Math.round(total / elapsed)} rows/s); event-loop delay max ${maxStallMs.toFixed(1)} ms, p99 ${(h.percentile(99) / 1e6).toFixed(1)} ms; flushes ${writer.flushes}, slowest whole flush ${maxFlush.toFixed(1)} ms`);
    const { rollupStats } = await import("@/lib/telemetry/rollup-store");
    console.log(`[writer] rollup listener: ${rollupStats.flushes} flushes, ${rollupStats.upserts} upserts, last ${rollupStats.lastMs.toFixed(1)} ms, max ${rollupStats.maxMs.toFixed(1)} ms`);

    const after = ((await rawGet("SELECT count(*) AS n FROM request_logs", [])) as { n: number }).n;
    expect(after - before).toBe(total);
    const sums = (await rawAll("SELECT gran, sum(requests) AS n, sum(errors) AS e FROM usage_rollups WHERE api_id = 'api_load' OR (gran IN ('m', 'H', 'D') AND team_id LIKE 'team\\_%' ESCAPE '\\') GROUP BY gran", [])) as { gran: string; n: number; e: number }[];
    const expectedErrors = Math.ceil(total / 17);
    for (const g of ["m", "h", "d", "H", "D"]) {
      const row = sums.find((s) => s.gran === g)!;
      expect(row.n, `requests in ${g} rollups`).toBe(total);
      expect(row.e, `errors in ${g} rollups`).toBe(expectedErrors);
    }
    // The full-text index took every row (SQLite: the FTS5 table; PostgreSQL: the expression the GIN index is on).
    const { LOG_ERROR_PREDICATE, LOG_ERROR_TSVECTOR } = await import("@/lib/db/schema-pg/search");
    const ftsCount =
      gw.m.db.getDbHolder().engine === "postgres"
        ? `SELECT count(*) AS n FROM request_logs WHERE ${LOG_ERROR_TSVECTOR} @@ phraseto_tsquery('simple', 'load row') AND ${LOG_ERROR_PREDICATE}`
        : "SELECT count(*) AS n FROM request_logs_fts WHERE request_logs_fts MATCH '\"load row\"'";
    const hits = ((await rawGet(ftsCount, [])) as { n: number }).n;
    expect(hits).toBe(expectedErrors);
  });
});

describe("a real call", () => {
  it("lands in rollups, the full-text index and, with body capture on, request_bodies", async () => {
    const { setBodyCapture, searchLogs, getLogDetail } = await import("@/lib/services/logs");
    const { logFilterSchema } = await import("@/lib/telemetry/search");
    await gw.routeTo("obs-chat", [{ type: "openai", upstreamModel: "gpt-obs", inputPricePerM: 1, outputPricePerM: 2 }]);
    await setBodyCapture({ actor: gw.actor, input: { apiId: gw.harness.apiId, captureBodies: true, maxBodyBytes: 1024 } });
    const rid = requestId("obs");
    const res = await gw.post("/v1/chat/completions", chatBody("obs-chat", { user: "zanzibar-marker" }), { headers: { "x-request-id": rid } });
    expect(res.status).toBe(200);
    await gw.logRow(rid);
    const detail = await getLogDetail({ actor: gw.actor, id: rid });
    expect(detail.bodies?.reqBody).toContain("zanzibar-marker");
    expect(detail.bodies?.resBody).toContain("Fake openai reply");
    // Body text is searchable.
    const found = await searchLogs({ actor: gw.actor, query: logFilterSchema.parse({ q: "zanzibar" }) });
    expect(found.items.map((r) => r.id)).toContain(rid);
    // `range` and `from` together: both apply (the intersection), not just the range.
    const at = detail.at;
    const within = await searchLogs({ actor: gw.actor, query: logFilterSchema.parse({ q: "zanzibar", range: "24h", from: String(at - 1000) }) });
    expect(within.items.map((r) => r.id)).toContain(rid);
    const after = await searchLogs({ actor: gw.actor, query: logFilterSchema.parse({ q: "zanzibar", range: "24h", from: String(at + 1) }) });
    expect(after.items.map((r) => r.id)).not.toContain(rid);
    await expect(searchLogs({ actor: gw.actor, query: logFilterSchema.parse({ range: "1h", to: String(Date.now() - 2 * 3_600_000) }) })).rejects.toThrow(/do not overlap/);
    const roll = (await rawGet("SELECT sum(requests) AS n, sum(cost_usd) AS c FROM usage_rollups WHERE gran = 'h' AND route = 'obs-chat'", [])) as { n: number; c: number };
    expect(roll.n).toBe(1);
    expect(roll.c).toBeCloseTo(detail.costUsd, 9);
    // Bodies are truncated to the API's limit.
    await setBodyCapture({ actor: gw.actor, input: { apiId: gw.harness.apiId, captureBodies: true, maxBodyBytes: 256 } });
    const rid2 = requestId("obs");
    await gw.post("/v1/chat/completions", chatBody("obs-chat", { user: "x".repeat(2000) }), { headers: { "x-request-id": rid2 } });
    await gw.logRow(rid2);
    const d2 = await getLogDetail({ actor: gw.actor, id: rid2 });
    expect(Buffer.byteLength(d2.bodies!.reqBody!)).toBeLessThanOrEqual(256);
    // ... and the detail says so: original size, stored size, which body was cut.
    expect(d2.bodies).toMatchObject({ truncated: true, reqTruncated: true, resTruncated: false });
    expect(d2.bodies!.reqBytes).toBeGreaterThan(2000);
    expect(d2.bodies!.reqStoredBytes).toBeLessThanOrEqual(256);
    expect(detail.bodies).toMatchObject({ truncated: false, reqTruncated: false, resTruncated: false });
    expect(detail.bodies!.reqBytes).toBe(detail.bodies!.reqStoredBytes);
    // Off again: nothing stored.
    await setBodyCapture({ actor: gw.actor, input: { apiId: gw.harness.apiId, captureBodies: false } });
    const rid3 = requestId("obs");
    await gw.post("/v1/chat/completions", chatBody("obs-chat"), { headers: { "x-request-id": rid3 } });
    await gw.logRow(rid3);
    expect((await getLogDetail({ actor: gw.actor, id: rid3 })).bodies).toBeNull();
  });
});
