import { sqliteTable, text, integer, primaryKey, index, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Platform role: `admin` runs the whole platform; everyone else is a `member` whose team roles decide the rest. */
export const PLATFORM_ROLES = ["admin", "member"] as const;
export type PlatformRole = (typeof PLATFORM_ROLES)[number];

/** Role inside one team. */
export const TEAM_ROLES = ["team_admin", "member"] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    /** scrypt$N$r$p$salt$hash; null for SSO-only accounts */
    passwordHash: text("password_hash"),
    role: text("role", { enum: PLATFORM_ROLES }).notNull().default("member"),
    disabled: integer("disabled", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    lastLoginAt: integer("last_login_at"),
    /**
     * Session generation: copied into the session JWT at sign-in and compared on every
     * request; bumping it (sign-out, password/role change, disabling, "sign out everywhere")
     * ends every session issued before (lib/auth/session-generation.ts).
     */
    sessionGeneration: integer("session_generation").notNull().default(0),
  },
  (t) => [uniqueIndex("users_email_uq").on(t.email)],
);

export const teams = sqliteTable(
  "teams",
  {
    id: text("id").primaryKey(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("teams_slug_uq").on(t.slug), uniqueIndex("teams_name_uq").on(t.name)],
);

export const teamMembers = sqliteTable(
  "team_members",
  {
    teamId: text("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: TEAM_ROLES }).notNull().default("member"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] }), index("team_members_user_idx").on(t.userId)],
);

export type User = typeof users.$inferSelect;
export type Team = typeof teams.$inferSelect;
export type TeamMember = typeof teamMembers.$inferSelect;
