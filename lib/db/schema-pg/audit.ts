import { pgTable, text, bigint, index } from "drizzle-orm/pg-core";
import { json } from "./types";

/** One row per control-plane change: who did what to which thing, with before/after snapshots (secrets never included). */
export const auditLog = pgTable(
  "audit_log",
  {
    /** SQLite: INTEGER PRIMARY KEY AUTOINCREMENT; here an identity (by default, so copied rows keep their ids) */
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    at: bigint("at", { mode: "number" }).notNull(),
    actorId: text("actor_id"),
    actorEmail: text("actor_email").notNull(),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id"),
    teamId: text("team_id"),
    before: json("before").$type<unknown>(),
    after: json("after").$type<unknown>(),
    ip: text("ip"),
    /** the configuration apply (lib/config) this row is part of: one change set, listed with its plan */
    changeSet: text("change_set"),
  },
  (t) => [
    index("audit_at_idx").on(t.at),
    index("audit_actor_idx").on(t.actorId, t.at),
    index("audit_target_idx").on(t.targetType, t.targetId),
    index("audit_team_idx").on(t.teamId, t.at),
  ],
);
