import { describe, expect, it } from "vitest";
import {
  createProviderInput,
  createRouteInput,
  normalizeTargets,
  providerFields,
  routeModelIds,
  validateBaseUrl,
  validateHeaders,
  validateProviderConfig,
  validateRouteConfig,
  validateTargets,
  type ModelInfo,
} from "./gateway-validation";

const models = new Map<string, ModelInfo>([
  ["m_chat_a", { kind: "chat", label: "OpenAI / gpt-4o" }],
  ["m_chat_b", { kind: "chat", label: "Anthropic / claude-haiku-4-5" }],
  ["m_embed", { kind: "embedding", label: "OpenAI / text-embedding-3-small" }],
]);

const fields = (issues: { field: string }[]) => issues.map((i) => i.field);

describe("route targets", () => {
  it("accepts a single route with one existing target", () => {
    expect(validateTargets("single", [{ modelId: "m_chat_a" }], models).issues).toEqual([]);
  });

  it("rejects an empty target list", () => {
    expect(fields(validateTargets("fallback", [], models).issues)).toEqual(["targets"]);
  });

  it("single needs exactly one target", () => {
    const r = validateTargets("single", [{ modelId: "m_chat_a" }, { modelId: "m_chat_b" }], models);
    expect(fields(r.issues)).toEqual(["targets"]);
  });

  it("weighted needs every weight > 0, naming the target", () => {
    const r = validateTargets("weighted", [{ modelId: "m_chat_a", weight: 3 }, { modelId: "m_chat_b", weight: 0 }], models);
    expect(r.issues).toEqual([{ field: "targets.1.weight", message: "Weight must be greater than 0." }]);
    const missing = validateTargets("weighted", [{ modelId: "m_chat_a" }, { modelId: "m_chat_b", weight: 1 }], models);
    expect(fields(missing.issues)).toEqual(["targets.0.weight"]);
  });

  it("unknown models are reported by index", () => {
    const r = validateTargets("fallback", [{ modelId: "m_chat_a" }, { modelId: "nope" }], models);
    expect(r.issues).toEqual([{ field: "targets.1.modelId", message: "Model nope does not exist." }]);
  });

  it("chat and embedding models cannot share a route", () => {
    const r = validateTargets("fallback", [{ modelId: "m_chat_a" }, { modelId: "m_embed" }], models);
    expect(fields(r.issues)).toEqual(["targets.1.modelId"]);
    expect(r.issues[0]!.message).toMatch(/embedding/);
  });

  it("duplicate targets are refused", () => {
    const r = validateTargets("fallback", [{ modelId: "m_chat_a" }, { modelId: "m_chat_a" }], models);
    expect(fields(r.issues)).toEqual(["targets.1.modelId"]);
  });

  it("conditions are validated the same way, with their own path and the route's kind", () => {
    const route = createRouteInput.parse({
      alias: "smart",
      strategy: "fallback",
      targets: [{ modelId: "m_chat_a" }],
      conditions: [
        { header: "X-Portico-Tier", equals: "premium", strategy: "weighted", targets: [{ modelId: "m_chat_b", weight: -1 }] },
        { header: "x-kind", equals: "vec", strategy: "single", targets: [{ modelId: "m_embed" }] },
      ],
    });
    expect(route.conditions[0]!.header).toBe("x-portico-tier");
    expect(fields(validateRouteConfig(route, models))).toEqual(["conditions.0.targets.0.weight", "conditions.1.targets.0.modelId"]);
  });

  it("retry bounds are checked across fields", () => {
    const route = createRouteInput.parse({ alias: "a", targets: [{ modelId: "m_chat_a" }], retry: { backoffBaseMs: 5000, backoffMaxMs: 100 } });
    expect(fields(validateRouteConfig(route, models))).toEqual(["retry.backoffMaxMs"]);
  });

  it("collects every model a route uses, conditions included", () => {
    expect([...routeModelIds({ targets: [{ modelId: "a" }], conditions: [{ targets: [{ modelId: "b" }, { modelId: "a" }] }] })].sort()).toEqual(["a", "b"]);
  });

  it("drops weights from non-weighted groups", () => {
    expect(normalizeTargets("fallback", [{ modelId: "a", weight: 2 }])).toEqual([{ modelId: "a" }]);
    expect(normalizeTargets("weighted", [{ modelId: "a", weight: 2 }])).toEqual([{ modelId: "a", weight: 2 }]);
  });
});

describe("route input schema", () => {
  it("fills the retry policy defaults", () => {
    const r = createRouteInput.parse({ alias: "mock-chat", targets: [{ modelId: "m" }] });
    expect(r.strategy).toBe("single");
    expect(r.enabled).toBe(true);
    expect(r.conditions).toEqual([]);
    expect(r.retry).toEqual({ attemptsPerTarget: 2, backoffBaseMs: 250, backoffMaxMs: 4000, honorRetryAfter: true, retryAfterCapMs: 10000 });
  });

  it.each(["gpt-4o", "openai/gpt-4o", "team:model.v2", "A1"])("accepts alias %s", (alias) => {
    expect(createRouteInput.safeParse({ alias, targets: [{ modelId: "m" }] }).success).toBe(true);
  });

  it.each(["", "-x", "has space", "a".repeat(101), "ünï"])("rejects alias %j", (alias) => {
    const r = createRouteInput.safeParse({ alias, targets: [{ modelId: "m" }] });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(["alias"]);
  });

  it("limits attempts per target to 1..5", () => {
    const r = createRouteInput.safeParse({ alias: "a", targets: [{ modelId: "m" }], retry: { attemptsPerTarget: 6 } });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(["retry", "attemptsPerTarget"]);
  });
});

describe("provider headers", () => {
  it("accepts ordinary extra headers", () => {
    expect(validateHeaders({ "OpenAI-Organization": "org_1", "x-team": "a" })).toEqual([]);
  });

  it.each(["Host", "content-length", "Connection", "Transfer-Encoding", "upgrade", "Authorization", "x-api-key"])("rejects %s", (h) => {
    const issues = validateHeaders({ [h]: "x" });
    expect(fields(issues)).toEqual([`headers.${h}`]);
  });

  it("rejects invalid names, multi-line values and case duplicates", () => {
    expect(fields(validateHeaders({ "bad name": "x" }))).toEqual(["headers.bad name"]);
    expect(fields(validateHeaders({ "x-a": "one\r\ntwo" }))).toEqual(["headers.x-a"]);
    expect(fields(validateHeaders({ "X-A": "1", "x-a": "2" }))).toEqual(["headers.x-a"]);
  });
});

describe("provider config", () => {
  const base = (over: Record<string, unknown>) => providerFields.parse({ name: "p", type: "openai", baseUrl: "https://api.openai.com/v1", ...over });

  it("needs a base URL except for mock", () => {
    expect(validateBaseUrl("mock", "")).toBeNull();
    expect(validateBaseUrl("openai", "")).toMatch(/required/);
    expect(validateBaseUrl("anthropic", "ftp://x")).toMatch(/https/);
    expect(validateBaseUrl("openai", "not a url")).toMatch(/full URL/);
    expect(validateBaseUrl("azure-openai", "https://<resource>.openai.azure.com")).toMatch(/placeholder/);
    expect(validateBaseUrl("openai", "https://user:pw@api.example.com")).toMatch(/credentials/);
  });

  it("reports fields of the merged config", () => {
    expect(validateProviderConfig(base({}))).toEqual([]);
    expect(fields(validateProviderConfig(base({ baseUrl: "" })))).toEqual(["baseUrl"]);
    expect(fields(validateProviderConfig(base({ firstByteTimeoutMs: 90_000, totalTimeoutMs: 60_000 })))).toEqual(["firstByteTimeoutMs"]);
    expect(fields(validateProviderConfig(base({ headers: { host: "x" } })))).toEqual(["headers.host"]);
  });

  it("checks mock options", () => {
    const mock = (options: Record<string, unknown>) => providerFields.parse({ name: "m", type: "mock", options });
    expect(validateProviderConfig(mock({ latencyMs: 0, tokensPerSecond: 0, replyTokens: 32 }))).toEqual([]);
    expect(fields(validateProviderConfig(mock({ latencyMs: -1, replyTokens: "many" })))).toEqual(["options.latencyMs", "options.replyTokens"]);
  });

  it("the create schema refuses unknown fields such as encryptedKey", () => {
    const r = createProviderInput.safeParse({ name: "p", type: "mock", encryptedKey: "x" });
    expect(r.success).toBe(false);
  });
});
