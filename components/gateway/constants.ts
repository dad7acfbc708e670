import type { CSSProperties } from "react";
import type { ProviderType, RetryPolicy, RouteStrategy } from "./types";
import { fmtCount, fmtUsd } from "@/components/ui/numbers";

/** Query keys of the gateway pages (mutations invalidate these and the audit list). */
export const gk = {
  providers: ["admin", "gateway", "providers"] as const,
  breakers: ["admin", "gateway", "breakers"] as const,
  models: ["admin", "gateway", "models"] as const,
  routes: ["admin", "gateway", "routes"] as const,
  keys: ["admin", "gateway", "keys"] as const,
  logs: ["admin", "gateway", "logs"] as const,
  catalog: ["admin", "gateway", "catalog"] as const,
  teams: ["admin", "teams"] as const,
};

export const PROVIDER_TYPES: { value: ProviderType; label: string }[] = [
  { value: "openai", label: "OpenAI (and OpenAI-compatible)" },
  { value: "azure-openai", label: "Azure OpenAI" },
  { value: "anthropic", label: "Anthropic" },
  { value: "gemini", label: "Google Gemini" },
  { value: "bedrock", label: "AWS Bedrock" },
  { value: "vertex", label: "Google Vertex AI" },
  { value: "mock", label: "Mock (built-in, no network)" },
];

export function providerTypeLabel(t: ProviderType): string {
  return PROVIDER_TYPES.find((p) => p.value === t)?.label.replace(/ \(.*\)$/, "") ?? t;
}

/** Same values as lib/services/gateway-validation.ts DEFAULT_BASE_URLS (kept apart so the client bundle stays free of server code). */
export const DEFAULT_BASE_URLS: Record<ProviderType, string> = {
  openai: "https://api.openai.com/v1",
  "azure-openai": "https://<resource>.openai.azure.com",
  anthropic: "https://api.anthropic.com",
  gemini: "https://generativelanguage.googleapis.com",
  bedrock: "https://bedrock-runtime.<region>.amazonaws.com",
  vertex: "https://<location>-aiplatform.googleapis.com",
  mock: "",
};

export const API_VERSION_HINT: Partial<Record<ProviderType, { placeholder: string; hint: string }>> = {
  "azure-openai": { placeholder: "2024-10-21", hint: "The Azure OpenAI api-version query parameter." },
  anthropic: { placeholder: "2023-06-01", hint: "Overrides the anthropic-version header; leave blank for the default." },
};

export const STRATEGIES: { value: RouteStrategy; label: string; hint: string }[] = [
  { value: "single", label: "Single", hint: "One target." },
  { value: "fallback", label: "Fallback", hint: "Try targets in order; fall over on errors and timeouts." },
  { value: "weighted", label: "Weighted", hint: "Split traffic by weight; the others back it up." },
];

export const RETRY_DEFAULTS: RetryPolicy = {
  attemptsPerTarget: 2,
  backoffBaseMs: 250,
  backoffMaxMs: 4000,
  honorRetryAfter: true,
  retryAfterCapMs: 10000,
};

export const ALIAS_PATTERN = "[a-zA-Z0-9][a-zA-Z0-9._:/\\-]{0,99}";

/** Prices and costs: the shared format (components/ui/numbers.ts). */
export const formatUsd = (n: number | null | undefined): string => fmtUsd(n);
export const formatCost = (n: number): string => fmtUsd(n);
/** Context windows and token counts: the shared compact format (8.2k, 128k). */
export const formatTokens = (n: number | null | undefined): string => fmtCount(n);

/** Visually hidden text (inside a positioned scroll box such as .table-wrap, so it never widens the page). */
export const srOnly: CSSProperties = { position: "absolute", width: 1, height: 1, padding: 0, margin: -1, overflow: "hidden", clip: "rect(0 0 0 0)", whiteSpace: "nowrap", border: 0 };
