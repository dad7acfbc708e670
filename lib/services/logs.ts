import { and, desc, eq, inArray, lt, or, type SQL } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { requestLogs, providers } from "@/lib/db/schema";
import { visibleTeamIds, type Actor } from "@/lib/auth/actor";
import { BadRequestError } from "@/lib/errors";

/** Cursor = `<at>:<id>` of the last row shown; rows with the same millisecond are ordered by id. */
export function encodeLogCursor(row: { at: number; id: string }): string {
  return `${row.at}:${row.id}`;
}

export function decodeLogCursor(cursor: string): { at: number; id: string } {
  const i = cursor.indexOf(":");
  const at = Number(cursor.slice(0, i));
  const id = cursor.slice(i + 1);
  if (i <= 0 || !Number.isSafeInteger(at) || !id) throw new BadRequestError("That log cursor is not valid; reload the list.", { field: "cursor" });
  return { at, id };
}

/**
 * Newest data-plane calls first. Admins see every row; team admins and members
 * only rows of their teams (rows without a team are admin-only).
 */
export function listRecentLogs({ actor, limit, cursor }: { actor: Actor; limit: number; cursor?: string | null }) {
  const conds: SQL[] = [];
  const teamIds = visibleTeamIds(actor);
  if (teamIds) {
    if (!teamIds.length) return { items: [], nextCursor: null };
    conds.push(inArray(requestLogs.teamId, teamIds));
  }
  if (cursor) {
    const c = decodeLogCursor(cursor);
    conds.push(or(lt(requestLogs.at, c.at), and(eq(requestLogs.at, c.at), lt(requestLogs.id, c.id)))!);
  }
  const rows = getDb()
    .select({ log: requestLogs, providerName: providers.name })
    .from(requestLogs)
    .leftJoin(providers, eq(providers.id, requestLogs.providerId))
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(desc(requestLogs.at), desc(requestLogs.id))
    .limit(limit + 1)
    .all();
  const more = rows.length > limit;
  const items = (more ? rows.slice(0, limit) : rows).map((r) => ({ ...r.log, providerName: r.providerName }));
  return { items, nextCursor: more ? encodeLogCursor(items[items.length - 1]!) : null };
}
