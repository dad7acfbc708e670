/**
 * The direct tools/call path end to end (lib/mcp/handler.ts directCall and
 * lib/mcp/direct.ts): how Portico answers a single call, that its errors are
 * the SDK path's, and the upstream cases the SDK client used to handle
 * (JSON answers, HTML, expired sessions, cancellation).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sleep } from "../support/gateway";
import { INIT, rejection, rpc, startMcpHarness, type McpHarness } from "../support/mcp";

let h: McpHarness;

beforeAll(async () => {
  h = await startMcpHarness();
});
afterAll(() => h?.close());

/** A session opened with raw JSON-RPC: the headers of its next requests. */
async function rawSession(endpoint: string, key: string) {
  const auth = { authorization: `Bearer ${key}` };
  const init = await rpc(endpoint, INIT, auth);
  const headers = { ...auth, "mcp-session-id": init.headers.get("mcp-session-id")!, "mcp-protocol-version": "2025-06-18" };
  expect((await rpc(endpoint, { jsonrpc: "2.0", method: "notifications/initialized" }, headers)).status).toBe(202);
  return headers;
}

const call = (id: number | string, name: string, args: Record<string, unknown>, meta?: Record<string, unknown>) => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name, arguments: args, ...(meta ? { _meta: meta } : {}) },
});

/** The JSON-RPC messages of an SSE body. */
const events = (text: string) =>
  text
    .split("\n")
    .filter((l) => l.startsWith("data: "))
    .map((l) => JSON.parse(l.slice(6)) as { id?: unknown; method?: string; result?: unknown; params?: { progress?: number } });

async function rowOf(id: string) {
  const { requestLogs } = h.gw.m.schema;
  const { eq } = await import("drizzle-orm");
  const deadline = Date.now() + 3000;
  for (;;) {
    (await h.gw.m.logWriter.logWriter().flush());
    const row = (await h.gw.db.select().from(requestLogs).where(eq(requestLogs.id, id)))[0];
    if (row) return row;
    if (Date.now() > deadline) throw new Error(`no log row ${id}`);
    await sleep(20);
  }
}

describe("how Portico answers a single tools/call", () => {
  it("in JSON without a progress token, in SSE (progress, then the result) with one", async () => {
    const api = await h.mcpApi();
    const s = await h.subscribedApp(api.id);
    const headers = await rawSession(api.endpoint, s.key);
    const plain = await rpc(api.endpoint, call(7, "add", { a: 1, b: 2 }), { ...headers, "x-request-id": "direct-json-1" });
    expect(plain.status).toBe(200);
    expect(plain.headers.get("content-type")).toBe("application/json");
    expect(plain.headers.get("mcp-session-id")).toBe(headers["mcp-session-id"]);
    expect(plain.headers.get("x-request-id")).toBe("direct-json-1");
    expect(plain.json).toMatchObject({ jsonrpc: "2.0", id: 7, result: { structuredContent: { sum: 3 } } });
    expect(await rowOf("direct-json-1")).toMatchObject({ status: 200, outcome: "ok", upstreamModel: "add" });

    const streamed = await rpc(api.endpoint, call("p-1", "progress", { steps: 3 }, { progressToken: "tok" }), headers);
    expect(streamed.headers.get("content-type")).toBe("text/event-stream");
    const msgs = events(streamed.text);
    expect(msgs.filter((m) => m.method === "notifications/progress").map((m) => m.params?.progress)).toEqual([1, 2, 3]);
    expect(msgs.at(-1)).toMatchObject({ id: "p-1", result: { content: [{ type: "text", text: "done in 3 steps" }] } });
  });

  it("answers a refusal and an upstream tool error exactly as the SDK server path does", async () => {
    const api = await h.mcpApi();
    const s = await h.subscribedApp(api.id);
    const headers = await rawSession(api.endpoint, s.key);
    // the same calls as a one-element batch take the SDK server path
    for (const [name, args] of [
      ["admin_reset", { confirm: true }],
      ["add", { a: "not a number", b: 1 }],
    ] as const) {
      const direct = await rpc(api.endpoint, call(1, name, args), headers);
      const viaSdk = await rpc(api.endpoint, [call(1, name, args)], headers);
      expect(viaSdk.headers.get("content-type")).toBe("text/event-stream");
      expect(direct.json).toEqual(events(viaSdk.text)[0]);
    }
  });

  it("a malformed call or a missing Accept still gets the SDK's own answer", async () => {
    const api = await h.mcpApi();
    const s = await h.subscribedApp(api.id);
    const headers = await rawSession(api.endpoint, s.key);
    const noName = await rpc(api.endpoint, { jsonrpc: "2.0", id: 3, method: "tools/call", params: { arguments: {} } }, headers);
    expect(noName.headers.get("content-type")).toBe("text/event-stream");
    expect(events(noName.text)[0]).toMatchObject({ id: 3, error: {} });
    const res = await fetch(api.endpoint, { method: "POST", headers: { ...headers, "content-type": "application/json", accept: "application/json" }, body: JSON.stringify(call(4, "echo", { text: "x" })) });
    expect(res.status).toBe(406);
    const badVersion = await rpc(api.endpoint, call(5, "echo", { text: "x" }), { ...headers, "mcp-protocol-version": "1999-01-01" });
    expect(badVersion.status).toBe(400);
  });

  it("a client's cancellation stops the call upstream at once and logs it as aborted", async () => {
    const api = await h.mcpApi({ timeoutMs: 30_000 });
    const s = await h.subscribedApp(api.id);
    const { client } = await h.connect(api.endpoint, s.key);
    await client.callTool({ name: "echo", arguments: { text: "warm" } });
    const ac = new AbortController();
    const t0 = Date.now();
    const p = rejection(client.callTool({ name: "slow", arguments: { ms: 20_000 } }, undefined, { signal: ac.signal }));
    await sleep(100);
    ac.abort("stop");
    await p;
    expect(Date.now() - t0).toBeLessThan(5000);
    const deadline = Date.now() + 3000;
    const { requestLogs } = h.gw.m.schema;
    const { and, eq } = await import("drizzle-orm");
    let slow = (await h.gw.db.select().from(requestLogs).where(and(eq(requestLogs.apiId, api.id), eq(requestLogs.upstreamModel, "slow"))))[0];
    while (!slow && Date.now() < deadline) {
      (await h.gw.m.logWriter.logWriter().flush());
      await sleep(20);
      slow = (await h.gw.db.select().from(requestLogs).where(and(eq(requestLogs.apiId, api.id), eq(requestLogs.upstreamModel, "slow"))))[0];
    }
    expect(slow).toMatchObject({ outcome: "aborted" });
    expect(slow!.latencyMs).toBeLessThan(5000);
    await client.close();
  });
});

describe("upstream answers the SDK client used to handle", () => {
  it("an upstream that answers in JSON", async () => {
    h.fake.setJsonResponse(true);
    try {
      const api = await h.mcpApi();
      const s = await h.subscribedApp(api.id);
      const { client } = await h.connect(api.endpoint, s.key);
      expect((await client.callTool({ name: "add", arguments: { a: 20, b: 22 } })).structuredContent).toEqual({ sum: 42 });
      expect((await client.callTool({ name: "fail", arguments: {} })).isError).toBe(true);
      await client.close();
    } finally {
      h.fake.setJsonResponse(false);
    }
  });

  it("an HTML page instead of an answer is a prompt generic error; the next call works", async () => {
    const api = await h.mcpApi();
    const s = await h.subscribedApp(api.id);
    const { client } = await h.connect(api.endpoint, s.key);
    await client.callTool({ name: "echo", arguments: { text: "warm" } });
    h.fake.setFault("html");
    try {
      const e = await rejection(client.callTool({ name: "echo", arguments: { text: "html" } }));
      expect(e.code).toBe(-32002);
      expect(e.message).toMatch(/The upstream MCP server failed to answer \(request req_/);
      expect(e.message).not.toContain("log in");
    } finally {
      h.fake.setFault("none");
    }
    expect((await client.callTool({ name: "echo", arguments: { text: "back" } })).content).toEqual([{ type: "text", text: "back" }]);
    await client.close();
  });

  it("an expired upstream session (404) fails that call and the next one opens a new upstream session", async () => {
    const api = await h.mcpApi();
    const s = await h.subscribedApp(api.id);
    const { client } = await h.connect(api.endpoint, s.key);
    await client.callTool({ name: "echo", arguments: { text: "warm" } });
    const opened = h.fake.stats.initialized;
    await h.fake.expireSessions();
    const e = await rejection(client.callTool({ name: "echo", arguments: { text: "expired" } }));
    expect(e.code).toBe(-32002);
    expect((await client.callTool({ name: "echo", arguments: { text: "again" } })).content).toEqual([{ type: "text", text: "again" }]);
    expect(h.fake.stats.initialized).toBe(opened + 1);
    await client.close();
  });
});
