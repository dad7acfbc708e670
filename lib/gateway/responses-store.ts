/**
 * Stored Responses API answers (`store: true`): what `previous_response_id` continues and
 * GET /v1/responses/{id} returns.
 *
 * The request path never waits for the database: `saveResponse` puts the entry in an
 * in-memory LRU (so an immediate continuation on this instance finds it) and on a queue
 * that the request-log writer's flush writes in one transaction (a short unref'd timer
 * covers a queue with no log row pending). Reads go LRU first, then the table, always by
 * id AND the caller's app: another app's key gets "not found", never the row.
 *
 * Several instances sharing the database: another instance sees a response once it is
 * flushed (PORTICO_LOG_FLUSH_MS, 100 ms by default); LRU entries live RECENT_MS at most,
 * so a DELETE made on one instance is honoured everywhere within that time.
 */
import { insertMany } from "@/lib/db/bulk";
import { rawGet, rawRun } from "@/lib/db/sql";
import { logWriter } from "./log-writer";
import { readRetention } from "@/lib/telemetry/settings";
import { log } from "@/lib/telemetry/logger";
import { runtime } from "@/lib/runtime";

export interface StoredEntry {
  id: string;
  at: number;
  appId: string;
  teamId: string | null;
  keyId: string | null;
  /** the route alias called */
  model: string;
  /** JSON: canonical messages of the conversation after this turn (no instructions) */
  conversation: string;
  /** JSON: the Response object as returned */
  response: string;
}

const DAY = 86_400_000;
/** How long an entry is served from memory without asking the table (bounds cross-instance staleness). */
const RECENT_MS = Number(process.env.PORTICO_RESPONSES_MEMORY_MS || 5 * 60_000);
/** Memory the LRU may hold (JSON text of conversations and responses). */
const LRU_BYTES = Number(process.env.PORTICO_RESPONSES_MEMORY_MB || 64) * 1024 * 1024;
const FALLBACK_MS = 1000;

export interface ResponsesState {
  lru: Map<string, StoredEntry>;
  lruBytes: number;
  queue: StoredEntry[];
  /** the batch being written, if any */
  flushing: Promise<void> | null;
  timer: NodeJS.Timeout | null;
  listening: boolean;
}
const state = runtime().responses;

const size = (e: StoredEntry) => e.conversation.length + e.response.length + 200;

function remember(e: StoredEntry): void {
  forget(e.id);
  state.lru.set(e.id, e);
  state.lruBytes += size(e);
  // Oldest first; an entry still queued is never evicted before the queue is written
  // (a flush runs within FALLBACK_MS), so dropping it here only costs a table read.
  for (const [id, old] of state.lru) {
    if (state.lruBytes <= LRU_BYTES || state.lru.size <= 1) break;
    state.lru.delete(id);
    state.lruBytes -= size(old);
  }
}

function forget(id: string): void {
  const old = state.lru.get(id);
  if (!old) return;
  state.lru.delete(id);
  state.lruBytes -= size(old);
}

/** Queue a finished response for the table and keep it in memory. Never throws, never waits. */
export function saveResponse(e: StoredEntry): void {
  remember(e);
  state.queue.push(e);
  if (!state.listening) {
    state.listening = true;
    logWriter().onFlush(() => flushResponses());
  }
  if (!state.timer) {
    state.timer = setTimeout(() => void flushResponses(), FALLBACK_MS);
    state.timer.unref();
  }
}

/** Writes the queued responses in one transaction (errors are logged, never thrown). */
export async function flushResponses(): Promise<void> {
  if (state.timer) clearTimeout(state.timer);
  state.timer = null;
  // A write already on its way may hold what the caller needs written (a delete right after the
  // log writer's flush took the queue would find no row, and the row would land after it).
  while (state.flushing) await state.flushing;
  if (!state.queue.length) return;
  const write = writeBatch(state.queue.splice(0));
  state.flushing = write;
  try {
    await write;
  } finally {
    state.flushing = null;
  }
}

async function writeBatch(batch: StoredEntry[]): Promise<void> {
  try {
    await insertMany(
      "stored_responses",
      ["id", "at", "app_id", "team_id", "key_id", "model", "conversation", "response"],
      batch.map((e) => [e.id, e.at, e.appId, e.teamId, e.keyId, e.model, e.conversation, e.response]),
      { ignoreConflicts: true },
    );
  } catch (err) {
    log.error("stored response write failed; responses dropped", { responses: batch.length, err });
  }
}

/** The stored response `id` of this app, or null (unknown, another app's, expired, deleted). */
export async function getResponse(id: string, appId: string, now = Date.now()): Promise<StoredEntry | null> {
  const hit = state.lru.get(id);
  if (hit && now - hit.at < RECENT_MS) return hit.appId === appId ? hit : null;
  if (state.flushing || state.queue.some((e) => e.id === id)) await flushResponses();
  const cutoff = now - (await readRetention()).rawDays * DAY;
  const found = await rawGet<StoredEntry>(
    'SELECT id, at, app_id AS "appId", team_id AS "teamId", key_id AS "keyId", model, conversation, response FROM stored_responses WHERE id = ? AND app_id = ? AND at >= ?',
    [id, appId, cutoff],
  );
  const row = found && { ...found, at: Number(found.at) }; // bigint comes back as a string on PostgreSQL
  if (!row) {
    if (hit) forget(id);
    return null;
  }
  remember(row);
  return row;
}

/** Deletes the stored response `id` of this app; false when there was none to delete. */
export async function deleteResponse(id: string, appId: string): Promise<boolean> {
  await flushResponses();
  const hit = state.lru.get(id);
  if (hit?.appId === appId) forget(id);
  return (await rawRun("DELETE FROM stored_responses WHERE id = ? AND app_id = ?", [id, appId])) > 0;
}

/** Tests: forget what is in memory (the table is the truth). */
export async function clearResponseMemory(): Promise<void> {
  await flushResponses();
  state.lru.clear();
  state.lruBytes = 0;
}
