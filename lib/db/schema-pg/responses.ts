import { pgTable, text, bigint, index } from "drizzle-orm/pg-core";

/**
 * Responses API answers kept for `previous_response_id` and GET /v1/responses/{id}
 * (`store: true`, the default). Written by a queue flushed with the request-log writer
 * (lib/gateway/responses-store.ts), pruned with the raw logs (same retention). Read only
 * by id AND the caller's app: another app's key never sees a row.
 */
export const storedResponses = pgTable(
  "stored_responses",
  {
    /** resp_ + 48 random hex characters */
    id: text("id").primaryKey(),
    at: bigint("at", { mode: "number" }).notNull(),
    appId: text("app_id").notNull(),
    teamId: text("team_id"),
    keyId: text("key_id"),
    /** the route alias the caller asked for (a continuation may omit `model`) */
    model: text("model").notNull(),
    /** canonical (Chat Completions) messages of the whole conversation after this turn, without instructions: JSON */
    conversation: text("conversation").notNull(),
    /** the Response object as returned: JSON */
    response: text("response").notNull(),
  },
  (t) => [index("stored_responses_at_idx").on(t.at)],
);
