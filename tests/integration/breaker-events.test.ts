/**
 * Circuit-breaker opening history: a target failing through the real gateway core opens
 * its breaker; the opening is queued on the request path and written with the log
 * writer's flush (or the fallback timer), then marked on the provider-health chart for
 * admins (JSON and CSV) and hidden from everyone else; retention prunes old events.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { chatBody, sleep, startGateway, type Gateway, type Wire } from "../support/gateway";
import { rawAll, rawRun } from "@/lib/db/sql";

let gw: Gateway;
let token: string;
beforeAll(async () => {
  gw = await startGateway({ PORTICO_BREAKER_THRESHOLD: "2", PORTICO_BREAKER_COOLDOWN_MS: "60000", PORTICO_RETENTION: "off", PORTICO_ALERT_EVAL_MS: "0" });
  const { createAdminToken } = await import("@/lib/services/admin-tokens");
  token = (await createAdminToken({ actor: gw.actor, input: { name: "breaker events it" } })).token;
});
afterAll(() => gw?.close());

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
async function chart(query: string) {
  const mod = (await import("@/app/api/admin/charts/[chart]/route")) as unknown as { GET: Handler };
  return mod.GET(new Request(`http://localhost/api/admin/charts/provider-health?${query}`, { headers: { authorization: `Bearer ${token}` } }), {
    params: Promise.resolve({ chart: "provider-health" }),
  });
}
const rows = async () => (await rawAll("SELECT * FROM breaker_events ORDER BY at", [])) as Wire[];

describe("breaker_events", () => {
  it("records an opening from real traffic at the log writer's flush, with the failure count", async () => {
    const route = await gw.routeTo("be-route", [{ type: "openai", upstreamModel: "be-fault-503" }, { type: "mock", upstreamModel: "be-mock" }], "fallback", {
      attemptsPerTarget: 1,
      backoffBaseMs: 10,
      backoffMaxMs: 20,
    });
    for (let i = 0; i < 2; i++) {
      const res = await gw.post("/v1/chat/completions", chatBody("be-route"));
      expect(res.status).toBe(200);
      await res.text();
    }
    (await gw.m.logWriter.logWriter().flush());
    const providerId = (await gw.providerFor("openai")).id;
    const modelId = route.targets[0]!.modelId;
    expect((await rows())).toEqual([expect.objectContaining({ target: `${providerId}:${modelId}`, provider_id: providerId, model_id: modelId, failures: 2 })]);
    expect(Math.abs((await rows())[0].at - Date.now())).toBeLessThan(30_000);
  });

  it("keeps the earlier onOpen handlers and writes without request traffic through the fallback timer", async () => {
    const br = gw.m.breaker.breakers();
    const { metrics } = await import("@/lib/telemetry/metrics");
    const opened = async () => (await metrics().circuitOpened.get()).values.reduce((a, v) => a + v.value, 0);
    const before = await opened();
    br.failure("prv_none:mdl_none");
    br.failure("prv_none:mdl_none");
    expect(await opened()).toBe(before + 1); // the metrics/alerts handler still runs
    expect((await rows()).some((r) => r.target === "prv_none:mdl_none")).toBe(false); // nothing written on the call path
    await sleep(1300);
    expect((await rows()).find((r) => r.target === "prv_none:mdl_none")).toMatchObject({ provider_id: "prv_none", model_id: "mdl_none", failures: 2 });
  });

  it("marks the openings on the provider-health chart for admins (JSON and CSV), none for others", async () => {
    const res = await chart("range=1h");
    expect(res.status).toBe(200);
    const data = (await res.json()) as Wire;
    const openai = await gw.providerFor("openai");
    const ev = data.breakerOpenings.find((e: Wire) => e.providerId === openai.id);
    expect(ev).toMatchObject({ provider: openai.name, failures: 2 });
    expect(data.buckets).toContain(ev.bucket);
    expect(ev.bucket).toBeLessThanOrEqual(ev.at);
    expect(data.breakerOpenings).toHaveLength(2);

    const csv = await (await chart("range=1h&format=csv")).text();
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toBe("bucket_start,provider,requests,error_rate,avg_latency_ms,p95_latency_ms,kind,opened_at,target,failures");
    const open = lines.filter((l) => l.includes(",breaker_open,"));
    expect(open).toHaveLength(2);
    expect(open.some((l) => l.startsWith(`${new Date(ev.bucket).toISOString()},${openai.name},,,,,breaker_open,${new Date(ev.at).toISOString()},${ev.target},2`))).toBe(true);

    const { chartData, chartQuerySchema } = await import("@/lib/telemetry/charts");
    const teamAdmin: Actor = {
      userId: "u_ta",
      email: "ta@x",
      name: "TA",
      platformRole: "member",
      memberships: [{ teamId: gw.harness.teamId, teamName: "Harness", teamSlug: "harness", role: "team_admin" }],
      via: "session",
    };
    const q = chartQuerySchema.parse({ range: "1h" });
    expect((await chartData({ actor: teamAdmin, kind: "provider-health", query: q }))).toMatchObject({ breakerOpenings: [] });
    // the portal (own teams only) never shows platform data, even to an admin
    expect((await chartData({ actor: gw.actor, kind: "provider-health", query: q, portal: true }))).toMatchObject({ breakerOpenings: [] });
    // an opening outside the range is not listed
    expect(((await chartData({ actor: gw.actor, kind: "provider-health", query: chartQuerySchema.parse({ from: 0, to: 3_600_000 }) })) as Wire).breakerOpenings).toEqual([]);
  });

  it("retention prunes events older than the raw-row days", async () => {
    const { pruneOnce } = await import("@/lib/telemetry/retention");
    const DAY = 86_400_000;
    (await rawRun("INSERT INTO breaker_events (at, target, provider_id, model_id, failures) VALUES (?, 'old:one', 'old', 'one', 5)", [Date.now() - 40 * DAY]));
    const r = await pruneOnce({ rawDays: 30, rollupDays: 400, minuteRollupDays: 7 });
    expect(r.breakerEvents).toBe(1);
    expect((await rows()).map((x) => x.target)).not.toContain("old:one");
    expect((await rows())).toHaveLength(2);
  });
});
