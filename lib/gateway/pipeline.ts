import type { ChatRequest, EmbeddingsRequest } from "@/lib/providers/types";
import type { PolicyHook } from "@/lib/policy/cache-hooks";
import { captureBodies } from "@/lib/telemetry/capture";
import { markStage, startTrace } from "@/lib/telemetry/trace";
import { GatewayError, badRequest, notFoundModel } from "./errors";
import { getSnapshot, type KeyInfo, type RouteInfo, type Snapshot } from "./snapshot";
import { authenticate } from "./stages/authenticate";
import { checkBody, parseJsonBody } from "./stages/parse";
import { runGuards } from "./stages/guard";
import { authorizeAlias, deprecationHeaders } from "./stages/authorize";
import { orderTargets, selectGroup } from "./routing";
import { newRecord, record, requestIdFor, sendError, toGatewayError } from "./context";
import type { CallRecord, GatewayRequest, GatewaySink, InboundApi } from "./types";

/**
 * The one pipeline runner of the model endpoints (chat completions, Anthropic messages, Responses,
 * embeddings): check → authenticate → parse → authorize → guard → cache/idempotency → route →
 * dispatch/respond → record, with the trace and body capture, in this one place. Each endpoint
 * supplies only what differs: how its body becomes the canonical request, which route kind it
 * serves, its cache/idempotency hook and its dispatch-and-write step.
 */
export interface Endpoint<Req, Res, Prep = undefined> {
  /** request_logs.endpoint */
  readonly endpoint: string;
  /** the error shape callers get */
  readonly api: InboundApi;
  /** the request body as JSON (default: the body must be JSON) */
  readBody?(req: GatewayRequest): unknown;
  /** the JSON body → the endpoint's request; runs after authentication */
  parse(body: unknown, key: KeyInfo): Req | Promise<Req>;
  stream(r: Req): boolean;
  /** authorization and the route: `byAlias(...)` for the model endpoints; prompt APIs authorize by API */
  resolve(c: ResolveContext<Req>): Resolved | Promise<Resolved>;
  /** the refusal when the route has no enabled target (default names the route) */
  noTargets?(route: RouteInfo): GatewayError;
  /** writes an error in the endpoint's own way; false: the runner's standard error answer */
  fail?(sink: GatewaySink, rec: CallRecord, e: unknown): boolean;
  /** what the guards read and may rewrite */
  guardInput(r: Req): { chat?: ChatRequest; embeddings?: EmbeddingsRequest };
  /** per-call values the hook and the dispatch share (e.g. the output writer) */
  prepare(r: Req, route: RouteInfo, rec: CallRecord): Prep;
  /** idempotency and the response cache: may answer without dispatch */
  beforeDispatch(c: StepContext<Req, Prep>): PolicyHook<Res> | Promise<PolicyHook<Res>>;
  /** what routing conditions on metadata read */
  routingMetadata?(r: Req): Record<string, unknown> | null | undefined;
  /** dispatch to the ordered targets and write the answer (or the error) to the sink */
  dispatch(c: StepContext<Req, Prep> & { order: ReturnType<typeof orderTargets> }): Promise<Res | undefined>;
  /** the call ended (success or not), before the record stage; must not throw */
  finish?(rec: CallRecord): void;
}

export interface ResolveContext<Req> {
  req: GatewayRequest;
  snap: Snapshot;
  key: KeyInfo;
  r: Req;
  rec: CallRecord;
  /** the admin "test route" call: no key, so no subscription to check */
  internal: boolean;
}

export interface Resolved {
  route: RouteInfo;
  /** headers every answer of this call carries (deprecation, prompt version) */
  extraHeaders: Record<string, string>;
}

/** Model endpoints: an approved subscription to a live API exposing the alias, and a route of the right kind behind it. */
export function byAlias<Req>(kind: RouteInfo["kind"], model: (r: Req) => string, wrongKind: (alias: string) => string) {
  return ({ snap, key, r, rec, internal }: ResolveContext<Req>): Resolved => {
    const alias = model(r);
    let extraHeaders: Record<string, string> = {};
    if (!internal) {
      const authz = authorizeAlias(snap.access, key, alias);
      if (!authz.ok) throw authz.error;
      rec.appId = authz.app.id;
      rec.apiId = authz.api.id;
      extraHeaders = deprecationHeaders(authz.api, authz.deprecated);
    }
    const route = snap.routes.get(alias);
    if (!route) throw notFoundModel(alias);
    rec.routeAlias = route.alias;
    if (route.kind !== kind) throw badRequest(wrongKind(alias), "model", "model_not_supported");
    return { route, extraHeaders };
  };
}

export interface StepContext<Req, Prep> {
  req: GatewayRequest;
  sink: GatewaySink;
  r: Req;
  route: RouteInfo;
  rec: CallRecord;
  extraHeaders: Record<string, string>;
  prep: Prep;
}

export interface RunOptions {
  /** admin "test route": skips key authentication (never reachable from HTTP) and reports the record */
  internalTest?: { onRecord: (rec: CallRecord) => void };
}

const INTERNAL_KEY: KeyInfo = { id: "internal-test", name: "route test", teamId: null, appId: null, expiresAt: null, revokedAt: null };

export async function runPipeline<Req, Res, Prep>(req: GatewayRequest, sink: GatewaySink, ep: Endpoint<Req, Res, Prep>, opts: RunOptions = {}): Promise<void> {
  const t0 = Date.now();
  const rec = newRecord(requestIdFor(req), ep.endpoint, ep.api);
  startTrace(req, rec);
  let hook: PolicyHook<Res> | null = null;
  // after the hook: its sink (capturing for idempotency, redacting for the response policy) gets errors too
  let out = sink;
  // Most stages answer synchronously on a warm process (snapshot loaded, guards in memory, no
  // cache or idempotency): a value is used as is, only a Promise is awaited — each `await` of a
  // plain value would still cost a promise turn per stage and per call.
  try {
    // 1 what protects the server: size limit and JSON nesting bound
    checkBody(req);
    // 2 authenticate, before any schema feedback (a caller without a key learns nothing about the body)
    const s = getSnapshot();
    const snap = s instanceof Promise ? await s : s;
    const key = opts.internalTest ? INTERNAL_KEY : authenticate(req.headers, snap);
    rec.keyId = opts.internalTest ? null : key.id;
    rec.teamId = key.teamId;
    markStage(rec, "authenticate");
    // 3 parse: JSON, the endpoint's schema, the conversion to the canonical shape
    const pr = ep.parse(ep.readBody ? ep.readBody(req) : parseJsonBody(req), key);
    const r = pr instanceof Promise ? await pr : pr;
    rec.stream = ep.stream(r);
    markStage(rec, "parse");
    // 4 authorize and pick the route
    const rs = ep.resolve({ req, snap, key, r, rec, internal: !!opts.internalTest });
    const { route, extraHeaders } = rs instanceof Promise ? await rs : rs;
    markStage(rec, "authorize");
    // 5 guard: content, then limits (lib/gateway/guards.ts)
    const gd = runGuards({ req, key, route, rec, ...ep.guardInput(r) });
    if (gd) await gd;
    markStage(rec, "guard");
    // 6 idempotency + response cache (lib/policy/cache-hooks.ts): may answer without dispatch
    const prep = ep.prepare(r, route, rec);
    const step: StepContext<Req, Prep> = { req, sink, r, route, rec, extraHeaders, prep };
    const hk = ep.beforeDispatch(step);
    hook = hk instanceof Promise ? await hk : hk;
    if (hook.answered) return;
    out = step.sink = hook.sink;
    // 7 route
    const order = orderTargets(selectGroup(route, req.headers, ep.routingMetadata ? ep.routingMetadata(r) : undefined));
    if (!order.length) throw ep.noTargets ? ep.noTargets(route) : new GatewayError(503, "api_error", "no_targets", `Route '${route.alias}' has no enabled targets.`);
    markStage(rec, "route");
    // 8 dispatch + respond
    hook.setAnswer(await ep.dispatch({ ...step, order }));
  } catch (e) {
    if (!ep.fail?.(out, rec, e)) sendError(out, ep.api, rec, toGatewayError(e));
  } finally {
    hook?.finish(rec);
    ep.finish?.(rec);
    // 9 record
    const cap = captureBodies(rec, req.body);
    if (cap) await cap;
    const rd = record(rec, t0);
    if (rd) await rd;
    opts.internalTest?.onRecord(rec);
  }
}

/** Which target served the call, on the record (the log names it; callers see only the family). */
export function fillTarget(rec: CallRecord, t: ReturnType<typeof orderTargets>[number]): void {
  rec.providerId = t.provider.id;
  rec.providerType = t.provider.type;
  rec.modelId = t.model.id;
  rec.upstreamModel = t.model.upstreamModel;
}
