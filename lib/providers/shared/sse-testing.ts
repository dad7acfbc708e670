/**
 * TEST-ONLY helpers for adapter tests (imported by *.test.ts, never by adapter
 * code — adapters receive already-parsed SseEvents from the gateway).
 *
 * They replay recorded SSE bytes the way the gateway will: bytes arrive in
 * arbitrary pieces (possibly splitting a UTF-8 sequence), are decoded with a
 * streaming TextDecoder, parsed by eventsource-parser and pushed one event at a
 * time into a StreamTransformer.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createParser } from "eventsource-parser";
import type { ChatChunk, FinishReason, SseEvent, StreamTransformer, ToolCall, Usage } from "../types";
import { seededRandom } from "./hash";

export function fixture(dir: string, name: string): string {
  return readFileSync(join(dir, "fixtures", name), "utf8");
}

export function jsonFixture<T = unknown>(dir: string, name: string): T {
  return JSON.parse(fixture(dir, name)) as T;
}

/** Split `bytes` at `count` distinct pseudo-random offsets (seeded, so failures reproduce). */
export function randomByteSplits(bytes: Uint8Array, seed: number, count: number): Uint8Array[] {
  const rand = seededRandom(seed);
  const cuts = new Set<number>();
  while (cuts.size < Math.min(count, bytes.length - 1)) cuts.add(1 + Math.floor(rand() * (bytes.length - 1)));
  const sorted = [...cuts].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...sorted, bytes.length]) {
    out.push(bytes.subarray(prev, c));
    prev = c;
  }
  return out;
}

/** Decode + parse byte pieces into SSE events, exactly as a streaming consumer would. */
export function sseEventsFromBytes(pieces: Uint8Array[]): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createParser({
    onEvent(ev) {
      events.push({ event: ev.event, data: ev.data, id: ev.id });
    },
  });
  const decoder = new TextDecoder("utf-8");
  for (const p of pieces) parser.feed(decoder.decode(p, { stream: true }));
  parser.feed(decoder.decode());
  return events;
}

export function sseEvents(text: string): SseEvent[] {
  return sseEventsFromBytes([new TextEncoder().encode(text)]);
}

export interface StreamRun {
  chunks: ChatChunk[];
  transformer: StreamTransformer;
}

/** Push every event (then `end()`) through a fresh transformer. */
export function runEvents(transformer: StreamTransformer, events: SseEvent[]): StreamRun {
  const chunks: ChatChunk[] = [];
  for (const ev of events) chunks.push(...transformer.push(ev));
  chunks.push(...transformer.end());
  return { chunks, transformer };
}

export function runSse(transformer: StreamTransformer, text: string): StreamRun {
  return runEvents(transformer, sseEvents(text));
}

export function runSseSplit(transformer: StreamTransformer, text: string, seed: number, cuts: number): StreamRun {
  const pieces = randomByteSplits(new TextEncoder().encode(text), seed, cuts);
  return runEvents(transformer, sseEventsFromBytes(pieces));
}

/** The harshest split: every byte arrives on its own. */
export function runSseBytewise(transformer: StreamTransformer, text: string): StreamRun {
  const bytes = new TextEncoder().encode(text);
  const pieces = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
  return runEvents(transformer, sseEventsFromBytes(pieces));
}

export interface Accumulated {
  ids: string[];
  models: string[];
  role: string | undefined;
  content: string | null;
  toolCalls: ToolCall[];
  finishReason: FinishReason | null;
  usageChunks: Usage[];
}

/** Fold canonical chunks into what a client SDK would assemble from them. */
export function accumulate(chunks: ChatChunk[]): Accumulated {
  const acc: Accumulated = {
    ids: [],
    models: [],
    role: undefined,
    content: null,
    toolCalls: [],
    finishReason: null,
    usageChunks: [],
  };
  for (const c of chunks) {
    if (!acc.ids.includes(c.id)) acc.ids.push(c.id);
    if (!acc.models.includes(c.model)) acc.models.push(c.model);
    if (c.usage) acc.usageChunks.push(c.usage);
    for (const choice of c.choices) {
      const d = choice.delta;
      if (d.role) acc.role = d.role;
      if (typeof d.content === "string") acc.content = (acc.content ?? "") + d.content;
      for (const tc of d.tool_calls ?? []) {
        const slot = (acc.toolCalls[tc.index] ??= { id: "", type: "function", function: { name: "", arguments: "" } });
        if (tc.id) slot.id = tc.id;
        if (tc.function?.name) slot.function.name += tc.function.name;
        if (tc.function?.arguments) slot.function.arguments += tc.function.arguments;
      }
      if (choice.finish_reason) acc.finishReason = choice.finish_reason;
    }
  }
  return acc;
}
