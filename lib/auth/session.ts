import { getToken } from "next-auth/jwt";
import { headers } from "next/headers";
import { authOptions } from "./options";
import { actorFromAdminToken, loadActor, type Actor } from "./actor";
import { sessionIsCurrent } from "./session-generation";
import { clientAddress, trustedProxies } from "@/lib/server/client-address";

/** The caller's address through trusted proxies only (lib/server/client-address.ts). */
export function clientIp(h: Headers): string {
  return clientAddress(null, h.get("x-forwarded-for"), trustedProxies());
}

function cookieMap(header: string | null): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      /* keep it raw */
    }
    if (!out.has(name)) out.set(name, value);
  }
  return out;
}

/**
 * The signed-in user id from the next-auth session cookie, or null. Decoded here (not with
 * getServerSession) so it works on any Request, and checked against the user's session
 * generation: a cookie issued before a sign-out or a password change is refused.
 */
export async function sessionUserId(h: Headers): Promise<string | null> {
  const token = await getToken({ req: { headers: h, cookies: cookieMap(h.get("cookie")) } as never, secret: authOptions().secret });
  const uid = token?.uid;
  if (typeof uid !== "string") return null;
  return (await sessionIsCurrent(uid, token!.gen)) ? uid : null;
}

/**
 * The caller of a control-plane route or page: an admin API token
 * (`Authorization: Bearer pat_...`) wins over the session cookie.
 * Returns null when neither is present, the session was revoked or the user is disabled.
 */
export async function currentActor(req?: Request): Promise<Actor | null> {
  const h = req ? req.headers : await headers();
  const ip = clientIp(h);
  const byToken = (await actorFromAdminToken(h.get("authorization"), ip));
  if (byToken) return byToken;
  const uid = await sessionUserId(h);
  if (!uid) return null;
  return (await loadActor(uid, "session", ip));
}
