import { redirect } from "next/navigation";
import { currentActor } from "./session";
import { effectiveRole, type Actor, type EffectiveRole } from "./actor";

const RANK = { member: 0, team_admin: 1, admin: 2 } as const;

/**
 * Server-side page guard: redirects anonymous visitors to sign-in and tells
 * the page whether the signed-in user's role is enough (pages render a 403
 * state when it is not — hiding a button is never the only check).
 */
export async function pageActor(role: EffectiveRole, callbackPath: string): Promise<{ actor: Actor; allowed: boolean; role: EffectiveRole }> {
  let actor: Actor | null = null;
  try {
    actor = await currentActor();
  } catch {
    actor = null;
  }
  if (!actor) redirect(`/login?callbackUrl=${encodeURIComponent(callbackPath)}`);
  const r = effectiveRole(actor);
  return { actor, allowed: RANK[r] >= RANK[role], role: r };
}
