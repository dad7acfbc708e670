import { describe, expect, it } from "vitest";
import { argumentsOf, fieldsOf, mcpJsonSnippet, typescriptSnippet } from "./schema-form";

const schema = {
  type: "object",
  properties: {
    text: { type: "string", description: "What to echo" },
    n: { type: "integer" },
    ratio: { type: "number" },
    loud: { type: "boolean" },
    mode: { type: "string", enum: ["a", "b"] },
    tags: { type: "array", items: { type: "string" } },
  },
  required: ["text", "n"],
};

describe("fieldsOf", () => {
  it("makes one field per top-level property by type", () => {
    expect(fieldsOf(schema).map((f) => [f.name, f.kind, f.required])).toEqual([
      ["text", "string", true],
      ["n", "integer", true],
      ["ratio", "number", false],
      ["loud", "boolean", false],
      ["mode", "enum", false],
      ["tags", "json", false],
    ]);
    expect(fieldsOf({})).toEqual([]);
  });
});

describe("argumentsOf", () => {
  const fields = fieldsOf(schema);
  it("coerces by kind and leaves out empty optional fields", () => {
    expect(argumentsOf(fields, { text: "hi", n: "3", ratio: "", loud: true, mode: "b", tags: '["x"]' })).toEqual({ text: "hi", n: 3, loud: true, mode: "b", tags: ["x"] });
  });
  it("says what is wrong", () => {
    expect(() => argumentsOf(fields, { text: "", n: "1" })).toThrow("'text' is required.");
    expect(() => argumentsOf(fields, { text: "x", n: "1.5" })).toThrow("'n' must be an integer.");
    expect(() => argumentsOf(fields, { text: "x", n: "1", tags: "[" })).toThrow("'tags' must be JSON.");
  });
});

describe("snippets", () => {
  it("an mcp.json entry with the URL and the key header, never a key", () => {
    const j = JSON.parse(mcpJsonSnippet("tools", "https://portico.example/mcp/tools"));
    expect(j.mcpServers.tools).toEqual({ type: "http", url: "https://portico.example/mcp/tools", headers: { Authorization: "Bearer ${PORTICO_API_KEY}" } });
    expect(typescriptSnippet("https://p/mcp/t", "echo", { text: "hi" })).toContain('client.callTool({ name: "echo", arguments: {"text":"hi"} })');
  });
});
