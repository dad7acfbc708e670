import { describe, expect, it } from "vitest";
import { boundedPromptTokens, boundedTokenCount } from "./token-estimate";
import { countTokens, estimatePromptTokens, reservePromptTokens } from "./tokens";

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

describe("reservePromptTokens (admission estimate without the tokenizer)", () => {
  const prose =
    "Our checkout service sometimes answers 502 behind the load balancer during deploys. The pods are healthy according to Kubernetes. " +
    "What should I look at first, and how do I confirm that keep-alive connections are the cause of the remaining errors?";
  const code = "function add(a: number, b: number): number {\n  return a + b;\n}\nconst xs = [1, 2, 3].map((x) => add(x, 1));\n".repeat(5);
  const json = JSON.stringify({ order: { id: "ord_123", items: [{ sku: "A-1", qty: 2 }, { sku: "B-7", qty: 1 }], total: 42.5 } }).repeat(5);
  const cjk = "负载均衡器在部署期间有时会返回五零二错误，容器看起来是健康的。我应该先检查什么？".repeat(3);
  // Dense JSON runs ~2.5 bytes a token: reserved low, and charged in full when the call is reconciled.
  for (const [name, text, within] of [["prose", prose, 0.25], ["code", code, 0.35], ["JSON", json, 0.45], ["CJK", cjk, 0.35]] as const) {
    it(`stays within ${within * 100}% of the tokenizer's count on ${name}`, () => {
      const req = { model: "m", messages: [{ role: "system" as const, content: "Be concise." }, { role: "user" as const, content: text }] };
      const exact = estimatePromptTokens(req);
      expect(Math.abs(reservePromptTokens(req) - exact) / exact).toBeLessThan(within);
    });
  }

  it("counts text parts, tool calls and tool definitions like estimatePromptTokens, and ignores images", () => {
    const args = JSON.stringify({ city: "Paris", unit: "celsius" });
    const req = {
      model: "m",
      messages: [
        { role: "user" as const, content: [{ type: "text" as const, text: "Weather?" }, { type: "image_url" as const, image_url: { url: `data:image/png;base64,${"A".repeat(100_000)}` } }] },
        { role: "assistant" as const, content: null, tool_calls: [{ id: "c1", type: "function" as const, function: { name: "get_weather", arguments: args } }] },
      ],
      tools: [{ type: "function" as const, function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }],
    };
    const n = reservePromptTokens(req);
    expect(n).toBeLessThan(100); // the 100 KB image is not text
    expect(Math.abs(n - estimatePromptTokens(req))).toBeLessThan(20);
  });

  it("never reserves less than the characters/4 that OpenAI-style providers bill for plain English", () => {
    const req = { model: "m", messages: [{ role: "user" as const, content: prose }] };
    expect(reservePromptTokens(req)).toBeGreaterThanOrEqual(Math.ceil(prose.length / 4));
  });
});
