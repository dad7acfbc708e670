import { visibleTeamIds, type Actor } from "@/lib/auth/actor";
import { ForbiddenError } from "@/lib/errors";

/**
 * The tenant scope of a telemetry query, decided once from the actor (Helicone's
 * `buildFilterWithAuth`): admins see every team; everyone else only rows of the teams
 * they belong to (rows without a team are admin-only). Every log and chart query takes
 * one and renders it with `scopeSql`, never by hand.
 */
export type TeamScope = { all: true } | { all: false; teamIds: string[] };

export function teamScope(actor: Actor, opts: { ownTeamsOnly?: boolean } = {}): TeamScope {
  const ids = opts.ownTeamsOnly ? actor.memberships.map((m) => m.teamId) : visibleTeamIds(actor);
  return ids === null ? { all: true } : { all: false, teamIds: [...new Set(ids)] };
}

/** A requested team filter must lie inside the scope (a member asking for another team gets 403, not an empty list). */
export function assertTeamInScope(scope: TeamScope, teamId: string | undefined): void {
  if (!teamId || scope.all) return;
  if (!scope.teamIds.includes(teamId)) throw new ForbiddenError("You can only see the usage of your own teams.");
}

/**
 * `col IN (?, ?...)` with its parameters; `0 = 1` (matches nothing, on both engines) for an empty scope;
 * null for the admin scope. Parameters only: team ids never enter the SQL text.
 */
export function scopeSql(scope: TeamScope, col: string): { sql: string; params: string[] } | null {
  if (scope.all) return null;
  if (!scope.teamIds.length) return { sql: "0 = 1", params: [] };
  return { sql: `${col} IN (${scope.teamIds.map(() => "?").join(", ")})`, params: scope.teamIds };
}
