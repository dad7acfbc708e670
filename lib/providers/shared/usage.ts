import type { Usage } from "../types";
import { isRecord, num } from "./json";

/**
 * Normalise an OpenAI-shaped usage object. Returns null when there is nothing
 * usable (absent, `null`, or no token counts at all). Fills total_tokens when an
 * OpenAI-compatible server leaves it out, and keeps only the detail fields the
 * canonical type knows (some servers add their own, e.g. `queue_time`).
 */
export function normalizeOpenAIUsage(u: unknown): Usage | null {
  if (!isRecord(u)) return null;
  const prompt = num(u.prompt_tokens);
  const completion = num(u.completion_tokens);
  if (prompt === undefined && completion === undefined) return null;
  const usage: Usage = {
    prompt_tokens: prompt ?? 0,
    completion_tokens: completion ?? 0,
    total_tokens: num(u.total_tokens) ?? (prompt ?? 0) + (completion ?? 0),
  };
  if (isRecord(u.prompt_tokens_details)) {
    const d: NonNullable<Usage["prompt_tokens_details"]> = {};
    const cached = num(u.prompt_tokens_details.cached_tokens);
    const audio = num(u.prompt_tokens_details.audio_tokens);
    if (cached !== undefined) d.cached_tokens = cached;
    if (audio !== undefined) d.audio_tokens = audio;
    usage.prompt_tokens_details = d;
  }
  if (isRecord(u.completion_tokens_details)) {
    const d: NonNullable<Usage["completion_tokens_details"]> = {};
    const reasoning = num(u.completion_tokens_details.reasoning_tokens);
    const audio = num(u.completion_tokens_details.audio_tokens);
    if (reasoning !== undefined) d.reasoning_tokens = reasoning;
    if (audio !== undefined) d.audio_tokens = audio;
    usage.completion_tokens_details = d;
  }
  return usage;
}

/** Build a Usage from plain counts. */
export function makeUsage(prompt: number, completion: number): Usage {
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}
