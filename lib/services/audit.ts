import { and, desc, eq, gte, lte, lt, like, or, inArray, type SQL, sql } from "drizzle-orm";
import { auditLog } from "@/lib/db/schema";
import { getDb, type Db } from "@/lib/db/client";
import type { Actor } from "@/lib/auth/actor";
import { visibleTeamIds } from "@/lib/auth/actor";

type Tx = Pick<Db, "insert">;

const SECRET_KEYS = new Set(["passwordHash", "password", "tokenHash", "apiKey", "credentials", "secret", "encryptedKey"]);

/** Drops secrets from a snapshot before it is stored in the audit log. */
export function scrub(v: unknown): unknown {
  if (v === null || v === undefined) return v ?? null;
  if (Array.isArray(v)) return v.map(scrub);
  if (typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
      out[k] = SECRET_KEYS.has(k) ? (val == null ? val : "[redacted]") : scrub(val);
    }
    return out;
  }
  return v;
}

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId?: string | null;
  teamId?: string | null;
  before?: unknown;
  after?: unknown;
}

/** Writes one audit row inside the caller's transaction, so change and audit commit together. */
export async function writeAudit(tx: Tx, actor: Actor | { system: true }, e: AuditEntry): Promise<void> {
  const isSystem = "system" in actor;
  (await tx.insert(auditLog)
    .values({
      at: Date.now(),
      actorId: isSystem ? null : actor.userId,
      actorEmail: isSystem ? "system" : actor.email,
      action: e.action,
      targetType: e.targetType,
      targetId: e.targetId ?? null,
      teamId: e.teamId ?? null,
      before: e.before === undefined ? null : scrub(e.before),
      after: e.after === undefined ? null : scrub(e.after),
      ip: isSystem ? null : (actor.ip ?? null),
      changeSet: isSystem ? null : (actor.changeSet ?? null),
    }));
}

export interface AuditQuery {
  limit: number;
  cursor?: string;
  actor?: string;
  action?: string;
  targetType?: string;
  teamId?: string;
  from?: number;
  to?: number;
  /** the rows of one configuration apply */
  changeSet?: string;
}

/** Newest first, cursor = last row id. Non-admins see only rows of their teams. */
export async function listAudit(actor: Actor, q: AuditQuery) {
  const conds: SQL[] = [];
  const teamIds = visibleTeamIds(actor);
  if (teamIds) conds.push(teamIds.length ? inArray(auditLog.teamId, teamIds) : eq(auditLog.id, -1));
  if (q.cursor) conds.push(lt(auditLog.id, Number(q.cursor)));
  if (q.actor) conds.push(like(sql`lower(${auditLog.actorEmail})`, `%${q.actor.toLowerCase()}%`));
  if (q.action) conds.push(or(eq(auditLog.action, q.action), like(auditLog.action, `${q.action}.%`))!);
  if (q.targetType) conds.push(eq(auditLog.targetType, q.targetType));
  if (q.teamId) conds.push(eq(auditLog.teamId, q.teamId));
  if (q.from) conds.push(gte(auditLog.at, q.from));
  if (q.to) conds.push(lte(auditLog.at, q.to));
  if (q.changeSet) conds.push(eq(auditLog.changeSet, q.changeSet));
  const rows = (await getDb()
    .select()
    .from(auditLog)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(q.limit + 1));
  const more = rows.length > q.limit;
  const items = more ? rows.slice(0, q.limit) : rows;
  return { items, nextCursor: more ? String(items[items.length - 1]!.id) : null };
}
