/**
 * Webhooks against a temporary database and local HTTP receivers: write-only
 * secret, scope rules, which hooks an event reaches, the signature, and the
 * retry schedule (3 attempts, 1 s + 5 s back-off) with lastStatus/lastError.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { caught, setupAccessDb, type AccessDb } from "@/tests/support/access-db";

let t: AccessDb;
let hooks: typeof import("./webhooks");
let apis: typeof import("./apis");
let apps: typeof import("./apps");
let subs: typeof import("./subscriptions");

interface Received {
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
  at: number;
}
let server: Server;
let base: string;
const received: Received[] = [];
/** path → statuses to answer in order (then 200) */
const script = new Map<string, number[]>();

/** A rejected service call's error. */
async function caughtAsync(fn: () => Promise<unknown>) {
  try {
    await fn();
  } catch (e) {
    return e as import("@/lib/errors").AppError;
  }
  throw new Error("expected an error");
}

beforeAll(async () => {
  // The receivers below listen on loopback, which webhooks refuse by default (SSRF guard): allow it here.
  process.env.PORTICO_WEBHOOK_ALLOW_HOSTS = "127.0.0.1";
  t = await setupAccessDb();
  hooks = await import("./webhooks");
  apis = await import("./apis");
  apps = await import("./apps");
  subs = await import("./subscriptions");
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() });
      const next = script.get(req.url ?? "")?.shift() ?? 200;
      res.writeHead(next, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server?.close(() => r()));
  t?.close();
});

const SECRET = "whsec-test-0123456789abcdef";

describe("CRUD", () => {
  it("stores the secret encrypted and never returns it (nor audits it)", async () => {
    const w = await hooks.createWebhook({ actor: t.actors.admin, input: { url: `${base}/platform`, secret: SECRET } });
    expect(w).toMatchObject({ teamId: null, teamName: null, url: `${base}/platform`, events: [], enabled: true, hasSecret: true, lastStatus: null });
    expect(JSON.stringify(w)).not.toContain(SECRET);
    const row = (await t.db.getDb().select().from(t.schema.webhooks)).find((r) => r.id === w.id)!;
    expect(row.encryptedSecret).not.toContain(SECRET);
    expect(JSON.stringify((await hooks.listWebhooks({ actor: t.actors.admin })))).not.toContain(SECRET);
    const u = await hooks.updateWebhook({ actor: t.actors.admin, id: w.id, input: { secret: SECRET + "-2" } });
    expect(JSON.stringify(u)).not.toContain(SECRET);
    const audit = JSON.stringify((await t.db.getDb().select().from(t.schema.auditLog)));
    expect(audit).not.toContain(SECRET);
    expect(audit).toContain("webhook.update");
    await hooks.updateWebhook({ actor: t.actors.admin, id: w.id, input: { secret: SECRET } });
  });

  it("platform-wide hooks are admin-only; team admins manage their team's", async () => {
    expect((await caughtAsync(() => hooks.createWebhook({ actor: t.actors.taA, input: { url: `${base}/x`, secret: SECRET } }))).status).toBe(403);
    expect((await caughtAsync(() => hooks.createWebhook({ actor: t.actors.taA, input: { url: `${base}/x`, secret: SECRET, teamId: t.teams.B } }))).status).toBe(403);
    const a = await hooks.createWebhook({ actor: t.actors.taA, input: { url: `${base}/team-a`, secret: SECRET, teamId: t.teams.A } });
    expect(a.teamName).toBe("Team A");
    await hooks.createWebhook({ actor: t.actors.taB, input: { url: `${base}/team-b`, secret: SECRET, teamId: t.teams.B } });
    await hooks.createWebhook({ actor: t.actors.admin, input: { url: `${base}/approved-only`, secret: SECRET, events: ["subscription.approved"] } });
    expect((await hooks.listWebhooks({ actor: t.actors.taA })).items.map((h) => h.url)).toEqual([`${base}/team-a`]);
    expect((await hooks.listWebhooks({ actor: t.actors.admin })).items).toHaveLength(4);
    expect((await caughtAsync(() => hooks.updateWebhook({ actor: t.actors.taB, id: a.id, input: { enabled: false } }))).status).toBe(403);
    const platform = (await hooks.listWebhooks({ actor: t.actors.admin })).items.find((h) => h.url.endsWith("/platform"))!;
    expect((await caught(async () => (await hooks.deleteWebhook({ actor: t.actors.taA, id: platform.id })))).status).toBe(403);
  });

  it("validates url, secret and events (422 naming the field)", async () => {
    const bad = await caughtAsync(() => hooks.createWebhook({ actor: t.actors.admin, input: { url: "ftp://x", secret: "short", events: ["nope"] } }));
    expect(bad.status).toBe(422);
    expect((bad.details as { field: string }[]).map((d) => d.field).sort()).toEqual(["events.0", "secret", "url"]);
    const tmp = await hooks.createWebhook({ actor: t.actors.admin, input: { url: `${base}/tmp`, secret: SECRET, enabled: false } });
    expect((await hooks.deleteWebhook({ actor: t.actors.admin, id: tmp.id }))).toEqual({ ok: true });
    expect((await caught(async () => (await hooks.deleteWebhook({ actor: t.actors.admin, id: tmp.id })))).status).toBe(404);
  });
});

describe("delivery", () => {
  it("signs sha256=HMAC(secret, '<timestamp>.<body>')", () => {
    const sig = hooks.signPayload("k", "1700000000", '{"a":1}');
    expect(sig).toBe("sha256=" + createHmac("sha256", "k").update('1700000000.{"a":1}').digest("hex"));
  });

  it("an event reaches platform-wide hooks and the API team's hooks, signed, after commit", async () => {
    const api = (await apis.createApi({ actor: t.actors.taA, input: { slug: "hooked", name: "Hooked", teamId: t.teams.A, reasonRequired: false } }));
    (await apis.setApiState({ actor: t.actors.taA, id: api.id, input: { state: "published" } }));
    const app = (await apps.createApp({ actor: t.actors.memB, input: { teamId: t.teams.B, name: "hook-app" } }));
    received.length = 0;
    const s = (await subs.requestSubscription({ actor: t.actors.memB, input: { appId: app.id, apiId: api.id } }));
    await hooks.webhookDeliveriesIdle();
    // team B's hook is not told: the API belongs to team A; approved-only ignores "requested"
    expect(received.map((r) => r.path).sort()).toEqual(["/platform", "/team-a"]);
    for (const r of received) {
      expect(r.headers["content-type"]).toBe("application/json");
      expect(r.headers["x-portico-event"]).toBe("subscription.requested");
      expect(r.headers["x-portico-delivery"]).toMatch(/^dlv_/);
      const ts = String(r.headers["x-portico-timestamp"]);
      expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(10);
      const expected = "sha256=" + createHmac("sha256", SECRET).update(`${ts}.${r.body}`).digest("hex");
      expect(r.headers["x-portico-signature"]).toBe(expected);
      const body = JSON.parse(r.body);
      expect(body).toMatchObject({ type: "subscription.requested", data: { id: s.id, state: "pending", appName: "hook-app", apiSlug: "hooked" } });
      expect(body.id).toMatch(/^evt_/);
      expect(typeof body.createdAt).toBe("number");
      expect(body.data.apiTeamId).toBeUndefined();
    }
    received.length = 0;
    (await subs.approveSubscription({ actor: t.actors.taA, id: s.id }));
    await hooks.webhookDeliveriesIdle();
    expect(received.map((r) => r.path).sort()).toEqual(["/approved-only", "/platform", "/team-a"]);
    expect(received.every((r) => JSON.parse(r.body).data.state === "approved")).toBe(true);
    const platform = (await hooks.listWebhooks({ actor: t.actors.admin })).items.find((h) => h.url.endsWith("/platform"))!;
    expect(platform).toMatchObject({ lastStatus: 200, lastError: null });
    expect(platform.lastDeliveredAt).not.toBeNull();
  });

  it("retries 3 times with 1 s and 5 s back-off and records the last outcome", async () => {
    for (const h of (await hooks.listWebhooks({ actor: t.actors.admin })).items) await hooks.updateWebhook({ actor: t.actors.admin, id: h.id, input: { enabled: false } });
    const flaky = await hooks.createWebhook({ actor: t.actors.admin, input: { url: `${base}/flaky`, secret: SECRET } });
    const down = await hooks.createWebhook({ actor: t.actors.admin, input: { url: `${base}/down`, secret: SECRET } });
    script.set("/flaky", [500, 503]);
    script.set("/down", [500, 500, 500]);
    const api = (await apis.createApi({ actor: t.actors.admin, input: { slug: "retry", name: "Retry", teamId: t.teams.C, reasonRequired: false } }));
    (await apis.setApiState({ actor: t.actors.admin, id: api.id, input: { state: "published" } }));
    const app = (await apps.createApp({ actor: t.actors.memC, input: { teamId: t.teams.C, name: "retry-app" } }));
    received.length = 0;
    (await subs.requestSubscription({ actor: t.actors.memC, input: { appId: app.id, apiId: api.id } }));
    await hooks.webhookDeliveriesIdle();
    const flakyHits = received.filter((r) => r.path === "/flaky");
    expect(flakyHits).toHaveLength(3);
    expect(received.filter((r) => r.path === "/down")).toHaveLength(3);
    // same delivery id and body on every attempt
    expect(new Set(flakyHits.map((r) => r.headers["x-portico-delivery"])).size).toBe(1);
    expect(new Set(flakyHits.map((r) => r.body)).size).toBe(1);
    const gap1 = flakyHits[1]!.at - flakyHits[0]!.at;
    const gap2 = flakyHits[2]!.at - flakyHits[1]!.at;
    expect(gap1).toBeGreaterThanOrEqual(950);
    expect(gap1).toBeLessThan(2_500);
    expect(gap2).toBeGreaterThanOrEqual(4_950);
    expect(gap2).toBeLessThan(6_500);
    const now = (await hooks.listWebhooks({ actor: t.actors.admin })).items;
    expect(now.find((h) => h.id === flaky.id)).toMatchObject({ lastStatus: 200, lastError: null });
    expect(now.find((h) => h.id === down.id)).toMatchObject({ lastStatus: 500, lastError: "HTTP 500 (attempt 3 of 3)" });
  }, 20_000);
});

describe("SSRF guard (lib/net/outbound-guard.ts)", () => {
  it("refuses at save time a URL on a loopback, link-local or private address (422 on url), unless allowed", async () => {
    const saved = process.env.PORTICO_WEBHOOK_ALLOW_HOSTS;
    delete process.env.PORTICO_WEBHOOK_ALLOW_HOSTS;
    try {
      for (const url of ["http://169.254.169.254/latest/meta-data/iam/", `${base}/x`, "http://localhost:9/", "http://10.0.0.7/", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://100.64.1.1/"]) {
        const e = await caughtAsync(() => hooks.createWebhook({ actor: t.actors.taA, input: { url, secret: SECRET, teamId: t.teams.A } }));
        expect(e.status, url).toBe(422);
        expect((e.details as { field: string }[])[0]!.field).toBe("url");
      }
      const ok = await hooks.createWebhook({ actor: t.actors.taA, input: { url: "https://93.184.215.14/hook", secret: SECRET, teamId: t.teams.A, enabled: false } });
      const e = await caughtAsync(() => hooks.updateWebhook({ actor: t.actors.taA, id: ok.id, input: { url: "http://169.254.169.254/" } }));
      expect(e.status).toBe(422);
      process.env.PORTICO_WEBHOOK_ALLOW_PRIVATE = "1";
      await hooks.updateWebhook({ actor: t.actors.taA, id: ok.id, input: { url: "http://10.0.0.7/" } });
    } finally {
      delete process.env.PORTICO_WEBHOOK_ALLOW_PRIVATE;
      process.env.PORTICO_WEBHOOK_ALLOW_HOSTS = saved;
    }
  });

  it("refuses at delivery the resolved address (a hook saved before, or a name now resolving to loopback): no request, no retry, lastError says why", async () => {
    for (const h of (await hooks.listWebhooks({ actor: t.actors.admin })).items) await hooks.updateWebhook({ actor: t.actors.admin, id: h.id, input: { enabled: false } });
    const byIp = await hooks.createWebhook({ actor: t.actors.admin, input: { url: `${base}/rebind-ip`, secret: SECRET } });
    const port = new URL(base).port;
    // As if saved while the name resolved publicly (DNS rebinding): the row is written directly.
    const byName = await hooks.createWebhook({ actor: t.actors.admin, input: { url: `${base}/placeholder`, secret: SECRET } });
    (await t.db.getDb().update(t.schema.webhooks).set({ url: `http://localhost:${port}/rebind-name` }).where((await import("drizzle-orm")).eq(t.schema.webhooks.id, byName.id)));
    const saved = process.env.PORTICO_WEBHOOK_ALLOW_HOSTS;
    delete process.env.PORTICO_WEBHOOK_ALLOW_HOSTS;
    try {
      const api = (await apis.createApi({ actor: t.actors.admin, input: { slug: "ssrf", name: "Ssrf", teamId: t.teams.C, reasonRequired: false } }));
      (await apis.setApiState({ actor: t.actors.admin, id: api.id, input: { state: "published" } }));
      const app = (await apps.createApp({ actor: t.actors.memC, input: { teamId: t.teams.C, name: "ssrf-app" } }));
      received.length = 0;
      const t0 = Date.now();
      (await subs.requestSubscription({ actor: t.actors.memC, input: { appId: app.id, apiId: api.id } }));
      await hooks.webhookDeliveriesIdle();
      expect(Date.now() - t0).toBeLessThan(900); // refused at once, not retried after 1 s
      expect(received).toHaveLength(0);
      const now = (await hooks.listWebhooks({ actor: t.actors.admin })).items;
      for (const id of [byIp.id, byName.id]) {
        const h = now.find((x) => x.id === id)!;
        expect(h.lastStatus).toBeNull();
        expect(h.lastError).toMatch(/^refused: .*loopback/);
      }
    } finally {
      process.env.PORTICO_WEBHOOK_ALLOW_HOSTS = saved;
    }
  });
});
