/**
 * Client-side shapes of the admin JSON API (components never import lib/db:
 * these mirror what lib/services/* return over the wire).
 */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type PlatformRole = "admin" | "member";
export type TeamRole = "team_admin" | "member";

export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: PlatformRole;
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
  lastLoginAt: number | null;
  hasPassword: boolean;
}

export interface TeamRow {
  id: string;
  name: string;
  slug: string;
  description: string;
  createdAt: number;
  updatedAt: number;
  memberCount: number;
}

export interface TeamMemberRow {
  userId: string;
  email: string;
  name: string;
  role: TeamRole;
  disabled: boolean;
  since: number;
}

export interface TeamDetail extends Omit<TeamRow, "memberCount"> {
  members: TeamMemberRow[];
}

export interface AuditRow {
  id: number;
  at: number;
  actorId: string | null;
  actorEmail: string;
  action: string;
  targetType: string;
  targetId: string | null;
  teamId: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
}

export interface AdminTokenRow {
  id: string;
  name: string;
  prefix: string;
  userId: string;
  createdAt: number;
  lastUsedAt: number | null;
  expiresAt: number | null;
  revokedAt: number | null;
}
