/**
 * Response cache: exact match on the normalized request (docs/traffic-policy.md,
 * "Response cache"). Pure helpers: the key, the stored entry, and the replay of a
 * cached chat answer as stream chunks.
 */
import { createHash } from "node:crypto";
import type { ChatChunk, ChatRequest, ChatResponse, EmbeddingsRequest, EmbeddingsResponse, Usage } from "@/lib/providers/types";

/** Fields that do not change the answer: who asks, how it is delivered, client bookkeeping. */
const IGNORED_FIELDS = new Set(["model", "user", "stream", "stream_options", "metadata", "store", "service_tier", "safety_identifier", "prompt_cache_key"]);

/**
 * A JSON value with object keys sorted and null/undefined object members dropped
 * (absent and null mean the same to every API here); array order is kept.
 */
export function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : canonical(x)));
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as Record<string, unknown>).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x === null || x === undefined) continue;
      out[k] = canonical(x);
    }
    return out;
  }
  return v;
}

function params(req: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(req)) if (!IGNORED_FIELDS.has(k)) out[k] = v;
  return out;
}

function digest(x: unknown): string {
  return createHash("sha256").update(JSON.stringify(canonical(x))).digest("hex");
}

/**
 * sha256 of the team, the route alias and the request's parameters (messages,
 * tools, sampling, response format, ...), key order normalized; `user`, `stream`,
 * `stream_options` and `metadata` excluded. Scoped to the team: two teams never
 * share answers.
 */
export function chatCacheKey(teamId: string | null, routeAlias: string, req: ChatRequest, generation = 0): string {
  return `cache:chat:${digest({ v: 1, gen: generation, team: teamId ?? "", route: routeAlias, req: params(req) })}`;
}

export function embeddingsCacheKey(teamId: string | null, routeAlias: string, req: EmbeddingsRequest, generation = 0): string {
  return `cache:emb:${digest({ v: 1, gen: generation, team: teamId ?? "", route: routeAlias, req: params(req as unknown as Record<string, unknown>) })}`;
}

/**
 * A prompt-API call: sha256 of the team, the prompt API, the served version and the
 * validated variables (defaults applied, keys sorted). The version pins route and templates.
 */
export function promptCacheKey(teamId: string | null, apiId: string, version: number, values: Record<string, unknown>, generation = 0): string {
  return `cache:prompt:${digest({ v: 1, gen: generation, team: teamId ?? "", api: apiId, version, values })}`;
}

/** The fields of a prompt API's 200 body worth keeping (cost and request id are per call). */
export interface PromptAnswer {
  output: unknown;
  usage: Usage;
  version: number;
}

/** What a cache entry holds besides the answer: enough to log a hit like the original call. */
export interface CacheMeta {
  costUsd: number;
  tokensIn: number;
  tokensOut: number;
  tokensCached: number;
  providerId: string | null;
  providerType: string | null;
  providerName: string | null;
  modelId: string | null;
  upstreamModel: string | null;
  storedAt: number;
}

export type CacheEntry = ({ kind: "chat"; response: ChatResponse } | { kind: "embeddings"; response: EmbeddingsResponse } | { kind: "prompt"; response: PromptAnswer }) & {
  meta: CacheMeta;
};

export function parseEntry(raw: string | null): CacheEntry | null {
  if (!raw) return null;
  try {
    const e = JSON.parse(raw) as CacheEntry;
    return e && (e.kind === "chat" || e.kind === "embeddings" || e.kind === "prompt") && e.response && e.meta ? e : null;
  } catch {
    return null;
  }
}

/** What `Cache-Control` asks for: no-cache skips the lookup, no-store skips the write. */
export function cacheDirectives(header: string | undefined): { noCache: boolean; noStore: boolean } {
  const h = (header ?? "").toLowerCase();
  return { noCache: /(?:^|[\s,])no-cache(?:$|[\s,=])/.test(h), noStore: /(?:^|[\s,])no-store(?:$|[\s,])/.test(h) };
}

/** Splits text into stream-sized pieces at word boundaries (a replay should look like a stream). */
export function splitForStream(text: string, size = 24): string[] {
  const out: string[] = [];
  let cur = "";
  for (const w of text.split(/(?<=\s)/)) {
    if (cur && cur.length + w.length > size) {
      out.push(cur);
      cur = "";
    }
    cur += w;
  }
  if (cur) out.push(cur);
  return out;
}

/**
 * A cached chat answer as OpenAI chunks: role, content pieces, tool calls, the
 * finish reason, and (when asked for) a usage chunk.
 */
export function responseToChunks(r: ChatResponse, includeUsage: boolean): ChatChunk[] {
  const base = { id: r.id, object: "chat.completion.chunk" as const, created: r.created, model: r.model };
  const chunks: ChatChunk[] = [];
  for (const ch of r.choices) {
    chunks.push({ ...base, choices: [{ index: ch.index, delta: { role: "assistant", content: "" }, finish_reason: null }] });
    for (const piece of splitForStream(ch.message.content ?? "")) {
      chunks.push({ ...base, choices: [{ index: ch.index, delta: { content: piece }, finish_reason: null }] });
    }
    const calls = ch.message.tool_calls ?? [];
    if (calls.length) {
      chunks.push({
        ...base,
        choices: [{ index: ch.index, delta: { tool_calls: calls.map((c, i) => ({ index: i, id: c.id, type: "function" as const, function: { name: c.function.name, arguments: c.function.arguments } })) }, finish_reason: null }],
      });
    }
    chunks.push({ ...base, choices: [{ index: ch.index, delta: {}, finish_reason: ch.finish_reason ?? "stop" }] });
  }
  if (includeUsage && r.usage) chunks.push({ ...base, choices: [], usage: r.usage as Usage });
  return chunks;
}
