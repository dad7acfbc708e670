/**
 * `/mcp/{slug}`: the Streamable HTTP endpoint apps call (docs/mcp.md).
 *
 * Every HTTP request: authenticate the `pk_` key (snapshot, no database read) →
 * authorise (an approved subscription to this API, same rules as prompt APIs) →
 * body limits (size, nesting, JSON) → the session: a new one for `initialize`,
 * else the one named by `Mcp-Session-Id`, which must belong to the same key →
 * the SDK transport of that session (POST: JSON-RPC, answered in SSE; GET: the
 * server stream; DELETE: end the session, and the upstream one with it). A POST
 * that is exactly one plain tools/call skips the SDK transport: `directCall` runs
 * it and answers JSON (SSE when it carries a progress token), see docs/mcp.md.
 * Refusals are JSON-RPC error objects with the HTTP status, so an MCP client
 * can show them.
 */
import { ErrorCode, isInitializeRequest, SUPPORTED_PROTOCOL_VERSIONS, type ProgressToken } from "@modelcontextprotocol/sdk/types.js";
import { getSnapshot } from "@/lib/gateway/snapshot";
import { verifyKey, extractKey } from "@/lib/gateway/stages/authenticate";
import { authorizeApi } from "@/lib/gateway/stages/authorize";
import { requestIdFor } from "@/lib/gateway/context";
import type { GatewayRequest } from "@/lib/gateway/types";
import { tooDeep } from "@/lib/http/json-depth";
import { mcpSnapshot } from "./snapshot";
import { closeSession, getSession, openSession, type McpSession } from "./sessions";
import { buildProxyServer, refusalRecord, runToolCall, type CallContext, type CallIo } from "./proxy";
import { CallAbort, mediaType } from "./direct";
import { MCP_CODES } from "./policy";

export const MCP_PATH = /^\/mcp\/([a-z0-9]+(?:-[a-z0-9]+)*)\/?$/;

export function isMcpPath(url: string): boolean {
  return url.startsWith("/mcp/");
}

/** An answer the handler built itself (a tools/call in JSON): the mounts write it without a web Response. */
export interface McpDirectAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function isDirectAnswer(r: Response | McpDirectAnswer): r is McpDirectAnswer {
  // Response.body is a stream or null, never a string (and no instanceof across module realms).
  return typeof (r as McpDirectAnswer).body === "string";
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

type ToolCallParams = Parameters<typeof runToolCall>[2];
interface SingleCall {
  id: string | number;
  params: ToolCallParams;
  token: ProgressToken | undefined;
}

const isId = (v: unknown): v is string | number => typeof v === "string" || (typeof v === "number" && Number.isSafeInteger(v));
const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);
const onlyKeys = (o: Record<string, unknown>, allowed: readonly string[]) => Object.keys(o).every((k) => allowed.includes(k));

/**
 * A body that is exactly one plain tools/call (what an agent sends for nearly every call).
 * Anything else — batches, task-augmented calls, odd shapes — goes through the SDK server,
 * which validates it and answers its own errors.
 */
function singleToolCall(v: unknown): SingleCall | null {
  if (!isRecord(v) || v.jsonrpc !== "2.0" || v.method !== "tools/call" || !isId(v.id) || !onlyKeys(v, ["jsonrpc", "id", "method", "params"])) return null;
  const p = v.params;
  if (!isRecord(p) || typeof p.name !== "string" || !onlyKeys(p, ["name", "arguments", "_meta"])) return null;
  if (p.arguments !== undefined && !isRecord(p.arguments)) return null;
  let token: ProgressToken | undefined;
  if (p._meta !== undefined) {
    if (!isRecord(p._meta) || !onlyKeys(p._meta, ["progressToken"])) return null;
    if (p._meta.progressToken !== undefined && !isId(p._meta.progressToken)) return null;
    token = p._meta.progressToken as ProgressToken | undefined;
  }
  return { id: v.id, params: p as ToolCallParams, token };
}

/** The transport's own checks of a POST (Accept, Content-Type, protocol version): a request failing one goes to the SDK for its error. */
function transportWouldAccept(req: McpHttpRequest, s: McpSession, sid: string): boolean {
  const accept = req.headers.accept;
  const pv = req.headers["mcp-protocol-version"];
  return (
    s.transport.sessionId === sid &&
    !!accept &&
    accept.includes("application/json") &&
    accept.includes("text/event-stream") &&
    mediaType(req.headers["content-type"]) === "application/json" &&
    (pv === undefined || SUPPORTED_PROTOCOL_VERSIONS.includes(pv))
  );
}

/** A thrown error as the SDK server puts it in a JSON-RPC response (shared/protocol.js). */
function errorObject(e: unknown): { code: number; message: string; data?: unknown } {
  const x = (e ?? {}) as { code?: unknown; message?: unknown; data?: unknown };
  return {
    code: Number.isSafeInteger(x.code) ? (x.code as number) : ErrorCode.InternalError,
    message: typeof x.message === "string" ? x.message : "Internal error",
    ...(x.data !== undefined ? { data: x.data } : {}),
  };
}

/** Aborts the direct-path calls a client's notifications/cancelled names. */
function cancelInflight(s: McpSession, body: unknown): void {
  if (!s.inflight.size) return;
  for (const m of Array.isArray(body) ? body : [body]) {
    if (isRecord(m) && m.method === "notifications/cancelled" && isRecord(m.params) && isId(m.params.requestId)) {
      s.inflight.get(m.params.requestId)?.abort(new Error(typeof m.params.reason === "string" ? m.params.reason : "Cancelled by the client."));
    }
  }
}

/**
 * One tools/call without the SDK server transport: the same pipeline (runToolCall), answered
 * as JSON, or as SSE when the caller sent a progress token (progress events, then the result).
 */
async function directCall(s: McpSession, call: SingleCall, ctx: CallContext, requestId: string): Promise<Response | McpDirectAnswer> {
  const abort = new CallAbort();
  s.inflight.set(call.id, abort);
  const answer = (p: Promise<unknown>) =>
    p.then(
      (result) => JSON.stringify({ jsonrpc: "2.0", id: call.id, result }),
      (e: unknown) => JSON.stringify({ jsonrpc: "2.0", id: call.id, error: errorObject(e) }),
    ).finally(() => {
      if (s.inflight.get(call.id) === abort) s.inflight.delete(call.id);
    });
  if (call.token === undefined) {
    const io: CallIo = { signal: abort, notify: () => Promise.resolve() };
    const body = await answer(runToolCall(s, ctx, call.params, io));
    return { status: 200, headers: { "content-type": "application/json", "mcp-session-id": s.id, "x-request-id": requestId }, body };
  }
  const enc = new TextEncoder();
  const event = (json: string) => enc.encode(`event: message\ndata: ${json}\n\n`);
  let ctl!: ReadableStreamDefaultController<Uint8Array>;
  let open = true;
  const stream = new ReadableStream<Uint8Array>({
    start: (c) => void (ctl = c),
    // The client left: the call goes on upstream (as on the SDK path) but nothing is written.
    cancel: () => void (open = false),
  });
  const io: CallIo = {
    signal: abort,
    notify: (n) => {
      if (open) ctl.enqueue(event(JSON.stringify({ jsonrpc: "2.0", ...n })));
      return Promise.resolve();
    },
  };
  void answer(runToolCall(s, ctx, call.params, io)).then((json) => {
    if (!open) return;
    ctl.enqueue(event(json));
    ctl.close();
  });
  return new Response(stream, {
    status: 200,
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform", "mcp-session-id": s.id, "x-request-id": requestId },
  });
}

export async function handleMcp(req: McpHttpRequest): Promise<Response | McpDirectAnswer> {
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
  if (sid && req.method === "POST") {
    const call = singleToolCall(b.value);
    if (call && transportWouldAccept(req, session, sid)) return directCall(session, call, ctx, requestId);
    cancelInflight(session, b.value);
  }
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
