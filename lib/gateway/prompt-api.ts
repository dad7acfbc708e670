/**
 * POST /v1/apis/{slug}: a published prompt as a REST endpoint.
 *
 * parse (JSON object of variables) → authenticate → authorize (approved
 * subscription to this API) → pick the version (pinned by header, else current)
 * → validate variables → render (values as data) → guard → route → dispatch +
 * attemptChat (the same retry/fallover/breaker machinery as chat, with a sink
 * that captures the answer, or an SSE writer of text deltas) → JSON mode:
 * validate, retry once with the validation error, else 502 invalid_model_output
 * → 200 {output, usage, cost_usd, request_id, version} → record.
 *
 * The prompt definitions are read from the database once per config snapshot
 * (every prompt write bumps the config version), never per request.
 */
import { asc, eq } from "drizzle-orm";
import type { ChatRequest, ChatResponse, Usage } from "@/lib/providers/types";
import { getDb } from "@/lib/db/client";
import { apis, prompts, promptVersions, type PromptSpec } from "@/lib/db/schema";
import { validateVariables, type Problem } from "@/lib/prompts/variables";
import { buildChatRequest, checkJsonOutput, renderPrompt, retryMessage, type OutputCheck } from "@/lib/prompts/spec";
import { selectVersion, VERSION_HEADER } from "@/lib/prompts/versions";
import { GatewayError, badRequest, errorBody, streamErrorEvent } from "./errors";
import { derivedSnapshot, getSnapshot, type RouteInfo, type Snapshot, type TargetInfo } from "./snapshot";
import type { ApiInfo } from "./access-snapshot";
import { authenticate } from "./stages/authenticate";
import { allowedAliases, authorizeApi, authorizePromptRoute, deprecationHeaders } from "./stages/authorize";
import { combinedOpenApi, type PromptApiDocInput } from "@/lib/prompts/openapi";
import { parseJsonBody } from "./stages/parse";
import { orderTargets, selectGroup } from "./routing";
import { dispatch } from "./dispatch";
import { attemptChat, type AttemptResult } from "./attempt";
import type { ChatOutput } from "./output";
import { costUsd } from "./cost";
import { countTokens, estimatePromptTokens } from "./tokens";
import { newRecord, requestIdFor, responseHeaders, sendError, toGatewayError } from "./context";
import { captureBodies } from "@/lib/telemetry/capture";
import { fillTarget, runPipeline, type Endpoint } from "./pipeline";
import type { AbortLike, CallRecord, GatewayRequest, GatewaySink } from "./types";
import { beforePromptDispatch } from "@/lib/policy/cache-hooks";
import type { PromptAnswer } from "@/lib/policy/cache";

// ---------------------------------------------------------------- prompt snapshot

export interface PromptEntry {
  promptId: string;
  apiId: string;
  currentVersion: number | null;
  versions: Map<number, PromptSpec>;
}

interface PromptSnapshot {
  byApi: Map<string, PromptEntry>;
  apiBySlug: Map<string, ApiInfo>;
  /** catalog descriptions of prompt APIs (for the OpenAPI documents) */
  descriptions: Map<string, string>;
}

const cache = new WeakMap<Snapshot, PromptSnapshot | Promise<PromptSnapshot>>();

/** Published prompt versions, loaded once per config snapshot (no database read per request). */
export const promptSnapshot = derivedSnapshot<PromptSnapshot>(cache, async (snap) => {
  const db = getDb();
  const byApi = new Map<string, PromptEntry>();
  const byId = new Map<string, PromptEntry>();
  for (const p of (await db.select({ id: prompts.id, apiId: prompts.apiId, currentVersion: prompts.currentVersion }).from(prompts))) {
    const e: PromptEntry = { promptId: p.id, apiId: p.apiId, currentVersion: p.currentVersion, versions: new Map() };
    byApi.set(p.apiId, e);
    byId.set(p.id, e);
  }
  for (const v of (await db.select().from(promptVersions).orderBy(asc(promptVersions.version)))) {
    byId.get(v.promptId)?.versions.set(v.version, specOf(v));
  }
  const apiBySlug = new Map<string, ApiInfo>();
  for (const a of snap.access.apis.values()) apiBySlug.set(a.slug, a);
  const descriptions = new Map(
    (await db.select({ id: apis.id, description: apis.description }).from(apis).where(eq(apis.kind, "prompt"))).map((a) => [a.id, a.description]),
  );
  return { byApi, apiBySlug, descriptions };
});

export function specOf(v: PromptSpec): PromptSpec {
  return {
    routeAlias: v.routeAlias,
    params: v.params ?? {},
    systemPrompt: v.systemPrompt,
    userTemplate: v.userTemplate,
    variables: v.variables ?? [],
    outputMode: v.outputMode,
    outputSchema: v.outputSchema ?? null,
    streaming: v.streaming,
  };
}

// ---------------------------------------------------------------- running a prompt

export interface PromptRunResult {
  /** text (text mode) or the parsed, validated JSON document */
  output: unknown;
  text: string;
  usage: Usage;
  costUsd: number;
  /** model calls made (2 when the JSON answer was retried) */
  calls: number;
}

class InvalidOutput extends GatewayError {
  constructor(readonly raw: string, readonly why: string) {
    super(502, "api_error", "invalid_model_output", "The model's answer did not match this API's output schema, also after a retry. The request was logged; try again or contact the API owner.");
  }
}

function addUsage(rec: CallRecord, usage: Usage | null, chat: ChatRequest, text: string, target: TargetInfo): Usage {
  const u: Usage = usage ?? {
    prompt_tokens: estimatePromptTokens(chat),
    completion_tokens: countTokens(text),
    total_tokens: 0,
  };
  if (!usage) rec.usageEstimated = true;
  const cached = u.prompt_tokens_details?.cached_tokens ?? 0;
  rec.tokensIn += u.prompt_tokens;
  rec.tokensOut += u.completion_tokens;
  rec.tokensCached += cached;
  rec.costUsd = Math.round((rec.costUsd + costUsd(target.model, u)) * 1e9) / 1e9;
  fillTarget(rec, target);
  return u;
}


const noopSink = (): GatewaySink & { status: number } => {
  const s = {
    status: 0,
    head(st: number) {
      s.status = st;
    },
    write: () => true,
    drain: async () => {},
    end: () => {},
    get headersSent() {
      return s.status !== 0;
    },
  };
  return s;
};

/** One non-streaming model call through dispatch + attemptChat; the answer is captured, not written. */
async function callOnce(chat: ChatRequest, route: RouteInfo, signal: AbortLike, rec: CallRecord): Promise<{ text: string; usage: Usage; target: TargetInfo }> {
  const order = orderTargets(selectGroup(route, {}));
  if (!order.length) throw noTargets(route);
  let captured: ChatResponse | null = null;
  const out: ChatOutput = {
    chunk: () => "",
    end: () => "",
    error: () => "",
    response: (r) => {
      captured = r;
      return "";
    },
  };
  const created = Math.floor(Date.now() / 1000);
  const responseId = `chatcmpl-${rec.id.slice(4)}`;
  const result = await dispatch<Extract<AttemptResult, { answered: true }>>(order, route.retry, signal, rec, async (t) => {
    const r = await attemptChat({ req: chat, t, stream: false, includeUsage: false, alias: route.alias, responseId, created, out, sink: noopSink(), client: signal, retry: route.retry, headers: () => ({}) });
    return r.answered ? { answered: true, value: r } : r;
  });
  if ("error" in result) {
    if (result.target) fillTarget(rec, result.target);
    throw result.error;
  }
  const { value: r, target } = result;
  if (r.outcome === "aborted") throw new GatewayError(499, "client_closed", "client_closed_request", "The client closed the request.");
  const resp = captured as ChatResponse | null;
  const text = resp ? resp.choices.map((c) => c.message.content ?? "").join("") : r.text;
  const usage = addUsage(rec, r.usage, chat, text, target);
  return { text, usage, target };
}

const sumUsage = (a: Usage, b: Usage): Usage => ({
  prompt_tokens: a.prompt_tokens + b.prompt_tokens,
  completion_tokens: a.completion_tokens + b.completion_tokens,
  total_tokens: a.prompt_tokens + b.prompt_tokens + a.completion_tokens + b.completion_tokens,
});

/**
 * Runs a rendered prompt without streaming: text mode returns the text; JSON
 * mode validates and retries once with the validation error appended, then
 * throws 502 invalid_model_output (the raw answer goes to the log row only).
 */
export async function runPromptOnce(spec: PromptSpec, chat: ChatRequest, route: RouteInfo, signal: AbortLike, rec: CallRecord): Promise<PromptRunResult> {
  const first = await callOnce(chat, route, signal, rec);
  const norm = (u: Usage): Usage => ({ prompt_tokens: u.prompt_tokens, completion_tokens: u.completion_tokens, total_tokens: u.prompt_tokens + u.completion_tokens });
  if (spec.outputMode !== "json" || !spec.outputSchema) {
    return { output: first.text, text: first.text, usage: norm(first.usage), costUsd: rec.costUsd, calls: 1 };
  }
  const c1 = checkJsonOutput(spec.outputSchema, first.text);
  if (c1.ok) return { output: c1.value, text: first.text, usage: norm(first.usage), costUsd: rec.costUsd, calls: 1 };
  const retryChat: ChatRequest = {
    ...chat,
    messages: [...chat.messages, { role: "assistant", content: first.text }, { role: "user", content: retryMessage(c1) }],
  };
  const second = await callOnce(retryChat, route, signal, rec);
  const usage = sumUsage(first.usage, second.usage);
  const c2: OutputCheck = checkJsonOutput(spec.outputSchema, second.text);
  if (c2.ok) return { output: c2.value, text: second.text, usage, costUsd: rec.costUsd, calls: 2 };
  throw new InvalidOutput(second.text, c2.message);
}

// ---------------------------------------------------------------- the endpoint

function noTargets(route: RouteInfo): GatewayError {
  const e = new GatewayError(503, "api_error", "no_targets", "This prompt API is not available right now. Its owner must fix its configuration.");
  e.detail = `Route '${route.alias}' has no enabled targets.`;
  return e;
}

/**
 * A prompt API's callers never see the model: an error about the model call (it carries a
 * `detail` for the log) keeps its status and code, with a message that names nothing behind the API.
 */
function callerSafe(e: GatewayError): GatewayError {
  // (no_targets / prompt_route_unavailable already say nothing but that the API is unavailable)
  if (e.detail === undefined || e instanceof InvalidOutput || e.code === "no_targets" || e.code === "prompt_route_unavailable") return e;
  const safe = new GatewayError(e.status, e.type, e.code, `The model call behind this API failed (${e.code ?? `HTTP ${e.status}`}). Quote the request id to the API's owner.`, null, e.headers);
  safe.detail = e.detail;
  return safe;
}

function problemsError(problems: Problem[]): GatewayError & { problems: Problem[] } {
  const e = badRequest(`Invalid variables: ${problems.map((p) => p.message).join(" ")}`, problems[0]?.field ?? null, "invalid_variables") as GatewayError & { problems: Problem[] };
  e.problems = problems;
  return e;
}

function wantsStream(accept: string | undefined): boolean {
  return !!accept && accept.toLowerCase().includes("text/event-stream");
}

/** The route and the request of one call (shared by the endpoint and the admin "try draft"). */
export function preparePrompt(spec: PromptSpec, body: unknown, slug: string, stream: boolean, snap: Snapshot) {
  const checked = validateVariables(spec.variables, body);
  if (!checked.ok) throw problemsError(checked.problems);
  const rendered = renderPrompt(spec, checked.values);
  const chat = buildChatRequest(spec, rendered, { slug, stream });
  const route = snap.routes.get(spec.routeAlias);
  if (!route || route.kind !== "chat") {
    // The caller never learns the route's name (it is the model); the log does.
    const e = new GatewayError(503, "api_error", "prompt_route_unavailable", "This prompt API is not available right now. Its owner must fix its configuration.");
    e.detail = route ? `Route '${route.alias}' is not a chat route.` : `Route '${spec.routeAlias}' does not exist or is disabled.`;
    throw e;
  }
  return { chat, route, rendered, values: checked.values };
}

/** One prompt-API call: the body as sent, then what `resolve` found (version, rendered request). */
interface PromptCall {
  body: unknown;
  stream: boolean;
  chat?: ChatRequest;
  spec?: PromptSpec;
  version?: number;
  values?: Record<string, unknown>;
  apiId?: string;
}

/** POST /v1/apis/{slug} on the one pipeline runner (lib/gateway/pipeline.ts): authorized by API, not by model alias. */
function promptEndpoint(req: GatewayRequest, slug: string): Endpoint<PromptCall, PromptAnswer> {
  return {
    endpoint: "prompt",
    api: "openai",
    // an empty body is {}: a prompt without variables
    readBody: (r) => (r.body && r.body.length ? parseJsonBody(r) : {}),
    parse: (body) => ({ body, stream: wantsStream(req.headers["accept"]) }),
    stream: (c) => c.stream,
    async resolve({ snap, key, r: c, rec }) {
      // an approved subscription to this prompt API
      const ps = await promptSnapshot(snap);
      const apiInfo = ps.apiBySlug.get(slug);
      const authz = authorizeApi(snap.access, key, apiInfo?.kind === "prompt" ? apiInfo : undefined, slug);
      if (!authz.ok) throw authz.error;
      rec.appId = authz.app.id;
      rec.apiId = authz.api.id;
      // version: pinned by header, else current
      const entry = ps.byApi.get(authz.api.id);
      const choice = selectVersion(req.headers[VERSION_HEADER], entry?.currentVersion ?? null, entry?.versions.keys() ?? []);
      if (!choice.ok) throw new GatewayError(choice.status, "invalid_request_error", choice.code, choice.message, choice.status === 400 ? "Portico-Prompt-Version" : null);
      const spec = entry!.versions.get(choice.version)!;
      if (c.stream && !spec.streaming) {
        throw new GatewayError(406, "invalid_request_error", "streaming_not_allowed", `API '${authz.api.name}' (version ${choice.version}) does not allow streaming; send Accept: application/json.`);
      }
      // validate variables, render, build the request
      const { chat, route, values } = preparePrompt(spec, c.body, slug, c.stream, snap);
      rec.routeAlias = route.alias;
      const routeDenied = authorizePromptRoute(snap.access, authz.api, route.alias);
      if (routeDenied) throw routeDenied;
      Object.assign(c, { chat, spec, version: choice.version, values, apiId: authz.api.id });
      return { route, extraHeaders: { ...deprecationHeaders(authz.api, authz.deprecated), "portico-prompt-version": String(choice.version) } };
    },
    // the guards see the rendered messages
    guardInput: (c) => ({ chat: c.chat }),
    prepare: () => undefined,
    beforeDispatch: ({ req, sink, r: c, route, rec, extraHeaders }) =>
      beforePromptDispatch({
        req,
        sink,
        route,
        rec,
        stream: c.stream,
        extraHeaders,
        apiId: c.apiId!,
        version: c.version!,
        values: c.values!,
        jsonMode: c.spec!.outputMode === "json" && !!c.spec!.outputSchema,
      }),
    noTargets,
    async dispatch({ req, sink, r: c, route, rec, extraHeaders }) {
      // No x-portico-route / x-portico-provider: a prompt API's callers never see the model behind it.
      const headers = { ...extraHeaders, ...responseHeaders(rec), "x-request-id": rec.id };
      if (c.stream) {
        await streamPrompt(req, sink, c.spec!, c.chat!, route, rec, c.version!, headers);
        return undefined;
      }
      const r = await runPromptOnce(c.spec!, c.chat!, route, req.signal, rec);
      rec.status = 200;
      rec.outcome = "ok";
      const body = JSON.stringify({ output: r.output, usage: r.usage, cost_usd: r.costUsd, request_id: rec.id, version: c.version });
      sink.head(200, { "content-type": "application/json", ...headers, "x-portico-attempts": String(rec.attempts.length) });
      sink.end(body);
      await captureBodies(rec, req.body, body);
      return { output: r.output, usage: r.usage, version: c.version! };
    },
    fail(sink, rec, e) {
      const ge = callerSafe(toGatewayError(e));
      if (e instanceof InvalidOutput) {
        rec.status = 502;
        rec.outcome = "error";
        rec.errorCode = "invalid_model_output";
        // The raw answer goes to the log only, never to the caller.
        rec.errorMessage = `${e.why} Raw model output: ${e.raw}`;
        if (!sink.headersSent) {
          sink.head(502, { "content-type": "application/json", "x-request-id": rec.id });
          sink.end(errorBody("openai", ge, rec.id));
        }
      } else if ((e as { problems?: Problem[] }).problems && !sink.headersSent) {
        sendError(noopSink(), "openai", rec, ge);
        sink.head(400, { "content-type": "application/json", "x-request-id": rec.id });
        const body = JSON.parse(errorBody("openai", ge, rec.id)) as { error: Record<string, unknown> };
        body.error.details = (e as { problems: Problem[] }).problems;
        sink.end(JSON.stringify(body));
      } else {
        sendError(sink, "openai", rec, ge);
      }
      return true;
    },
  };
}

export function handlePromptApi(req: GatewayRequest, sink: GatewaySink, slug: string): Promise<void> {
  return runPipeline(req, sink, promptEndpoint(req, slug));
}

/** SSE: `data: {"delta": "..."}` per text delta, then `event: done` with usage, cost, version (JSON mode: the validated output). */
async function streamPrompt(
  req: GatewayRequest,
  sink: GatewaySink,
  spec: PromptSpec,
  chat: ChatRequest,
  route: RouteInfo,
  rec: CallRecord,
  version: number,
  headers: Record<string, string>,
): Promise<void> {
  const order = orderTargets(selectGroup(route, req.headers));
  if (!order.length) throw noTargets(route);
  let current = order[0]!;
  let text = "";
  let invalid: { why: string } | null = null;
  const out: ChatOutput = {
    chunk: (c) => {
      let d = "";
      for (const ch of c.choices) if (ch.delta.content) d += ch.delta.content;
      if (!d) return "";
      text += d;
      return `data: ${JSON.stringify({ delta: d })}\n\n`;
    },
    end: (usage) => {
      const u: Usage = usage ?? { prompt_tokens: estimatePromptTokens(chat), completion_tokens: countTokens(text), total_tokens: 0 };
      const cost = costUsd(current.model, u);
      const done: Record<string, unknown> = {
        usage: { prompt_tokens: u.prompt_tokens, completion_tokens: u.completion_tokens, total_tokens: u.prompt_tokens + u.completion_tokens },
        cost_usd: cost,
        request_id: rec.id,
        version,
      };
      if (spec.outputMode === "json" && spec.outputSchema) {
        const c = checkJsonOutput(spec.outputSchema, text);
        if (!c.ok) {
          invalid = { why: c.message };
          const e = new GatewayError(502, "api_error", "invalid_model_output", "The model's answer did not match this API's output schema. The streamed text above is not valid output.");
          return `event: error\ndata: ${JSON.stringify({ error: { message: e.message, type: e.type, param: null, code: e.code, request_id: rec.id } })}\n\n`;
        }
        done.output = c.value;
      }
      return `event: done\ndata: ${JSON.stringify(done)}\n\n`;
    },
    error: (e) => `event: error\n${streamErrorEvent("openai", e)}`,
    response: (r) => JSON.stringify(r),
  };
  const created = Math.floor(Date.now() / 1000);
  const responseId = `chatcmpl-${rec.id.slice(4)}`;
  const result = await dispatch<Extract<AttemptResult, { answered: true }>>(order, route.retry, req.signal, rec, async (t) => {
    current = t;
    const r = await attemptChat({
      req: chat,
      t,
      stream: true,
      includeUsage: false,
      alias: route.alias,
      responseId,
      created,
      out,
      sink,
      client: req.signal,
      retry: route.retry,
      headers: () => ({ ...headers, "x-portico-attempts": String(rec.attempts.length + 1) }),
    });
    return r.answered ? { answered: true, value: r } : r;
  });
  if ("error" in result) {
    if (result.target) fillTarget(rec, result.target);
    throw result.error;
  }
  const { value: r, target } = result;
  rec.ttftMs = r.ttftMs;
  rec.outcome = r.outcome;
  rec.status = r.outcome === "aborted" ? 499 : 200;
  if (r.error) rec.errorMessage = r.error;
  addUsage(rec, r.usage, chat, r.text, target);
  if (invalid) {
    rec.status = 502;
    rec.outcome = "error";
    rec.errorCode = "invalid_model_output";
    rec.errorMessage = `${(invalid as { why: string }).why} Raw model output: ${r.text}`;
  }
}

// ---------------------------------------------------------------- GET /v1/openapi.json

/** Matches /v1/apis/{slug} (slug rules of the catalog). */
export const PROMPT_API_PATH = /^\/v1\/apis\/[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The data-plane base URL as the caller reached it. */
export function baseUrlOf(req: GatewayRequest): string {
  const host = req.headers["x-forwarded-host"] ?? req.headers["host"];
  if (!host) return "/v1";
  const proto = (req.headers["x-forwarded-proto"] ?? "http").split(",")[0]!.trim();
  return `${proto}://${host.split(",")[0]!.trim()}/v1`;
}

/** The prompt APIs (current version) a key's app may call. */
export async function visiblePromptDocs(snap: Snapshot, appId: string | null): Promise<PromptApiDocInput[]> {
  const states = appId ? snap.access.subs.get(appId) : undefined;
  if (!states) return [];
  const ps = (await promptSnapshot(snap));
  const out: PromptApiDocInput[] = [];
  for (const [apiId, st] of states) {
    const api = snap.access.apis.get(apiId);
    if (st !== "approved" || !api || api.kind !== "prompt" || api.state === "draft" || api.state === "retired") continue;
    const e = ps.byApi.get(apiId);
    const spec = e?.currentVersion ? e.versions.get(e.currentVersion) : undefined;
    if (!spec) continue;
    out.push({ slug: api.slug, name: api.name, description: ps.descriptions.get(apiId) ?? "", version: e!.currentVersion!, spec, deprecated: api.state === "deprecated" });
  }
  return out.sort((a, b) => a.slug.localeCompare(b.slug));
}

/** GET /v1/openapi.json: every API the calling key can use. Not logged (no upstream call). */
export async function handleOpenApi(req: GatewayRequest, sink: GatewaySink): Promise<void> {
  const rec = newRecord(requestIdFor(req), "openapi", "openai");
  try {
    const snap = (await getSnapshot());
    const key = authenticate(req.headers, snap);
    const doc = combinedOpenApi({ prompts: (await visiblePromptDocs(snap, key.appId)), llmAliases: [...allowedAliases(snap.access, key)] }, baseUrlOf(req));
    sink.head(200, { "content-type": "application/json", "x-request-id": rec.id });
    sink.end(JSON.stringify(doc));
  } catch (e) {
    sendError(sink, "openai", rec, toGatewayError(e));
  }
}
