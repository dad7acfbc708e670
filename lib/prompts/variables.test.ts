import { describe, expect, it } from "vitest";
import type { PromptVariable } from "@/lib/db/schema/prompts";
import { declarationProblems, validateVariables } from "./variables";

const vars: PromptVariable[] = [
  { name: "ticket", type: "string", required: true, maxLength: 20 },
  { name: "count", type: "number", required: false, default: 3 },
  { name: "formal", type: "boolean", required: false },
  { name: "lang", type: "enum", required: true, enumValues: ["en", "fr"] },
];

describe("validateVariables", () => {
  it("accepts valid values and fills defaults", () => {
    const r = validateVariables(vars, { ticket: "broken", lang: "fr" });
    expect(r).toEqual({ ok: true, values: { ticket: "broken", count: 3, formal: "", lang: "fr" } });
  });

  it("lists every problem: unknown, missing, mistyped, too long, bad enum", () => {
    const r = validateVariables(vars, { ticket: "x".repeat(21), count: "3", formal: "yes", lang: "de", extra: 1 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const by = Object.fromEntries(r.problems.map((p) => [p.field, p.message]));
    expect(Object.keys(by).sort()).toEqual(["count", "extra", "formal", "lang", "ticket"]);
    expect(by.extra).toContain('Unknown variable "extra"');
    expect(by.ticket).toContain("21 characters");
    expect(by.count).toContain("must be a number, got string");
    expect(by.formal).toContain("must be a boolean");
    expect(by.lang).toContain('"en", "fr"');
  });

  it("reports missing required variables and non-object bodies", () => {
    const r = validateVariables(vars, {});
    expect(!r.ok && r.problems.map((p) => p.field)).toEqual(["ticket", "lang"]);
    const arr = validateVariables(vars, [1, 2]);
    expect(!arr.ok && arr.problems[0]!.field).toBe("(body)");
    expect(validateVariables(vars, { ticket: null, lang: "en" }).ok).toBe(false);
    expect(validateVariables(vars, { ticket: "a", lang: "en", count: Number.NaN }).ok).toBe(false);
  });
});

describe("declarationProblems", () => {
  it("rejects bad names, duplicates, empty enums, defaults of the wrong type", () => {
    const p = declarationProblems([
      { name: "1bad", type: "string", required: false },
      { name: "a", type: "string", required: false },
      { name: "a", type: "number", required: false },
      { name: "e", type: "enum", required: false, enumValues: [] },
      { name: "n", type: "number", required: false, default: "x" },
    ]);
    expect(p.map((x) => x.field)).toEqual(["variables.0.name", "variables.2.name", "variables.3.enumValues", "variables.4.default"]);
  });
});
