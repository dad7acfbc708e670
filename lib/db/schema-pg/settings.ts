import { pgTable, text, bigint, uniqueIndex } from "drizzle-orm/pg-core";
import { json } from "./types";
import { users } from "./identity";

/** Key/value platform settings (JSON values). */
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: json("value").$type<unknown>().notNull(),
  updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
});

/** Admin API tokens for automation (`Authorization: Bearer pat_...`): stored as sha256, shown once. */
export const adminTokens = pgTable(
  "admin_tokens",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull(),
    prefix: text("prefix").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    lastUsedAt: bigint("last_used_at", { mode: "number" }),
    expiresAt: bigint("expires_at", { mode: "number" }),
    revokedAt: bigint("revoked_at", { mode: "number" }),
  },
  (t) => [uniqueIndex("admin_tokens_hash_uq").on(t.tokenHash)],
);
