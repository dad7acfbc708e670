import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { buildSearchSql, decodeCursor, encodeCursor, ftsQuery, type LogFilters } from "./search-sql";
import { scopeSql, teamScope } from "./scope";
import { ENGINES, openTestDb, type TestDb } from "./test-engines";

const admin: Actor = { userId: "u_admin", email: "a@x", name: "A", platformRole: "admin", memberships: [], via: "session" };
const memberA: Actor = {
  userId: "u_a",
  email: "m@x",
  name: "M",
  platformRole: "member",
  memberships: [{ teamId: "team_a", teamName: "A", teamSlug: "a", role: "member" }],
  via: "session",
};
const loner: Actor = { ...memberA, userId: "u_none", memberships: [] };

const EVIL = "x' OR 1=1; DROP TABLE request_logs; --";

describe("filter → SQL", () => {
  it("binds every value as a parameter: no filter value appears in the SQL text", () => {
    const f: LogFilters = {
      from: 1,
      to: 2,
      teamId: EVIL,
      appId: EVIL,
      keyId: EVIL,
      apiId: EVIL,
      route: EVIL,
      model: EVIL,
      providerId: EVIL,
      status: "5xx",
      outcome: EVIL,
      cache: EVIL,
      minLatency: 10,
      minCost: 0.5,
      q: EVIL,
    };
    const { sql, params } = buildSearchSql(f, teamScope(memberA), { sort: "cost", limit: 50, cursor: { v: 1, at: 5, id: EVIL } });
    expect(sql).not.toContain("DROP");
    expect(sql).not.toContain("1=1");
    expect(sql).not.toContain("team_a");
    expect(params).toContain(EVIL);
    expect(params).toContain("team_a");
    expect((sql.match(/\?/g) ?? []).length).toBe(params.length);
  });

  it("ANDs the tenant scope into every query of a non-admin, first", () => {
    for (const f of [{}, { teamId: "team_b" }, { q: "anything" }, { id: "req_1" }] as LogFilters[]) {
      const { sql, params } = buildSearchSql(f, teamScope(memberA), { sort: "time", limit: 10 });
      expect(sql).toMatch(/WHERE r\.team_id IN \(\?\)/);
      expect(params[0]).toBe("team_a");
    }
    // A user in no team matches nothing; an admin has no scope clause.
    expect(buildSearchSql({}, teamScope(loner), { sort: "time", limit: 10 }).sql).toMatch(/WHERE 0/);
    expect(buildSearchSql({}, teamScope(admin), { sort: "time", limit: 10 }).sql).not.toContain("team_id IN");
    expect(scopeSql(teamScope(admin), "x")).toBeNull();
  });

  it("turns free text into quoted FTS5 strings (no operators or column filters get through)", () => {
    expect(ftsQuery("timeout")).toBe('"timeout" *');
    expect(ftsQuery('rate limit')).toBe('"rate" "limit" *');
    expect(ftsQuery('error: NEAR(a b) OR "x"')).toBe('"error:" "NEARa" "b" "OR" "x" *');
    expect(ftsQuery("()*^")).toBeNull();
  });

  it("round-trips cursors and rejects garbage with a 400", () => {
    const c = encodeCursor({ at: 10, id: "req_1", costUsd: 0.5 }, "cost");
    expect(decodeCursor(c, "cost")).toEqual({ v: 0.5, at: 10, id: "req_1" });
    expect(() => decodeCursor("garbage", "time")).toThrow(/cursor/);
    expect(() => decodeCursor(encodeCursor({ at: 1, id: "x" }, "time"), "latency")).toThrow(/cursor/);
  });
});

describe.each(ENGINES)("tenant scope against a real database (%s)", (engine) => {
  let testDb: TestDb;
  let mods: {
    search: typeof import("./search");
    charts: typeof import("./charts");
  };

  beforeAll(async () => {
    testDb = await openTestDb(engine);
    const { aggregate } = await import("./rollup");
    const { writeRollups } = await import("./rollup-store");
    const { insertMany } = await import("@/lib/db/bulk");
    const now = Date.now();
    const logRows: unknown[][] = [];
    const rows: Parameters<typeof aggregate>[0][number][] = [];
    for (let i = 0; i < 30; i++) {
      for (const team of ["team_a", "team_b", null]) {
        const id = `req_${team ?? "none"}_${i}`;
        const at = now - i * 60_000;
        const failed = i % 5 === 0;
        logRows.push([id, at, "chat.completions", "openai", team, "chat", "gpt-4o", "prv", failed ? 502 : 200, failed ? "error" : "ok", "[]", 100 + i, 0.01, 10, 5, failed ? `upstream exploded for ${team ?? "none"}` : null]);
        rows.push({ at, teamId: team, appId: null, keyId: null, apiId: null, routeAlias: "chat", upstreamModel: "gpt-4o", providerId: "prv", status: failed ? 502 : 200, outcome: failed ? "error" : "ok", latencyMs: 100 + i, ttftMs: null, tokensIn: 10, tokensOut: 5, tokensCached: 0, costUsd: 0.01 });
      }
    }
    const cols = ["id", "at", "endpoint", "inbound", "team_id", "route_alias", "upstream_model", "provider_id", "status", "outcome", "attempts", "latency_ms", "cost_usd", "tokens_in", "tokens_out", "error_message"];
    await insertMany("request_logs", cols, logRows);
    await writeRollups(aggregate(rows).values());
    mods = { search: await import("./search"), charts: await import("./charts") };
  });

  afterAll(async () => {
    await testDb?.close();
  });

  const q = (o: Record<string, unknown>) => mods.search.logFilterSchema.parse(o);

  it("a member's search only ever returns their team's rows", async () => {
    const all = (await mods.search.searchLogs({ actor: memberA, query: q({ limit: 200 }) }));
    expect(all.items).toHaveLength(30);
    expect(all.items.every((r) => r.teamId === "team_a")).toBe(true);
    // Free text naming another team's row, its exact id, and a status filter: still team A only.
    expect((await mods.search.searchLogs({ actor: memberA, query: q({ q: "req_team_b_0" }) })).items).toHaveLength(0);
    expect((await mods.search.searchLogs({ actor: memberA, query: q({ q: "exploded" }) })).items.map((r) => r.teamId)).toEqual(Array(6).fill("team_a"));
    expect((await mods.search.searchLogs({ actor: memberA, query: q({ status: "5xx", limit: 200 }) })).items.every((r) => r.teamId === "team_a")).toBe(true);
    // Asking for another team is refused, not silently widened.
    await expect(mods.search.searchLogs({ actor: memberA, query: q({ teamId: "team_b" }) })).rejects.toThrow(/own teams/);
    // Someone in no team sees nothing; the admin sees all three tenants (including rows without a team).
    expect((await mods.search.searchLogs({ actor: loner, query: q({}) })).items).toHaveLength(0);
    expect((await mods.search.searchLogs({ actor: admin, query: q({ limit: 200 }) })).items).toHaveLength(90);
  });

  it("detail and export are scoped the same way", async () => {
    expect((await mods.search.getLogDetail({ actor: memberA, id: "req_team_a_1" })).id).toBe("req_team_a_1");
    await expect(mods.search.getLogDetail({ actor: memberA, id: "req_team_b_1" })).rejects.toThrow(/No request log/);
    const chunks: Awaited<ReturnType<typeof mods.search.searchLogs>>["items"][] = [];
    for await (const c of mods.search.exportChunks({ actor: memberA, query: q({}), chunk: 7 })) chunks.push(c);
    expect(chunks.map((c) => c.length)).toEqual([7, 7, 7, 7, 2]);
    expect(chunks.flat().every((r) => r.teamId === "team_a")).toBe(true);
    expect(new Set(chunks.flat().map((r) => r.id)).size).toBe(30);
  });

  it("paginates on (at, id) and by cost without gaps or repeats", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = (await mods.search.searchLogs({ actor: admin, query: q({ limit: 13, cursor }) }));
      seen.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(90);
    expect(new Set(seen).size).toBe(90);
    const bySlow = (await mods.search.searchLogs({ actor: admin, query: q({ sort: "latency", limit: 3 }) }));
    expect(bySlow.items.map((r) => r.latencyMs)).toEqual([129, 129, 129]);
  });

  it("both full-text plans (drive from the hits, or filter while walking time) return the same rows", async () => {
    const { rawAll } = await import("@/lib/db/sql");
    const { dbEngine } = await import("@/lib/db/client");
    for (const q of ["exploded", "upstream exploded", "explo", "req_team_a_5", "nothing-like-this"]) {
      const ids = async (text: "drive" | "filter") => {
        const { sql, params } = buildSearchSql({ q }, teamScope(admin), { sort: "time", limit: 200, hints: { dialect: dbEngine(), text } });
        return (await rawAll<{ id: string }>(sql, params)).map((r) => r.id);
      };
      const drive = await ids("drive");
      expect(await ids("filter"), q).toEqual(drive);
      expect(drive.length, q).toBe(q === "nothing-like-this" ? 0 : q === "req_team_a_5" ? 1 : 18);
    }
  });

  it("every chart kind answers, as JSON and CSV, for an admin and a member", async () => {
    for (const kind of mods.charts.CHART_KINDS) {
      for (const actor of [admin, memberA]) {
        for (const range of ["1h", "24h", "30d"]) {
          const data = await mods.charts.chartData({ actor, kind, query: mods.charts.chartQuerySchema.parse({ range, tz: "Europe/Paris" }) });
          expect(data.kind).toBe(kind);
          expect(mods.charts.chartCsv(data).split("\r\n").length, `${kind} ${range}`).toBeGreaterThan(1);
        }
      }
    }
    const top = (await mods.charts.chartData({ actor: admin, kind: "provider-health", query: mods.charts.chartQuerySchema.parse({ range: "24h" }) })) as { providers: { key: string; requests: number[]; p95LatencyMs: (number | null)[] }[] };
    expect(top.providers.map((p) => p.key)).toEqual(["prv"]);
    expect(top.providers[0]!.requests.reduce((a, b) => a + b, 0)).toBe(90);
  });

  it("charts read rollups within the same scope", async () => {
    const c = mods.charts.chartQuerySchema.parse({ range: "24h" });
    const mine = (await mods.charts.chartData({ actor: memberA, kind: "overview", query: c })) as { current: { requests: number; errors: number } };
    expect(mine.current.requests).toBe(30);
    expect(mine.current.errors).toBe(6);
    const every = (await mods.charts.chartData({ actor: admin, kind: "overview", query: c })) as { current: { requests: number } };
    expect(every.current.requests).toBe(90);
    const byTeam = (await mods.charts.chartData({ actor: memberA, kind: "cost-by-team", query: c })) as { series: { key: string; total: number }[] };
    expect(byTeam.series.map((s) => s.key)).toEqual(["team_a"]);
    expect(byTeam.series[0]!.total).toBeCloseTo(0.3, 6);
    await expect(mods.charts.chartData({ actor: memberA, kind: "overview", query: mods.charts.chartQuerySchema.parse({ range: "24h", teamId: "team_b" }) })).rejects.toThrow(/own teams/);
  });
});
