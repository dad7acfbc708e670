/**
 * The control plane's request rules, through the real route handlers with real session
 * cookies (tests/support/control-plane.ts): cross-site writes, content types, deep JSON,
 * body limits while reading, session revocation, next-auth's POSTs and the 422 of a union.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { ORIGIN, startControlPlane, type ControlPlane } from "../support/control-plane";
import { rawRun } from "@/lib/db/sql";

let cp: ControlPlane;
const LIMIT = 4096;

beforeAll(async () => {
  cp = await startControlPlane({ PORTICO_MAX_CONTROL_BODY_BYTES: String(LIMIT), PORTICO_SESSION_CHECK_MS: "100" });
});
afterAll(() => cp?.close());

const tokenCount = async () => (await cp.db.select().from(cp.schema.adminTokens)).length;
const json = { "content-type": "application/json" };

async function newUser(email: string, role: "admin" | "member" = "admin") {
  const users = await import("@/lib/services/users");
  return users.createUser({ actor: cp.admin, input: { email, name: email, password: "long-enough-password", role } });
}

describe("cross-site writes with a session cookie", () => {
  it("refuses another origin, a foreign Sec-Fetch-Site and non-JSON bodies; creates nothing", async () => {
    const { POST } = await cp.route("api/admin/tokens");
    const cookie = await cp.sessionCookie(cp.admin.userId);
    const before = (await tokenCount());
    // The attack from the issue: text/plain (no preflight) from a page on another port.
    const evil = await cp.call(POST!, "/api/admin/tokens", { method: "POST", headers: { cookie, origin: "http://localhost:4000", "content-type": "text/plain" }, body: '{"name":"x"}' });
    expect(evil.status).toBe(403);
    expect((await evil.json()).error.code).toBe("cross_site_request");
    const nullOrigin = await cp.call(POST!, "/api/admin/tokens", { method: "POST", headers: { cookie, origin: "null", ...json }, body: '{"name":"x"}' });
    expect(nullOrigin.status).toBe(403);
    const sameSite = await cp.call(POST!, "/api/admin/tokens", { method: "POST", headers: { cookie, "sec-fetch-site": "same-site", ...json }, body: '{"name":"x"}' });
    expect(sameSite.status).toBe(403);
    // Right origin, wrong body type → 415 (a form or text/plain body is what a cross-site form can send).
    const text = await cp.call(POST!, "/api/admin/tokens", { method: "POST", headers: { cookie, origin: ORIGIN, "content-type": "text/plain" }, body: '{"name":"x"}' });
    expect(text.status).toBe(415);
    expect((await text.json()).error.code).toBe("unsupported_media_type");
    const untyped = await cp.call(POST!, "/api/admin/tokens", { method: "POST", headers: { cookie, origin: ORIGIN }, body: new Blob(['{"name":"x"}']) });
    expect(untyped.status).toBe(415);
    expect((await tokenCount())).toBe(before);
  });

  it("accepts the dashboard's own requests and bearer-token calls from anywhere", async () => {
    const { POST } = await cp.route("api/admin/tokens");
    const cookie = await cp.sessionCookie(cp.admin.userId);
    const own = await cp.call(POST!, "/api/admin/tokens", { method: "POST", headers: { cookie, origin: ORIGIN, "sec-fetch-site": "same-origin", ...json }, body: '{"name":"own"}' });
    expect(own.status).toBe(201);
    const { token } = (await own.json()) as { token: string };
    // No Origin and no Sec-Fetch-Site: not a browser (curl with the cookie) — allowed.
    expect((await cp.call(POST!, "/api/admin/tokens", { method: "POST", headers: { cookie, ...json }, body: '{"name":"cli"}' })).status).toBe(201);
    // The request's own host counts as our origin when PORTICO_PUBLIC_URL is not set.
    expect((await cp.call(POST!, "http://127.0.0.1:3000/api/admin/tokens", { method: "POST", headers: { cookie, host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000", ...json }, body: '{"name":"host"}' })).status).toBe(201);
    const bearer = await cp.call(POST!, "/api/admin/tokens", { method: "POST", headers: { authorization: `Bearer ${token}`, origin: "http://evil.example", "content-type": "text/plain" }, body: '{"name":"pat"}' });
    expect(bearer.status).toBe(201);
  });

  it("with PORTICO_PUBLIC_URL set, only that origin", async () => {
    const { crossSiteReason } = await import("@/lib/server/csrf");
    const h = (o: Record<string, string>) => new Headers(o);
    const env = { PORTICO_PUBLIC_URL: "https://portico.example.com/", NEXTAUTH_URL: "https://portico.example.com" };
    expect(crossSiteReason("POST", h({ origin: "https://portico.example.com", host: "internal:3000" }), env)).toBeNull();
    expect(crossSiteReason("POST", h({ origin: "http://internal:3000", host: "internal:3000" }), env)).toMatch(/not this site/);
    expect(crossSiteReason("DELETE", h({ origin: "https://portico.example.com:8443" }), env)).toMatch(/not this site/);
    expect(crossSiteReason("GET", h({ origin: "https://evil.example" }), env)).toBeNull();
  });
});

describe("bodies", () => {
  it("JSON nested deeper than 64 levels is a 422, not a 500 RangeError", async () => {
    const { POST } = await cp.route("api/admin/providers");
    const cookie = await cp.sessionCookie(cp.admin.userId);
    const deep = '{"name":"deep","type":"openai","headers":' + "[".repeat(1500) + "]".repeat(1500) + "}";
    const r = await cp.call(POST!, "/api/admin/providers", { method: "POST", headers: { cookie, origin: ORIGIN, ...json }, body: deep });
    expect(r.status).toBe(422);
    const body = await r.json();
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.message).toMatch(/deeper than 64/);
  });

  it("stops reading a body over the control-plane limit (413), declared or chunked", async () => {
    const { POST } = await cp.route("api/admin/tokens");
    const cookie = await cp.sessionCookie(cp.admin.userId);
    const big = JSON.stringify({ name: "x".repeat(LIMIT) });
    const declared = await cp.call(POST!, "/api/admin/tokens", { method: "POST", headers: { cookie, origin: ORIGIN, ...json, "content-length": String(big.length) }, body: big });
    expect(declared.status).toBe(413);
    expect((await declared.json()).error.code).toBe("payload_too_large");
    // An endless stream without a length: refused after ~LIMIT bytes, not read to its end.
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled++;
        c.enqueue(new TextEncoder().encode(" ".repeat(1024)));
      },
    });
    const chunked = await cp.call(POST!, "/api/admin/tokens", { method: "POST", headers: { cookie, origin: ORIGIN, ...json }, body: endless });
    expect(chunked.status).toBe(413);
    expect(pulled).toBeLessThan(20);
  });

  it("POST /api/admin/teams/{id}/members with wrong types names the field", async () => {
    const teams = await import("@/lib/services/teams");
    const team = await teams.createTeam({ actor: cp.admin, input: { name: "Members 422" } });
    const { POST } = await cp.route("api/admin/teams/[id]/members");
    const cookie = await cp.sessionCookie(cp.admin.userId);
    const send = (body: unknown) => cp.call(POST!, `/api/admin/teams/${team.id}/members`, { method: "POST", params: { id: team.id }, headers: { cookie, origin: ORIGIN, ...json }, body: JSON.stringify(body) });
    const r1 = await send({ userId: 5, role: "member" });
    expect(r1.status).toBe(422);
    expect((await r1.json()).error.details).toEqual([expect.objectContaining({ field: "userId" })]);
    const r2 = await send({ email: 5 });
    expect((await r2.json()).error.details).toEqual([expect.objectContaining({ field: "email" })]);
    const r3 = await send({ userId: "usr_x", role: "owner" });
    expect((await r3.json()).error.details).toEqual([expect.objectContaining({ field: "role" })]);
  });
});

describe("session revocation", () => {
  it("a cookie copied before sign-out is refused after it (and next-auth's session answer is empty)", async () => {
    const u = await newUser("signout@cp.test", "member");
    const cookie = await cp.sessionCookie(u.id);
    const { GET } = await cp.route("api/portal/apps");
    expect((await cp.call(GET!, "/api/portal/apps", { headers: { cookie } })).status).toBe(200);
    // What next-auth runs on POST /api/auth/signout with that cookie.
    const { authOptions } = await import("@/lib/auth/options");
    const { decode } = await import("next-auth/jwt");
    const token = await decode({ token: cookie.split("=")[1]!, secret: authOptions().secret! });
    await authOptions().events!.signOut!({ token: token!, session: undefined as never });
    expect((await cp.call(GET!, "/api/portal/apps", { headers: { cookie } })).status).toBe(401);
    // next-auth's own session callback path refuses it too (GET /api/auth/session → {} and the cookie cleared).
    await expect(authOptions().callbacks!.jwt!({ token: token! } as never)).rejects.toThrow(/revoked/);
    // A fresh sign-in works again.
    expect((await cp.call(GET!, "/api/portal/apps", { headers: { cookie: await cp.sessionCookie(u.id) } })).status).toBe(200);
  });

  it("password change, role change, disabling and 'sign out everywhere' each end live sessions", async () => {
    const users = await import("@/lib/services/users");
    const u = await newUser("bumps@cp.test", "member");
    const { GET } = await cp.route("api/portal/apps");
    const ok = async (cookie: string) => (await cp.call(GET!, "/api/portal/apps", { headers: { cookie } })).status;
    let cookie = await cp.sessionCookie(u.id);
    await users.updateUser({ actor: cp.admin, id: u.id, input: { name: "Renamed" } });
    expect(await ok(cookie)).toBe(200); // a rename keeps sessions
    await users.updateUser({ actor: cp.admin, id: u.id, input: { password: "another-long-password" } });
    expect(await ok(cookie)).toBe(401);
    cookie = await cp.sessionCookie(u.id);
    await users.updateUser({ actor: cp.admin, id: u.id, input: { role: "admin" } });
    expect(await ok(cookie)).toBe(401);
    cookie = await cp.sessionCookie(u.id);
    await users.updateUser({ actor: cp.admin, id: u.id, input: { disabled: true } });
    await users.updateUser({ actor: cp.admin, id: u.id, input: { disabled: false } });
    expect(await ok(cookie)).toBe(401);
    // The user's own button.
    cookie = await cp.sessionCookie(u.id);
    const other = await cp.sessionCookie(u.id); // another device
    const mine = await cp.route("api/portal/account/sign-out");
    expect((await cp.call(mine.POST!, "/api/portal/account/sign-out", { method: "POST", headers: { cookie, origin: ORIGIN } })).status).toBe(200);
    expect(await ok(cookie)).toBe(401);
    expect(await ok(other)).toBe(401);
    // An admin's button on a user.
    cookie = await cp.sessionCookie(u.id);
    const adminCookie = await cp.sessionCookie(cp.admin.userId);
    const theirs = await cp.route("api/admin/users/[id]/sign-out");
    expect((await cp.call(theirs.POST!, `/api/admin/users/${u.id}/sign-out`, { method: "POST", params: { id: u.id }, headers: { cookie: adminCookie, origin: ORIGIN } })).status).toBe(200);
    expect(await ok(cookie)).toBe(401);
    expect(await ok(adminCookie)).toBe(200);
  });

  it("another instance's sign-out (through the shared database) is seen within about a second", async () => {
    const u = await newUser("elsewhere@cp.test", "member");
    const cookie = await cp.sessionCookie(u.id);
    const { GET } = await cp.route("api/portal/apps");
    expect((await cp.call(GET!, "/api/portal/apps", { headers: { cookie } })).status).toBe(200);
    // Another process: its own connection, the same SQL the bump runs.
    const other = new Database(process.env.DATABASE_URL!.slice(5));
    (await rawRun("UPDATE users SET session_generation = session_generation + 1 WHERE id = ?", [u.id]));
    (await rawRun("INSERT INTO settings(key, value, updated_at) VALUES ('session_epoch', 1, 0) ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1", []));
    other.close();
    const t0 = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - t0 < 3000) {
      status = (await cp.call(GET!, "/api/portal/apps", { headers: { cookie } })).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toBe(401);
    expect(Date.now() - t0).toBeLessThan(1500);
  });
});

describe("next-auth POSTs", () => {
  it("sign-in with invalid JSON is a 400 JSON answer; an oversized form a 413; a cross-site sign-out a 403", async () => {
    const { POST } = await cp.route("api/auth/[...nextauth]");
    const at = (p: string, init: RequestInit) => cp.call(POST!, `/api/auth/${p}`, { method: "POST", params: { nextauth: p.split("/") } as never, ...init });
    const bad = await at("callback/credentials", { headers: { origin: ORIGIN, ...json }, body: "{not json" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe("invalid_json");
    const big = await at("callback/credentials", { headers: { origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" }, body: "email=a%40b.c&password=" + "x".repeat(LIMIT) });
    expect(big.status).toBe(413);
    const cross = await at("signout", { headers: { origin: "http://localhost:4000", "content-type": "application/x-www-form-urlencoded" }, body: "csrfToken=x" });
    expect(cross.status).toBe(403);
  });
});
