/**
 * In-process Portico for the data-plane integration tests.
 *
 * `startGateway(env)` sets the environment (a temporary SQLite file, the master
 * secret, fast poll/flush intervals, plus whatever the test file needs such as
 * a small body limit) BEFORE anything under lib/ is imported — several modules
 * read their settings at import time — then bootstraps the database, mounts the
 * real gateway core on a Node HTTP server exactly as server.ts does (the
 * production fast path) and starts a fake upstream that speaks every provider
 * dialect. Config is seeded through the control-plane services, never raw SQL.
 *
 * Access: keys need an app with an approved subscription. The harness creates a
 * team "Harness", an app "harness" in it and a published auto-approval API
 * "harness" subscribed by that app; every route alias that exists at start or
 * is created later through `routeTo` or `m.routes.createRoute` is added to the
 * API's `routeAliases` (through the API service), so `newKey()` keys can call
 * every route as before. Tests of the access rules themselves build their own
 * teams, apps and APIs (see tests/integration/access-flow.test.ts).
 *
 * Vitest runs each test file in its own forked process, so each file gets its
 * own database, snapshot, breakers and log writer.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { FAKE_AWS_KEYS, FAKE_SA_PROJECT, fakeServiceAccount, startFakeUpstream, type RecordedRequest } from "../../e2e/fakes";
import type { Actor } from "@/lib/auth/actor";
import type { RequestLog } from "@/lib/db/schema";

/**
 * Parsed wire JSON in assertions. Loose on purpose: the expectations do the
 * checking, and a typed shape would only restate them.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Wire = any;

export type ProviderType = "openai" | "azure-openai" | "anthropic" | "gemini" | "bedrock" | "vertex" | "mock";
export type Strategy = "single" | "weighted" | "fallback";

export interface TargetSpec {
  type: ProviderType;
  upstreamModel: string;
  weight?: number;
  /** a provider other than the default one of this type (created on first use) */
  provider?: string;
  /** default chat */
  kind?: "chat" | "embedding";
  /** USD per 1M tokens */
  inputPricePerM?: number;
  outputPricePerM?: number;
}

export interface RetrySpec {
  attemptsPerTarget?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  honorRetryAfter?: boolean;
  retryAfterCapMs?: number;
  firstByteTimeoutMs?: number;
  totalTimeoutMs?: number;
  streamIdleTimeoutMs?: number;
}

type Mods = {
  bootstrap: typeof import("@/lib/bootstrap");
  db: typeof import("@/lib/db/client");
  schema: typeof import("@/lib/db/schema");
  actor: typeof import("@/lib/auth/actor");
  providers: typeof import("@/lib/services/providers");
  models: typeof import("@/lib/services/models");
  routes: typeof import("@/lib/services/routes");
  keys: typeof import("@/lib/services/keys");
  teams: typeof import("@/lib/services/teams");
  apps: typeof import("@/lib/services/apps");
  apis: typeof import("@/lib/services/apis");
  subscriptions: typeof import("@/lib/services/subscriptions");
  webhooks: typeof import("@/lib/services/webhooks");
  mount: typeof import("@/lib/gateway/node-mount");
  logWriter: typeof import("@/lib/gateway/log-writer");
  breaker: typeof import("@/lib/gateway/breaker");
};

export const ADMIN_EMAIL = "admin@portico.test";

/** Default credentials the fake upstream accepts, per provider type. */
const PROVIDER_DEFAULTS: Record<
  Exclude<ProviderType, "mock">,
  { key: string | ((fakeUrl: string) => string); apiVersion?: string; path: string; options?: Record<string, unknown> }
> = {
  openai: { key: "sk-test", path: "/v1" },
  "azure-openai": { key: "az-test", apiVersion: "2024-10-21", path: "" },
  anthropic: { key: "sk-ant-test", path: "" },
  gemini: { key: "g-test", path: "" },
  // Access keys the fake verifies SigV4 signatures with.
  bedrock: { key: JSON.stringify(FAKE_AWS_KEYS), path: "", options: { region: "us-east-1", authMode: "iam" } },
  // A service-account key file whose token_uri is the fake's token endpoint.
  vertex: { key: (fakeUrl) => fakeServiceAccount(fakeUrl), path: "", options: { project: FAKE_SA_PROJECT, location: "us-central1" } },
};

export async function startGateway(env: Record<string, string> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portico-it-"));
  process.env.DATABASE_URL = "file:" + path.join(dir, "portico.db");
  process.env.PORTICO_SECRET = "test-secret-".padEnd(40, "x");
  process.env.PORTICO_ADMIN_EMAIL = ADMIN_EMAIL;
  process.env.PORTICO_ADMIN_PASSWORD = "correct-horse-battery-staple";
  process.env.PORTICO_CONFIG_POLL_MS = "100";
  process.env.PORTICO_LOG_FLUSH_MS = "20";
  Object.assign(process.env, env);

  const routesModule = await import("@/lib/services/routes");
  const m: Mods = {
    bootstrap: await import("@/lib/bootstrap"),
    db: await import("@/lib/db/client"),
    schema: await import("@/lib/db/schema"),
    actor: await import("@/lib/auth/actor"),
    providers: await import("@/lib/services/providers"),
    models: await import("@/lib/services/models"),
    // createRoute also exposes the new alias through the harness API (see the header).
    routes: { ...routesModule, createRoute: async (args) => (await expose((await routesModule.createRoute(args)))) },
    keys: await import("@/lib/services/keys"),
    teams: await import("@/lib/services/teams"),
    apps: await import("@/lib/services/apps"),
    apis: await import("@/lib/services/apis"),
    subscriptions: await import("@/lib/services/subscriptions"),
    webhooks: await import("@/lib/services/webhooks"),
    mount: await import("@/lib/gateway/node-mount"),
    logWriter: await import("@/lib/gateway/log-writer"),
    breaker: await import("@/lib/gateway/breaker"),
  };
  const { eq } = await import("drizzle-orm");

  await m.bootstrap.bootstrap();
  const db = m.db.getDb();
  const adminRow = (await db.select().from(m.schema.users).where(eq(m.schema.users.email, ADMIN_EMAIL)).limit(1))[0];
  if (!adminRow) throw new Error("bootstrap created no admin");
  const actor: Actor = (await m.actor.loadActor(adminRow.id, "session"))!;

  // The harness's own team, app and auto-approval API over every route alias.
  const harnessTeam = await m.teams.createTeam({ actor, input: { name: "Harness", slug: "harness" } });
  const existingAliases = (await db.select({ alias: m.schema.routes.alias }).from(m.schema.routes)).map((r) => r.alias);
  const harnessApi = (await m.apis.createApi({
    actor,
    input: { slug: "harness", name: "Harness", teamId: harnessTeam.id, routeAliases: existingAliases, approvalMode: "auto", reasonRequired: false },
  }));
  (await m.apis.setApiState({ actor, id: harnessApi.id, input: { state: "published" } }));
  const harnessApp = (await m.apps.createApp({ actor, input: { teamId: harnessTeam.id, name: "harness" } }));
  (await m.subscriptions.requestSubscription({ actor, input: { appId: harnessApp.id, apiId: harnessApi.id } }));

  /** Adds a route's alias to the harness API (its subscription makes it callable with newKey() keys). */
  async function expose<R extends { alias: string }>(r: R): Promise<R> {
    const api = (await m.apis.getApi({ actor, id: harnessApi.id }));
    if (!api.routeAliases.includes(r.alias)) (await m.apis.updateApi({ actor, id: harnessApi.id, input: { routeAliases: [...api.routeAliases, r.alias] } }));
    return r;
  }

  const fake = await startFakeUpstream();
  // The production fast path: the same handler server.ts mounts on /v1.
  const server: Server = createServer(m.mount.gatewayNodeHandler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const providerIds = new Map<string, string>();
  const modelIds = new Map<string, string>();
  let seq = 0;

  /** The provider of this type (name defaults to the type), pointing at the fake; created once. */
  async function providerFor(type: ProviderType, name: string = type, extra: Record<string, unknown> = {}): Promise<{ id: string; name: string }> {
    const known = providerIds.get(name);
    if (known) return { id: known, name };
    let input: Record<string, unknown>;
    if (type === "mock") {
      input = { name, type, options: { latencyMs: 0, tokensPerSecond: 0, replyTokens: 12 }, ...extra };
    } else {
      const d = PROVIDER_DEFAULTS[type];
      const apiKey = typeof d.key === "function" ? d.key(fake.url) : d.key;
      input = { name, type, baseUrl: fake.url + d.path, apiKey, ...(d.apiVersion ? { apiVersion: d.apiVersion } : {}), ...(d.options ? { options: d.options } : {}), ...extra };
    }
    const p = (await m.providers.createProvider({ actor, input }));
    providerIds.set(name, p.id);
    return { id: p.id, name: p.name };
  }

  async function modelFor(t: TargetSpec): Promise<string> {
    const prov = (await providerFor(t.type, t.provider ?? t.type));
    const k = `${prov.id}:${t.upstreamModel}`;
    const known = modelIds.get(k);
    if (known) return known;
    const row = (await m.models.createModel({
      actor,
      input: {
        providerId: prov.id,
        upstreamModel: t.upstreamModel,
        kind: t.kind ?? "chat",
        inputPricePerM: t.inputPricePerM ?? 0,
        outputPricePerM: t.outputPricePerM ?? 0,
      },
    }));
    modelIds.set(k, row.id);
    return row.id;
  }

  /** A route `alias` over these targets (models created on demand). */
  async function routeTo(alias: string, targets: TargetSpec[], strategy: Strategy = targets.length > 1 ? "fallback" : "single", retry: RetrySpec = {}) {
    // One target at a time: two targets of the same type must not both create its provider.
    const resolved: { modelId: string; weight?: number }[] = [];
    for (const t of targets) resolved.push({ modelId: await modelFor(t), ...(strategy === "weighted" ? { weight: t.weight ?? 1 } : {}) });
    return (await m.routes.createRoute({ actor, input: { alias, strategy, targets: resolved, retry } }));
  }

  /** A fresh gateway key of the harness app (approved for every route alias): plaintext and id. */
  async function newKey(input: { name?: string; expiresInDays?: number } = {}): Promise<{ key: string; id: string }> {
    const k = (await m.keys.createAppKey({
      actor,
      appId: harnessApp.id,
      input: { name: input.name ?? `test key ${++seq}`, ...(input.expiresInDays ? { expiresInDays: input.expiresInDays } : {}) },
    }));
    return { key: k.key, id: k.id };
  }

  let defaultKey: string | null = null;
  const key = async () => (defaultKey ??= (await newKey({ name: "default" })).key);

  /** POST JSON to the gateway with the default key (or `opts.key`; `null` sends none). */
  async function post(p: string, body: unknown, opts: { key?: string | null; headers?: Record<string, string>; signal?: AbortSignal; raw?: string } = {}) {
    const k = opts.key === undefined ? (await key()) : opts.key;
    return fetch(url + p, {
      method: "POST",
      headers: { "content-type": "application/json", ...(k ? { authorization: `Bearer ${k}` } : {}), ...opts.headers },
      body: opts.raw ?? JSON.stringify(body),
      signal: opts.signal,
    });
  }

  /** The request_logs row of this request id (flushes the batched writer; waits for a stream's row). */
  async function logRow(id: string, timeoutMs = 3000): Promise<RequestLog> {
    const t0 = Date.now();
    for (;;) {
      (await m.logWriter.logWriter().flush());
      const row = (await db.select().from(m.schema.requestLogs).where(eq(m.schema.requestLogs.id, id)).limit(1))[0];
      if (row) return row;
      if (Date.now() - t0 > timeoutMs) throw new Error(`no request_logs row for ${id}`);
      await sleep(20);
    }
  }

  /** Requests the fake received for this upstream model. */
  const requestsFor = (model: string): RecordedRequest[] => fake.requests.filter((r) => r.model === model);

  async function close() {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await m.mount.shutdownGateway();
    await fake.close();
    m.db.closeDb();
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const harness = { teamId: harnessTeam.id, appId: harnessApp.id, apiId: harnessApi.id };
  return { url, fake, actor, m, db, harness, providerFor, modelFor, routeTo, newKey, key, post, logRow, requestsFor, close };
}

export type Gateway = Awaited<ReturnType<typeof startGateway>>;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

let reqSeq = 0;
/** A valid inbound x-request-id (unique per call: it becomes the log row's primary key). */
export function requestId(tag = "t"): string {
  return `it-${tag}-${process.pid}-${Date.now().toString(36)}-${++reqSeq}`;
}

/** Reads a whole SSE body into events. */
export async function readSse(res: Response): Promise<EventSourceMessage[]> {
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (ev) => events.push(ev) });
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
  return events;
}

/** OpenAI chunks of an SSE body, and whether it ended with [DONE]. */
export function openaiChunks(events: EventSourceMessage[]) {
  const datas = events.map((e) => e.data);
  const done = datas.at(-1) === "[DONE]";
  const chunks = datas.filter((d) => d !== "[DONE]").map((d) => JSON.parse(d) as Record<string, Wire>);
  const text = chunks.map((c) => (c.choices ?? []).map((ch: Wire) => ch.delta?.content ?? "").join("")).join("");
  return { chunks, done, text, doneCount: datas.filter((d) => d === "[DONE]").length };
}

export const USER_MSG = "What is the capital of France? Please answer in one short sentence.";
export const chatBody = (model: string, extra: Record<string, unknown> = {}) => ({
  model,
  messages: [
    { role: "system", content: "You are terse." },
    { role: "user", content: USER_MSG },
  ],
  ...extra,
});

export const WEATHER_TOOL = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

/** OpenAI error shape check: {error:{message,type,param,code}}. */
export function expectOpenAIError(body: Wire): { message: string; type: string; param: string | null; code: string | null } {
  if (!body || typeof body !== "object" || !body.error) throw new Error(`not an OpenAI error body: ${JSON.stringify(body)}`);
  const e = body.error;
  for (const k of ["message", "type", "param", "code"]) if (!(k in e)) throw new Error(`error body lacks '${k}': ${JSON.stringify(body)}`);
  if (typeof e.message !== "string" || typeof e.type !== "string") throw new Error(`bad error body: ${JSON.stringify(body)}`);
  return e;
}
