/**
 * The access layer end to end on the production fast path (tests/support/gateway.ts):
 * control-plane changes through the services, calls through the real gateway.
 *
 * subscribe (manual) → 403 pending → approve → 200 within 1 s → revoke → 403;
 * key rotation grace; revoked and expired keys → 401 with the reason; another
 * team's app on a team-restricted API → 403; deprecated → 200 + Deprecation;
 * retired → 410; /v1/models = the approved aliases exactly; 409/422 on the
 * control plane; a signed webhook delivery to a local receiver.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { chatBody, sleep, startGateway, type Gateway, type Wire } from "../support/gateway";
import type { AppError } from "@/lib/errors";

let gw: Gateway;
let flowTeam: string;
let otherTeam: string;

beforeAll(async () => {
  gw = await startGateway();
  flowTeam = (await gw.m.teams.createTeam({ actor: gw.actor, input: { name: "Flow team", slug: "flow" } })).id;
  otherTeam = (await gw.m.teams.createTeam({ actor: gw.actor, input: { name: "Other team", slug: "other" } })).id;
  // The routes service itself, not gw.routeTo / gw.m.routes: those also expose the alias through the
  // harness's auto-approval API, and these tests need the access rules of their own APIs only.
  const { createRoute } = await import("@/lib/services/routes");
  for (const alias of ["flow-chat", "flow-auto-chat", "flow-private-chat", "flow-extra-1", "flow-extra-2", "flow-pending"]) {
    await createRoute({ actor: gw.actor, input: { alias, strategy: "single", targets: [{ modelId: (await gw.modelFor({ type: "mock", upstreamModel: `${alias}-up` })) }] } });
  }
});
afterAll(() => gw?.close());

const actor = () => gw.actor;

async function caught(fn: () => unknown): Promise<AppError> {
  try {
    await fn();
  } catch (e) {
    return e as AppError;
  }
  throw new Error("expected an error");
}

async function publishedApi(input: Record<string, unknown>) {
  const a = (await gw.m.apis.createApi({ actor: actor(), input: { teamId: flowTeam, ...input } }));
  return (await gw.m.apis.setApiState({ actor: actor(), id: a.id, input: { state: "published" } }));
}

async function app(name: string, teamId = flowTeam) {
  return (await gw.m.apps.createApp({ actor: actor(), input: { teamId, name } }));
}

async function keyFor(appId: string, name = "k") {
  return (await gw.m.keys.createAppKey({ actor: actor(), appId, input: { name } }));
}

async function call(key: string, model: string) {
  const res = await gw.post("/v1/chat/completions", chatBody(model), { key });
  const body = (await res.json()) as Wire;
  return { status: res.status, body, headers: res.headers };
}

/** Polls `fn` until it returns true (the change must apply within `ms`). */
async function within(ms: number, fn: () => Promise<boolean>): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if (await fn()) return Date.now() - t0;
    if (Date.now() - t0 > ms) throw new Error(`not within ${ms} ms`);
    await sleep(25);
  }
}

describe("subscription lifecycle on the data plane", () => {
  it("pending → 403 → approve → 200 within 1 s → revoke → 403; 409 and 422 on the control plane", async () => {
    const api = (await publishedApi({ slug: "flow-manual", name: "Flow manual", routeAliases: ["flow-chat"], approvalMode: "manual", reasonRequired: true }));
    const a = (await app("support-bot"));
    const k = (await keyFor(a.id));

    const before = await call(k.key, "flow-chat");
    expect(before.status).toBe(403);
    expect(before.body.error.code).toBe("not_subscribed");

    // missing reason → 422
    const noReason = await caught(async () => (await gw.m.subscriptions.requestSubscription({ actor: actor(), input: { appId: a.id, apiId: api.id } })));
    expect(noReason.status).toBe(422);
    expect(noReason.details).toEqual([{ field: "reason", message: "A reason is required for this API." }]);

    const sub = (await gw.m.subscriptions.requestSubscription({ actor: actor(), input: { appId: a.id, apiId: api.id, reason: "ticket answers" } }));
    expect(sub.state).toBe("pending");
    // twice → 409 with the existing one
    const dup = await caught(async () => (await gw.m.subscriptions.requestSubscription({ actor: actor(), input: { appId: a.id, apiId: api.id, reason: "again" } })));
    expect(dup.status).toBe(409);
    expect((dup.details as { existing: { id: string } }).existing.id).toBe(sub.id);

    const pending = await call(k.key, "flow-chat");
    expect(pending.status).toBe(403);
    expect(pending.body.error.type).toBe("permission_error");
    expect(pending.body.error.message).toBe("App 'support-bot' has a pending subscription to API 'Flow manual'; an admin must approve it.");

    (await gw.m.subscriptions.approveSubscription({ actor: actor(), id: sub.id, input: { note: "go" } }));
    const took = await within(1000, async () => (await call(k.key, "flow-chat")).status === 200);
    expect(took).toBeLessThan(1000);
    const ok = await call(k.key, "flow-chat");
    expect(ok.body.choices[0].message.content).toContain("Mock reply");

    // deciding a decided one → 409
    const again = await caught(async () => (await gw.m.subscriptions.approveSubscription({ actor: actor(), id: sub.id })));
    expect(again.status).toBe(409);

    (await gw.m.subscriptions.revokeSubscription({ actor: actor(), id: sub.id, input: { note: "misuse" } }));
    await within(1000, async () => (await call(k.key, "flow-chat")).status === 403);
    const revoked = await call(k.key, "flow-chat");
    expect(revoked.body.error.code).toBe("subscription_revoked");
    expect(revoked.body.error.message).toMatch(/revoked subscription to API 'Flow manual'/);
  });
});

describe("keys", () => {
  let appId: string;
  beforeAll(async () => {
    const api = (await publishedApi({ slug: "flow-auto", name: "Flow auto", routeAliases: ["flow-auto-chat"], approvalMode: "auto", reasonRequired: false }));
    appId = (await app("rotator")).id;
    expect((await gw.m.subscriptions.requestSubscription({ actor: actor(), input: { appId, apiId: api.id } })).state).toBe("approved");
  });

  it("rotation: the old key keeps working during the grace period; with grace 0 it stops at once", async () => {
    const k1 = (await keyFor(appId, "rotating"));
    expect((await call(k1.key, "flow-auto-chat")).status).toBe(200);

    const r1 = (await gw.m.keys.rotateKey({ actor: actor(), appId, keyId: k1.id, input: { graceHours: 24 } }));
    expect(r1.key.rotatedFromId).toBe(k1.id);
    expect((await call(k1.key, "flow-auto-chat")).status).toBe(200); // grace
    expect((await call(r1.key.key, "flow-auto-chat")).status).toBe(200);

    const r2 = (await gw.m.keys.rotateKey({ actor: actor(), appId, keyId: r1.key.id, input: { graceHours: 0 } }));
    const old = await call(r1.key.key, "flow-auto-chat");
    expect(old.status).toBe(401);
    expect(old.body.error.code).toBe("key_expired");
    expect(old.body.error.message).toMatch(/expired/i);
    expect((await call(r2.key.key, "flow-auto-chat")).status).toBe(200);
    expect((await call(k1.key, "flow-auto-chat")).status).toBe(200); // the first key's own grace is untouched
  });

  it("a revoked key → 401 saying it was revoked", async () => {
    const k = (await keyFor(appId, "to revoke"));
    expect((await call(k.key, "flow-auto-chat")).status).toBe(200);
    (await gw.m.keys.revokeAppKey({ actor: actor(), appId, keyId: k.id }));
    const res = await call(k.key, "flow-auto-chat");
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("key_revoked");
    expect(res.body.error.message).toMatch(/revoked/i);
  });

  it("deleting the app stops its keys at once", async () => {
    const a = (await app("short-lived"));
    const auto = (await gw.m.apis.listApis({ actor: actor() })).items.find((x) => x.slug === "flow-auto")!;
    (await gw.m.subscriptions.requestSubscription({ actor: actor(), input: { appId: a.id, apiId: auto.id } }));
    const k = (await keyFor(a.id));
    expect((await call(k.key, "flow-auto-chat")).status).toBe(200);
    (await gw.m.apps.deleteApp({ actor: actor(), id: a.id }));
    expect((await call(k.key, "flow-auto-chat")).status).toBe(401);
  });
});

describe("visibility and API lifecycle", () => {
  it("a key of another team's app on a team-restricted API → 403; subscribing it → 403", async () => {
    const api = (await publishedApi({ slug: "flow-private", name: "Flow private", routeAliases: ["flow-private-chat"], approvalMode: "auto", reasonRequired: false, visibility: "teams" }));
    const mine = (await app("private-user"));
    (await gw.m.subscriptions.requestSubscription({ actor: actor(), input: { appId: mine.id, apiId: api.id } }));
    expect((await call((await keyFor(mine.id)).key, "flow-private-chat")).status).toBe(200);

    const theirs = (await app("outsider", otherTeam));
    const res = await call((await keyFor(theirs.id)).key, "flow-private-chat");
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/not available to the team of app 'outsider'/);
    expect((await caught(async () => (await gw.m.subscriptions.requestSubscription({ actor: actor(), input: { appId: theirs.id, apiId: api.id } })))).status).toBe(403);
  });

  it("deprecated → 200 with a Deprecation header; retired → 410", async () => {
    const api = (await publishedApi({ slug: "flow-aging", name: "Flow aging", routeAliases: ["flow-extra-1"], approvalMode: "auto", reasonRequired: false }));
    const a = (await app("aging-user"));
    (await gw.m.subscriptions.requestSubscription({ actor: actor(), input: { appId: a.id, apiId: api.id } }));
    const k = (await keyFor(a.id)).key;
    const fresh = await call(k, "flow-extra-1");
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get("deprecation")).toBeNull();

    (await gw.m.apis.setApiState({ actor: actor(), id: api.id, input: { state: "deprecated" } }));
    const dep = await call(k, "flow-extra-1");
    expect(dep.status).toBe(200);
    expect(dep.headers.get("deprecation")).toMatch(/^@\d+$/);

    (await gw.m.apis.setApiState({ actor: actor(), id: api.id, input: { state: "retired" } }));
    const gone = await call(k, "flow-extra-1");
    expect(gone.status).toBe(410);
    expect(gone.body.error.message).toMatch(/retired/);
  });

  it("/v1/models lists exactly the aliases of the app's approved subscriptions", async () => {
    const one = (await publishedApi({ slug: "models-one", name: "Models one", routeAliases: ["flow-extra-2"], approvalMode: "auto", reasonRequired: false }));
    const two = (await publishedApi({ slug: "models-two", name: "Models two", routeAliases: ["flow-chat", "flow-auto-chat"], approvalMode: "auto", reasonRequired: false }));
    const three = (await publishedApi({ slug: "models-three", name: "Models three", routeAliases: ["flow-pending"], approvalMode: "manual", reasonRequired: false }));
    const a = (await app("lister"));
    for (const api of [one, two, three]) (await gw.m.subscriptions.requestSubscription({ actor: actor(), input: { appId: a.id, apiId: api.id } }));
    const res = await fetch(gw.url + "/v1/models", { headers: { authorization: `Bearer ${(await keyFor(a.id)).key}` } });
    expect(res.status).toBe(200);
    const ids = ((await res.json()) as Wire).data.map((m: Wire) => m.id).sort();
    expect(ids).toEqual(["flow-auto-chat", "flow-chat", "flow-extra-2"]);
  });
});

describe("webhooks", () => {
  let server: Server;
  const got: { headers: IncomingMessage["headers"]; body: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString("utf8")));
      req.on("end", () => {
        got.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("an approval is POSTed to the team's webhook with a valid signature", async () => {
    const secret = "flow-webhook-secret-0123456789";
    // The receiver is on loopback, which webhooks refuse by default (SSRF guard): allow it for this test.
    process.env.PORTICO_WEBHOOK_ALLOW_HOSTS = "127.0.0.1";
    const hook = await gw.m.webhooks.createWebhook({
      actor: actor(),
      input: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, secret, teamId: flowTeam, events: ["subscription.approved"] },
    });
    const api = (await publishedApi({ slug: "flow-hooked", name: "Flow hooked", routeAliases: ["flow-chat"], reasonRequired: false }));
    const a = (await app("hook-user"));
    const sub = (await gw.m.subscriptions.requestSubscription({ actor: actor(), input: { appId: a.id, apiId: api.id } }));
    (await gw.m.subscriptions.approveSubscription({ actor: actor(), id: sub.id }));
    await gw.m.webhooks.webhookDeliveriesIdle();
    expect(got).toHaveLength(1);
    const { headers, body } = got[0]!;
    const ts = String(headers["x-portico-timestamp"]);
    const mac = createHmac("sha256", secret).update(`${ts}.${body}`).digest("hex");
    expect(headers["x-portico-signature"]).toBe(`sha256=${mac}`);
    expect(headers["x-portico-event"]).toBe("subscription.approved");
    const event = JSON.parse(body);
    expect(event).toMatchObject({ type: "subscription.approved", data: { id: sub.id, state: "approved", appName: "hook-user", apiSlug: "flow-hooked" } });
    const after = (await gw.m.webhooks.listWebhooks({ actor: actor() })).items.find((h) => h.id === hook.id)!;
    expect(after).toMatchObject({ lastStatus: 204, lastError: null });
  });
});
