import { withTransaction } from "@/lib/db/sql";
import { z } from "zod";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { teams, teamMembers, users, TEAM_ROLES, type Team } from "@/lib/db/schema";
import { newId, slugify } from "@/lib/ids";
import { ConflictError, NotFoundError, BadRequestError } from "@/lib/errors";
import { requireAdmin, requireTeamAdmin, requireTeamMember, visibleTeamIds, type Actor } from "@/lib/auth/actor";
import { writeAudit } from "./audit";
import { parseWith } from "@/lib/api/parse";
import { email } from "./users";

const slug = z
  .string()
  .trim()
  .min(2)
  .max(48)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "Use lowercase letters, digits and single dashes.");

export const createTeamInput = z.strictObject({
  name: z.string().trim().min(2, "Team name needs at least 2 characters.").max(80),
  slug: slug.optional(),
  description: z.string().trim().max(500).default(""),
});

export const updateTeamInput = z.strictObject({
  name: z.string().trim().min(2).max(80).optional(),
  description: z.string().trim().max(500).optional(),
});

export const addMemberInput = z.union([
  z.strictObject({ userId: z.string().min(1), role: z.enum(TEAM_ROLES).default("member") }),
  z.strictObject({ email, role: z.enum(TEAM_ROLES).default("member") }),
]);

export const updateMemberInput = z.strictObject({ role: z.enum(TEAM_ROLES) });

function isUnique(e: unknown): boolean {
  return String(e).includes("UNIQUE");
}

export async function createTeam({ actor, input }: { actor: Actor; input: unknown }): Promise<Team> {
  requireAdmin(actor);
  const data = parseWith(createTeamInput, input, "team");
  const now = Date.now();
  const row: Team = {
    id: newId("team"),
    name: data.name,
    slug: data.slug ?? slugify(data.name),
    description: data.description,
    createdAt: now,
    updatedAt: now,
  };
  if (row.slug.length < 2) throw new BadRequestError("Give the team a slug (the name has too few letters to derive one).", { field: "slug" });
  try {
    await withTransaction(async (tx) => {
      (await tx.insert(teams).values(row));
      (await writeAudit(tx, actor, { action: "team.create", targetType: "team", targetId: row.id, teamId: row.id, after: row }));
    });
  } catch (e) {
    if (isUnique(e)) throw new ConflictError(`A team named "${row.name}" or with slug "${row.slug}" already exists.`, { field: "name" });
    throw e;
  }
  return row;
}

export async function updateTeam({ actor, id, input }: { actor: Actor; id: string; input: unknown }): Promise<Team> {
  requireTeamAdmin(actor, id);
  const data = parseWith(updateTeamInput, input, "team");
  const db = getDb();
  const before = (await db.select().from(teams).where(eq(teams.id, id)).limit(1))[0];
  if (!before) throw new NotFoundError("Team");
  const after: Team = { ...before, ...data, updatedAt: Date.now() };
  try {
    await withTransaction(async (tx) => {
      (await tx.update(teams).set(after).where(eq(teams.id, id)));
      (await writeAudit(tx, actor, { action: "team.update", targetType: "team", targetId: id, teamId: id, before, after }));
    });
  } catch (e) {
    if (isUnique(e)) throw new ConflictError(`A team named "${after.name}" already exists.`, { field: "name" });
    throw e;
  }
  return after;
}

/** Admins see every team; others the teams they belong to. */
export async function listTeams({ actor }: { actor: Actor }) {
  const ids = visibleTeamIds(actor);
  const db = getDb();
  const counts = (await db
    .select({ teamId: teamMembers.teamId, n: sql<number>`count(*)` })
    .from(teamMembers)
    .groupBy(teamMembers.teamId));
  const byTeam = new Map(counts.map((c) => [c.teamId, c.n]));
  const rows =
    ids === null
      ? (await db.select().from(teams).orderBy(asc(teams.name)))
      : ids.length
        ? (await db.select().from(teams).where(inArray(teams.id, ids)).orderBy(asc(teams.name)))
        : [];
  return { items: rows.map((t) => ({ ...t, memberCount: byTeam.get(t.id) ?? 0 })) };
}

export async function getTeam({ actor, id }: { actor: Actor; id: string }) {
  requireTeamMember(actor, id);
  const db = getDb();
  const team = (await db.select().from(teams).where(eq(teams.id, id)).limit(1))[0];
  if (!team) throw new NotFoundError("Team");
  const members = (await db
    .select({ userId: users.id, email: users.email, name: users.name, role: teamMembers.role, disabled: users.disabled, since: teamMembers.createdAt })
    .from(teamMembers)
    .innerJoin(users, eq(users.id, teamMembers.userId))
    .where(eq(teamMembers.teamId, id))
    .orderBy(asc(users.email)));
  return { ...team, members };
}

export async function addMember({ actor, teamId, input }: { actor: Actor; teamId: string; input: unknown }) {
  requireTeamAdmin(actor, teamId);
  const data = parseWith(addMemberInput, input, "member");
  const db = getDb();
  if (!(await db.select({ id: teams.id }).from(teams).where(eq(teams.id, teamId)).limit(1))[0]) throw new NotFoundError("Team");
  const user =
    "userId" in data
      ? (await db.select().from(users).where(eq(users.id, data.userId)).limit(1))[0]
      : (await db.select().from(users).where(eq(users.email, data.email)).limit(1))[0];
  if (!user) throw new NotFoundError("User");
  const existing = (await db
    .select()
    .from(teamMembers)
    .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, user.id))).limit(1))[0];
  if (existing) throw new ConflictError(`${user.email} is already a member of this team (${existing.role}).`, { member: existing });
  const row = { teamId, userId: user.id, role: data.role, createdAt: Date.now() };
  await withTransaction(async (tx) => {
    (await tx.insert(teamMembers).values(row));
    (await writeAudit(tx, actor, { action: "team.member.add", targetType: "team_member", targetId: `${teamId}:${user.id}`, teamId, after: { ...row, email: user.email } }));
  });
  return { ...row, email: user.email, name: user.name };
}

export async function updateMember({ actor, teamId, userId, input }: { actor: Actor; teamId: string; userId: string; input: unknown }) {
  requireTeamAdmin(actor, teamId);
  const data = parseWith(updateMemberInput, input, "member");
  const db = getDb();
  const where = and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId));
  const before = (await db.select().from(teamMembers).where(where).limit(1))[0];
  if (!before) throw new NotFoundError("Team member");
  const after = { ...before, role: data.role };
  await withTransaction(async (tx) => {
    (await tx.update(teamMembers).set({ role: data.role }).where(where));
    (await writeAudit(tx, actor, { action: "team.member.update", targetType: "team_member", targetId: `${teamId}:${userId}`, teamId, before, after }));
  });
  return after;
}

export async function removeMember({ actor, teamId, userId }: { actor: Actor; teamId: string; userId: string }) {
  requireTeamAdmin(actor, teamId);
  const db = getDb();
  const where = and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId));
  const before = (await db.select().from(teamMembers).where(where).limit(1))[0];
  if (!before) throw new NotFoundError("Team member");
  await withTransaction(async (tx) => {
    (await tx.delete(teamMembers).where(where));
    (await writeAudit(tx, actor, { action: "team.member.remove", targetType: "team_member", targetId: `${teamId}:${userId}`, teamId, before }));
  });
  return { ok: true };
}
