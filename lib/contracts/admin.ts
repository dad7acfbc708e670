/** Response contracts of /api/admin/{users,teams,audit,tokens} and /api/me. Pure zod. */
import { z } from "zod";
import { listOf, okSchema, pageOf, ts, tsOrNull } from "./common";

export const platformRoleSchema = z.enum(["admin", "member"]);
export const teamRoleSchema = z.enum(["team_admin", "member"]);
export const effectiveRoleSchema = z.enum(["admin", "team_admin", "member"]);

/** A user as the API shows it: never the password hash. */
export const userRowSchema = z.strictObject({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: platformRoleSchema,
  disabled: z.boolean(),
  createdAt: ts(),
  updatedAt: ts(),
  lastLoginAt: tsOrNull(),
  /** bumped by "sign out everywhere"; sessions of an older generation stop working */
  sessionGeneration: z.number().int(),
  hasPassword: z.boolean(),
});
export const userDetailSchema = userRowSchema.extend({
  memberships: z.array(z.strictObject({ teamId: z.string(), role: teamRoleSchema, teamName: z.string() })),
});
export const userPageSchema = pageOf(userRowSchema);

export const teamBaseSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  description: z.string(),
  createdAt: ts(),
  updatedAt: ts(),
});
export const teamRowSchema = teamBaseSchema.extend({ memberCount: z.number().int() });
export const teamMemberRowSchema = z.strictObject({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  role: teamRoleSchema,
  disabled: z.boolean(),
  since: ts(),
});
export const teamDetailSchema = teamBaseSchema.extend({ members: z.array(teamMemberRowSchema) });
export const teamListSchema = listOf(teamRowSchema);
export const teamMemberListSchema = listOf(teamMemberRowSchema);
export const membershipSchema = z.strictObject({ teamId: z.string(), userId: z.string(), role: teamRoleSchema, createdAt: ts() });
export const addedMemberSchema = membershipSchema.extend({ email: z.string(), name: z.string() });

export const auditRowSchema = z.strictObject({
  id: z.number().int(),
  at: ts(),
  actorId: z.string().nullable(),
  actorEmail: z.string(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  teamId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  ip: z.string().nullable(),
  /** the configuration change set this entry belongs to (config apply) */
  changeSet: z.string().nullable(),
});
export const auditPageSchema = pageOf(auditRowSchema);

export const adminTokenRowSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  userId: z.string(),
  createdAt: ts(),
  lastUsedAt: tsOrNull(),
  expiresAt: tsOrNull(),
  revokedAt: tsOrNull(),
});
export const adminTokenListSchema = listOf(adminTokenRowSchema);
export const createdAdminTokenSchema = adminTokenRowSchema.extend({ token: z.string().describe("the plaintext token, shown once") });

/** `/api/me` */
export const meSchema = z.strictObject({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: effectiveRoleSchema,
  platformRole: platformRoleSchema,
  memberships: z.array(z.strictObject({ teamId: z.string(), teamName: z.string(), teamSlug: z.string(), role: teamRoleSchema })),
});

export const signedOutSchema = okSchema;

export type PlatformRole = z.infer<typeof platformRoleSchema>;
export type TeamRole = z.infer<typeof teamRoleSchema>;
export type UserRow = z.infer<typeof userRowSchema>;
export type UserDetail = z.infer<typeof userDetailSchema>;
export type TeamRow = z.infer<typeof teamRowSchema>;
export type TeamMemberRow = z.infer<typeof teamMemberRowSchema>;
export type TeamDetail = z.infer<typeof teamDetailSchema>;
export type AuditRow = z.infer<typeof auditRowSchema>;
export type AdminTokenRow = z.infer<typeof adminTokenRowSchema>;
export type CreatedAdminToken = z.infer<typeof createdAdminTokenSchema>;
export type Me = z.infer<typeof meSchema>;
