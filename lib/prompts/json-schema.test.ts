import { describe, expect, it } from "vitest";
import { checkSchema, validateJson } from "./json-schema";
import { checkJsonOutput } from "./spec";

const schema = {
  type: "object",
  properties: {
    sentiment: { type: "string", enum: ["positive", "neutral", "negative"] },
    score: { type: "number", minimum: 0, maximum: 1 },
    tags: { type: "array", items: { type: "string", minLength: 2, maxLength: 10 }, minItems: 1, maxItems: 3 },
    meta: { $ref: "#/$defs/Meta" },
    n: { type: "integer" },
  },
  required: ["sentiment", "score"],
  additionalProperties: false,
  $defs: { Meta: { type: "object", properties: { lang: { type: "string" } }, required: ["lang"] } },
};

describe("validateJson", () => {
  it("accepts a valid document", () => {
    expect(validateJson(schema, { sentiment: "positive", score: 0.9, tags: ["ok"], meta: { lang: "en" }, n: 2 })).toEqual([]);
  });
  it("reports each violation with its path", () => {
    const issues = validateJson(schema, { sentiment: "angry", score: 2, tags: [], meta: {}, n: 1.5, extra: true });
    const paths = issues.map((i) => i.path).sort();
    expect(paths).toEqual(["", "/extra", "/meta", "/n", "/score", "/sentiment", "/tags"].sort().filter((p) => p !== ""));
    expect(issues.find((i) => i.path === "/meta")!.message).toContain('"lang"');
    expect(validateJson(schema, { score: 0 }).map((i) => i.message)).toEqual(['missing required property "sentiment"']);
    expect(validateJson(schema, [1])[0]!.message).toBe("expected object, got array");
    expect(validateJson({ type: "array", items: { type: "string", minLength: 2 } }, ["a"])[0]).toEqual({ path: "/0", message: "must have at least 2 characters" });
  });
  it("handles anyOf/oneOf/const/type arrays", () => {
    expect(validateJson({ anyOf: [{ type: "null" }, { type: "integer" }] }, null)).toEqual([]);
    expect(validateJson({ anyOf: [{ type: "null" }, { type: "integer" }] }, "x")).toHaveLength(1);
    expect(validateJson({ oneOf: [{ type: "number" }, { type: "integer" }] }, 1)).toHaveLength(1);
    expect(validateJson({ type: ["string", "null"] }, null)).toEqual([]);
    expect(validateJson({ const: "a" }, "b")).toHaveLength(1);
  });
});

describe("checkSchema (meta-check)", () => {
  it("accepts the supported subset", () => {
    expect(checkSchema(schema)).toEqual([]);
  });
  it("rejects bad types, bad keyword values, unresolved refs and unsupported keywords", () => {
    const issues = checkSchema({ type: "obj", properties: { a: { type: "string", minLength: -1 }, b: { $ref: "#/$defs/Nope" } }, required: "a", patternProperties: {} });
    expect(issues.map((i) => i.path).sort()).toEqual(["/patternProperties", "/properties/a/minLength", "/properties/b/$ref", "/required", "/type"]);
    expect(checkSchema([])).toHaveLength(1);
  });
});

describe("checkJsonOutput", () => {
  it("parses (also inside a code fence) and validates", () => {
    expect(checkJsonOutput(schema, '```json\n{"sentiment":"neutral","score":0.5}\n```')).toEqual({ ok: true, value: { sentiment: "neutral", score: 0.5 } });
    const bad = checkJsonOutput(schema, "Sure! Here it is");
    expect(!bad.ok && bad.message).toContain("not valid JSON");
    const invalid = checkJsonOutput(schema, '{"sentiment":"meh","score":0.5}');
    expect(!invalid.ok && invalid.message).toContain("/sentiment");
  });
});
