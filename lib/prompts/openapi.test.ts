import { describe, expect, it } from "vitest";
import type { PromptSpec } from "@/lib/db/schema/prompts";
import { checkOpenApi, combinedOpenApi, componentName, promptOpenApi, requestSchema } from "./openapi";
import { checkSchema, validateJson } from "./json-schema";

const spec: PromptSpec = {
  routeAlias: "gpt",
  params: {},
  systemPrompt: "",
  userTemplate: "{{text}} {{lang}} {{n}} {{flag}}",
  variables: [
    { name: "text", type: "string", required: true, maxLength: 200, description: "Input" },
    { name: "lang", type: "enum", required: false, default: "fr", enumValues: ["fr", "de"] },
    { name: "n", type: "number", required: false },
    { name: "flag", type: "boolean", required: false },
  ],
  outputMode: "json",
  outputSchema: {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    properties: { items: { type: "array", items: { $ref: "#/$defs/Item" } } },
    required: ["items"],
    $defs: { Item: { type: "object", properties: { name: { type: "string" } }, required: ["name"] } },
  },
  streaming: true,
};

describe("OpenAPI documents", () => {
  it("request schema mirrors the variables and validates bodies like the endpoint", () => {
    const rs = requestSchema(spec.variables);
    expect(rs).toEqual({
      type: "object",
      properties: {
        text: { type: "string", maxLength: 200, description: "Input" },
        lang: { type: "string", enum: ["fr", "de"], default: "fr" },
        n: { type: "number" },
        flag: { type: "boolean" },
      },
      required: ["text"],
      additionalProperties: false,
    });
    expect(checkSchema(rs)).toEqual([]);
    expect(validateJson(rs, { text: "x", lang: "de" })).toEqual([]);
    expect(validateJson(rs, { lang: "es", extra: 1 })).toHaveLength(3);
  });

  it("per-API document: valid, with the output schema's $defs refs rewritten to resolve in the document", () => {
    const doc = promptOpenApi({ slug: "extract-items", name: "Extract items", description: "d", version: 3, spec }, "https://gw.example/v1");
    expect(checkOpenApi(doc)).toEqual([]);
    expect(componentName("extract-items")).toBe("ExtractItems");
    const out = doc.components.schemas.ExtractItemsOutput as Record<string, unknown>;
    expect(JSON.stringify(out)).toContain('"$ref":"#/components/schemas/ExtractItemsOutput/$defs/Item"');
    expect(out.$schema).toBeUndefined();
    const op = doc.paths["/apis/extract-items"]!.post as Record<string, Record<string, Record<string, Record<string, unknown>>>>;
    expect(Object.keys(op.responses!["200"]!.content!)).toEqual(["application/json", "text/event-stream"]);
  });

  it("combined document: several prompt APIs + llm endpoints, unique operationIds", () => {
    const doc = combinedOpenApi(
      {
        prompts: [
          { slug: "a", name: "A", description: "", version: 1, spec: { ...spec, outputMode: "text", outputSchema: null, streaming: false } },
          { slug: "b-c", name: "B", description: "", version: 2, spec },
        ],
        llmAliases: ["gpt", "claude"],
      },
      "/v1",
    );
    expect(Object.keys(doc.paths).sort()).toEqual(["/apis/a", "/apis/b-c", "/chat/completions", "/embeddings", "/models", "/responses"]);
    expect(checkOpenApi(doc)).toEqual([]);
    expect(combinedOpenApi({ prompts: [], llmAliases: [] }, "/v1").paths).toEqual({});
  });

  it("the structural checker catches what it claims to check", () => {
    const bad = {
      openapi: "3.0.0",
      info: { title: "" },
      security: [{ nope: [] }],
      paths: {
        "x/{id}": { get: { operationId: "dup", responses: { "200": {} } }, post: { operationId: "dup", parameters: [{ name: "q", in: "body", schema: { type: "str" } }], responses: {} } },
      },
      components: { schemas: { "bad name": { type: "object" }, Ref: { $ref: "#/components/schemas/Missing" } }, securitySchemes: { k: { type: "magic" } } },
    };
    const paths = checkOpenApi(bad).map((i) => i.path);
    for (const p of [
      "/openapi",
      "/info/title",
      "/info/version",
      "/security/0/nope",
      "/paths/x~1{id}",
      "/paths/x~1{id}/get",
      "/paths/x~1{id}/get/responses/200/description",
      "/paths/x~1{id}/post/operationId",
      "/paths/x~1{id}/post/parameters/0/in",
      "/paths/x~1{id}/post/parameters/0/schema/type",
      "/paths/x~1{id}/post/responses",
      "/components/schemas/bad name",
      "/components/schemas/Ref/$ref",
      "/components/securitySchemes/k/type",
    ]) {
      expect(paths, p).toContain(p);
    }
  });
});
