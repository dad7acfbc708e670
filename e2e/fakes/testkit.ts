/**
 * Shared request builders and helpers for the fake upstream's tests (not a test file itself).
 */

import { createParser, type EventSourceMessage } from "eventsource-parser";

export const OPENAI = { authorization: "Bearer sk-test", "content-type": "application/json" };
export const ANTHROPIC = { "x-api-key": "sk-ant-test", "anthropic-version": "2023-06-01", "content-type": "application/json" };
export const GEMINI = { "x-goog-api-key": "g-test", "content-type": "application/json" };
export const AZURE = { "api-key": "az-test", "content-type": "application/json" };
export const AZURE_Q = "?api-version=2024-10-21";
export const QUESTION = "What is the capital of France? Please answer in one short sentence.";

export function poster(base: () => string) {
  return (path: string, headers: Record<string, string>, body: unknown, signal?: AbortSignal) =>
    fetch(base() + path, { method: "POST", headers, body: JSON.stringify(body), signal });
}

export function sse(text: string): EventSourceMessage[] {
  const events: EventSourceMessage[] = [];
  createParser({ onEvent: (ev) => events.push(ev) }).feed(text);
  return events;
}

export const chat = (model: string, extra: Record<string, unknown> = {}) => ({
  model,
  messages: [
    { role: "system", content: "You are terse." },
    { role: "user", content: QUESTION },
  ],
  ...extra,
});
export const anthropicBody = (model: string, extra: Record<string, unknown> = {}) => ({
  model,
  max_tokens: 256,
  system: "You are terse.",
  messages: [{ role: "user", content: QUESTION }],
  ...extra,
});
export const geminiBody = (extra: Record<string, unknown> = {}) => ({
  systemInstruction: { parts: [{ text: "You are terse." }] },
  contents: [{ role: "user", parts: [{ text: QUESTION }] }],
  ...extra,
});
export const PROMPT_TOKENS = Math.ceil(("You are terse.".length + QUESTION.length) / 4);
export const WEATHER_TOOL = { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" }, days: { type: "integer" } } } };

