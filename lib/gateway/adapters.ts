import type { HttpProviderAdapter, ProviderType } from "@/lib/providers/types";
import { openaiAdapter } from "@/lib/providers/openai";
import { azureOpenaiAdapter } from "@/lib/providers/azure-openai";
import { anthropicAdapter } from "@/lib/providers/anthropic";
import { geminiAdapter } from "@/lib/providers/gemini";

const HTTP: Record<Exclude<ProviderType, "mock">, HttpProviderAdapter> = {
  openai: openaiAdapter,
  "azure-openai": azureOpenaiAdapter,
  anthropic: anthropicAdapter,
  gemini: geminiAdapter,
};

export function httpAdapter(type: ProviderType): HttpProviderAdapter | null {
  return type === "mock" ? null : HTTP[type];
}
