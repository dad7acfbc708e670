/**
 * Retention: raw rows (and their full-text entries) and bodies older than rawDays go,
 * in small batches; rollups stay until rollupDays (minute rollups sooner); the
 * settings are read from the settings table.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../support/gateway";
import { rawGet } from "@/lib/db/sql";

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway({ PORTICO_RETENTION: "off" });
});
afterAll(() => gw?.close());

const DAY = 86_400_000;

describe("retention pruning", () => {
  it("prunes old raw rows, bodies, FTS entries and rollups in batches and keeps the rest", async () => {
    const { pruneOnce } = await import("@/lib/telemetry/retention");
    const { readRetention } = await import("@/lib/telemetry/settings");
    const { setRetention } = await import("@/lib/services/logs");
    const { aggregate } = await import("@/lib/telemetry/rollup");
    const { writeRollups } = await import("@/lib/telemetry/rollup-store");
    const sqlite = gw.m.db.getDbHolder().sqlite;
    const now = Date.now();
    expect((await readRetention())).toEqual({ rawDays: 30, rollupDays: 400, minuteRollupDays: 7 });
    await setRetention({ actor: gw.actor, input: { rawDays: 10, rollupDays: 100, minuteRollupDays: 2 } });
    const settings = await readRetention();
    expect(settings.rawDays).toBe(10);

    const ins = sqlite.prepare(
      `INSERT INTO request_logs (id, at, endpoint, inbound, status, outcome, attempts, latency_ms, error_message) VALUES (?, ?, 'chat.completions', 'openai', 500, 'error', '[]', 10, ?)`,
    );
    const body = sqlite.prepare("INSERT INTO request_bodies (request_id, at, req_body) VALUES (?, ?, ?)");
    const rows: Parameters<typeof aggregate>[0][number][] = [];
    sqlite.transaction(() => {
      // 250 rows per day age: 0..19 days, messages tagged by age
      for (let age = 0; age < 20; age++) {
        for (let i = 0; i < 250; i++) {
          const id = `ret-${age}-${i}`;
          const at = now - age * DAY - (i + 1) * 1000;
          ins.run(id, at, `aged${age} failure`);
          if (i < 5) body.run(id, at, `body aged${age}`);
        }
      }
    })();
    for (const age of [0, 1, 3, 50, 150]) rows.push({ at: now - age * DAY, teamId: "t", appId: null, keyId: null, apiId: null, routeAlias: null, upstreamModel: "m", providerId: "p", status: 200, outcome: "ok", latencyMs: 5, ttftMs: null, tokensIn: 1, tokensOut: 1, tokensCached: 0, costUsd: 1 });
    await writeRollups(aggregate(rows).values());

    const count = async (sql: string) => ((await rawGet(sql, [])) as { n: number }).n;
    const logsBefore = (await count("SELECT count(*) AS n FROM request_logs WHERE id LIKE 'ret-%'"));
    expect(logsBefore).toBe(5000);

    // Small batches: one pass with 2 batches of 500 is not enough for 2,250 old rows.
    let r = await pruneOnce(settings, now, 2, 500);
    expect(r.logs).toBe(1000);
    expect(r.done).toBe(false);
    for (let guard = 0; !r.done && guard < 20; guard++) r = await pruneOnce(settings, now, 2, 500);
    expect(r.done).toBe(true);

    // Ages 10..19 were older than 10 days (age 10 rows are 10 days + i seconds old).
    expect((await count("SELECT count(*) AS n FROM request_logs WHERE id LIKE 'ret-%'"))).toBe(10 * 250);
    expect((await count("SELECT min(CAST(substr(id, 5, instr(substr(id, 5), '-') - 1) AS INTEGER)) AS n FROM request_logs WHERE id LIKE 'ret-%'"))).toBe(0);
    expect((await count("SELECT count(*) AS n FROM request_bodies WHERE request_id LIKE 'ret-%'"))).toBe(10 * 5);
    // Full-text entries of deleted rows are gone with them (trigger), the rest still match.
    expect((await count(`SELECT count(*) AS n FROM request_logs_fts WHERE request_logs_fts MATCH '"aged15"'`))).toBe(0);
    expect((await count(`SELECT count(*) AS n FROM request_logs_fts WHERE request_logs_fts MATCH '"aged5"'`))).toBe(250);
    expect((await count(`SELECT count(*) AS n FROM request_bodies_fts WHERE request_bodies_fts MATCH '"aged15"'`))).toBe(0);
    // Rollups: minute rows older than 2 days go; hour/day rows older than 100 days go.
    const minuteAges = (await count("SELECT count(*) AS n FROM usage_rollups WHERE gran = 'm' AND team_id = 't'"));
    expect(minuteAges).toBe(2); // ages 0 and 1
    expect((await count("SELECT count(*) AS n FROM usage_rollups WHERE gran = 'h' AND team_id = 't'"))).toBe(4); // 0, 1, 3, 50
    expect((await count("SELECT count(*) AS n FROM usage_rollups WHERE gran = 'D' AND team_id = 't'"))).toBeGreaterThanOrEqual(4);
    expect((await count(`SELECT count(*) AS n FROM usage_rollups WHERE gran = 'd' AND team_id = 't' AND bucket < ${now - 100 * DAY}`))).toBe(0);
  });

  it("reports database size and row counts for the Settings page", async () => {
    const { getLogSettings } = await import("@/lib/services/logs");
    const s = await getLogSettings({ actor: gw.actor });
    expect(s.storage.sizeBytes).toBeGreaterThan(0);
    expect(s.storage.rows.requestLogs).toBeGreaterThan(0);
    expect(s.capture.map((c) => c.slug)).toContain("harness");
  });
});
