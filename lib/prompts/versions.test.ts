import { describe, expect, it } from "vitest";
import { selectVersion } from "./versions";
import { diffSpecs, lineDiff } from "./diff";
import type { PromptSpec } from "@/lib/db/schema/prompts";

describe("selectVersion", () => {
  it("serves the current version without a header", () => {
    expect(selectVersion(undefined, 2, [1, 2, 3])).toEqual({ ok: true, version: 2, pinned: false });
    expect(selectVersion("  ", 2, [1, 2, 3])).toEqual({ ok: true, version: 2, pinned: false });
  });
  it("pins a published version by header", () => {
    expect(selectVersion("1", 2, [1, 2, 3])).toEqual({ ok: true, version: 1, pinned: true });
    expect(selectVersion(" 3 ", 2, [1, 2, 3])).toEqual({ ok: true, version: 3, pinned: true });
  });
  it("unknown version → 404, malformed → 400, unpublished → 404", () => {
    const r = selectVersion("9", 2, [1, 2]);
    expect(!r.ok && [r.status, r.code]).toEqual([404, "prompt_version_not_found"]);
    expect(!r.ok && r.message).toContain("1, 2");
    for (const h of ["0", "-1", "1.5", "v2", "abc"]) expect(selectVersion(h, 2, [1, 2])).toMatchObject({ ok: false, status: 400 });
    expect(selectVersion(undefined, null, [])).toMatchObject({ ok: false, status: 404, code: "prompt_not_published" });
  });
});

describe("diff", () => {
  it("line diff keeps common lines and marks changes", () => {
    expect(lineDiff("a\nb\nc", "a\nB\nc\nd")).toEqual([
      { op: "same", text: "a" },
      { op: "del", text: "b" },
      { op: "add", text: "B" },
      { op: "same", text: "c" },
      { op: "add", text: "d" },
    ]);
    expect(lineDiff("", "x")).toEqual([{ op: "add", text: "x" }]);
    expect(lineDiff("same", "same")).toEqual([{ op: "same", text: "same" }]);
    expect(lineDiff("x\n\ny", "x\ny")).toEqual([
      { op: "same", text: "x" },
      { op: "del", text: "" },
      { op: "same", text: "y" },
    ]);
    // Versions that share nothing and are huge: delete-all/add-all instead of an unbounded search.
    const big = (p: string) => Array.from({ length: 3000 }, (_, i) => `${p}${i}`).join("\n");
    const d = lineDiff(big("a"), big("b"));
    expect(d.filter((l) => l.op === "del")).toHaveLength(3000);
    expect(d.filter((l) => l.op === "add")).toHaveLength(3000);
  });
  it("field diff of params, variables, output and route", () => {
    const a: PromptSpec = { routeAlias: "r1", params: { temperature: 0.2 }, systemPrompt: "S", userTemplate: "U {{x}}", variables: [{ name: "x", type: "string", required: true }], outputMode: "text", outputSchema: null, streaming: false };
    const b: PromptSpec = { ...a, routeAlias: "r2", params: { temperature: 0.2, max_tokens: 100 }, variables: [{ name: "x", type: "string", required: false }], streaming: true };
    const d = diffSpecs(a, b);
    expect(d.fields.map((f) => f.field)).toEqual(["routeAlias", "streaming", "params.max_tokens", "variables.x"]);
    expect(d.changed).toBe(true);
    expect(diffSpecs(a, { ...a }).changed).toBe(false);
  });
});
