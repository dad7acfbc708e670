/**
 * The Portico side of a session: an SDK `Server` that answers `tools/list` from
 * the upstream filtered to the API's allowlist, and runs every `tools/call`
 * through the policy (allowlist, rate limits, content guard) before forwarding it
 * upstream, with progress notifications relayed and one log row per call.
 */
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type CallToolResult,
  type Progress,
  type ProgressToken,
  type ServerNotification,
  type ServerRequest,
} from "@modelcontextprotocol/sdk/types.js";
import { getSnapshot, type KeyInfo } from "@/lib/gateway/snapshot";
import type { AppInfo, ApiInfo } from "@/lib/gateway/access-snapshot";
import { newRecord, record } from "@/lib/gateway/context";
import type { AbortLike, CallRecord, GatewayRequest } from "@/lib/gateway/types";
import { captureBodies } from "@/lib/telemetry/capture";
import { beginAttempt, endAttempt, markStage, startTrace } from "@/lib/telemetry/trace";
import { log } from "@/lib/telemetry/logger";
import { mcpSnapshot, type McpServerInfo } from "./snapshot";
import { dropUpstream, upstreamOf, type McpSession } from "./sessions";
import { guardArguments, guardResult, MCP_CODES, McpRefusal, RpcError, takeRateLimits } from "./policy";
import { UPSTREAM_CUT_CODE, UPSTREAM_CUT_MESSAGE } from "./upstream";
import { directToolCall, type DirectCallOptions } from "./direct";

/** What the HTTP layer hands each request's handlers (through the SDK's authInfo.extra). */
export interface CallContext {
  key: KeyInfo;
  app: AppInfo;
  api: ApiInfo;
  requestId: string;
  headers: Record<string, string | undefined>;
  path: string;
  /** tools/call requests seen in this HTTP request (a JSON-RPC batch may carry several) */
  calls: number;
}

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

function contextOf(extra: Extra): CallContext {
  const c = extra.authInfo?.extra?.portico as CallContext | undefined;
  if (!c) throw new RpcError(ErrorCode.InternalError, "Missing call context.");
  return c;
}

async function serverInfo(apiId: string): Promise<McpServerInfo> {
  const info = (await mcpSnapshot()).byApi.get(apiId);
  if (!info) throw new McpRefusal(MCP_CODES.upstream, "This MCP API has no upstream server configured yet; its owner must set one.", "mcp_not_configured", 503);
  return info;
}

/** Upstream transport failures become one generic error with the request id (details stay in the log). */
class UpstreamFailure extends McpRefusal {
  constructor(
    requestId: string,
    reason: string,
    status: number,
    readonly detail: string,
  ) {
    super(
      MCP_CODES.upstream,
      reason === "upstream_timeout"
        ? `The upstream MCP server did not answer in time (request ${requestId}).`
        : `The upstream MCP server failed to answer (request ${requestId}).`,
      reason,
      status,
      { request_id: requestId },
    );
  }
}

/** Errors the upstream answered in JSON-RPC (bad arguments, unknown method) pass through; transport failures do not. */
function classify(e: unknown, requestId: string): RpcError {
  if (e instanceof RpcError) return e;
  if (e instanceof McpError) {
    if (e.code === UPSTREAM_CUT_CODE && e.message.includes(UPSTREAM_CUT_MESSAGE)) return new UpstreamFailure(requestId, "upstream_stream_cut", 502, e.message);
    if (e.code === ErrorCode.RequestTimeout) return new UpstreamFailure(requestId, "upstream_timeout", 504, e.message);
    if (e.code === ErrorCode.ConnectionClosed) return new UpstreamFailure(requestId, "upstream_closed", 502, e.message);
    return new RpcError(e.code, e.message.replace(/^MCP error -?\d+: /, ""), e.data);
  }
  return new UpstreamFailure(requestId, "upstream_unavailable", 502, e instanceof Error ? e.message : String(e));
}

function statusOf(e: RpcError): number {
  if (e instanceof McpRefusal) return e.status;
  if (e.code === ErrorCode.InvalidParams || e.code === ErrorCode.InvalidRequest || e.code === ErrorCode.MethodNotFound) return 400;
  return 502;
}

/** What a tools/call needs of its caller: cancellation and a way to send progress. */
export interface CallIo {
  signal: DirectCallOptions["signal"] & { readonly aborted: boolean };
  /** a notification on the call's answer (progress) */
  notify(n: { method: "notifications/progress"; params: Progress & { progressToken: ProgressToken } }): Promise<void>;
}

function signalOf(s: CallIo["signal"]): AbortLike {
  return { get aborted() { return s.aborted; }, on: (_e: "abort", fn: () => void) => s.addEventListener("abort", fn), off: (_e: "abort", fn: () => void) => s.removeEventListener("abort", fn) };
}

/** The SDK server of one session. */
export function buildProxyServer(s: McpSession, api: ApiInfo): Server {
  const server = new Server({ name: `portico/${api.slug}`, version: "1.0.0" }, { capabilities: { tools: {} } });
  // A misbehaving client must not crash the process; the SDK reports protocol errors here.
  server.onerror = () => undefined;

  server.setRequestHandler(ListToolsRequestSchema, async (req, extra) => {
    const ctx = contextOf(extra);
    const info = (await serverInfo(ctx.api.id));
    // A listing reaches the upstream too: it counts against the key, app and team request limits.
    await takeRateLimits(ctx.key, ctx.app, ctx.api.id, "", undefined);
    try {
      const client = await upstreamOf(s, info);
      const r = await client.listTools(req.params?.cursor ? { cursor: req.params.cursor } : {}, { timeout: info.timeoutMs, signal: extra.signal });
      return { tools: r.tools.filter((t) => info.allowed.has(t.name)), ...(r.nextCursor ? { nextCursor: r.nextCursor } : {}) };
    } catch (e) {
      const err = classify(e, ctx.requestId);
      if (err instanceof UpstreamFailure) {
        dropUpstream(s);
        log.warn("mcp tools/list failed upstream", { requestId: ctx.requestId, api: ctx.api.slug, err: err.detail });
      }
      throw err;
    }
  });

  server.setRequestHandler(CallToolRequestSchema, (req, extra) => runToolCall(s, contextOf(extra), req.params, { signal: extra.signal, notify: (n) => extra.sendNotification(n) }));
  return server;
}

/**
 * One tools/call through the policy to the upstream: the SDK server's handler, and the
 * handler's direct path for a single call (lib/mcp/handler.ts). Throws RpcErrors.
 */
export async function runToolCall(s: McpSession, ctx: CallContext, params: { name: string; arguments?: Record<string, unknown>; _meta?: { progressToken?: ProgressToken } }, io: CallIo): Promise<CallToolResult> {
  const t0 = Date.now();
  const tool = params.name;
  // One row per call: the second call of a batch gets a suffixed id (the id is the row's key).
  const rec = newRecord(ctx.calls++ === 0 ? ctx.requestId : `${ctx.requestId}-${ctx.calls}`, "mcp", "openai");
  rec.keyId = ctx.key.id;
  rec.teamId = ctx.app.teamId;
  rec.appId = ctx.app.id;
  rec.apiId = ctx.api.id;
  rec.routeAlias = ctx.api.slug;
  rec.providerType = "mcp";
  rec.upstreamModel = tool;
  const greq: GatewayRequest = { method: "POST", path: ctx.path, query: new URLSearchParams(), headers: ctx.headers, body: null, signal: signalOf(io.signal) };
  startTrace(greq, rec);
  try {
    const info = (await serverInfo(ctx.api.id));
    // Hidden tools answer exactly like tools that do not exist.
    if (!info.allowed.has(tool)) throw new McpRefusal(ErrorCode.InvalidParams, `Tool ${tool} not found`, "tool_not_allowed", 404);
    const raw = params.arguments;
    const rawText = raw === undefined ? "" : JSON.stringify(raw);
    rec.reqBytes = Buffer.byteLength(rawText);
    (await captureBodies(rec, rawText || null));
    // Content first, as on /v1 (lib/gateway/guards.ts): a call refused for its arguments takes no rate-limit slot.
    const args = (await guardArguments(ctx.api.id, raw, rec));
    await takeRateLimits(ctx.key, ctx.app, ctx.api.id, tool, info.toolRateLimits[tool]);
    markStage(rec, "guard");
    const token = params._meta?.progressToken;
    const client = await upstreamOf(s, info);
    beginAttempt(rec, ctx.api.slug, "mcp");
    let result: CallToolResult;
    try {
      result = (await directToolCall(client, { name: tool, ...(args !== undefined ? { arguments: args } : {}) }, {
        timeoutMs: info.timeoutMs,
        maxTotalTimeoutMs: info.timeoutMs * 10,
        signal: io.signal,
        onprogress:
          token === undefined
            ? undefined
            : (p) => void io.notify({ method: "notifications/progress", params: { ...p, progressToken: token } }).catch(() => undefined),
      }));
      endAttempt(rec, 200);
    } catch (e) {
      endAttempt(rec, null, e instanceof Error ? e.message : String(e));
      throw e;
    }
    const out = (await guardResult(ctx.api.id, result, rec));
    const outText = JSON.stringify(out);
    rec.resBytes = Buffer.byteLength(outText);
    rec.status = 200;
    if (out.isError) {
      rec.outcome = "error";
      rec.errorCode = "tool_error";
      rec.errorMessage = "The tool reported an error (isError).";
    }
    (await captureBodies(rec, null, outText));
    return out;
  } catch (e) {
    const err = classify(e, ctx.requestId);
    rec.status = statusOf(err);
    rec.errorCode = String(err.code);
    rec.errorMessage = err instanceof McpRefusal ? `${err.reason}: ${err instanceof UpstreamFailure ? err.detail : err.message}` : err.message;
    rec.outcome = io.signal.aborted ? "aborted" : err instanceof McpRefusal && !(err instanceof UpstreamFailure) ? "refused" : "error";
    if (err instanceof UpstreamFailure) dropUpstream(s);
    throw err;
  } finally {
    (await record(rec, t0));
  }
}

/** For the record of a refused HTTP request (401/403 before any session): a row like a refused call. */
export async function refusalRecord(requestId: string, status: number, code: number, reason: string, message: string, who: Partial<Pick<CallRecord, "keyId" | "teamId" | "appId" | "apiId" | "routeAlias" | "upstreamModel">>): Promise<void> {
  const rec = newRecord(requestId, "mcp", "openai");
  Object.assign(rec, who);
  rec.providerType = "mcp";
  rec.status = status;
  rec.outcome = "refused";
  rec.errorCode = String(code);
  rec.errorMessage = `${reason}: ${message}`;
  (await record(rec, Date.now()));
}

export { getSnapshot };
