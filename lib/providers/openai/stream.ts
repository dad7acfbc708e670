import type { ChatChunk, ProviderError, SseEvent, StreamContext, StreamTransformer, Usage } from "../types";
import { statusForType, typeForStatus } from "../shared/errors";
import { isRecord, num, RAW_JSON, safeJsonParse, str, type JsonObject } from "../shared/json";
import { normalizeOpenAIUsage } from "../shared/usage";
import { extractOpenAIError } from "./errors";

/**
 * Per-provider clean-up applied to each parsed chunk before the generic logic.
 * Returns null to drop the chunk entirely (Azure's content-filter annotations).
 */
export type ChunkSanitizer = (chunk: JsonObject) => JsonObject | null;

/**
 * OpenAI-compatible SSE → canonical chunks. The wire format already is the
 * canonical one, so this mostly passes chunks through (keeping vendor extras such
 * as DeepSeek's `reasoning_content`) while it
 *  - reports the public model alias instead of the upstream model id,
 *  - keeps one id for the whole stream (Azure sends `"id": ""` on annotations),
 *  - records usage, and hides the usage-only chunk (and the `usage: null` keys
 *    that include_usage adds to every chunk) from clients that did not ask,
 *  - turns an in-stream `{"error": ...}` payload into `error()`.
 */
export function createOpenAIStream(ctx: StreamContext, sanitize?: ChunkSanitizer): StreamTransformer {
  let done = false;
  let failure: ProviderError | null = null;
  let usage: Usage | null = null;
  let streamId = "";
  let created = 0;
  const includeUsage = ctx.includeUsage === true;

  function push(ev: SseEvent): ChatChunk[] {
    if (done || failure) return [];
    const data = ev.data.trim();
    if (data === "[DONE]") {
      done = true;
      return [];
    }
    // Keep-alives and anything unparsable carry nothing a client could use.
    const parsed = safeJsonParse(data);
    if (!isRecord(parsed)) return [];

    // OpenAI and most compatibles send `data: {"error": {...}}`; OpenRouter adds
    // a choice with finish_reason "error" to the same payload. Either way the
    // stream is over and the gateway must hear about it.
    if (isRecord(parsed.error) || typeof parsed.error === "string") {
      failure = inStreamError(parsed);
      return [];
    }

    const chunk = sanitize ? sanitize(parsed) : parsed;
    if (!chunk) return [];

    // Groq reports stream usage under x_groq.usage instead of a usage chunk.
    const groq = isRecord(chunk.x_groq) ? chunk.x_groq.usage : undefined;
    const seenUsage = normalizeOpenAIUsage(chunk.usage) ?? normalizeOpenAIUsage(groq);
    if (seenUsage) usage = seenUsage;

    if (!streamId) streamId = str(chunk.id) ?? "";
    if (!created) created = num(chunk.created) ?? 0;

    // vLLM sends the usage chunk with `"choices": null` or without the key.
    const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
    if (choices.length === 0 && (!includeUsage || !seenUsage)) return [];

    // The frame as it came, with only the model rewritten, when nothing else changes: the chunk is
    // the parsed frame itself, and the OpenAI output writes the text instead of serialising the
    // chunk again (a stream's largest cost after parsing).
    if (!sanitize && streamId && created && chunk.id === streamId && chunk.created === created && chunk.object === "chat.completion.chunk" && chunk.choices === choices) {
      // The `"usage":null` that include_usage (which Portico always asks for) adds to every frame is
      // dropped for callers who did not ask, as the serialised chunk drops it.
      const text = includeUsage || !("usage" in chunk) ? data : chunk.usage === null ? withoutNullUsage(data) : null;
      const raw = text === null ? null : modelRewriter(chunk.model)(text);
      if (raw !== null) {
        chunk.model = ctx.model;
        if (!includeUsage) delete chunk.usage;
        (chunk as Record<symbol, unknown>)[RAW_JSON] = raw;
        return [chunk as unknown as ChatChunk];
      }
    }

    const out: JsonObject = {
      ...chunk,
      id: streamId || ctx.id,
      object: "chat.completion.chunk",
      created: created || ctx.created,
      model: ctx.model,
      choices,
    };
    if (!includeUsage) delete out.usage;
    return [out as unknown as ChatChunk];
  }

  // One rewriter per upstream model name (the same in every frame of a stream).
  let rewriter: { upstream: unknown; fn: (data: string) => string | null } | null = null;
  function modelRewriter(upstream: unknown): (data: string) => string | null {
    const known = rewriter;
    if (known && known.upstream === upstream) return known.fn;
    const fn = modelRewrite(upstream, ctx.model);
    rewriter = { upstream, fn };
    return fn;
  }

  return {
    push,
    end: () => [],
    usage: () => usage,
    get done() {
      return done;
    },
    error: () => failure,
  };
}

const NULL_USAGE_END = ',"usage":null}';

/** `data` without its trailing `,"usage":null`, or null unless that is how it ends and its only `"usage"` key. */
export function withoutNullUsage(data: string): string | null {
  if (!data.endsWith(NULL_USAGE_END)) return null;
  const at = data.length - NULL_USAGE_END.length;
  if (data.indexOf('"usage"') !== at + 1) return null;
  return data.slice(0, at) + "}";
}

/**
 * `data` with its top-level `"model":"<upstream>"` replaced by the alias, or null unless that key
 * is written compactly and `"model"` occurs exactly once in the frame (a nested `model` key, or one
 * written another way, falls back to serialising the chunk).
 */
export function withModel(data: string, upstream: unknown, alias: string): string | null {
  return modelRewrite(upstream, alias)(data);
}

function modelRewrite(upstream: unknown, alias: string): (data: string) => string | null {
  if (typeof upstream !== "string") return () => null;
  const needle = `"model":${JSON.stringify(upstream)}`;
  const replacement = `"model":${JSON.stringify(alias)}`;
  return (data) => {
    const at = data.indexOf('"model"');
    if (at < 0 || !data.startsWith(needle, at) || data.indexOf('"model"', at + needle.length) >= 0) return null;
    return data.slice(0, at) + replacement + data.slice(at + needle.length);
  };
}

function inStreamError(payload: JsonObject): ProviderError {
  const fields = extractOpenAIError(payload);
  const c = num(fields?.code);
  const numericCode = c !== undefined && c >= 400 && c <= 599 ? c : undefined;
  const type = fields?.type ?? (numericCode ? typeForStatus(numericCode) : "server_error");
  const status = numericCode ?? statusForType(type);
  const code = fields?.code;
  return {
    status,
    type,
    message: fields?.message ?? "Upstream reported an error in the stream",
    code: typeof code === "string" ? code : numericCode !== undefined ? String(numericCode) : null,
    param: typeof fields?.param === "string" ? fields.param : null,
  };
}
