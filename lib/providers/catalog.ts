/**
 * Provider presets: vendors that speak the OpenAI wire format or one of Portico's
 * provider families, with where to call, how they authenticate, and the models
 * they are known for. "Add provider" offers them so an admin adds a vendor and
 * its models in one step (lib/services/provider-presets.ts).
 *
 * Prices: USD per 1M tokens, standard tier, as listed on the vendors' pricing
 * pages around PRESETS_CHECKED_AT. Models of the first-party vendors (OpenAI,
 * Anthropic, Google, DeepSeek, Mistral) carry no price here: they are priced by
 * lib/pricing/catalog.ts, which also merges every price below into the price
 * catalog. Prices change — these pre-fill new models, the admin can edit them,
 * and stored models are never re-priced silently. Self-hosted servers (Ollama,
 * vLLM, LM Studio, LocalAI) cost nothing per token.
 *
 * Pure data: no imports, safe for the client bundle.
 */

export type PresetType = "openai" | "azure-openai" | "anthropic" | "gemini" | "bedrock" | "vertex";
export type PresetAuth = "bearer" | "api-key" | "x-api-key" | "x-goog-api-key" | "aws" | "google-service-account" | "none";

export interface PresetModel {
  /** the id sent upstream */
  model: string;
  kind: "chat" | "embedding";
  /** absent: priced by the first-party price catalog under the same id */
  inputPerM?: number;
  outputPerM?: number;
  cachedInputPerM?: number | null;
  contextWindow?: number | null;
  maxOutputTokens?: number | null;
  note?: string;
}

export interface ProviderPreset {
  /** stable id, also the price catalog's vendor name */
  id: string;
  name: string;
  type: PresetType;
  /** may hold a <placeholder> the admin must replace (Azure resource names) */
  baseUrl: string;
  auth: PresetAuth;
  /** false for local servers that take no key */
  keyRequired: boolean;
  apiVersion?: string;
  options?: Record<string, unknown>;
  /** where the admin gets a key / reads the API reference */
  docsUrl: string;
  models: PresetModel[];
  note?: string;
}

export const PRESETS_CHECKED_AT = "2026-11-22";

const m = (model: string, inputPerM: number, outputPerM: number, contextWindow: number | null = null, extra: Partial<PresetModel> = {}): PresetModel => ({
  model,
  kind: "chat",
  inputPerM,
  outputPerM,
  contextWindow,
  ...extra,
});
const emb = (model: string, inputPerM: number, contextWindow: number | null = null): PresetModel => ({ model, kind: "embedding", inputPerM, outputPerM: 0, contextWindow });
/** Priced by the first-party catalog. */
const ref = (model: string, kind: PresetModel["kind"] = "chat"): PresetModel => ({ model, kind });
/** Self-hosted: free per token. */
const local = (model: string, kind: PresetModel["kind"] = "chat"): PresetModel => ({ model, kind, inputPerM: 0, outputPerM: 0 });

export const PROVIDER_PRESETS: readonly ProviderPreset[] = [
  // ---------------------------------------------------------------- first-party families
  { id: "openai", name: "OpenAI", type: "openai", baseUrl: "https://api.openai.com/v1", auth: "bearer", keyRequired: true, docsUrl: "https://platform.openai.com/api-keys",
    models: [ref("gpt-5"), ref("gpt-5-mini"), ref("gpt-5-nano"), ref("gpt-4.1"), ref("gpt-4.1-mini"), ref("gpt-4o"), ref("gpt-4o-mini"), ref("o3"), ref("o4-mini"), ref("text-embedding-3-small", "embedding"), ref("text-embedding-3-large", "embedding")] },
  { id: "azure-openai", name: "Azure OpenAI", type: "azure-openai", baseUrl: "https://<resource>.openai.azure.com", auth: "api-key", keyRequired: true, apiVersion: "2024-10-21",
    docsUrl: "https://learn.microsoft.com/azure/ai-foundry/openai/reference", note: "Model ids are your deployment names; rename them if your deployments differ.",
    models: [ref("gpt-4.1"), ref("gpt-4.1-mini"), ref("gpt-4o"), ref("gpt-4o-mini"), ref("text-embedding-3-small", "embedding")] },
  { id: "azure-ai-foundry", name: "Azure AI Foundry", type: "azure-openai", baseUrl: "https://<resource>.services.ai.azure.com", auth: "api-key", keyRequired: true, apiVersion: "2024-10-21",
    docsUrl: "https://learn.microsoft.com/azure/ai-foundry/foundry-models/concepts/models", note: "Serverless Foundry models behind the Azure OpenAI deployments API; ids are deployment names.",
    models: [m("DeepSeek-R1", 1.35, 5.4, 128_000), m("DeepSeek-V3-0324", 1.14, 4.56, 128_000), m("Llama-3.3-70B-Instruct", 0.71, 0.71, 128_000), m("Phi-4", 0.125, 0.5, 16_384), m("Mistral-Large-2411", 2, 6, 128_000)] },
  { id: "anthropic", name: "Anthropic", type: "anthropic", baseUrl: "https://api.anthropic.com", auth: "x-api-key", keyRequired: true, docsUrl: "https://console.anthropic.com/settings/keys",
    models: [ref("claude-opus-4-5"), ref("claude-sonnet-4-5"), ref("claude-haiku-4-5"), ref("claude-opus-4-1"), ref("claude-3-5-haiku")] },
  { id: "gemini", name: "Google Gemini API", type: "gemini", baseUrl: "https://generativelanguage.googleapis.com", auth: "x-goog-api-key", keyRequired: true, docsUrl: "https://aistudio.google.com/apikey",
    models: [ref("gemini-2.5-pro"), ref("gemini-2.5-flash"), ref("gemini-2.5-flash-lite"), ref("gemini-embedding-001", "embedding")] },
  { id: "vertex", name: "Google Vertex AI", type: "vertex", baseUrl: "", auth: "google-service-account", keyRequired: true, options: { location: "us-central1" },
    docsUrl: "https://cloud.google.com/vertex-ai/docs/start/cloud-environment", note: "Paste a service-account key file; Claude models need a location where Anthropic serves them (us-east5, europe-west1, global).",
    models: [ref("gemini-2.5-pro"), ref("gemini-2.5-flash"), ref("gemini-2.5-flash-lite"), ref("claude-sonnet-4-5@20250929"), ref("claude-haiku-4-5@20251001"), emb("text-embedding-005", 0.1, 2_048)] },
  { id: "bedrock", name: "AWS Bedrock", type: "bedrock", baseUrl: "", auth: "aws", keyRequired: true, options: { region: "us-east-1", authMode: "iam" },
    docsUrl: "https://docs.aws.amazon.com/bedrock/latest/userguide/inference-prereq.html", note: "Claude models are called through cross-region inference profiles (us.…).",
    models: [
      m("us.anthropic.claude-sonnet-4-5-20250929-v1:0", 3, 15, 200_000, { cachedInputPerM: 0.3, maxOutputTokens: 64_000 }),
      m("us.anthropic.claude-haiku-4-5-20251001-v1:0", 1, 5, 200_000, { cachedInputPerM: 0.1, maxOutputTokens: 64_000 }),
      m("amazon.nova-pro-v1:0", 0.8, 3.2, 300_000),
      m("amazon.nova-lite-v1:0", 0.06, 0.24, 300_000),
      m("amazon.nova-micro-v1:0", 0.035, 0.14, 128_000),
      m("meta.llama3-3-70b-instruct-v1:0", 0.72, 0.72, 128_000),
      m("mistral.mistral-large-2407-v1:0", 2, 6, 128_000),
      emb("amazon.titan-embed-text-v2:0", 0.02, 8_192),
      emb("cohere.embed-english-v3", 0.1, 512),
      emb("cohere.embed-multilingual-v3", 0.1, 512),
    ] },
  { id: "deepseek", name: "DeepSeek", type: "openai", baseUrl: "https://api.deepseek.com/v1", auth: "bearer", keyRequired: true, docsUrl: "https://platform.deepseek.com/api_keys",
    models: [ref("deepseek-chat"), ref("deepseek-reasoner")] },
  { id: "mistral", name: "Mistral AI", type: "openai", baseUrl: "https://api.mistral.ai/v1", auth: "bearer", keyRequired: true, docsUrl: "https://console.mistral.ai/api-keys",
    models: [ref("mistral-large-latest"), ref("mistral-medium-latest"), ref("mistral-small-latest"), m("codestral-latest", 0.3, 0.9, 256_000), ref("mistral-embed", "embedding")] },

  // ---------------------------------------------------------------- OpenAI-compatible clouds
  { id: "openrouter", name: "OpenRouter", type: "openai", baseUrl: "https://openrouter.ai/api/v1", auth: "bearer", keyRequired: true, docsUrl: "https://openrouter.ai/settings/keys",
    note: "OpenRouter bills at the underlying provider's price.",
    models: [ref("openai/gpt-4o-mini"), ref("openai/gpt-4.1"), ref("anthropic/claude-sonnet-4.5"), ref("google/gemini-2.5-flash"), m("meta-llama/llama-3.3-70b-instruct", 0.13, 0.39, 131_072), m("qwen/qwen3-235b-a22b-2507", 0.08, 0.55, 262_144)] },
  { id: "groq", name: "Groq", type: "openai", baseUrl: "https://api.groq.com/openai/v1", auth: "bearer", keyRequired: true, docsUrl: "https://console.groq.com/keys",
    models: [m("llama-3.3-70b-versatile", 0.59, 0.79, 131_072, { maxOutputTokens: 32_768 }), m("llama-3.1-8b-instant", 0.05, 0.08, 131_072), m("openai/gpt-oss-120b", 0.15, 0.75, 131_072), m("openai/gpt-oss-20b", 0.075, 0.3, 131_072), m("qwen/qwen3-32b", 0.29, 0.59, 131_072), m("moonshotai/kimi-k2-instruct-0905", 1, 3, 262_144)] },
  { id: "together", name: "Together AI", type: "openai", baseUrl: "https://api.together.xyz/v1", auth: "bearer", keyRequired: true, docsUrl: "https://api.together.ai/settings/api-keys",
    models: [m("meta-llama/Llama-3.3-70B-Instruct-Turbo", 0.88, 0.88, 131_072), m("meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo", 0.18, 0.18, 131_072), m("deepseek-ai/DeepSeek-V3", 1.25, 1.25, 131_072), m("Qwen/Qwen2.5-72B-Instruct-Turbo", 1.2, 1.2, 32_768), m("openai/gpt-oss-120b", 0.15, 0.6, 131_072), emb("BAAI/bge-large-en-v1.5", 0.02, 512)] },
  { id: "fireworks", name: "Fireworks AI", type: "openai", baseUrl: "https://api.fireworks.ai/inference/v1", auth: "bearer", keyRequired: true, docsUrl: "https://fireworks.ai/account/api-keys",
    models: [m("accounts/fireworks/models/llama-v3p3-70b-instruct", 0.9, 0.9, 131_072), m("accounts/fireworks/models/deepseek-v3p1", 0.56, 1.68, 163_840), m("accounts/fireworks/models/qwen3-235b-a22b", 0.22, 0.88, 131_072), m("accounts/fireworks/models/gpt-oss-120b", 0.15, 0.6, 131_072), emb("nomic-ai/nomic-embed-text-v1.5", 0.008, 8_192)] },
  { id: "xai", name: "xAI", type: "openai", baseUrl: "https://api.x.ai/v1", auth: "bearer", keyRequired: true, docsUrl: "https://console.x.ai",
    models: [m("grok-4", 3, 15, 256_000, { cachedInputPerM: 0.75 }), m("grok-4-fast-non-reasoning", 0.2, 0.5, 2_000_000, { cachedInputPerM: 0.05 }), m("grok-3-mini", 0.3, 0.5, 131_072, { cachedInputPerM: 0.075 }), m("grok-code-fast-1", 0.2, 1.5, 256_000, { cachedInputPerM: 0.02 })] },
  { id: "perplexity", name: "Perplexity", type: "openai", baseUrl: "https://api.perplexity.ai", auth: "bearer", keyRequired: true, docsUrl: "https://www.perplexity.ai/settings/api",
    note: "Search requests also carry a per-request fee that token prices do not cover.",
    models: [m("sonar", 1, 1, 127_072), m("sonar-pro", 3, 15, 200_000), m("sonar-reasoning-pro", 2, 8, 127_072)] },
  { id: "cerebras", name: "Cerebras", type: "openai", baseUrl: "https://api.cerebras.ai/v1", auth: "bearer", keyRequired: true, docsUrl: "https://cloud.cerebras.ai",
    models: [m("llama3.1-8b", 0.1, 0.1, 32_768), m("llama-3.3-70b", 0.85, 1.2, 65_536), m("gpt-oss-120b", 0.35, 0.75, 65_536), m("qwen-3-32b", 0.4, 0.8, 65_536)] },
  { id: "cohere", name: "Cohere (compatibility API)", type: "openai", baseUrl: "https://api.cohere.ai/compatibility/v1", auth: "bearer", keyRequired: true, docsUrl: "https://dashboard.cohere.com/api-keys",
    models: [m("command-a-03-2025", 2.5, 10, 256_000), m("command-r-plus-08-2024", 2.5, 10, 128_000), m("command-r-08-2024", 0.15, 0.6, 128_000), m("command-r7b-12-2024", 0.0375, 0.15, 128_000), emb("embed-v4.0", 0.12, 128_000), emb("embed-english-v3.0", 0.1, 512)] },
  { id: "deepinfra", name: "DeepInfra", type: "openai", baseUrl: "https://api.deepinfra.com/v1/openai", auth: "bearer", keyRequired: true, docsUrl: "https://deepinfra.com/dash/api_keys",
    models: [m("meta-llama/Llama-3.3-70B-Instruct-Turbo", 0.13, 0.39, 131_072), m("meta-llama/Meta-Llama-3.1-8B-Instruct", 0.03, 0.05, 131_072), m("deepseek-ai/DeepSeek-V3", 0.38, 0.89, 163_840), emb("BAAI/bge-m3", 0.01, 8_192)] },
  { id: "novita", name: "Novita AI", type: "openai", baseUrl: "https://api.novita.ai/v3/openai", auth: "bearer", keyRequired: true, docsUrl: "https://novita.ai/settings/key-management",
    models: [m("meta-llama/llama-3.3-70b-instruct", 0.13, 0.39, 131_072), m("deepseek/deepseek-v3-0324", 0.28, 1.14, 163_840), m("qwen/qwen3-235b-a22b-fp8", 0.2, 0.8, 40_960)] },
  { id: "hyperbolic", name: "Hyperbolic", type: "openai", baseUrl: "https://api.hyperbolic.xyz/v1", auth: "bearer", keyRequired: true, docsUrl: "https://app.hyperbolic.xyz/settings",
    models: [m("meta-llama/Llama-3.3-70B-Instruct", 0.4, 0.4, 131_072), m("deepseek-ai/DeepSeek-V3", 0.25, 0.25, 131_072), m("Qwen/Qwen2.5-72B-Instruct", 0.4, 0.4, 131_072)] },
  { id: "sambanova", name: "SambaNova Cloud", type: "openai", baseUrl: "https://api.sambanova.ai/v1", auth: "bearer", keyRequired: true, docsUrl: "https://cloud.sambanova.ai/apis",
    models: [m("Meta-Llama-3.3-70B-Instruct", 0.6, 1.2, 131_072), m("Meta-Llama-3.1-8B-Instruct", 0.1, 0.2, 16_384), m("DeepSeek-V3-0324", 3, 4.5, 32_768), m("DeepSeek-R1", 5, 7, 32_768)] },
  { id: "nebius", name: "Nebius AI Studio", type: "openai", baseUrl: "https://api.studio.nebius.com/v1", auth: "bearer", keyRequired: true, docsUrl: "https://studio.nebius.com/settings/api-keys",
    models: [m("meta-llama/Llama-3.3-70B-Instruct", 0.13, 0.4, 131_072), m("deepseek-ai/DeepSeek-V3", 0.5, 1.5, 163_840), m("Qwen/Qwen3-235B-A22B", 0.2, 0.6, 40_960), emb("BAAI/bge-en-icl", 0.01, 32_768)] },
  { id: "moonshot", name: "Moonshot AI (Kimi)", type: "openai", baseUrl: "https://api.moonshot.ai/v1", auth: "bearer", keyRequired: true, docsUrl: "https://platform.moonshot.ai/console/api-keys",
    models: [m("kimi-k2-0905-preview", 0.6, 2.5, 262_144, { cachedInputPerM: 0.15 }), m("kimi-k2-turbo-preview", 1.15, 8, 262_144, { cachedInputPerM: 0.15 }), m("moonshot-v1-8k", 0.2, 2, 8_192)] },
  { id: "dashscope", name: "Alibaba Cloud Model Studio (Qwen)", type: "openai", baseUrl: "https://dashscope-intl.aliyuncs.com/compatible-mode/v1", auth: "bearer", keyRequired: true,
    docsUrl: "https://www.alibabacloud.com/help/en/model-studio/get-api-key", note: "International (Singapore) endpoint; prices of the smallest input tier.",
    models: [m("qwen-max", 1.6, 6.4, 32_768), m("qwen-plus", 0.4, 1.2, 131_072), m("qwen-flash", 0.05, 0.4, 1_000_000), emb("text-embedding-v3", 0.07, 8_192)] },
  { id: "zai", name: "Z.ai (GLM)", type: "openai", baseUrl: "https://api.z.ai/api/paas/v4", auth: "bearer", keyRequired: true, docsUrl: "https://z.ai/manage-apikey/apikey-list",
    models: [m("glm-4.6", 0.6, 2.2, 200_000, { cachedInputPerM: 0.11 }), m("glm-4.5-air", 0.2, 1.1, 128_000, { cachedInputPerM: 0.03 })] },

  // ---------------------------------------------------------------- self-hosted (OpenAI-compatible servers)
  { id: "ollama", name: "Ollama", type: "openai", baseUrl: "http://localhost:11434/v1", auth: "none", keyRequired: false, docsUrl: "https://github.com/ollama/ollama/blob/main/docs/openai.md",
    note: "Pull the models first (ollama pull llama3.2).", models: [local("llama3.2"), local("qwen2.5"), local("mistral"), local("nomic-embed-text", "embedding")] },
  { id: "vllm", name: "vLLM", type: "openai", baseUrl: "http://localhost:8000/v1", auth: "bearer", keyRequired: false, docsUrl: "https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html",
    note: "The model id is what vllm serve was started with; a key only when started with --api-key.", models: [local("meta-llama/Llama-3.1-8B-Instruct")] },
  { id: "lm-studio", name: "LM Studio", type: "openai", baseUrl: "http://localhost:1234/v1", auth: "none", keyRequired: false, docsUrl: "https://lmstudio.ai/docs/app/api/endpoints/openai",
    models: [local("qwen2.5-7b-instruct"), local("text-embedding-nomic-embed-text-v1.5", "embedding")] },
  { id: "localai", name: "LocalAI", type: "openai", baseUrl: "http://localhost:8080/v1", auth: "none", keyRequired: false, docsUrl: "https://localai.io/features/text-generation/",
    models: [local("gpt-4"), local("text-embedding-ada-002", "embedding")], note: "LocalAI's default model names mimic OpenAI's; they run locally at no per-token cost." },
];

export function findPreset(id: string): ProviderPreset | undefined {
  return PROVIDER_PRESETS.find((p) => p.id === id);
}
