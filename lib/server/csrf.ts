/**
 * Cross-site request forgery rule for cookie-authenticated writes.
 *
 * A session cookie rides along with any request the browser sends to our host, and
 * SameSite=Lax does not help against pages on another port of the same host or on a
 * sibling subdomain (they are "same-site"). So a state-changing request authenticated
 * by the cookie must prove it was sent by one of our own pages:
 * - `Origin` (sent by every current browser on cross-origin requests and on same-origin
 *   non-GET requests) must be the public origin; `null` and anything else is refused;
 * - when `Origin` is missing, `Sec-Fetch-Site` (if sent) must be `same-origin`;
 * - a request with neither header is not from a browser (curl with a pasted cookie) and
 *   passes: forging it needs the cookie itself.
 * Bearer-token calls (`pat_`) never come through here: a token is not sent ambiently.
 */
type Env = Record<string, string | undefined>;
const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export function isStateChanging(method: string): boolean {
  return !SAFE.has(method.toUpperCase());
}

function originOf(url: string | undefined | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/**
 * The origins our own pages are served from: PORTICO_PUBLIC_URL when set (only it: behind a
 * proxy the Host header may be an internal name); else NEXTAUTH_URL (which start-up derives
 * from the public URL or the port) and the origin the request itself was addressed to.
 */
export function allowedOrigins(h: Headers, env: Env = process.env): string[] {
  const pub = originOf(env.PORTICO_PUBLIC_URL);
  if (pub) return [pub];
  const out: string[] = [];
  const auth = originOf(env.NEXTAUTH_URL);
  if (auth) out.push(auth);
  const host = h.get("host");
  if (host) {
    // The scheme is not on the wire: accept both for the request's own host (the port is part of it).
    for (const proto of ["http", "https"]) {
      const o = originOf(`${proto}://${host}`);
      if (o && !out.includes(o)) out.push(o);
    }
  }
  return out;
}

/** null when the request may proceed, else why it is refused. */
export function crossSiteReason(method: string, h: Headers, env: Env = process.env): string | null {
  if (!isStateChanging(method)) return null;
  const origin = h.get("origin");
  const site = h.get("sec-fetch-site");
  if (origin !== null) {
    if (!allowedOrigins(h, env).includes(origin)) return `Origin ${origin === "null" ? "null" : JSON.stringify(origin)} is not this site's.`;
  }
  if (site !== null && site !== "same-origin") return `Sec-Fetch-Site is ${site}.`;
  return null;
}

/** `application/json` (with optional parameters such as charset), or `application/<x>+json`. */
export function isJsonContentType(ct: string | null): boolean {
  if (!ct) return false;
  const mime = ct.split(";")[0]!.trim().toLowerCase();
  return mime === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(mime);
}
