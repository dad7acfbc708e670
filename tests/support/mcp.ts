/**
 * MCP proxy harness: the in-process Portico of tests/support/gateway.ts plus a
 * Node server that mounts /mcp exactly as server.ts does (the fast path), the
 * fake MCP server (e2e/fakes/mcp.ts), and helpers that build an MCP API through
 * the control-plane services (team, API of kind mcp, upstream server, app, key).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { McpError } from "@modelcontextprotocol/sdk/types.js";
import { startFakeMcp, type FakeMcp } from "../../e2e/fakes/mcp";
import { startGateway, type Gateway } from "./gateway";

export async function startMcpHarness(env: Record<string, string> = {}) {
  const gw: Gateway = await startGateway({ PORTICO_MCP_ALLOW_PRIVATE: "1", ...env });
  const mounts = await import("@/lib/mcp/mounts");
  const sessions = await import("@/lib/mcp/sessions");
  const mcpServers = await import("@/lib/services/mcp-servers");
  const fake: FakeMcp = await startFakeMcp();
  const server: Server = createServer((req, res) => (req.url?.startsWith("/mcp/") ? mounts.mcpNodeHandler(req, res) : gw.m.mount.gatewayNodeHandler(req, res)));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const team = await gw.m.teams.createTeam({ actor: gw.actor, input: { name: "Tools", slug: "tools" } });
  let seq = 0;

  /** A published MCP API over the fake (or `upstreamUrl`), with these tools allowed. */
  async function mcpApi(opts: { slug?: string; approval?: "auto" | "manual"; allowed?: string[]; upstreamUrl?: string; timeoutMs?: number; toolRateLimits?: Record<string, number> } = {}) {
    const slug = opts.slug ?? `tools-${++seq}`;
    const api = (await gw.m.apis.createApi({
      actor: gw.actor,
      input: { slug, name: `Tools ${slug}`, teamId: team.id, kind: "mcp", approvalMode: opts.approval ?? "auto", reasonRequired: false },
    }));
    await mcpServers.putMcpServer({
      actor: gw.actor,
      apiId: api.id,
      input: { url: opts.upstreamUrl ?? fake.url, timeoutMs: opts.timeoutMs ?? 5000, allowedTools: opts.allowed ?? ["echo", "add", "slow", "fail", "progress"], toolRateLimits: opts.toolRateLimits ?? {} },
    });
    (await gw.m.apis.setApiState({ actor: gw.actor, id: api.id, input: { state: "published" } }));
    return { id: api.id, slug, endpoint: `${url}/mcp/${slug}` };
  }

  /** An app with a key, subscribed to `apiId` (approved at once on auto APIs). */
  async function subscribedApp(apiId: string, name = `app-${++seq}`, teamId = team.id) {
    const app = (await gw.m.apps.createApp({ actor: gw.actor, input: { teamId, name } }));
    const sub = (await gw.m.subscriptions.requestSubscription({ actor: gw.actor, input: { appId: app.id, apiId } }));
    const key = (await gw.m.keys.createAppKey({ actor: gw.actor, appId: app.id, input: { name: `${name} key` } }));
    return { app, sub, key: key.key, keyId: key.id };
  }

  /** The official SDK client connected through Portico. */
  async function connect(endpoint: string, key: string | null, headers: Record<string, string> = {}) {
    const transport = new StreamableHTTPClientTransport(new URL(endpoint), { requestInit: { headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers } } });
    const client = new Client({ name: "test-client", version: "1.0.0" });
    await client.connect(transport);
    return { client, transport };
  }

  async function close() {
    await sessions.closeAllSessions();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await fake.close();
    await gw.close();
  }

  return { gw, fake, url, team, mcpApi, subscribedApp, connect, close, mcpServers };
}

export type McpHarness = Awaited<ReturnType<typeof startMcpHarness>>;

/** A raw JSON-RPC POST to Portico (for refusals the SDK client would only show as text). */
export async function rpc(endpoint: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(endpoint, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* SSE or empty */
  }
  return { status: res.status, headers: res.headers, text, json: json as { error?: { code: number; message: string; data?: { code?: string; request_id?: string } } } };
}

export const INIT = { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } };

/** The error a promise rejects with (an SDK client's McpError); fails when it resolves. */
export async function rejection(p: Promise<unknown>): Promise<McpError> {
  try {
    await p;
  } catch (e) {
    return e as McpError;
  }
  throw new Error("expected the call to fail");
}
