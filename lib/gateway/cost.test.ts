import { describe, it, expect } from "vitest";
import { costUsd } from "./cost";

describe("cost", () => {
  const m = { inputPricePerM: 2.5, outputPricePerM: 10, cachedInputPricePerM: 1.25 };
  it("multiplies usage by per-million prices", () => {
    expect(costUsd(m, { prompt_tokens: 1_000_000, completion_tokens: 0 })).toBe(2.5);
    expect(costUsd(m, { prompt_tokens: 1000, completion_tokens: 500 })).toBeCloseTo(0.0025 + 0.005, 9);
  });
  it("bills cached prompt tokens at the cached price, or the input price when the model has none", () => {
    expect(costUsd(m, { prompt_tokens: 1000, completion_tokens: 0, prompt_tokens_details: { cached_tokens: 400 } })).toBeCloseTo((600 * 2.5 + 400 * 1.25) / 1e6, 12);
    expect(costUsd({ ...m, cachedInputPricePerM: null }, { prompt_tokens: 1000, completion_tokens: 0, prompt_tokens_details: { cached_tokens: 400 } })).toBeCloseTo(0.0025, 12);
  });
  it("never counts more cached tokens than prompt tokens, and free models cost 0", () => {
    expect(costUsd(m, { prompt_tokens: 10, completion_tokens: 0, prompt_tokens_details: { cached_tokens: 50 } })).toBeCloseTo((10 * 1.25) / 1e6, 12);
    expect(costUsd({ inputPricePerM: 0, outputPricePerM: 0, cachedInputPricePerM: null }, { prompt_tokens: 5, completion_tokens: 5 })).toBe(0);
  });
});
