import { describe, it, expect } from "vitest";
import { Validator } from "@seriousme/openapi-schema-validator";
import { adminOpenApi } from "@/lib/api/openapi";
import { promptOpenApi, combinedOpenApi } from "@/lib/prompts/openapi";
import type { PromptSpec } from "@/lib/db/schema/prompts";

/** Every OpenAPI document Portico serves passes the official OpenAPI 3.1 JSON Schema. */
async function validate(doc: unknown): Promise<{ valid: boolean; errors: unknown }> {
  const v = new Validator();
  const res = await v.validate(JSON.parse(JSON.stringify(doc)) as Parameters<Validator["validate"]>[0]);
  return { valid: res.valid, errors: res.errors };
}

const spec: PromptSpec = {
  routeAlias: "gpt",
  params: {},
  systemPrompt: "You summarise.",
  userTemplate: "Summarise {{ticket}} in {{lang}} with at most {{words}} words. Urgent: {{urgent}}",
  variables: [
    { name: "ticket", type: "string", required: true, maxLength: 4000, description: "The ticket text" },
    { name: "lang", type: "enum", required: false, default: "en", enumValues: ["en", "fr"] },
    { name: "words", type: "number", required: false },
    { name: "urgent", type: "boolean", required: false },
  ],
  outputMode: "json",
  outputSchema: {
    type: "object",
    properties: { summary: { type: "string" }, tags: { type: "array", items: { type: "string" } } },
    required: ["summary"],
    additionalProperties: false,
  },
  streaming: true,
};

describe("OpenAPI documents validate against the OpenAPI 3.1 schema", () => {
  it("the admin API document", async () => {
    const r = await validate(adminOpenApi("http://localhost:3000"));
    expect(r.errors).toBeFalsy();
    expect(r.valid).toBe(true);
  });

  it("a prompt API's document (JSON output) and a text-mode one", async () => {
    const json = await validate(promptOpenApi({ slug: "summarize-ticket", name: "Summarize ticket", description: "d", version: 2, spec }, "http://localhost:3000/v1"));
    expect(json.errors).toBeFalsy();
    expect(json.valid).toBe(true);
    const text = await validate(
      promptOpenApi({ slug: "sentiment", name: "Sentiment", description: "", version: 1, spec: { ...spec, outputMode: "text", outputSchema: null, streaming: false } }, "http://localhost:3000/v1"),
    );
    expect(text.errors).toBeFalsy();
    expect(text.valid).toBe(true);
  });

  it("the combined /v1/openapi.json document", async () => {
    const doc = combinedOpenApi(
      { prompts: [{ slug: "summarize-ticket", name: "Summarize ticket", description: "d", version: 2, spec }], llmAliases: ["mock-chat"] },
      "http://localhost:3000/v1",
    );
    const r = await validate(doc);
    expect(r.errors).toBeFalsy();
    expect(r.valid).toBe(true);
  });

  it("the validator is not a rubber stamp", async () => {
    const r = await validate({ openapi: "3.1.0", info: { title: "x" }, paths: { "/a": { get: { responses: { nope: {} } } } } });
    expect(r.valid).toBe(false);
  });
});
