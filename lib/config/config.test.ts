import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { configJsonSchema } from "./schema";
import { escapeDollars, interpolate, parseConfig, type Problem } from "./format";
import { diffFields } from "./plan";
import { renderPlan } from "./render";
import { apiStatePath } from "./validate";

describe("config file format", () => {
  it("the committed JSON Schema is the one the zod schema gives (run scripts/config-schema.ts)", () => {
    const committed = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../config/portico.schema.json"), "utf8"));
    expect(committed).toEqual(JSON.parse(JSON.stringify(configJsonSchema())));
  });

  it("interpolates ${VAR} everywhere but in secret fields, reports missing ones by path, and $${ stays literal", () => {
    const problems: Problem[] = [];
    const out = interpolate({ providers: [{ baseUrl: "https://${HOST}/v1", apiKey: "${KEY}", headers: { x: "$${NOT}" } }, { baseUrl: "${MISSING}" }] }, { HOST: "api.example.com" }, problems);
    expect(out).toEqual({ providers: [{ baseUrl: "https://api.example.com/v1", apiKey: "${KEY}", headers: { x: "${NOT}" } }, { baseUrl: "${MISSING}" }] });
    expect(problems).toEqual([{ path: "providers[1].baseUrl", message: "environment variable MISSING is not set" }]);
    expect(escapeDollars({ a: "cost ${x}", apiKey: "${KEY}" })).toEqual({ a: "cost $${x}", apiKey: "${KEY}" });
  });

  it("parses JSON as well as YAML, with defaults filled", () => {
    const r = parseConfig(JSON.stringify({ routes: [{ alias: "a", targets: [{ provider: "p", model: "m" }] }] }), {});
    expect(r.problems).toEqual([]);
    expect(r.config!.routes![0]).toMatchObject({ strategy: "single", enabled: true, retry: { attemptsPerTarget: 2 } });
    expect(parseConfig("- just a list", {}).problems[0]!.message).toContain("mapping");
  });

  it("diffs leaf fields of nested objects and whole arrays", () => {
    expect(diffFields({ a: 1, r: { x: 1, y: 2 }, t: [1, 2], s: "k" }, { a: 1, r: { x: 1, y: 3 }, t: [1], s: "k" }, new Set(["s"]))).toEqual([
      { field: "r.y", before: 2, after: 3 },
      { field: "t", before: [1, 2], after: [1] },
    ]);
    expect(diffFields({ h: { b: "1", a: "2" } }, { h: { a: "2", b: "1" } })).toEqual([]);
  });

  it("finds the API state moves between two states, or none", () => {
    expect(apiStatePath("draft", "deprecated")).toEqual(["published", "deprecated"]);
    expect(apiStatePath("draft", "draft")).toEqual([]);
    expect(apiStatePath("retired", "published")).toBeNull();
  });

  it("renders a plan as a readable diff", () => {
    const text = renderPlan({
      prune: true,
      summary: { create: 1, update: 1, delete: 1 },
      changes: [
        { op: "create", kind: "route", name: "fast", fields: [] },
        { op: "update", kind: "alert_rule", name: "errors", fields: [{ field: "threshold", before: 5, after: 10 }] },
        { op: "delete", kind: "api", name: "old", fields: [] },
      ],
    });
    expect(text).toBe("Plan: 1 to create, 1 to update, 1 to delete (prune).\n\n+ route fast\n~ alert rule errors\n    threshold: 5 → 10\n- api old\n");
  });
});

describe("documentation", () => {
  it("docs/config-as-code.md shows the example file as it is (the one the tests apply)", () => {
    const md = fs.readFileSync(path.resolve(__dirname, "../../docs/config-as-code.md"), "utf8");
    const example = fs.readFileSync(path.resolve(__dirname, "../../docs/examples/portico.yaml"), "utf8");
    const block = md.split("## A complete example")[1]!.split("```yaml\n")[1]!.split("```\n")[0];
    expect(block).toBe(example);
  });
});
