import { getServerSession } from "next-auth";
import { headers } from "next/headers";
import { authOptions } from "./options";
import { actorFromAdminToken, loadActor, type Actor } from "./actor";

export function clientIp(h: Headers): string {
  const xf = h.get("x-forwarded-for");
  if (xf) return xf.split(",")[0]!.trim();
  return h.get("x-real-ip") ?? "local";
}

/**
 * The caller of a control-plane route or page: an admin API token
 * (`Authorization: Bearer pat_...`) wins over the session cookie.
 * Returns null when neither is present or the user is disabled.
 */
export async function currentActor(req?: Request): Promise<Actor | null> {
  const h = req ? req.headers : await headers();
  const ip = clientIp(h);
  const byToken = actorFromAdminToken(h.get("authorization"), ip);
  if (byToken) return byToken;
  const session = await getServerSession(authOptions());
  const uid = (session?.user as { id?: string } | undefined)?.id;
  if (!uid) return null;
  return loadActor(uid, "session", ip);
}
