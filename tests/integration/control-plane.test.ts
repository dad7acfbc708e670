/** Users, the audit trail and key last-use: the control-plane verbs behave as the admin API promises. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { chatBody, startGateway, type Gateway } from "../support/gateway";

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
  await gw.routeTo("cp-chat", [{ type: "mock", upstreamModel: "cp-mock" }]);
});
afterAll(async () => gw?.close());

describe("users", () => {
  it("edits, disables (sessions die at once) and re-enables a user, auditing each change", async () => {
    const users = await import("@/lib/services/users");
    const { loadActor } = await import("@/lib/auth/actor");
    const u = await users.createUser({ actor: gw.actor, input: { email: "Dana@Example.com", name: "Dana", password: "long-enough-pw" } });
    expect(u.email).toBe("dana@example.com");
    expect(u).not.toHaveProperty("passwordHash");
    await users.updateUser({ actor: gw.actor, id: u.id, input: { name: "Dana S.", role: "admin" } });
    expect((await loadActor(u.id, "session"))?.platformRole).toBe("admin");
    await users.updateUser({ actor: gw.actor, id: u.id, input: { disabled: true } });
    expect((await loadActor(u.id, "session"))).toBeNull();
    await users.updateUser({ actor: gw.actor, id: u.id, input: { disabled: false } });
    expect((await loadActor(u.id, "session"))?.name).toBe("Dana S.");
    await expect(users.updateUser({ actor: gw.actor, id: gw.actor.userId, input: { disabled: true } })).rejects.toThrow(/cannot disable yourself/);
    await expect(users.createUser({ actor: gw.actor, input: { email: "dana@example.com", name: "Again", password: "long-enough-pw" } })).rejects.toMatchObject({ status: 409 });

    const { listAudit } = await import("@/lib/services/audit");
    const mine = (await listAudit(gw.actor, { limit: 50, targetType: "user" })).items.filter((r) => r.targetId === u.id);
    expect(mine.map((r) => r.action)).toEqual(["user.enable", "user.disable", "user.update", "user.create"]);
    const disable = mine.find((r) => r.action === "user.disable")!;
    expect((disable.before as { disabled: boolean }).disabled).toBe(false);
    expect((disable.after as { disabled: boolean }).disabled).toBe(true);
    expect(JSON.stringify(mine)).not.toContain("scrypt$");
  });
});

describe("audit filters", () => {
  it("filters by action prefix, actor, target type, team and time, newest first with a cursor", async () => {
    const teams = await import("@/lib/services/teams");
    const { listAudit } = await import("@/lib/services/audit");
    const t0 = Date.now();
    const team = await teams.createTeam({ actor: gw.actor, input: { name: "Audit Filters" } });
    (await teams.updateTeam({ actor: gw.actor, id: team.id, input: { description: "changed" } }));
    const byPrefix = await listAudit(gw.actor, { limit: 50, action: "team", teamId: team.id });
    expect(byPrefix.items.map((r) => r.action)).toEqual(["team.update", "team.create"]);
    expect((await listAudit(gw.actor, { limit: 50, action: "team.create", teamId: team.id })).items).toHaveLength(1);
    expect((await listAudit(gw.actor, { limit: 50, actor: "nobody@", teamId: team.id })).items).toHaveLength(0);
    expect((await listAudit(gw.actor, { limit: 50, actor: gw.actor.email.slice(0, 5), teamId: team.id })).items).toHaveLength(2);
    expect((await listAudit(gw.actor, { limit: 50, teamId: team.id, from: t0, to: Date.now() + 1 })).items).toHaveLength(2);
    expect((await listAudit(gw.actor, { limit: 50, teamId: team.id, to: t0 - 1 })).items).toHaveLength(0);
    const page1 = await listAudit(gw.actor, { limit: 1, teamId: team.id });
    expect(page1.nextCursor).not.toBeNull();
    const page2 = await listAudit(gw.actor, { limit: 1, teamId: team.id, cursor: page1.nextCursor! });
    expect(page2.items[0]!.action).toBe("team.create");
  });
});

describe("key last use", () => {
  it("is recorded off the request path and debounced to one write a minute", async () => {
    const { key, id } = await gw.newKey();
    const schema = await import("@/lib/db/schema");
    const lastUsed = async () => (await gw.db.select({ at: schema.apiKeys.lastUsedAt }).from(schema.apiKeys).where(eq(schema.apiKeys.id, id)).limit(1))[0]!.at;
    expect((await lastUsed())).toBeNull();
    // The call is recorded after its response (on PostgreSQL a few round trips later): wait for its
    // log row, which the same batch as the key's touch writes.
    const rid = `req_lastused_${Date.now()}`;
    expect((await gw.post("/v1/chat/completions", chatBody("cp-chat"), { key, headers: { "x-request-id": rid } })).status).toBe(200);
    await gw.logRow(rid);
    const first = (await lastUsed());
    expect(first).toBeGreaterThan(0);
    expect((await gw.post("/v1/chat/completions", chatBody("cp-chat"), { key, headers: { "x-request-id": `${rid}_2` } })).status).toBe(200);
    await gw.logRow(`${rid}_2`);
    expect((await lastUsed())).toBe(first);
  });
});
