import type { HttpProviderAdapter, ProviderType } from "@/lib/providers/types";
import { openaiAdapter } from "@/lib/providers/openai";
import { azureOpenaiAdapter } from "@/lib/providers/azure-openai";
import { anthropicAdapter } from "@/lib/providers/anthropic";
import { geminiAdapter } from "@/lib/providers/gemini";
import { bedrockAdapter } from "@/lib/providers/bedrock";
import { vertexAdapter } from "@/lib/providers/vertex";

const HTTP: Record<Exclude<ProviderType, "mock">, HttpProviderAdapter> = {
  openai: openaiAdapter,
  "azure-openai": azureOpenaiAdapter,
  anthropic: anthropicAdapter,
  gemini: geminiAdapter,
  bedrock: bedrockAdapter,
  vertex: vertexAdapter,
};

export function httpAdapter(type: ProviderType): HttpProviderAdapter | null {
  return type === "mock" ? null : HTTP[type];
}
