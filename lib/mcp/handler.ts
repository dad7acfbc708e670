/**
 * `/mcp/{slug}`: the Streamable HTTP endpoint apps call (docs/mcp.md).
 *
 * Every HTTP request: authenticate the `pk_` key (snapshot, no database read) →
 * authorise (an approved subscription to this API, same rules as prompt APIs) →
 * body limits (size, nesting, JSON) → the session: a new one for `initialize`,
 * else the one named by `Mcp-Session-Id`, which must belong to the same key →
 * the SDK transport of that session (POST: JSON-RPC, answered in SSE; GET: the
 * server stream; DELETE: end the session, and the upstream one with it).
 * Refusals are JSON-RPC error objects with the HTTP status, so an MCP client
 * can show them.
 */
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { getSnapshot } from "@/lib/gateway/snapshot";
import { verifyKey, extractKey } from "@/lib/gateway/stages/authenticate";
import { authorizeApi } from "@/lib/gateway/stages/authorize";
import { requestIdFor } from "@/lib/gateway/context";
import type { GatewayRequest } from "@/lib/gateway/types";
import { tooDeep } from "@/lib/http/json-depth";
import { mcpSnapshot } from "./snapshot";
import { closeSession, getSession, openSession } from "./sessions";
import { buildProxyServer, refusalRecord, type CallContext } from "./proxy";
import { MCP_CODES } from "./policy";

export const MCP_PATH = /^\/mcp\/([a-z0-9]+(?:-[a-z0-9]+)*)\/?$/;

export function isMcpPath(url: string): boolean {
  return url.startsWith("/mcp/");
}

export interface McpHttpRequest {
  method: string;
  /** path without query */
  path: string;
  /** the full URL (the SDK transport wants one) */
  url: string;
  /** lower-case header names */
  headers: Record<string, string | undefined>;
  body: Buffer | null;
  bodyTooLarge?: boolean;
}

const KEY_MESSAGES = {
  missing: ["missing_api_key", "No API key provided. Send your Portico key as 'Authorization: Bearer pk_...'."],
  unknown: ["invalid_api_key", "Incorrect API key provided. Check the key or create a new one in the Portico portal."],
  revoked: ["key_revoked", "This API key has been revoked. Create a new key in the Portico portal."],
  expired: ["key_expired", "This API key has expired. Create a new key in the Portico portal."],
} as const;

function rpcError(status: number, code: number, reason: string, message: string, requestId: string, extra: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code, message, data: { code: reason, request_id: requestId } } }), {
    status,
    headers: { "content-type": "application/json", "x-request-id": requestId, ...extra },
  });
}

/** The tool name of a tools/call in a body (for the row of a refused call); null when it is not one. */
function toolOf(body: unknown): string | null {
  const msgs = Array.isArray(body) ? body : [body];
  for (const m of msgs) {
    if (m && typeof m === "object" && (m as { method?: unknown }).method === "tools/call") {
      const name = (m as { params?: { name?: unknown } }).params?.name;
      return typeof name === "string" ? name.slice(0, 200) : "";
    }
  }
  return null;
}

function parseBody(req: McpHttpRequest): { ok: true; value: unknown } | { ok: false; status: number; code: number; reason: string; message: string } {
  if (req.bodyTooLarge) return { ok: false, status: 413, code: -32600, reason: "request_too_large", message: "The request body is too large." };
  if (!req.body || !req.body.length) return { ok: false, status: 400, code: -32700, reason: "invalid_json", message: "Parse error: the request body is empty." };
  if (tooDeep(req.body)) return { ok: false, status: 400, code: -32600, reason: "json_too_deep", message: "The request body is nested too deeply." };
  try {
    return { ok: true, value: JSON.parse(req.body.toString("utf8")) };
  } catch {
    return { ok: false, status: 400, code: -32700, reason: "invalid_json", message: "Parse error: the request body is not valid JSON." };
  }
}

/** What the SDK transport reads of a request (the key stays out of it). */
const FORWARDED = ["accept", "content-type", "mcp-session-id", "mcp-protocol-version", "last-event-id", "host"] as const;

function withRequestId(res: Response, requestId: string): Response {
  // The SDK builds its responses with `new Response`: their headers are mutable.
  res.headers.set("x-request-id", requestId);
  return res;
}

export async function handleMcp(req: McpHttpRequest): Promise<Response> {
  const requestId = requestIdFor({ headers: req.headers } as GatewayRequest);
  const m = MCP_PATH.exec(req.path);
  if (!m) return rpcError(404, MCP_CODES.notFound, "unknown_url", `Unknown endpoint ${req.path}. MCP servers are served at /mcp/{api-slug}.`, requestId);
  const slug = m[1]!;
  if (req.method !== "POST" && req.method !== "GET" && req.method !== "DELETE") {
    return rpcError(405, -32000, "method_not_allowed", `${req.method} is not allowed; use POST, GET or DELETE.`, requestId, { allow: "GET, POST, DELETE" });
  }
  // Authentication before anything about the body.
  const snap = (await getSnapshot());
  const kc = verifyKey(extractKey(req.headers), snap);
  let parsed: ReturnType<typeof parseBody> | null = null;
  const body = () => (parsed ??= req.method === "POST" ? parseBody(req) : { ok: true, value: undefined });
  const refuse = async (status: number, code: number, reason: string, message: string, who: Parameters<typeof refusalRecord>[5], extra?: Record<string, string>) => {
    const b = body();
    const tool = b.ok ? toolOf(b.value) : null;
    // A refused tools/call is a call: it gets its row, like a refused LLM call.
    if (tool !== null) (await refusalRecord(requestId, status, code, reason, message, { ...who, upstreamModel: tool || null, routeAlias: slug }));
    return rpcError(status, code, reason, message, requestId, extra);
  };
  if (!kc.valid) {
    const [reason, message] = KEY_MESSAGES[kc.code];
    return (await refuse(401, MCP_CODES.unauthorized, reason, message, {}));
  }
  const key = kc.key;
  const ms = (await mcpSnapshot(snap));
  const authz = authorizeApi(snap.access, key, ms.apiBySlug.get(slug), slug);
  if (!authz.ok) {
    const e = authz.error;
    const code = e.status === 404 ? MCP_CODES.notFound : MCP_CODES.forbidden;
    return (await refuse(e.status, code, e.code ?? "forbidden", e.message, { keyId: key.id, teamId: key.teamId }));
  }
  const { app, api } = authz;
  const who = { keyId: key.id, teamId: app.teamId, appId: app.id, apiId: api.id };

  const b = body();
  if (!b.ok) return (await refuse(b.status, b.code, b.reason, b.message, who));

  const sid = req.headers["mcp-session-id"];
  let session = sid ? getSession(sid) : undefined;
  if (sid) {
    // Another key (another tenant) learns nothing about a session it does not own.
    if (!session || session.keyId !== key.id || session.apiId !== api.id) return rpcError(404, -32001, "session_not_found", "Session not found", requestId);
  } else if (req.method === "POST" && (Array.isArray(b.value) ? b.value.some(isInitializeRequest) : isInitializeRequest(b.value))) {
    session = openSession({ apiId: api.id, slug, keyId: key.id, appId: app.id }, (s) => buildProxyServer(s, api));
    await session.server.connect(session.transport);
  } else {
    return rpcError(400, -32000, "session_required", "Bad Request: Mcp-Session-Id header is required (send initialize first).", requestId);
  }
  session.lastSeen = Date.now();

  const ctx: CallContext = { key, app, api, requestId, headers: req.headers, path: req.path, calls: 0 };
  const headers = new Headers();
  for (const k of FORWARDED) {
    const v = req.headers[k];
    if (v !== undefined) headers.set(k, v);
  }
  // No abort signal on this Request: the SDK does not read it, and a following signal costs
  // ~0.2 ms per request in Node 20. A client that leaves cancels the answer stream instead.
  const web = new Request(req.url, { method: req.method, headers });
  const res = await session.transport.handleRequest(web, {
    parsedBody: req.method === "POST" ? b.value : undefined,
    authInfo: { token: "", clientId: app.id, scopes: [], extra: { portico: ctx } },
  });
  // An initialize the transport refused (wrong Accept, bad protocol message) leaves no session behind.
  if (!sid && session.transport.sessionId === undefined) void closeSession(session.id);
  return withRequestId(res, requestId);
}
