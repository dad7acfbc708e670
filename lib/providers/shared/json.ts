/**
 * JSON helpers for adapters: upstream bodies arrive as `unknown`, and we narrow
 * them field by field instead of trusting a cast — a proxy in front of a provider
 * can answer with anything.
 */

export type JsonObject = Record<string, unknown>;

/**
 * On a chunk an adapter passes through almost unchanged: the upstream's own JSON text with the
 * few changed fields already rewritten, so the OpenAI output writes it instead of serialising
 * the whole object again (lib/gateway/output.ts). JSON.stringify never sees a symbol key.
 */
export const RAW_JSON = Symbol.for("portico.rawJson");

export function isRecord(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** JSON.parse that returns undefined instead of throwing. */
export function safeJsonParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

export function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** Shallow copy without the given keys (used to drop provider-only fields). */
export function omit(obj: JsonObject, keys: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(obj)) if (!keys.includes(k)) out[k] = v;
  return out;
}
