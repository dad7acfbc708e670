import { describe, expect, it } from "vitest";
import { lookupPrice, PRICE_CATALOG, VENDOR_PRICE_CATALOG } from "@/lib/pricing/catalog";
import { presetView } from "@/lib/services/provider-presets";
import { PROVIDER_PRESETS, type PresetType } from "./catalog";

const TYPES: PresetType[] = ["openai", "azure-openai", "anthropic", "gemini", "bedrock", "vertex"];
const LOCAL = new Set(["ollama", "vllm", "lm-studio", "localai"]);

describe("provider catalog", () => {
  it("offers at least 25 vendors with unique ids and names", () => {
    expect(PROVIDER_PRESETS.length).toBeGreaterThanOrEqual(25);
    const ids = PROVIDER_PRESETS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(PROVIDER_PRESETS.map((p) => p.name)).size).toBe(ids.length);
    for (const id of ["openai", "azure-openai", "azure-ai-foundry", "anthropic", "gemini", "vertex", "bedrock", "openrouter", "groq", "together", "fireworks", "deepseek", "mistral", "xai", "perplexity", "cerebras", "cohere", "deepinfra", "novita", "hyperbolic", "sambanova", "nebius", "moonshot", "ollama", "vllm", "lm-studio", "localai"]) {
      expect(ids, id).toContain(id);
    }
  });

  it("has a valid type, base URL and docs URL for every preset", () => {
    for (const p of PROVIDER_PRESETS) {
      expect(TYPES, p.id).toContain(p.type);
      if (p.type === "bedrock" || p.type === "vertex") {
        expect(p.baseUrl, p.id).toBe(""); // derived from region / location
      } else {
        const u = new URL(p.baseUrl.replace(/<[a-z-]+>/g, "x"));
        expect(["https:", "http:"], p.id).toContain(u.protocol);
        // Plain http only for servers on this machine.
        if (u.protocol === "http:") expect(u.hostname, p.id).toBe("localhost");
        expect(u.search + u.hash, p.id).toBe("");
        expect(p.baseUrl.endsWith("/"), p.id).toBe(false);
      }
      expect(new URL(p.docsUrl).protocol, p.id).toBe("https:");
      expect(p.keyRequired, p.id).toBe(!LOCAL.has(p.id));
    }
  });

  it("prices every model: inline, or through the first-party catalog; only self-hosted ones are free", () => {
    let priced = 0;
    for (const p of PROVIDER_PRESETS) {
      expect(p.models.length, p.id).toBeGreaterThan(0);
      const ids = p.models.map((x) => x.model);
      expect(new Set(ids).size, p.id).toBe(ids.length);
      for (const pm of p.models) {
        if (pm.inputPerM === undefined) expect(lookupPrice(pm.model), `${p.id}/${pm.model}`).not.toBeNull();
      }
      for (const v of presetView(p).models) {
        if (LOCAL.has(p.id)) {
          expect(v.inputPerM + v.outputPerM, `${p.id}/${v.model}`).toBe(0);
          continue;
        }
        priced++;
        expect(v.inputPerM, `${p.id}/${v.model}`).toBeGreaterThan(0);
        if (v.kind === "chat") expect(v.outputPerM, `${p.id}/${v.model}`).toBeGreaterThan(0);
        if (v.cachedInputPerM !== null) expect(v.cachedInputPerM).toBeLessThanOrEqual(v.inputPerM);
        expect(v.inputPerM).toBeLessThan(100);
      }
    }
    // The README states this number; update both together.
    expect(priced).toBe(PRICED_MODELS);
    expect(PRICE_CATALOG.length + VENDOR_PRICE_CATALOG.length).toBe(PRICE_CATALOG_SIZE);
  });

  it("merges the vendor prices into the price catalog, looked up per vendor first", () => {
    expect(VENDOR_PRICE_CATALOG.find((e) => e.vendor === "groq" && e.model === "llama-3.3-70b-versatile")).toMatchObject({ inputPerM: 0.59, outputPerM: 0.79 });
    expect(lookupPrice("openai/gpt-oss-120b", "groq")).toMatchObject({ vendor: "groq", inputPerM: 0.15, outputPerM: 0.75 });
    expect(lookupPrice("openai/gpt-oss-120b", "together")).toMatchObject({ vendor: "together", outputPerM: 0.6 });
    expect(lookupPrice("us.anthropic.claude-haiku-4-5-20251001-v1:0")).toMatchObject({ vendor: "bedrock", inputPerM: 1 });
    // First-party prices are never shadowed by a vendor's.
    expect(lookupPrice("gpt-4o-mini")?.vendor).toBe("openai");
    const vendorKeys = VENDOR_PRICE_CATALOG.map((e) => `${e.vendor}/${e.model}`);
    expect(new Set(vendorKeys).size).toBe(vendorKeys.length);
    expect(PRICE_CATALOG.every((e) => !VENDOR_PRICE_CATALOG.includes(e))).toBe(true);
  });
});

/** How many models the catalog prices (presets, self-hosted excluded, refs included). */
const PRICED_MODELS = 120;
/** Entries of the price catalog: first-party models plus the vendors' own (README: "prices 111 models"). */
const PRICE_CATALOG_SIZE = 111;
