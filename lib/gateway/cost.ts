import type { Usage } from "@/lib/providers/types";
import type { ModelInfo } from "./snapshot";

/** USD cost of one call: cached prompt tokens at the cached price when the model has one. */
export function costUsd(m: Pick<ModelInfo, "inputPricePerM" | "outputPricePerM" | "cachedInputPricePerM">, u: Pick<Usage, "prompt_tokens" | "completion_tokens" | "prompt_tokens_details">): number {
  const cached = Math.min(u.prompt_tokens_details?.cached_tokens ?? 0, u.prompt_tokens);
  const cachedPrice = m.cachedInputPricePerM ?? m.inputPricePerM;
  const usd = ((u.prompt_tokens - cached) * m.inputPricePerM + cached * cachedPrice + u.completion_tokens * m.outputPricePerM) / 1_000_000;
  return Math.round(usd * 1e9) / 1e9;
}
