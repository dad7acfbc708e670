/**
 * Telemetry storage on each engine (SQLite always; PostgreSQL too with PORTICO_TEST_PG_URL):
 * the batched log writer and its listeners, rollup upserts, the spend ledger, stored
 * responses, breaker events, retention in batches, full-text search and the settings rows.
 * The same expectations on both engines: the PostgreSQL paths must return what SQLite does.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import type { CallRecord } from "@/lib/gateway/types";
import { ENGINES, openTestDb, type TestDb } from "./test-engines";

const admin: Actor = { userId: "u_admin", email: "a@x", name: "A", platformRole: "admin", memberships: [], via: "session" };
const DAY = 86_400_000;
// Read when the writer module loads (below, lazily): a small queue bound the test can reach.
process.env.PORTICO_LOG_QUEUE_MAX = "3000";
/** The writer is one per process: its listeners are added once for every engine's run. */
const flushed: number[] = [];
let listening = false;

function rec(id: string, at: number, o: Partial<CallRecord> = {}): CallRecord {
  return {
    id,
    at,
    endpoint: "chat.completions",
    inbound: "openai",
    keyId: null,
    teamId: "team_s",
    appId: "app_s",
    apiId: "api_s",
    routeAlias: "chat",
    providerId: "prv_s",
    providerType: "openai",
    modelId: null,
    upstreamModel: "gpt-4o",
    stream: false,
    status: 200,
    outcome: "ok",
    attempts: [{ target: "t", provider: "openai", model: "gpt-4o", status: 200, ms: 10 }],
    latencyMs: 120,
    ttftMs: null,
    tokensIn: 10,
    tokensOut: 5,
    tokensCached: 0,
    usageEstimated: false,
    costUsd: 0.5,
    errorCode: null,
    errorMessage: null,
    ...o,
  };
}

describe.each(ENGINES)("telemetry storage (%s)", (engine) => {
  let testDb: TestDb;
  const key = `key_${engine}`;
  let sql: typeof import("@/lib/db/sql");
  let bulk: typeof import("@/lib/db/bulk");
  const count = async (q: string, p: unknown[] = []) => Number((await sql.rawGet<{ n: number | string }>(q, p))?.n ?? 0);

  beforeAll(async () => {
    testDb = await openTestDb(engine);
    sql = await import("@/lib/db/sql");
    bulk = await import("@/lib/db/bulk");
    const now = Date.now();
    await bulk.insertMany("teams", ["id", "slug", "name", "description", "created_at", "updated_at"], [["team_s", "team-s", "Team S", "", now, now]]);
    await bulk.insertMany("apps", ["id", "team_id", "name", "description", "created_at", "updated_at"], [["app_s", "team_s", "app s", "", now, now]]);
    // one key per engine: the writer (one per process) debounces a key's touches for a minute
    await bulk.insertMany("api_keys", ["id", "name", "key_hash", "prefix", "team_id", "app_id", "created_at"], [[key, "key s", "hash_s", "pk_s", "team_s", "app_s", now]]);
    await bulk.insertMany("budgets", ["id", "scope", "scope_id", "period", "limit_usd", "created_at", "updated_at"], [["bud_1", "team", "team_l", "day", 2, now, now]]);
  });

  afterAll(async () => {
    await testDb?.close();
  });

  it("the writer queues synchronously and flushes rows, key touches, rollups and bodies in batches", async () => {
    const { logWriter } = await import("@/lib/gateway/log-writer");
    const { onLogFlush } = await import("./rollup-store");
    const writer = logWriter();
    if (!listening) {
      writer.onFlush((rows) => void flushed.push(rows.length));
      writer.onFlush(onLogFlush);
      listening = true;
    }
    flushed.length = 0;
    const at = Date.now();
    const pushed = writer.push(rec("w-1", at, { keyId: key, reqBody: "hello zanzibar", resBody: "reply" }));
    expect(pushed).toBeUndefined(); // no promise: the request path never waits on the database
    for (let i = 2; i <= 1200; i++) writer.push(rec(`w-${i}`, at, { status: i % 10 === 0 ? 502 : 200, outcome: i % 10 === 0 ? "error" : "ok" }));
    writer.push(rec("w-1", at)); // a repeated id is skipped, not an error
    await writer.flush();
    expect(writer.depth).toBe(0);
    expect(flushed.reduce((a, b) => a + b, 0)).toBe(1201);
    expect(await count("SELECT count(*) AS n FROM request_logs WHERE id LIKE 'w-%'")).toBe(1200);
    expect(Number((await sql.rawGet<{ t: number | string }>("SELECT last_used_at AS t FROM api_keys WHERE id = ?", [key]))?.t)).toBe(at);
    // every granularity counts every row once (the duplicate too: rollups count calls)
    for (const g of ["m", "h", "d", "H", "D"]) {
      const r = await sql.rawGet<{ n: number | string; e: number | string }>("SELECT sum(requests) AS n, sum(errors) AS e FROM usage_rollups WHERE gran = ? AND team_id = 'team_s'", [g]);
      expect(Number(r?.n), g).toBe(1201);
      expect(Number(r?.e), g).toBe(120);
    }
    const body = await sql.rawGet<{ b: string; t: unknown }>("SELECT req_body AS b, truncated AS t FROM request_bodies WHERE request_id = 'w-1'");
    expect(body?.b).toBe("hello zanzibar");
    expect(!!body?.t).toBe(false);
  });

  it("any text survives the batch encoding: quotes, backslashes, commas, braces, NULL, empty, unicode", async () => {
    const { insertMany } = await import("@/lib/db/bulk");
    const texts = ['say "hi"', "back\\slash \\\"", "a,b", "{x}", "NULL", "", "  ", "é ✓ 日本", "line\nbreak\ttab", "'single'"];
    await insertMany("request_logs", ["id", "at", "endpoint", "inbound", "status", "outcome", "attempts", "latency_ms", "error_message", "cost_usd"], texts.map((t, i) => [`enc-${i}`, i, "chat.completions", "openai", 200, "ok", JSON.stringify([{ note: t }]), i, t, 1e-7 * i]));
    const back = await sql.rawAll<{ id: string; m: string; a: unknown; c: number }>("SELECT id, error_message AS m, attempts AS a, cost_usd AS c FROM request_logs WHERE id LIKE 'enc-%' ORDER BY at");
    expect(back.map((r) => r.m)).toEqual(texts);
    expect(back.map((r) => (typeof r.a === "string" ? JSON.parse(r.a) : r.a))).toEqual(texts.map((t) => [{ note: t }]));
    expect(back.map((r) => Number(r.c))).toEqual(texts.map((_, i) => 1e-7 * i));
  });

  it("a batch waits for an open transaction instead of joining it, and joins it when called from inside", async () => {
    const { insertMany } = await import("@/lib/db/bulk");
    let release!: () => void;
    let started!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const begun = new Promise<void>((r) => (started = r));
    const now = Date.now();
    const tx = sql.withTransaction(async (t) => {
      await sql.rawRun("INSERT INTO teams (id, slug, name, description, created_at, updated_at) VALUES (?, ?, ?, '', ?, ?)", ["team_rb", "team-rb", "Team RB", now, now], t);
      started();
      await gate;
      throw new Error("rolled back");
    });
    await begun; // the transaction is open (on SQLite: BEGIN IMMEDIATE on the one connection)
    const write = insertMany("breaker_events", ["at", "target", "provider_id", "model_id", "failures"], [[now, "tx-wait", "p", "m", 1]]);
    release();
    await expect(tx).rejects.toThrow("rolled back");
    expect(await write).toBe(1);
    expect(await count("SELECT count(*) AS n FROM breaker_events WHERE target = 'tx-wait'")).toBe(1);
    expect(await count("SELECT count(*) AS n FROM teams WHERE id = 'team_rb'")).toBe(0);
    if (engine === "sqlite") {
      // SQLite only: one connection, so a batch inside a transaction must join it, not wait for itself
      await sql.withTransaction(async () => {
        await insertMany("breaker_events", ["at", "target", "provider_id", "model_id", "failures"], [[now, "tx-join", "p", "m", 1]]);
      });
      expect(await count("SELECT count(*) AS n FROM breaker_events WHERE target = 'tx-join'")).toBe(1);
    }
  });

  it("the transaction context is switched off between transactions and works again after", async () => {
    const { runtime } = await import("@/lib/runtime");
    const tx = runtime().tx;
    const enabled = (s: unknown) => (s as { enabled?: boolean }).enabled;
    const now = Date.now();
    const team = (id: string) => sql.rawRun("INSERT INTO teams (id, slug, name, description, created_at, updated_at) VALUES (?, ?, ?, '', ?, ?)", [id, id, id, now, now]);
    const committed: string[] = [];
    // two at once (queued on SQLite, concurrent on PostgreSQL), one with a failing savepoint inside
    await Promise.all([
      sql.withTransaction(async () => {
        await team("team_q1");
        await expect(
          sql.withTransaction(async () => {
            await team("team_q_inner");
            throw new Error("inner fails");
          }),
        ).rejects.toThrow("inner fails");
        sql.afterCommit(() => committed.push("q1"));
      }),
      sql.withTransaction(async () => {
        await team("team_q2");
        sql.afterCommit(() => committed.push("q2"));
      }),
    ]);
    expect(committed.sort()).toEqual(["q1", "q2"]);
    expect(await count("SELECT count(*) AS n FROM teams WHERE id IN ('team_q1', 'team_q2')")).toBe(2);
    expect(await count("SELECT count(*) AS n FROM teams WHERE id = 'team_q_inner'")).toBe(0);
    // nothing running: no store, and (Node's AsyncLocalStorage field) no promise hook left on
    expect(tx.active).toBe(0);
    expect(tx.als.getStore()).toBeUndefined();
    if (enabled(tx.als) !== undefined) expect([enabled(tx.als), enabled(tx.after)]).toEqual([false, false]);
  });

  it("past the queue bound, new rows are dropped and counted, not queued", async () => {
    const { logWriter } = await import("@/lib/gateway/log-writer");
    const { log } = await import("./logger");
    const spy = vi.spyOn(log, "error").mockImplementation(() => undefined);
    const writer = logWriter();
    const dropped = writer.dropped;
    (writer as unknown as { droppedLoggedAt: number }).droppedLoggedAt = 0; // logged at most every 10 s: the other engine's run may just have
    // Synchronous pushes: the 500th starts a flush that takes those 500 (and, on PostgreSQL,
    // waits for a connection); the next 3,000 wait in the queue, the last 500 are dropped.
    for (let i = 0; i < 4000; i++) writer.push(rec(`q-${i}`, Date.now()));
    const lost = 500;
    expect(writer.dropped - dropped).toBe(lost);
    expect(spy).toHaveBeenCalledWith("request log queue full; rows dropped", expect.objectContaining({ queued: 3000 }));
    spy.mockRestore();
    await writer.flush();
    expect(await count("SELECT count(*) AS n FROM request_logs WHERE id LIKE 'q-%'")).toBe(4000 - lost);
  });

  it("a failed flush logs, drops its batch and the next one is written", async () => {
    const { logWriter } = await import("@/lib/gateway/log-writer");
    const { log } = await import("./logger");
    const spy = vi.spyOn(log, "error").mockImplementation(() => undefined);
    const writer = logWriter();
    writer.push(rec("bad-1", Date.now(), { endpoint: null as unknown as string })); // NOT NULL: the batch fails
    await writer.flush();
    expect(spy).toHaveBeenCalledWith("request log flush failed; rows dropped", expect.objectContaining({ rows: 1 }));
    spy.mockRestore();
    writer.push(rec("good-1", Date.now()));
    await writer.flush();
    expect(await count("SELECT count(*) AS n FROM request_logs WHERE id IN ('bad-1', 'good-1')")).toBe(1);
  });

  it("rollup upserts add up on conflict", async () => {
    const { aggregate } = await import("./rollup");
    const { writeRollups } = await import("./rollup-store");
    const rows = [rec("r1", 1_000_000, { teamId: "team_r" }), rec("r2", 1_000_500, { teamId: "team_r", latencyMs: 5000 })];
    expect(await writeRollups(aggregate(rows).values())).toBeGreaterThan(0);
    await writeRollups(aggregate(rows).values());
    const r = await sql.rawGet<Record<string, number | string>>("SELECT requests, cost_usd AS c, latency_sum AS l FROM usage_rollups WHERE gran = 'H' AND team_id = 'team_r'");
    expect(Number(r?.requests)).toBe(4);
    expect(Number(r?.c)).toBeCloseTo(2, 9);
    expect(Number(r?.l)).toBe(2 * 5120);
  });

  it("the spend ledger adds per scope and period, reads one or many, and stores a notification once", async () => {
    const { addToLedger, readLedger, readLedgers, storeNotification } = await import("@/lib/policy/ledger");
    const { periodStart } = await import("@/lib/policy/period");
    const at = Date.now();
    await addToLedger([rec("l1", at, { teamId: "team_l", appId: "app_l", keyId: "key_old", costUsd: 0.25 }), rec("l2", at, { teamId: "team_l", appId: null, costUsd: 0.5 })], (id) => (id === "key_old" ? "key_new" : id));
    await addToLedger([rec("l3", at, { teamId: "team_l", appId: null, costUsd: 1 }), rec("l4", at, { teamId: "team_l", costUsd: 0 })]);
    const day = periodStart("day", at);
    expect(await readLedger("team", "team_l", "day", day)).toBeCloseTo(1.75, 9);
    expect(await readLedger("team", "team_l", "month", periodStart("month", at))).toBeCloseTo(1.75, 9);
    expect(await readLedger("key", "key_new", "day", day)).toBeCloseTo(0.25, 9);
    expect(await readLedger("key", "key_old", "day", day)).toBe(0);
    const many = await readLedgers([
      { scope: "team", scopeId: "team_l", period: "day", start: day },
      { scope: "app", scopeId: "app_l", period: "day", start: day },
      { scope: "team", scopeId: "nobody", period: "day", start: day },
    ]);
    expect(many.map((v) => Math.round(v * 1e6) / 1e6)).toEqual([1.75, 0.25, 0]);
    expect(Number((await sql.rawGet<{ n: number | string }>("SELECT requests AS n FROM spend_ledger WHERE scope = 'team' AND scope_id = 'team_l' AND period = 'day'"))?.n)).toBe(3);
    const n = { budgetId: "bud_1", teamId: "team_l", periodStart: day, threshold: 80, spendUsd: 1.75, limitUsd: 2 };
    expect(await storeNotification(n)).toBe(true);
    expect(await storeNotification(n)).toBe(false);
  });

  it("stored responses and breaker events are written by their flushes and read back", async () => {
    const rs = await import("@/lib/gateway/responses-store");
    const at = Date.now();
    rs.saveResponse({ id: "resp_1", at, appId: "app_s", teamId: "team_s", keyId: "key_s", model: "chat", conversation: "[]", response: '{"id":"resp_1"}' });
    await rs.clearResponseMemory(); // flushes, then forgets: the next read is from the table
    expect((await rs.getResponse("resp_1", "app_s"))?.at).toBe(at);
    expect(await rs.getResponse("resp_1", "app_other")).toBeNull();
    expect(await rs.deleteResponse("resp_1", "app_s")).toBe(true);
    expect(await rs.deleteResponse("resp_1", "app_s")).toBe(false);
    // a delete while the batch holding the response is being written (the log writer's flush took it)
    rs.saveResponse({ id: "resp_2", at, appId: "app_s", teamId: "team_s", keyId: "key_s", model: "chat", conversation: "[]", response: '{"id":"resp_2"}' });
    const writing = rs.flushResponses();
    expect(await rs.deleteResponse("resp_2", "app_s")).toBe(true);
    await writing;
    expect(await count("SELECT count(*) AS n FROM stored_responses WHERE id = 'resp_2'")).toBe(0);

    const be = await import("./breaker-events");
    // through the module's queue, as the breaker's onOpen fills it
    const state = (await import("@/lib/runtime")).runtime().breakerEvents;
    state.queue.push({ at, target: "prv_s:m", providerId: "prv_s", modelId: "m", failures: 5 });
    await be.flushBreakerEvents();
    expect(await be.listBreakerEvents(at - 1, at + 1)).toEqual([{ at, target: "prv_s:m", providerId: "prv_s", modelId: "m", failures: 5 }]);
  });

  it("full-text search finds error text and bodies the same way on both engines", async () => {
    const { insertMany } = await import("@/lib/db/bulk");
    const { searchLogs, logFilterSchema } = await import("./search");
    const now = Date.now();
    const cols = ["id", "at", "endpoint", "inbound", "team_id", "status", "outcome", "attempts", "latency_ms", "error_code", "error_message"];
    const msgs: [string, string | null, string | null][] = [
      ["fts-1", "rate_limited", "Provider rate limit reached; retry after 20 seconds"],
      ["fts-2", "upstream_error", "Provider answered 502 Bad Gateway: connection reset by peer"],
      ["fts-3", "upstream_timeout", "Upstream did not send a first byte within 30000 ms"],
      ["fts-4", null, null],
      ["fts-5", "server_error", "The server had an error processing your request (overloaded)"],
    ];
    await insertMany("request_logs", cols, msgs.map(([id, code, msg], i) => [id, now - i, "chat.completions", "openai", "team_f", msg ? 500 : 200, msg ? "error" : "ok", "[]", 10, code, msg]));
    await insertMany("request_bodies", ["request_id", "at", "req_body", "res_body"], [["fts-4", now, '{"user":"marrakech-marker","model":"gpt-4o"}', "Fake reply"]]);
    const ids = async (q: string) => (await searchLogs({ actor: admin, query: logFilterSchema.parse({ q, teamId: "team_f" }) })).items.map((r) => r.id).sort();
    expect(await ids("rate_limited")).toEqual(["fts-1"]);
    expect(await ids("connection reset")).toEqual(["fts-2"]);
    expect(await ids("provider")).toEqual(["fts-1", "fts-2"]);
    expect(await ids("Provider answ")).toEqual(["fts-2"]); // the last word is a prefix
    expect(await ids("timeo")).toEqual(["fts-3"]);
    expect(await ids("upstream_timeout")).toEqual(["fts-3"]);
    expect(await ids("overloaded")).toEqual(["fts-5"]);
    expect(await ids("marrakech")).toEqual(["fts-4"]); // a stored body
    expect(await ids("fts-4")).toEqual(["fts-4"]); // an exact request id
    expect(await ids("zeppelin")).toEqual([]);
    expect(await ids("reset zeppelin")).toEqual([]); // words are ANDed
    expect(await ids(`x' OR 1=1; --`)).toEqual([]); // operators and quotes never get through
    expect(await ids("()*")).toEqual([]);
  });

  it("retention deletes old rows in small batches and keeps the rest", async () => {
    const { pruneOnce } = await import("./retention");
    const { aggregate } = await import("./rollup");
    const { writeRollups } = await import("./rollup-store");
    const { searchLogs, logFilterSchema } = await import("./search");
    const now = Date.now();
    const logs: unknown[][] = [];
    const bodies: unknown[][] = [];
    const events: unknown[][] = [];
    for (let age = 0; age < 6; age++) {
      for (let i = 0; i < 40; i++) {
        const id = `ret-${age}-${i}`;
        const at = now - age * DAY - (i + 1) * 1000;
        logs.push([id, at, "chat.completions", "openai", "team_p", 500, "error", "[]", 10, `aged${age} failure`]);
        if (i < 3) bodies.push([id, at, `body aged${age}`]);
        if (i < 2) events.push([at, "p:m", "p", "m", 3]);
      }
    }
    await insertMany("request_logs", ["id", "at", "endpoint", "inbound", "team_id", "status", "outcome", "attempts", "latency_ms", "error_message"], logs);
    await insertMany("request_bodies", ["request_id", "at", "req_body"], bodies);
    await insertMany("breaker_events", ["at", "target", "provider_id", "model_id", "failures"], events);
    await writeRollups(aggregate([0, 1, 4, 50].map((age) => rec(`x${age}`, now - age * DAY, { teamId: "team_p" }))).values());
    const { slotsOp } = await import("@/lib/alerts/window");
    const { writeBatch } = await import("@/lib/db/bulk");
    await writeBatch([slotsOp([rec("slot-old", now - 2 * 3_600_000, { routeAlias: "ret-slots" }), rec("slot-new", now - 60_000, { routeAlias: "ret-slots" })])]);
    const settings = { rawDays: 3, rollupDays: 30, minuteRollupDays: 2 };
    let r = await pruneOnce(settings, now, 2, 25);
    // alert slots keep their hour: the two-hour-old call's slot is gone, the minute-old one stays
    expect(await count("SELECT count(*) AS n FROM alert_slots WHERE subject = 'route:ret-slots'")).toBe(1);
    expect(r.logs).toBe(50); // two batches of 25: not done with 120 old rows
    expect(r.done).toBe(false);
    for (let guard = 0; !r.done && guard < 20; guard++) r = await pruneOnce(settings, now, 2, 25);
    expect(r.done).toBe(true);
    expect(await count("SELECT count(*) AS n FROM request_logs WHERE id LIKE 'ret-%'")).toBe(3 * 40);
    expect(await count("SELECT count(*) AS n FROM request_bodies WHERE request_id LIKE 'ret-%'")).toBe(3 * 3);
    expect(await count("SELECT count(*) AS n FROM breaker_events WHERE target = 'p:m'")).toBe(3 * 2);
    expect(await count("SELECT count(*) AS n FROM usage_rollups WHERE gran = 'm' AND team_id = 'team_p'")).toBe(2); // ages 0, 1
    expect(await count("SELECT count(*) AS n FROM usage_rollups WHERE gran = 'h' AND team_id = 'team_p'")).toBe(3); // 0, 1, 4
    // Search sees the survivors only (SQLite: the FTS trigger removed the rest).
    const found = async (q: string) => (await searchLogs({ actor: admin, query: logFilterSchema.parse({ q, teamId: "team_p", limit: 200 }) })).items.length;
    expect(await found("aged2")).toBe(40);
    expect(await found("aged4")).toBe(0);
  });

  it("the log services: facets, settings with their audit rows, body capture", async () => {
    const logs = await import("@/lib/services/logs");
    const f = await logs.logFacets({ actor: admin });
    expect(f.teams.map((t) => t.id)).toContain("team_s");
    expect(f.models).toContain("gpt-4o");
    const before = await count("SELECT count(*) AS n FROM audit_log");
    await logs.setRetention({ actor: admin, input: { rawDays: 20, rollupDays: 200, minuteRollupDays: 3 } });
    await bulk.insertMany("apis", ["id", "name", "slug", "team_id", "created_at", "updated_at"], [["api_s", "API S", "api-s", "team_s", Date.now(), Date.now()]]);
    await logs.setBodyCapture({ actor: admin, input: { apiId: "api_s", captureBodies: true, maxBodyBytes: 4096 } });
    const s = await logs.getLogSettings({ actor: admin });
    expect(s.retention).toEqual({ rawDays: 20, rollupDays: 200, minuteRollupDays: 3 });
    expect(s.capture.find((c) => c.apiId === "api_s")).toMatchObject({ captureBodies: true, maxBodyBytes: 4096 });
    expect(await count("SELECT count(*) AS n FROM audit_log")).toBe(before + 2);
    await logs.setBodyCapture({ actor: admin, input: { apiId: "api_s", captureBodies: false } });
    expect((await logs.getLogSettings({ actor: admin })).capture.find((c) => c.apiId === "api_s")).toMatchObject({ captureBodies: false });
    await sql.rawRun("DELETE FROM api_log_settings");
    await sql.rawRun("DELETE FROM settings WHERE key = 'telemetry.retention'");
  });

  it("settings, body capture and storage figures", async () => {
    const { readRetention, writeRetention } = await import("./settings");
    const { bodyCaptureLimit, invalidateCaptureSettings } = await import("./capture");
    const { storageStats } = await import("./retention");
    expect(await readRetention()).toEqual({ rawDays: 30, rollupDays: 400, minuteRollupDays: 7 });
    await writeRetention({ rawDays: 10, rollupDays: 100, minuteRollupDays: 2 });
    expect(await readRetention()).toEqual({ rawDays: 10, rollupDays: 100, minuteRollupDays: 2 });
    invalidateCaptureSettings(); // the process's copy may come from the other engine's run
    expect(await bodyCaptureLimit("api_s")).toBe(0);
    await sql.rawRun("INSERT INTO api_log_settings (api_id, capture_bodies, max_body_bytes, updated_at) VALUES (?, TRUE, ?, ?)", ["api_s", 2048, Date.now()]);
    invalidateCaptureSettings();
    expect(await bodyCaptureLimit("api_s")).toBe(2048);
    const s = await storageStats();
    expect(s.sizeBytes).toBeGreaterThan(0);
    expect(s.rows.requestLogs).toBeGreaterThan(1000);
    expect(typeof s.oldestLogAt).toBe("number");
  });
});

async function insertMany(table: string, columns: string[], rows: unknown[][]): Promise<void> {
  const bulk = await import("@/lib/db/bulk");
  await bulk.insertMany(table, columns, rows);
}
