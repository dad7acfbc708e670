/**
 * MCP servers as catalog APIs, end to end: the official SDK client
 * (StreamableHTTPClientTransport) talks to Portico's /mcp/{slug} on the
 * production fast path, Portico talks to the fake MCP server (e2e/fakes/mcp.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { sleep } from "../support/gateway";
import { INIT, rejection, rpc, startMcpHarness, type McpHarness } from "../support/mcp";

let h: McpHarness;
let api: { id: string; slug: string; endpoint: string };
let sub: Awaited<ReturnType<McpHarness["subscribedApp"]>>;

beforeAll(async () => {
  h = await startMcpHarness({ PORTICO_MAX_BODY_BYTES: String(64 * 1024) });
  api = await h.mcpApi({ slug: "fake-tools" });
  sub = (await h.subscribedApp(api.id, "agent"));
});
afterAll(() => h?.close());

/** The newest log row of an MCP call of this tool (the writer flushes every 20 ms in tests). */
async function lastRow(tool: string, after: number) {
  const { requestLogs } = h.gw.m.schema;
  const { and, eq, gte, desc } = await import("drizzle-orm");
  const deadline = Date.now() + 3000;
  for (;;) {
    (await h.gw.m.logWriter.logWriter().flush());
    const row = (await h.gw.db
      .select()
      .from(requestLogs)
      .where(and(eq(requestLogs.endpoint, "mcp"), eq(requestLogs.upstreamModel, tool), gte(requestLogs.at, after)))
      .orderBy(desc(requestLogs.at)).limit(1))[0];
    if (row) return row;
    if (Date.now() > deadline) throw new Error(`no mcp log row for ${tool}`);
    await sleep(20);
  }
}

describe("the SDK client through Portico", () => {
  it("initialises and lists only the allowed tools, with their input schemas", async () => {
    const { client } = await h.connect(api.endpoint, sub.key);
    expect(client.getServerVersion()?.name).toBe("portico/fake-tools");
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["add", "echo", "fail", "progress", "slow"]);
    expect(tools.find((t) => t.name === "add")?.inputSchema).toMatchObject({ type: "object", properties: { a: { type: "number" }, b: { type: "number" } } });
    await client.close();
  });

  it("calls a tool and writes one log row with server, tool, sizes, app, key and team", async () => {
    const t0 = Date.now();
    const { client } = await h.connect(api.endpoint, sub.key);
    const r = await client.callTool({ name: "add", arguments: { a: 2, b: 40 } });
    expect(r.structuredContent).toEqual({ sum: 42 });
    const row = await lastRow("add", t0);
    expect(row).toMatchObject({ endpoint: "mcp", routeAlias: "fake-tools", providerType: "mcp", status: 200, outcome: "ok", appId: sub.app.id, keyId: sub.keyId, apiId: api.id });
    expect(row.teamId).toBe(h.team.id);
    expect(row.reqBytes).toBe(Buffer.byteLength(JSON.stringify({ a: 2, b: 40 })));
    expect(row.resBytes).toBeGreaterThan(10);
    await client.close();
  });

  it("waits for a slow tool and relays progress notifications", async () => {
    const { client } = await h.connect(api.endpoint, sub.key);
    const t0 = Date.now();
    const slow = await client.callTool({ name: "slow", arguments: { ms: 300 } });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(slow.content).toEqual([{ type: "text", text: "slept 300 ms" }]);
    const seen: number[] = [];
    const done = await client.callTool({ name: "progress", arguments: { steps: 4 } }, undefined, { onprogress: (p) => seen.push(p.progress) });
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(done.content).toEqual([{ type: "text", text: "done in 4 steps" }]);
    await client.close();
  });

  it("refuses a hidden tool as unknown; the upstream never sees it", async () => {
    const t0 = Date.now();
    const { client } = await h.connect(api.endpoint, sub.key);
    const e = await rejection(client.callTool({ name: "admin_reset", arguments: { confirm: true } }));
    expect(e.code).toBe(-32602);
    expect(e.message).toContain("Tool admin_reset not found");
    expect(h.fake.calls.some((c) => c.tool === "admin_reset")).toBe(false);
    expect(await lastRow("admin_reset", t0)).toMatchObject({ outcome: "refused", status: 404, errorCode: "-32602" });
    await client.close();
  });

  it("passes a failing tool's error result through and logs it as a tool error", async () => {
    const t0 = Date.now();
    const { client } = await h.connect(api.endpoint, sub.key);
    const r = await client.callTool({ name: "fail", arguments: {} });
    expect(r.isError).toBe(true);
    expect(await lastRow("fail", t0)).toMatchObject({ outcome: "error", errorCode: "tool_error", status: 200 });
    await client.close();
  });

  it("a JSON-RPC batch of two calls writes two rows", async () => {
    const t0 = Date.now();
    const auth = { authorization: `Bearer ${sub.key}` };
    const init = await rpc(api.endpoint, INIT, auth);
    const h2 = { ...auth, "mcp-session-id": init.headers.get("mcp-session-id")!, "mcp-protocol-version": "2025-06-18", "x-request-id": `batch-${Date.now()}` };
    const call = (id: number, a: number) => ({ jsonrpc: "2.0", id, method: "tools/call", params: { name: "add", arguments: { a, b: 1 } } });
    const r = await rpc(api.endpoint, [call(11, 1), call(12, 2)], h2);
    expect(r.status).toBe(200);
    expect(r.text).toContain('"sum":2');
    expect(r.text).toContain('"sum":3');
    const { requestLogs } = h.gw.m.schema;
    const { like } = await import("drizzle-orm");
    await lastRow("add", t0);
    const deadline = Date.now() + 3000;
    let rows = (await h.gw.db.select().from(requestLogs).where(like(requestLogs.id, `${h2["x-request-id"]}%`)));
    while (rows.length < 2 && Date.now() < deadline) {
      (await h.gw.m.logWriter.logWriter().flush());
      await sleep(20);
      rows = (await h.gw.db.select().from(requestLogs).where(like(requestLogs.id, `${h2["x-request-id"]}%`)));
    }
    expect(rows.map((x) => x.id).sort()).toEqual([h2["x-request-id"], `${h2["x-request-id"]}-2`]);
  });

  it("DELETE ends the session here and upstream", async () => {
    const { client, transport } = await h.connect(api.endpoint, sub.key);
    await client.callTool({ name: "echo", arguments: { text: "hi" } }); // opens the upstream session
    const sid = transport.sessionId!;
    const before = h.fake.stats.deleted;
    await transport.terminateSession();
    const deadline = Date.now() + 2000;
    while (h.fake.stats.deleted === before && Date.now() < deadline) await sleep(10);
    expect(h.fake.stats.deleted).toBe(before + 1);
    const r = await rpc(api.endpoint, { jsonrpc: "2.0", id: 5, method: "tools/list" }, { authorization: `Bearer ${sub.key}`, "mcp-session-id": sid, "mcp-protocol-version": "2025-06-18" });
    expect(r.status).toBe(404);
    await client.close();
  });
});

describe("authentication and authorisation", () => {
  it("401 without a key, as a JSON-RPC error the SDK client shows", async () => {
    const r = await rpc(api.endpoint, INIT);
    expect(r.status).toBe(401);
    expect(r.json.error).toMatchObject({ code: -32001, data: { code: "missing_api_key" } });
    expect(r.headers.get("x-request-id")).toBeTruthy();
    const e = await rejection(h.connect(api.endpoint, null));
    expect(String(e)).toContain("No API key provided");
    const bad = await rpc(api.endpoint, INIT, { authorization: "Bearer pk_not_a_key" });
    expect(bad.json.error?.data?.code).toBe("invalid_api_key");
  });

  it("403 while pending, calls within 1 s of approval, 403 within 1 s of revocation", async () => {
    const manual = await h.mcpApi({ approval: "manual" });
    const s = await h.subscribedApp(manual.id, "waiting");
    expect(s.sub.state).toBe("pending");
    const pending = await rpc(manual.endpoint, INIT, { authorization: `Bearer ${s.key}` });
    expect(pending.status).toBe(403);
    expect(pending.json.error).toMatchObject({ code: -32003, data: { code: "subscription_pending" } });

    (await h.gw.m.subscriptions.approveSubscription({ actor: h.gw.actor, id: s.sub.id }));
    const approvedAt = Date.now();
    const { client } = await h.connect(manual.endpoint, s.key);
    await client.callTool({ name: "echo", arguments: { text: "ok" } });
    expect(Date.now() - approvedAt).toBeLessThan(1000);

    (await h.gw.m.subscriptions.revokeSubscription({ actor: h.gw.actor, id: s.sub.id }));
    const revokedAt = Date.now();
    let refused: McpError | null = null;
    while (!refused && Date.now() - revokedAt < 1000) {
      try {
        await client.callTool({ name: "echo", arguments: { text: "again" } });
      } catch (e) {
        refused = e as McpError;
      }
    }
    expect(Date.now() - revokedAt).toBeLessThan(1000);
    // The SDK raises a StreamableHTTPError: its code is the HTTP status, its message our JSON-RPC error.
    expect(refused?.code).toBe(403);
    expect(String(refused)).toContain("subscription_revoked");
    await client.close().catch(() => undefined);
  });

  it("another tenant's key can neither call the API nor use someone else's session", async () => {
    const other = await h.gw.m.teams.createTeam({ actor: h.gw.actor, input: { name: "Intruders", slug: "intruders" } });
    const intruderApp = (await h.gw.m.apps.createApp({ actor: h.gw.actor, input: { teamId: other.id, name: "intruder" } }));
    const intruderKey = (await h.gw.m.keys.createAppKey({ actor: h.gw.actor, appId: intruderApp.id, input: { name: "k" } })).key;
    const r = await rpc(api.endpoint, INIT, { authorization: `Bearer ${intruderKey}` });
    expect(r.status).toBe(403);
    expect(r.json.error?.data?.code).toBe("not_subscribed");

    const { transport, client } = await h.connect(api.endpoint, sub.key);
    const hijack = await rpc(
      api.endpoint,
      { jsonrpc: "2.0", id: 9, method: "tools/call", params: { name: "echo", arguments: { text: "x" } } },
      { authorization: `Bearer ${intruderKey}`, "mcp-session-id": transport.sessionId!, "mcp-protocol-version": "2025-06-18" },
    );
    expect(hijack.status).toBe(403); // refused before the session is even looked up
    // Even a key of a subscribed app in another tenant gets no access to this session.
    const otherSub = await h.subscribedApp(api.id, "second-agent");
    const hijack2 = await rpc(
      api.endpoint,
      { jsonrpc: "2.0", id: 9, method: "tools/call", params: { name: "echo", arguments: { text: "x" } } },
      { authorization: `Bearer ${otherSub.key}`, "mcp-session-id": transport.sessionId!, "mcp-protocol-version": "2025-06-18" },
    );
    expect(hijack2.status).toBe(404);
    expect(hijack2.json.error?.message).toBe("Session not found");
    await client.close();
  });

  it("refuses an oversized and a deeply nested body as client errors", async () => {
    const auth = { authorization: `Bearer ${sub.key}` };
    const big = await rpc(api.endpoint, { ...INIT, params: { ...INIT.params, pad: "x".repeat(70 * 1024) } }, auth);
    expect(big.status).toBe(413);
    expect(big.json.error?.data?.code).toBe("request_too_large");
    const deep = await rpc(api.endpoint, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":${"[".repeat(5000)}${"]".repeat(5000)}}`, auth);
    expect(deep.status).toBe(400);
    expect(deep.json.error?.data?.code).toBe("json_too_deep");
    const junk = await rpc(api.endpoint, "{not json", auth);
    expect(junk.status).toBe(400);
    expect(junk.json.error?.code).toBe(-32700);
  });

  it("an initialize the transport refuses leaves no session behind", async () => {
    const { sessionCount } = await import("@/lib/mcp/sessions");
    const before = sessionCount();
    const res = await fetch(api.endpoint, { method: "POST", headers: { authorization: `Bearer ${sub.key}`, "content-type": "application/json", accept: "application/json" }, body: JSON.stringify(INIT) });
    expect(res.status).toBe(406);
    expect(sessionCount()).toBe(before);
  });

  it("an unknown API slug is 404, a GET without a session is 400", async () => {
    const r = await rpc(`${h.url}/mcp/no-such-api`, INIT, { authorization: `Bearer ${sub.key}` });
    expect(r.status).toBe(404);
    const g = await fetch(api.endpoint, { headers: { authorization: `Bearer ${sub.key}`, accept: "text/event-stream" } });
    expect(g.status).toBe(400);
  });

  it("the Next route handler (next dev) serves the same endpoint", async () => {
    const route = await import("@/app/mcp/[slug]/route");
    const headers = { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${sub.key}` };
    const init = await route.POST(new Request(`http://localhost/mcp/${api.slug}`, { method: "POST", headers, body: JSON.stringify(INIT) }));
    expect(init.status).toBe(200);
    const sid = init.headers.get("mcp-session-id");
    expect(sid).toBeTruthy();
    expect(await init.text()).toContain('"serverInfo":{"name":"portico/fake-tools"');
    const anon = await route.POST(new Request(`http://localhost/mcp/${api.slug}`, { method: "POST", headers: { ...headers, authorization: "" }, body: JSON.stringify(INIT) }));
    expect(anon.status).toBe(401);
    const del = await route.DELETE(new Request(`http://localhost/mcp/${api.slug}`, { method: "DELETE", headers: { ...headers, "mcp-session-id": sid!, "mcp-protocol-version": "2025-06-18" } }));
    expect(del.status).toBe(200);
  });

  it("GET opens the session's server stream (one per session)", async () => {
    const auth = { authorization: `Bearer ${sub.key}` };
    const init = await rpc(api.endpoint, INIT, auth);
    const sid = init.headers.get("mcp-session-id")!;
    const h2 = { ...auth, "mcp-session-id": sid, "mcp-protocol-version": "2025-06-18" };
    expect((await rpc(api.endpoint, { jsonrpc: "2.0", method: "notifications/initialized" }, h2)).status).toBe(202);
    const ac = new AbortController();
    const res = await fetch(api.endpoint, { headers: { ...h2, accept: "text/event-stream" }, signal: ac.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const second = await fetch(api.endpoint, { headers: { ...h2, accept: "text/event-stream" } });
    expect(second.status).toBe(409);
    ac.abort();
  });
});

describe("who may configure an MCP server", () => {
  it("a team admin of another team cannot read or change it, nor refresh its tools", async () => {
    const users = await import("@/lib/services/users");
    const { loadActor } = await import("@/lib/auth/actor");
    const other = await h.gw.m.teams.createTeam({ actor: h.gw.actor, input: { name: "Elsewhere", slug: "elsewhere" } });
    const u = await users.createUser({ actor: h.gw.actor, input: { email: "ta@elsewhere.test", name: "TA", password: "long-enough-pw" } });
    (await h.gw.m.teams.addMember({ actor: h.gw.actor, teamId: other.id, input: { userId: u.id, role: "team_admin" } }));
    const ta = (await loadActor(u.id, "session"))!;
    await expect(h.mcpServers.getMcpServer({ actor: ta, apiId: api.id })).rejects.toThrow(expect.objectContaining({ status: 403 }));
    await expect(h.mcpServers.putMcpServer({ actor: ta, apiId: api.id, input: { url: "https://evil.example/mcp" } })).rejects.toMatchObject({ status: 403 });
    await expect(h.mcpServers.refreshMcpTools({ actor: ta, apiId: api.id })).rejects.toMatchObject({ status: 403 });
    await expect(h.mcpServers.setMcpAllowlist({ actor: ta, apiId: api.id, input: { allowedTools: ["admin_reset"] } })).rejects.toThrow(expect.objectContaining({ status: 403 }));
  });
});
