import { describe, expect, it } from "vitest";
import { boundedPromptTokens, boundedTokenCount } from "./token-estimate";
import { countTokens, estimatePromptTokens } from "./tokens";

describe("boundedTokenCount", () => {
  it("matches the tokenizer on ordinary text", () => {
    const s = "The quick brown fox jumps over the lazy dog. ".repeat(200);
    expect(boundedTokenCount(s)).toBe(countTokens(s));
    expect(boundedTokenCount("")).toBe(0);
  });

  it("stays fast on a long run without whitespace (the tokenizer alone is quadratic there)", () => {
    const t0 = performance.now();
    const n = boundedTokenCount("a".repeat(4 * 1024 * 1024));
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(n).toBeGreaterThan(100_000);
  });

  it("extrapolates beyond the sample, within a few percent on uniform text", () => {
    const s = "Portico routes every call to the right provider. ".repeat(40_000);
    const exact = countTokens(s);
    expect(Math.abs(boundedTokenCount(s) - exact) / exact).toBeLessThan(0.03);
  });

  it("a prompt estimate close to estimatePromptTokens", () => {
    const req = { model: "m", messages: [{ role: "system" as const, content: "Be terse." }, { role: "user" as const, content: "What is the capital of France?" }] };
    expect(Math.abs(boundedPromptTokens(req) - estimatePromptTokens(req))).toBeLessThanOrEqual(2);
  });
});

describe("countTokens (every caller-chosen text)", () => {
  it("is bounded too: a prompt of one long word costs milliseconds, not seconds", () => {
    const t0 = performance.now();
    estimatePromptTokens({ model: "m", messages: [{ role: "user", content: "x".repeat(256 * 1024) }] });
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});
