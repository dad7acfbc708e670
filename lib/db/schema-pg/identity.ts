import { pgTable, text, bigint, boolean, index, uniqueIndex, primaryKey } from "drizzle-orm/pg-core";
import { PLATFORM_ROLES, TEAM_ROLES } from "../schema/identity";

/** Platform role: `admin` runs the whole platform; everyone else is a `member` whose team roles decide the rest. */

/** Role inside one team. */

export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    /** scrypt$N$r$p$salt$hash; null for SSO-only accounts */
    passwordHash: text("password_hash"),
    role: text("role", { enum: PLATFORM_ROLES }).notNull().default("member"),
    disabled: boolean("disabled").notNull().default(false),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
    lastLoginAt: bigint("last_login_at", { mode: "number" }),
    /**
     * Session generation: copied into the session JWT at sign-in and compared on every
     * request; bumping it (sign-out, password/role change, disabling, "sign out everywhere")
     * ends every session issued before (lib/auth/session-generation.ts).
     */
    sessionGeneration: bigint("session_generation", { mode: "number" }).notNull().default(0),
  },
  (t) => [uniqueIndex("users_email_uq").on(t.email)],
);

export const teams = pgTable(
  "teams",
  {
    id: text("id").primaryKey(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [uniqueIndex("teams_slug_uq").on(t.slug), uniqueIndex("teams_name_uq").on(t.name)],
);

export const teamMembers = pgTable(
  "team_members",
  {
    teamId: text("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: TEAM_ROLES }).notNull().default("member"),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] }), index("team_members_user_idx").on(t.userId)],
);
