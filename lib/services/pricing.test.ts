import { describe, expect, it } from "vitest";
import { lookupPrice, normalizeModelId, PRICE_CATALOG } from "@/lib/pricing/catalog";
import { modelFields, prefillFromCatalog } from "./gateway-validation";

describe("lookupPrice", () => {
  it("finds exact ids", () => {
    expect(lookupPrice("gpt-4o-mini")).toMatchObject({ inputPerM: 0.15, outputPerM: 0.6, cachedInputPerM: 0.075 });
    expect(lookupPrice("gpt-4o")).toMatchObject({ inputPerM: 2.5, outputPerM: 10 });
    expect(lookupPrice("claude-sonnet-4-5")).toMatchObject({ inputPerM: 3, outputPerM: 15 });
    expect(lookupPrice("text-embedding-3-small")).toMatchObject({ kind: "embedding", inputPerM: 0.02 });
  });

  it("strips dated snapshots, vendor prefixes and case", () => {
    expect(lookupPrice("gpt-4.1-mini-2025-04-14")?.model).toBe("gpt-4.1-mini");
    expect(lookupPrice("claude-sonnet-4-5-20250929")?.model).toBe("claude-sonnet-4-5");
    expect(lookupPrice("claude-haiku-4-5@20251001")?.model).toBe("claude-haiku-4-5");
    expect(lookupPrice("claude-3-5-haiku-latest")?.model).toBe("claude-3-5-haiku");
    expect(lookupPrice("models/gemini-2.5-flash")?.model).toBe("gemini-2.5-flash");
    expect(lookupPrice("OpenAI/GPT-4o")?.model).toBe("gpt-4o");
    expect(lookupPrice("mistral-large-latest")?.model).toBe("mistral-large-latest");
  });

  it("does not confuse a model with its smaller sibling", () => {
    expect(lookupPrice("gpt-4.1-nano")?.model).toBe("gpt-4.1-nano");
    expect(lookupPrice("gemini-2.5-flash-lite")?.model).toBe("gemini-2.5-flash-lite");
    expect(lookupPrice("gpt-5-mini")?.model).toBe("gpt-5-mini");
  });

  it("returns null for unknown models (Azure deployment names, local models)", () => {
    expect(lookupPrice("my-prod-deployment")).toBeNull();
    expect(lookupPrice("llama3.1:8b")).toBeNull();
    expect(lookupPrice("")).toBeNull();
  });

  it("normalizes without losing the original spelling", () => {
    expect(normalizeModelId("gpt-4-0613")).toEqual(["gpt-4-0613", "gpt-4"]);
  });

  it("has one entry per id and sane numbers", () => {
    const ids = PRICE_CATALOG.map((e) => e.model);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of PRICE_CATALOG) {
      expect(e.inputPerM).toBeGreaterThanOrEqual(0);
      expect(e.outputPerM).toBeGreaterThanOrEqual(0);
      if (e.cachedInputPerM !== null) expect(e.cachedInputPerM).toBeLessThanOrEqual(e.inputPerM);
      if (e.kind === "chat") expect(e.outputPerM).toBeGreaterThan(0);
    }
  });
});

describe("prefillFromCatalog", () => {
  it("fills only what the admin left out", () => {
    const data = modelFields.parse({ providerId: "p", upstreamModel: "gpt-4o", outputPricePerM: 12 });
    const { values, prefilled } = prefillFromCatalog(data, lookupPrice(data.upstreamModel));
    expect(values).toMatchObject({ kind: "chat", inputPricePerM: 2.5, outputPricePerM: 12, cachedInputPricePerM: 1.25, contextWindow: 128_000 });
    expect(prefilled).not.toContain("outputPricePerM");
    expect(prefilled).toContain("inputPricePerM");
  });

  it("keeps an explicit 0 and null", () => {
    const data = modelFields.parse({ providerId: "p", upstreamModel: "gpt-4o", inputPricePerM: 0, cachedInputPricePerM: null });
    const { values } = prefillFromCatalog(data, lookupPrice(data.upstreamModel));
    expect(values.inputPricePerM).toBe(0);
    expect(values.cachedInputPricePerM).toBeNull();
  });

  it("uses neutral defaults for unknown models", () => {
    const data = modelFields.parse({ providerId: "p", upstreamModel: "my-deployment" });
    expect(prefillFromCatalog(data, null)).toEqual({
      values: { kind: "chat", contextWindow: null, maxOutputTokens: null, inputPricePerM: 0, outputPricePerM: 0, cachedInputPricePerM: null },
      prefilled: [],
    });
  });
});
