import { and, eq, isNull } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { users, teamMembers, teams, adminTokens, type PlatformRole, type TeamRole } from "@/lib/db/schema";
import { sha256Hex } from "@/lib/ids";
import { ForbiddenError, UnauthorizedError } from "@/lib/errors";

export interface Membership {
  teamId: string;
  teamName: string;
  teamSlug: string;
  role: TeamRole;
}

/** Who is calling a control-plane route or page: a user (by session or by admin token). */
export interface Actor {
  userId: string;
  email: string;
  name: string;
  platformRole: PlatformRole;
  memberships: Membership[];
  via: "session" | "token";
  ip?: string;
  /** set while a configuration file is applied: every audit row of that apply carries it */
  changeSet?: string;
}

/** The role shown in the UI: admin > team_admin (of any team) > member. */
export type EffectiveRole = "admin" | "team_admin" | "member";

export function effectiveRole(a: Pick<Actor, "platformRole" | "memberships">): EffectiveRole {
  if (a.platformRole === "admin") return "admin";
  return a.memberships.some((m) => m.role === "team_admin") ? "team_admin" : "member";
}

/** Loads a user as an actor; null when missing or disabled (a disabled user's live session dies at once). */
export async function loadActor(userId: string, via: Actor["via"], ip?: string): Promise<Actor | null> {
  const db = getDb();
  const u = (await db.select().from(users).where(eq(users.id, userId)).limit(1))[0];
  if (!u || u.disabled) return null;
  const ms = (await db
    .select({ teamId: teamMembers.teamId, role: teamMembers.role, teamName: teams.name, teamSlug: teams.slug })
    .from(teamMembers)
    .innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .where(eq(teamMembers.userId, userId)));
  return { userId: u.id, email: u.email, name: u.name, platformRole: u.role, memberships: ms, via, ip };
}

/** `Authorization: Bearer pat_...` → actor, or null when the header is absent. Throws 401 for a bad token. */
export async function actorFromAdminToken(authorization: string | null, ip?: string): Promise<Actor | null> {
  if (!authorization?.startsWith("Bearer ")) return null;
  const token = authorization.slice(7).trim();
  if (!token.startsWith("pat_")) throw new UnauthorizedError("That bearer token is not a Portico admin API token (pat_...).");
  const db = getDb();
  const row = (await db
    .select()
    .from(adminTokens)
    .where(and(eq(adminTokens.tokenHash, sha256Hex(token)), isNull(adminTokens.revokedAt))).limit(1))[0];
  const now = Date.now();
  if (!row) throw new UnauthorizedError("Admin API token is unknown or revoked.");
  if (row.expiresAt && row.expiresAt < now) throw new UnauthorizedError("Admin API token has expired.");
  const actor = (await loadActor(row.userId, "token", ip));
  if (!actor) throw new UnauthorizedError("The user who owns this token is disabled.");
  // Debounced: at most one write a minute per token.
  if (!row.lastUsedAt || now - row.lastUsedAt > 60_000) {
    (await db.update(adminTokens).set({ lastUsedAt: now }).where(eq(adminTokens.id, row.id)));
  }
  return actor;
}

export function isAdmin(a: Actor): boolean {
  return a.platformRole === "admin";
}

export function teamRoleOf(a: Actor, teamId: string): TeamRole | null {
  return a.memberships.find((m) => m.teamId === teamId)?.role ?? null;
}

/** Platform admin only. */
export function requireAdmin(a: Actor | null): Actor {
  if (!a) throw new UnauthorizedError();
  if (!isAdmin(a)) throw new ForbiddenError("Only platform admins can do this.");
  return a;
}

/** Admin, or a team_admin of this team. */
export function requireTeamAdmin(a: Actor | null, teamId: string): Actor {
  if (!a) throw new UnauthorizedError();
  if (isAdmin(a) || teamRoleOf(a, teamId) === "team_admin") return a;
  throw new ForbiddenError("Only an admin or this team's team admin can do this.");
}

/** Admin, or any member of this team. */
export function requireTeamMember(a: Actor | null, teamId: string): Actor {
  if (!a) throw new UnauthorizedError();
  if (isAdmin(a) || teamRoleOf(a, teamId)) return a;
  throw new ForbiddenError("You are not a member of this team.");
}

/**
 * Role gate used by every route and page: `admin` (platform), `team_admin`
 * (team admin of at least one team, or admin), `member` (any signed-in user).
 */
export function requireRole(a: Actor | null, role: EffectiveRole): Actor {
  if (!a) throw new UnauthorizedError();
  const r = effectiveRole(a);
  const rank = { member: 0, team_admin: 1, admin: 2 } as const;
  if (rank[r] < rank[role]) throw new ForbiddenError(`This needs the ${role} role; you are ${r}.`);
  return a;
}

/** Team ids whose data this actor may read; null means all (admin). */
export function visibleTeamIds(a: Actor): string[] | null {
  return isAdmin(a) ? null : a.memberships.map((m) => m.teamId);
}
