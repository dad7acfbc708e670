/**
 * PII outside message text (docs/traffic-policy.md, "Guards"): `user`,
 * `metadata`, a message's `name`, tool descriptions and parameter schemas,
 * and tool-call arguments all reach the provider, so the prompt guard scans
 * every string it will see. Per field: redact mode → the upstream sees a
 * placeholder; block mode → 400 content_blocked naming the field, nothing
 * reaches the upstream.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway, type Wire } from "../support/gateway";

let gw: Gateway;
let svc: typeof import("@/lib/services/content-policies");

beforeAll(async () => {
  gw = await startGateway();
  svc = await import("@/lib/services/content-policies");
  for (const mode of ["redact", "block"] as const) {
    const r = await gw.routeTo(`pii-${mode}`, [{ type: "openai", upstreamModel: `pii-${mode}-up` }]);
    (await svc.upsertContentPolicy({ actor: gw.actor, input: { scopeType: "route", scopeId: r.id, promptMode: mode } }));
  }
  const e = await gw.routeTo("pii-embed-block", [{ type: "openai", upstreamModel: "pii-embed-up", kind: "embedding" }]);
  (await svc.upsertContentPolicy({ actor: gw.actor, input: { scopeType: "route", scopeId: e.id, promptMode: "block" } }));
});
afterAll(() => gw?.close());

const EMAIL = "jane.doe@example.com";
const base = (model: string) => ({ model, messages: [{ role: "user", content: "What is the weather?" }] });
const tool = (description: string, paramDescription = "A city") => ({
  type: "function",
  function: { name: "get_weather", description, parameters: { type: "object", properties: { city: { type: "string", description: paramDescription } }, required: ["city"] } },
});

/** One request per field, each carrying the email only there; `param` is what a block names. */
const CASES: { field: string; param: string; body: (model: string) => Record<string, unknown> }[] = [
  { field: "user", param: "user", body: (m) => ({ ...base(m), user: EMAIL }) },
  { field: "metadata", param: "metadata.contact", body: (m) => ({ ...base(m), metadata: { contact: `write to ${EMAIL}` } }) },
  { field: "message name", param: "messages[0].name", body: (m) => ({ model: m, messages: [{ role: "user", name: EMAIL, content: "hi" }] }) },
  { field: "tool description", param: "tools[0].function.description", body: (m) => ({ ...base(m), tools: [tool(`Also cc ${EMAIL}`)] }) },
  { field: "tool parameter description", param: "tools[0].function.parameters.properties.city.description", body: (m) => ({ ...base(m), tools: [tool("Weather", `e.g. ${EMAIL}`)] }) },
  {
    field: "tool-call arguments",
    param: "messages",
    body: (m) => ({
      model: m,
      messages: [
        { role: "user", content: "weather?" },
        { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "get_weather", arguments: JSON.stringify({ city: "Paris", notify: EMAIL }) } }] },
        { role: "tool", tool_call_id: "c1", content: "sunny" },
      ],
      tools: [tool("Weather")],
    }),
  },
];

describe("redact mode: the upstream never sees the value, whatever the field", () => {
  it.each(CASES)("$field", async ({ body }) => {
    const up = "pii-redact-up";
    const before = gw.requestsFor(up).length;
    const res = await gw.post("/v1/chat/completions", body("pii-redact"));
    expect(res.status, await res.clone().text()).toBe(200);
    const seen = gw.requestsFor(up);
    expect(seen).toHaveLength(before + 1);
    const sent = JSON.stringify(seen[seen.length - 1]!.body);
    expect(sent).not.toContain(EMAIL);
    expect(sent).toContain("[EMAIL_1]");
  });

  it("identifiers stay intact: the tool's name and a tool call's id are not rewritten", async () => {
    const res = await gw.post("/v1/chat/completions", CASES[5]!.body("pii-redact"));
    expect(res.status).toBe(200);
    const sent = gw.requestsFor("pii-redact-up").at(-1)!.body as Wire;
    expect(sent.tools[0].function.name).toBe("get_weather");
    expect(sent.messages[1].tool_calls[0]).toMatchObject({ id: "c1", function: { name: "get_weather" } });
    expect(JSON.parse(sent.messages[1].tool_calls[0].function.arguments)).toEqual({ city: "Paris", notify: "[EMAIL_1]" });
  });
});

describe("block mode: 400 content_blocked naming the field; nothing reaches the upstream", () => {
  it.each(CASES)("$field", async ({ body, param }) => {
    const res = await gw.post("/v1/chat/completions", body("pii-block"));
    const b = (await res.json()) as Wire;
    expect(res.status).toBe(400);
    expect(b.error.code).toBe("content_blocked");
    expect(b.error.param).toBe(param);
    expect(b.error.message).not.toContain(EMAIL);
    expect(gw.requestsFor("pii-block-up")).toHaveLength(0);
  });

  it("embeddings: an email in `user` is blocked too", async () => {
    const res = await gw.post("/v1/embeddings", { model: "pii-embed-block", input: "hello", user: EMAIL });
    const b = (await res.json()) as Wire;
    expect(res.status).toBe(400);
    expect(b.error).toMatchObject({ code: "content_blocked", param: "user" });
    expect(gw.requestsFor("pii-embed-up")).toHaveLength(0);
  });

  it("a clean request with all those fields passes", async () => {
    const res = await gw.post("/v1/chat/completions", { ...base("pii-block"), user: "user-42", metadata: { tier: "gold" }, tools: [tool("Weather for a city")] });
    expect(res.status).toBe(200);
  });
});
