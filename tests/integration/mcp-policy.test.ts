/**
 * MCP tool calls under Portico's policy and records: rate limits (key and per
 * tool), PII redaction / blocking of tool arguments as the upstream sees them,
 * log search by endpoint, /metrics counters, upstream faults (cut SSE answer,
 * 5xx, down) turned into prompt JSON-RPC errors, and private upstream URLs
 * refused without PORTICO_MCP_ALLOW_PRIVATE.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { sleep } from "../support/gateway";
import { rejection, startMcpHarness, type McpHarness } from "../support/mcp";

let h: McpHarness;

beforeAll(async () => {
  h = await startMcpHarness();
});
afterAll(() => h?.close());

async function rowsOf(apiId: string, min: number) {
  const { requestLogs } = h.gw.m.schema;
  const { eq } = await import("drizzle-orm");
  const deadline = Date.now() + 3000;
  for (;;) {
    (await h.gw.m.logWriter.logWriter().flush());
    const rows = (await h.gw.db.select().from(requestLogs).where(eq(requestLogs.apiId, apiId)));
    if (rows.length >= min || Date.now() > deadline) return rows;
    await sleep(20);
  }
}

describe("rate limits", () => {
  it("a per-tool limit refuses the call over it with a JSON-RPC error and the reset time", async () => {
    const api = await h.mcpApi({ toolRateLimits: { echo: 2 } });
    const s = await h.subscribedApp(api.id);
    const { client } = await h.connect(api.endpoint, s.key);
    await client.callTool({ name: "echo", arguments: { text: "1" } });
    await client.callTool({ name: "echo", arguments: { text: "2" } });
    const e = await rejection(client.callTool({ name: "echo", arguments: { text: "3" } }));
    expect(e.code).toBe(-32029);
    expect(e.message).toMatch(/Rate limit reached on tool 'echo': limit 2 calls per minute/);
    expect(e.data).toMatchObject({ code: "rate_limit_exceeded" });
    // other tools are not limited
    await client.callTool({ name: "add", arguments: { a: 1, b: 1 } });
    const rows = await rowsOf(api.id, 4);
    expect(rows.filter((r) => r.status === 429 && r.outcome === "refused" && r.errorCode === "-32029")).toHaveLength(1);
    await client.close();
  });

  it("the key's requests-per-minute limit of lib/policy applies to tool calls", async () => {
    const api = await h.mcpApi();
    const s = await h.subscribedApp(api.id);
    const { createLimit } = await import("@/lib/policy/services");
    await createLimit({ actor: h.gw.actor, input: { scope: "key", scopeId: s.keyId, requestsPerMinute: 1 } });
    const { client } = await h.connect(api.endpoint, s.key);
    await client.callTool({ name: "echo", arguments: { text: "1" } });
    const e = await rejection(client.callTool({ name: "echo", arguments: { text: "2" } }));
    expect(e.code).toBe(-32029);
    expect(e.message).toContain("key '");
    // listings reach the upstream too: they count as requests
    expect((await rejection(client.listTools())).code).toBe(-32029);
    await client.close();
  });
});

describe("content policy on tool arguments and results", () => {
  it("redacts PII in arguments before the upstream sees them", async () => {
    const api = await h.mcpApi();
    const { upsertContentPolicy } = await import("@/lib/services/content-policies");
    await upsertContentPolicy({ actor: h.gw.actor, input: { scopeType: "api", scopeId: api.id, promptMode: "redact", responseMode: "redact" } });
    const s = await h.subscribedApp(api.id);
    const { client } = await h.connect(api.endpoint, s.key);
    const r = await client.callTool({ name: "echo", arguments: { text: "write to jane.doe@example.com please" } });
    const seen = h.fake.calls.filter((c) => c.tool === "echo").at(-1)!;
    expect(JSON.stringify(seen.args)).not.toContain("jane.doe@example.com");
    expect(String(seen.args.text)).toMatch(/write to \[EMAIL[_A-Z0-9]*\] please/);
    expect(JSON.stringify(r.content)).not.toContain("jane.doe@example.com");
    const rows = await rowsOf(api.id, 1);
    expect(rows[0]!.flags).toContain("redacted:email");
    await client.close();
  });

  it("blocks a call whose arguments carry PII when the policy blocks", async () => {
    const api = await h.mcpApi();
    const { upsertContentPolicy } = await import("@/lib/services/content-policies");
    await upsertContentPolicy({ actor: h.gw.actor, input: { scopeType: "api", scopeId: api.id, promptMode: "block" } });
    const s = await h.subscribedApp(api.id);
    const { client } = await h.connect(api.endpoint, s.key);
    const before = h.fake.calls.length;
    const e = await rejection(client.callTool({ name: "echo", arguments: { text: "card 4111 1111 1111 1111" } }));
    expect(e.code).toBe(-32022);
    expect(e.message).toContain("credit card");
    expect(h.fake.calls.length).toBe(before);
    await client.close();
  });
});

describe("guard order", () => {
  it("a call blocked for its arguments takes no rate-limit slot (content before limits, as on /v1)", async () => {
    const api = await h.mcpApi({ toolRateLimits: { echo: 1 } });
    const { upsertContentPolicy } = await import("@/lib/services/content-policies");
    await upsertContentPolicy({ actor: h.gw.actor, input: { scopeType: "api", scopeId: api.id, promptMode: "block" } });
    const s = await h.subscribedApp(api.id);
    const { client } = await h.connect(api.endpoint, s.key);
    expect((await rejection(client.callTool({ name: "echo", arguments: { text: "card 4111 1111 1111 1111" } }))).code).toBe(-32022);
    // the one call a minute is still there
    await client.callTool({ name: "echo", arguments: { text: "hello" } });
    expect((await rejection(client.callTool({ name: "echo", arguments: { text: "again" } }))).code).toBe(-32029);
    await client.close();
  });
});

describe("records", () => {
  it("log search filters MCP calls by endpoint and tool; /metrics counts them", async () => {
    const api = await h.mcpApi();
    const s = await h.subscribedApp(api.id);
    const { client } = await h.connect(api.endpoint, s.key);
    await client.callTool({ name: "add", arguments: { a: 1, b: 2 } });
    await client.callTool({ name: "echo", arguments: { text: "x" } });
    await rowsOf(api.id, 2);
    const { searchLogs, logFilterSchema } = await import("@/lib/telemetry/search");
    const page = await searchLogs({ actor: h.gw.actor, query: logFilterSchema.parse({ endpoint: "mcp", apiId: api.id, model: "add" }) });
    expect(page.items.map((i) => [i.endpoint, i.upstreamModel])).toEqual([["mcp", "add"]]);
    expect(page.items[0]).toMatchObject({ reqBytes: 13 });
    const { metricsText } = await import("@/lib/telemetry/metrics");
    const text = (await metricsText()).body;
    // usage charts read the rollups: calls per server (route) and tool (model), errors, latency
    const { usageRollups } = h.gw.m.schema;
    const { and, eq } = await import("drizzle-orm");
    const deadline = Date.now() + 3000;
    let roll = (await h.gw.db.select().from(usageRollups).where(and(eq(usageRollups.gran, "h"), eq(usageRollups.route, api.slug), eq(usageRollups.model, "add"))));
    while (!roll.length && Date.now() < deadline) {
      await sleep(20);
      roll = (await h.gw.db.select().from(usageRollups).where(and(eq(usageRollups.gran, "h"), eq(usageRollups.route, api.slug), eq(usageRollups.model, "add"))));
    }
    expect(roll.reduce((n, r) => n + r.requests, 0)).toBe(1);
    expect(roll[0]).toMatchObject({ apiId: api.id, errors: 0 });
    expect(text).toMatch(new RegExp(`portico_requests_total\\{endpoint="mcp",api="[^"]*",route="${api.slug}",model="add",provider="",status="200",outcome="ok"\\} 1`));
    await client.close();
  });
});

describe("upstream faults become prompt JSON-RPC errors", () => {
  it("a cut SSE answer fails the call at once (not after the client's 60 s timeout)", async () => {
    const api = await h.mcpApi({ timeoutMs: 30_000 });
    const s = await h.subscribedApp(api.id);
    const { client } = await h.connect(api.endpoint, s.key);
    await client.callTool({ name: "echo", arguments: { text: "warm" } });
    h.fake.setFault("cut_sse");
    try {
      const t0 = Date.now();
      const e = await rejection(client.callTool({ name: "echo", arguments: { text: "cut" } }));
      expect(Date.now() - t0).toBeLessThan(2000);
      expect(e.code).toBe(-32002);
      expect(e.message).toMatch(/The upstream MCP server failed to answer \(request req_/);
    } finally {
      h.fake.setFault("none");
    }
    const rows = await rowsOf(api.id, 2);
    expect(rows.find((r) => r.status === 502)).toMatchObject({ outcome: "error", errorCode: "-32002" });
    expect(rows.find((r) => r.status === 502)!.errorMessage).toContain("upstream_stream_cut");
    // the session recovers with a fresh upstream session
    const ok = await client.callTool({ name: "echo", arguments: { text: "back" } });
    expect(ok.content).toEqual([{ type: "text", text: "back" }]);
    await client.close();
  });

  it("an upstream 5xx and a dropped connection fail promptly with a generic error", async () => {
    const api = await h.mcpApi();
    const s = await h.subscribedApp(api.id);
    const { client } = await h.connect(api.endpoint, s.key);
    await client.callTool({ name: "echo", arguments: { text: "warm" } });
    for (const fault of ["5xx", "down"] as const) {
      h.fake.setFault(fault);
      try {
        const t0 = Date.now();
        const e = await rejection(client.callTool({ name: "echo", arguments: { text: fault } }));
        expect(Date.now() - t0).toBeLessThan(2000);
        expect(e.code).toBe(-32002);
        expect(e.message).not.toContain("127.0.0.1");
      } finally {
        h.fake.setFault("none");
      }
    }
    await client.close();
  });

  it("an upstream that is not listening fails tools/list and tools/call promptly", async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, "127.0.0.1", r));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const api = await h.mcpApi({ upstreamUrl: `http://127.0.0.1:${port}/mcp` });
    const s = await h.subscribedApp(api.id);
    const { client } = await h.connect(api.endpoint, s.key);
    expect((await rejection(client.listTools())).code).toBe(-32002);
    expect((await rejection(client.callTool({ name: "echo", arguments: { text: "x" } }))).code).toBe(-32002);
    await client.close();
  });
});

describe("upstream URLs", () => {
  it("refuses loopback, private and link-local upstreams unless PORTICO_MCP_ALLOW_PRIVATE is on", async () => {
    const api = (await h.gw.m.apis.createApi({ actor: h.gw.actor, input: { slug: "ssrf", name: "SSRF", teamId: h.team.id, kind: "mcp" } }));
    process.env.PORTICO_MCP_ALLOW_PRIVATE = "0";
    try {
      for (const url of ["http://127.0.0.1:9/mcp", "http://10.1.2.3/mcp", "http://169.254.169.254/latest", "http://[::1]:80/mcp", "http://localhost:80/mcp"]) {
        const e = await h.mcpServers.putMcpServer({ actor: h.gw.actor, apiId: api.id, input: { url } }).catch((x: unknown) => x as { status: number; message: string });
        expect(e, url).toMatchObject({ status: 422 });
        expect((e as { message: string }).message).toContain("PORTICO_MCP_ALLOW_PRIVATE");
      }
    } finally {
      process.env.PORTICO_MCP_ALLOW_PRIVATE = "1";
    }
    const ok = await h.mcpServers.putMcpServer({ actor: h.gw.actor, apiId: api.id, input: { url: h.fake.url, authHeader: "authorization", authValue: "Bearer upstream-secret-1234" } });
    expect(ok).toMatchObject({ url: h.fake.url, authLast4: "1234" });
    expect(JSON.stringify(ok)).not.toContain("upstream-secret");
  });

  it("refresh tools lists the upstream's tools with the stored credential; new tools stay hidden", async () => {
    h.fake.requireAuth("authorization", "Bearer upstream-secret-1234");
    try {
      const api = (await h.gw.m.apis.getApi({ actor: h.gw.actor, id: (await h.gw.m.apis.listApis({ actor: h.gw.actor })).items.find((a) => a.slug === "ssrf")!.id }));
      const v = await h.mcpServers.refreshMcpTools({ actor: h.gw.actor, apiId: api.id });
      expect(v.tools.map((t) => t.name).sort()).toEqual(["add", "admin_reset", "echo", "fail", "progress", "slow"]);
      expect(v.tools.every((t) => !t.allowed)).toBe(true);
      expect(v.tools.find((t) => t.name === "echo")!.inputSchema).toMatchObject({ properties: { text: { type: "string" } } });
      const allowed = (await h.mcpServers.setMcpAllowlist({ actor: h.gw.actor, apiId: api.id, input: { allowedTools: ["echo"] } }));
      expect(allowed.tools.filter((t) => t.allowed).map((t) => t.name)).toEqual(["echo"]);
    } finally {
      h.fake.requireAuth(null);
    }
  });
});
