/**
 * List prices of common models, USD per 1M tokens, standard (non-batch, non-priority)
 * tier, short-prompt band where a provider has two (Gemini 2.5 Pro ≤ 200k tokens).
 *
 * Checked on 2026-11-22 against the providers' pricing pages as mirrored by public
 * pages (OpenAI /api/docs/pricing, platform.claude.com/docs/en/about-claude/pricing,
 * ai.google.dev/gemini-api/docs/pricing, api-docs.deepseek.com/quick_start/pricing,
 * mistral.ai/pricing). Prices change: this table only pre-fills a new model's prices;
 * the admin can always edit them, and stored models are never re-priced silently.
 *
 * Pure data + lookup (its only import, the provider presets, is pure data too): safe for
 * the client bundle and for unit tests. The presets' own prices (Groq, Together, Bedrock …)
 * are merged in as VENDOR_PRICE_CATALOG, looked up per vendor first.
 */
import { PRESETS_CHECKED_AT, PROVIDER_PRESETS } from "@/lib/providers/catalog";

/** First-party vendors here; a provider preset id (groq, together, bedrock …) for merged vendor prices. */
export type CatalogVendor = "openai" | "anthropic" | "gemini" | "deepseek" | "mistral" | (string & {});

export interface CatalogEntry {
  /** the provider's model id as sent upstream */
  model: string;
  vendor: CatalogVendor;
  kind: "chat" | "embedding";
  inputPerM: number;
  outputPerM: number;
  /** prompt-cache read price; null when the vendor has no cached-input price */
  cachedInputPerM: number | null;
  contextWindow: number | null;
  maxOutputTokens: number | null;
  /** other ids that mean the same model (dotted spellings, vendor aliases) */
  aliases?: string[];
  note?: string;
}

export const CATALOG_CHECKED_AT = "2026-11-22";

const e = (
  model: string,
  vendor: CatalogVendor,
  kind: CatalogEntry["kind"],
  inputPerM: number,
  outputPerM: number,
  cachedInputPerM: number | null,
  contextWindow: number | null,
  maxOutputTokens: number | null,
  extra: Pick<CatalogEntry, "aliases" | "note"> = {},
): CatalogEntry => ({ model, vendor, kind, inputPerM, outputPerM, cachedInputPerM, contextWindow, maxOutputTokens, ...extra });

export const PRICE_CATALOG: readonly CatalogEntry[] = [
  // OpenAI — cached input is the automatic prompt-cache read price.
  e("gpt-5", "openai", "chat", 1.25, 10, 0.125, 400_000, 128_000),
  e("gpt-5-mini", "openai", "chat", 0.25, 2, 0.025, 400_000, 128_000),
  e("gpt-5-nano", "openai", "chat", 0.05, 0.4, 0.005, 400_000, 128_000),
  e("gpt-4.1", "openai", "chat", 2, 8, 0.5, 1_047_576, 32_768),
  e("gpt-4.1-mini", "openai", "chat", 0.4, 1.6, 0.1, 1_047_576, 32_768),
  e("gpt-4.1-nano", "openai", "chat", 0.1, 0.4, 0.025, 1_047_576, 32_768),
  e("gpt-4o", "openai", "chat", 2.5, 10, 1.25, 128_000, 16_384),
  e("gpt-4o-mini", "openai", "chat", 0.15, 0.6, 0.075, 128_000, 16_384),
  e("o3", "openai", "chat", 2, 8, 0.5, 200_000, 100_000, { note: "reasoning tokens are billed as output" }),
  e("o4-mini", "openai", "chat", 1.1, 4.4, 0.275, 200_000, 100_000, { note: "reasoning tokens are billed as output" }),
  e("text-embedding-3-small", "openai", "embedding", 0.02, 0, null, 8_191, null),
  e("text-embedding-3-large", "openai", "embedding", 0.13, 0, null, 8_191, null),
  e("text-embedding-ada-002", "openai", "embedding", 0.1, 0, null, 8_191, null),

  // Anthropic — cached input is the cache-hit price (0.1× input); cache writes cost more and are not modelled here.
  e("claude-opus-4-5", "anthropic", "chat", 5, 25, 0.5, 200_000, 64_000, { aliases: ["claude-opus-4.5"] }),
  e("claude-opus-4-1", "anthropic", "chat", 15, 75, 1.5, 200_000, 32_000, { aliases: ["claude-opus-4.1"] }),
  e("claude-opus-4-0", "anthropic", "chat", 15, 75, 1.5, 200_000, 32_000, { aliases: ["claude-opus-4"] }),
  e("claude-sonnet-4-5", "anthropic", "chat", 3, 15, 0.3, 200_000, 64_000, { aliases: ["claude-sonnet-4.5"] }),
  e("claude-sonnet-4-0", "anthropic", "chat", 3, 15, 0.3, 200_000, 64_000, { aliases: ["claude-sonnet-4"] }),
  e("claude-haiku-4-5", "anthropic", "chat", 1, 5, 0.1, 200_000, 64_000, { aliases: ["claude-haiku-4.5"] }),
  e("claude-3-5-haiku", "anthropic", "chat", 0.8, 4, 0.08, 200_000, 8_192, { aliases: ["claude-3.5-haiku"] }),

  // Google Gemini API — prompts ≤ 200k tokens; cached input is the context-cache read price (storage billed apart).
  e("gemini-2.5-pro", "gemini", "chat", 1.25, 10, 0.125, 1_048_576, 65_536, { note: "prompts > 200k tokens: $2.50 in / $15 out" }),
  e("gemini-2.5-flash", "gemini", "chat", 0.3, 2.5, 0.03, 1_048_576, 65_536),
  e("gemini-2.5-flash-lite", "gemini", "chat", 0.1, 0.4, 0.01, 1_048_576, 65_536),
  e("gemini-embedding-001", "gemini", "embedding", 0.15, 0, null, 2_048, null),
  e("text-embedding-004", "gemini", "embedding", 0, 0, null, 2_048, null, { note: "free of charge on the Gemini API" }),

  // DeepSeek (OpenAI-compatible; both endpoints currently serve DeepSeek-V3.2).
  e("deepseek-chat", "deepseek", "chat", 0.28, 0.42, 0.028, 128_000, 8_192),
  e("deepseek-reasoner", "deepseek", "chat", 0.28, 0.42, 0.028, 128_000, 65_536),

  // Mistral (OpenAI-compatible). -latest aliases follow Mistral's current releases.
  e("mistral-large-latest", "mistral", "chat", 0.5, 1.5, null, 256_000, null, { note: "Mistral Large 3" }),
  e("mistral-medium-latest", "mistral", "chat", 0.4, 2, null, 128_000, null),
  e("mistral-small-latest", "mistral", "chat", 0.1, 0.3, null, 128_000, null),
  e("mistral-embed", "mistral", "embedding", 0.1, 0, null, 8_192, null),
];

/**
 * Prices of the provider presets' own models (lib/providers/catalog.ts), one entry per
 * vendor and model. Self-hosted models (price 0) are left out: nothing to pre-fill.
 */
export const VENDOR_PRICE_CATALOG: readonly CatalogEntry[] = PROVIDER_PRESETS.flatMap((p) =>
  p.models
    .filter((pm) => pm.inputPerM !== undefined && (pm.inputPerM > 0 || (pm.outputPerM ?? 0) > 0))
    .map((pm) => e(pm.model, p.id, pm.kind, pm.inputPerM!, pm.outputPerM ?? 0, pm.cachedInputPerM ?? null, pm.contextWindow ?? null, pm.maxOutputTokens ?? null, pm.note ? { note: pm.note } : {})),
);
export const VENDOR_PRICES_CHECKED_AT = PRESETS_CHECKED_AT;

const byId = new Map<string, CatalogEntry>();
for (const entry of PRICE_CATALOG) {
  byId.set(entry.model, entry);
  for (const a of entry.aliases ?? []) byId.set(a, entry);
}
// Vendor prices answer ids the first-party catalog does not know; the first vendor listed wins.
const byVendor = new Map<string, Map<string, CatalogEntry>>();
for (const entry of VENDOR_PRICE_CATALOG) {
  let v = byVendor.get(entry.vendor);
  if (!v) byVendor.set(entry.vendor, (v = new Map()));
  v.set(entry.model.toLowerCase(), entry);
  for (const id of normalizeModelId(entry.model)) if (!byId.has(id)) byId.set(id, entry);
}

/**
 * Reduces a provider model id to the catalog's spelling:
 * lower case, no `vendor/` or `models/` prefix, no dated snapshot suffix
 * (`gpt-4o-2024-08-06`, `claude-sonnet-4-5-20250929`, `claude-haiku-4-5@20251001`),
 * no `-latest` (except where the catalog itself keys on it).
 */
export function normalizeModelId(id: string): string[] {
  let s = id.trim().toLowerCase();
  const slash = s.lastIndexOf("/");
  if (slash >= 0) s = s.slice(slash + 1);
  const out = [s];
  const undated = s
    .replace(/@.*$/, "")
    .replace(/-\d{4}-\d{2}-\d{2}$/, "")
    .replace(/-\d{8}$/, "")
    .replace(/-\d{4}$/, "");
  if (undated !== s) out.push(undated);
  if (undated.endsWith("-latest")) out.push(undated.slice(0, -"-latest".length));
  return out;
}

/**
 * The catalog entry for an upstream model id, or null when it is not a model we know.
 * With `vendor` (a preset id), that vendor's own price wins over another vendor's.
 */
export function lookupPrice(upstreamModel: string, vendor?: string): CatalogEntry | null {
  if (!upstreamModel) return null;
  const own = vendor ? byVendor.get(vendor)?.get(upstreamModel.trim().toLowerCase()) : undefined;
  if (own) return own;
  for (const candidate of normalizeModelId(upstreamModel)) {
    const hit = byId.get(candidate);
    if (hit) return hit;
  }
  return null;
}
