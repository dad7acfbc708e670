import { withTransaction } from "@/lib/db/sql";
import { z } from "zod";
import { and, asc, eq, gt, like, or, type SQL, sql } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { users, teamMembers, teams, PLATFORM_ROLES, type User } from "@/lib/db/schema";
import { hashPassword, PASSWORD_MIN_LENGTH } from "@/lib/auth/password";
import { newId } from "@/lib/ids";
import { ConflictError, NotFoundError, BadRequestError } from "@/lib/errors";
import { requireAdmin, type Actor } from "@/lib/auth/actor";
import { writeAudit } from "./audit";
import { bumpSessionGeneration } from "@/lib/auth/session-generation";
import { parseWith } from "@/lib/api/parse";

export const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email({ message: "Enter a valid email address." }));

export const createUserInput = z.strictObject({
  email,
  name: z.string().trim().min(1, "Name is required.").max(120),
  password: z.string().min(PASSWORD_MIN_LENGTH, `Password must be at least ${PASSWORD_MIN_LENGTH} characters.`).max(200),
  role: z.enum(PLATFORM_ROLES).default("member"),
});

export const updateUserInput = z.strictObject({
  name: z.string().trim().min(1).max(120).optional(),
  role: z.enum(PLATFORM_ROLES).optional(),
  disabled: z.boolean().optional(),
  password: z.string().min(PASSWORD_MIN_LENGTH, `Password must be at least ${PASSWORD_MIN_LENGTH} characters.`).max(200).optional(),
});

/** What the API shows of a user: never the hash. */
export type PublicUser = Omit<User, "passwordHash"> & { hasPassword: boolean };

export function publicUser(u: User): PublicUser {
  const { passwordHash, ...rest } = u;
  return { ...rest, hasPassword: !!passwordHash };
}

async function findByEmail(e: string) {
  return (await getDb().select().from(users).where(eq(users.email, e)).limit(1))[0];
}

export async function createUser({ actor, input }: { actor: Actor; input: unknown }): Promise<PublicUser> {
  requireAdmin(actor);
  const data = parseWith(createUserInput, input, "user");
  if ((await findByEmail(data.email))) throw new ConflictError(`A user with email ${data.email} already exists.`, { field: "email" });
  const passwordHash = await hashPassword(data.password);
  const now = Date.now();
  const row: User = {
    id: newId("usr"),
    email: data.email,
    name: data.name,
    passwordHash,
    role: data.role,
    disabled: false,
    createdAt: now,
    updatedAt: now,
    lastLoginAt: null,
    sessionGeneration: 0,
  };
  try {
    await withTransaction(async (tx) => {
      (await tx.insert(users).values(row));
      (await writeAudit(tx, actor, { action: "user.create", targetType: "user", targetId: row.id, after: publicUser(row) }));
    });
  } catch (e) {
    // The unique index is the final word when two requests race.
    if (String(e).includes("UNIQUE")) throw new ConflictError(`A user with email ${data.email} already exists.`, { field: "email" });
    throw e;
  }
  return publicUser(row);
}

export async function updateUser({ actor, id, input }: { actor: Actor; id: string; input: unknown }): Promise<PublicUser> {
  requireAdmin(actor);
  const data = parseWith(updateUserInput, input, "user");
  const db = getDb();
  const before = (await db.select().from(users).where(eq(users.id, id)).limit(1))[0];
  if (!before) throw new NotFoundError("User");
  if (id === actor.userId && (data.disabled === true || data.role === "member")) {
    throw new BadRequestError("You cannot disable yourself or remove your own admin role; ask another admin.", { field: data.disabled ? "disabled" : "role" });
  }
  const patch: Partial<User> = { updatedAt: Date.now() };
  if (data.name !== undefined) patch.name = data.name;
  if (data.role !== undefined) patch.role = data.role;
  if (data.disabled !== undefined) patch.disabled = data.disabled;
  if (data.password !== undefined) patch.passwordHash = await hashPassword(data.password);
  const after = { ...before, ...patch };
  // A new password, a role change or disabling ends the user's live sessions (they sign in again).
  const endSessions = data.password !== undefined || (data.role !== undefined && data.role !== before.role) || (data.disabled === true && !before.disabled);
  await withTransaction(async (tx) => {
    (await tx.update(users).set(patch).where(eq(users.id, id)));
    if (endSessions) (await bumpSessionGeneration(id, tx));
    const action = data.disabled === true ? "user.disable" : data.disabled === false && before.disabled ? "user.enable" : "user.update";
    (await writeAudit(tx, actor, {
      action,
      targetType: "user",
      targetId: id,
      before: publicUser(before),
      after: { ...publicUser(after), ...(data.password ? { password: "changed" } : {}) },
    }));
  });
  return publicUser(after);
}

/**
 * "Sign out everywhere": ends every session of a user (their own, or any user's for an
 * admin). Admin API tokens are not sessions and stay valid; revoke those separately.
 */
export async function endUserSessions({ actor, id }: { actor: Actor; id: string }): Promise<{ ok: true }> {
  if (id !== actor.userId) requireAdmin(actor);
  const db = getDb();
  if (!(await db.select({ id: users.id }).from(users).where(eq(users.id, id)).limit(1))[0]) throw new NotFoundError("User");
  await withTransaction(async (tx) => {
    (await bumpSessionGeneration(id, tx));
    (await writeAudit(tx, actor, { action: "user.sessions_end", targetType: "user", targetId: id }));
  });
  return { ok: true };
}

export async function getUser({ actor, id }: { actor: Actor; id: string }) {
  requireAdmin(actor);
  const db = getDb();
  const u = (await db.select().from(users).where(eq(users.id, id)).limit(1))[0];
  if (!u) throw new NotFoundError("User");
  const memberships = (await db
    .select({ teamId: teamMembers.teamId, role: teamMembers.role, teamName: teams.name })
    .from(teamMembers)
    .innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .where(eq(teamMembers.userId, id)));
  return { ...publicUser(u), memberships };
}

/** Ordered by email; cursor = last email. */
export async function listUsers({ actor, limit, cursor, q }: { actor: Actor; limit: number; cursor?: string; q?: string }) {
  requireAdmin(actor);
  const conds: SQL[] = [];
  if (cursor) conds.push(gt(users.email, cursor));
  // lower() on both sides: LIKE is case-insensitive on SQLite, case-sensitive on PostgreSQL
  if (q) conds.push(or(like(sql`lower(${users.email})`, `%${q.toLowerCase()}%`), like(sql`lower(${users.name})`, `%${q.toLowerCase()}%`))!);
  const rows = (await getDb()
    .select()
    .from(users)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(asc(users.email))
    .limit(limit + 1));
  const more = rows.length > limit;
  const items = (more ? rows.slice(0, limit) : rows).map(publicUser);
  return { items, nextCursor: more ? items[items.length - 1]!.email : null };
}
