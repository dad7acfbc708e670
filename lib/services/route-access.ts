/**
 * Who may expose a route (docs/access.md, "Route ownership"). A route is
 * platform-owned (teamId null) or owned by a team. An API (and the routeAlias
 * of a prompt API) may expose only routes its team may use: routes the team
 * owns, and platform routes an admin granted to it. Without this, a team
 * admin could list another team's alias in an auto-approved API of their own
 * and call that team's model past its manual approval.
 *
 * Platform admins may expose any route: when an admin saves an API that uses
 * a route its team may not use yet, the route is granted to the team in the
 * same transaction (audited), so the data plane's check from the snapshot
 * (lib/gateway/stages/authorize.ts) holds one rule for every API.
 */
import { and, eq, inArray } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { routeGrants, routes } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { isAdmin, type Actor } from "@/lib/auth/actor";
import { writeAudit } from "./audit";

type Reader = Pick<ReturnType<typeof getDb>, "select">;
type Tx = ReturnType<typeof getDb>;

export interface RouteOwnership {
  id: string;
  alias: string;
  teamId: string | null;
}

/** Pure: may `teamId` use this route (owner, or a grant)? */
export function teamMayUseRoute(route: Pick<RouteOwnership, "id" | "teamId">, teamId: string, grants: ReadonlySet<string>): boolean {
  return route.teamId === teamId || grants.has(`${route.id}:${teamId}`);
}

export interface RoutePlan {
  /** routes the team may not use (refused for a team admin, granted for a platform admin) */
  missing: RouteOwnership[];
}

/** Which of `aliases` (existing routes only; unknown aliases are reported elsewhere) `teamId` may not use yet. */
export async function planRouteUse(db: Reader, teamId: string, aliases: string[]): Promise<RoutePlan> {
  const wanted = [...new Set(aliases.filter(Boolean))];
  if (!wanted.length) return { missing: [] };
  const rows = (await db.select({ id: routes.id, alias: routes.alias, teamId: routes.teamId }).from(routes).where(inArray(routes.alias, wanted)));
  if (!rows.length) return { missing: [] };
  const grants = new Set(
    (await db
      .select({ routeId: routeGrants.routeId })
      .from(routeGrants)
      .where(
        and(
          eq(routeGrants.teamId, teamId),
          inArray(
            routeGrants.routeId,
            rows.map((r) => r.id),
          ),
        ),
      ))
      .map((g) => `${g.routeId}:${teamId}`),
  );
  return { missing: rows.filter((r) => !teamMayUseRoute(r, teamId, grants)) };
}

/**
 * Checks before a write: a team admin gets 403 naming every alias the team may
 * not use (field = `fieldOf(alias)`); a platform admin gets the plan back, to
 * apply with `applyRouteGrants` inside the write's transaction.
 */
export async function checkRouteUse(db: Reader, actor: Actor, teamId: string, aliases: string[], fieldOf: (alias: string) => string): Promise<RoutePlan> {
  const plan = (await planRouteUse(db, teamId, aliases));
  if (!plan.missing.length || isAdmin(actor)) return plan;
  const details = plan.missing.map((r) => ({
    field: fieldOf(r.alias),
    message: `Route "${r.alias}" is ${r.teamId ? "owned by another team" : "a platform route not granted to this team"}; a platform admin must grant it to the team first.`,
  }));
  throw new AppError(
    403,
    "route_not_granted",
    `This team may not expose ${plan.missing.map((r) => `"${r.alias}"`).join(", ")}: an API may only expose routes its team owns or was granted by a platform admin.`,
    details,
  );
}

/** Inside the write's transaction: grant the planned routes to `teamId` (platform admins only reach here with a non-empty plan). */
export async function applyRouteGrants(tx: Tx, actor: Actor, teamId: string, plan: RoutePlan): Promise<void> {
  if (!plan.missing.length) return;
  const now = Date.now();
  for (const r of plan.missing) {
    (await tx.insert(routeGrants).values({ routeId: r.id, teamId, grantedBy: actor.userId, createdAt: now }).onConflictDoNothing());
    (await writeAudit(tx, actor, { action: "route.grant", targetType: "route", targetId: r.id, teamId, after: { alias: r.alias, teamId, implicit: true } }));
  }
}
