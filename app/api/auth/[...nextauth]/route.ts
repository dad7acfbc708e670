import NextAuth from "next-auth";
import { NextRequest } from "next/server";
import { authOptions } from "@/lib/auth/options";
import { loginBlockedFor, recordLoginFailure, clearLoginFailures } from "@/lib/auth/login-limit";
import { clientIp } from "@/lib/auth/session";
import { crossSiteReason } from "@/lib/server/csrf";
import { PayloadTooLargeError, readLimitedText } from "@/lib/server/body-limit";

type Ctx = { params: Promise<{ nextauth: string[] }> };

function handler(req: Request, ctx: Ctx) {
  return NextAuth(authOptions())(req, ctx);
}

export { handler as GET };

function jsonError(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error: { code, message } }, { status, headers });
}

/** The POST body as next-auth will read it (form or JSON); null when a JSON body does not parse. */
function formFields(text: string, contentType: string): Record<string, unknown> | null {
  if (contentType.includes("application/json")) {
    try {
      const v: unknown = text.trim() ? JSON.parse(text) : {};
      return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
    } catch {
      return null;
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

/**
 * next-auth's POSTs (sign-in, credential callback, sign-out):
 * - the body is read with the control-plane size limit before anything parses it (413);
 * - sign-in and sign-out must come from our own pages (lib/server/csrf.ts), on top of
 *   next-auth's own CSRF token — a page on another port must not sign a user out or in;
 * - a JSON body that does not parse is a 400 with a JSON answer, not next-auth's bare 500;
 * - credential sign-in is throttled: 10 failures per account and client address in
 *   15 minutes → 429 until the window passes (shared through Redis when REDIS_URL is set).
 */
export async function POST(req: Request, ctx: Ctx) {
  const { nextauth } = await ctx.params;
  const action = nextauth.join("/");
  const why = crossSiteReason(req.method, req.headers);
  if (why && (action === "signout" || action === "callback/credentials" || action.startsWith("signin"))) {
    return jsonError(403, "cross_site_request", `Cross-site request refused: ${why}`);
  }
  let text: string;
  try {
    text = await readLimitedText(req);
  } catch (e) {
    if (e instanceof PayloadTooLargeError) return jsonError(413, e.code, e.message);
    throw e;
  }
  const fields = formFields(text, req.headers.get("content-type") ?? "");
  if (!fields) return jsonError(400, "invalid_json", "The request body is not valid JSON.");
  // next-auth reads the body itself: hand it a request with the (already bounded) text.
  const headers = new Headers(req.headers);
  headers.delete("content-length"); // the text may re-encode to another length (invalid UTF-8)
  const again = new NextRequest(req.url, { method: req.method, headers, body: text });
  if (action !== "callback/credentials") return handler(again, ctx);

  const email = String(fields.email ?? "").toLowerCase();
  const ip = clientIp(req.headers);
  const wait = await loginBlockedFor(email, ip);
  if (wait > 0) {
    const base = process.env.NEXTAUTH_URL ?? "";
    return Response.json(
      { url: `${base}/login?error=RateLimited`, error: { code: "rate_limited", message: `Too many failed sign-in attempts. Try again in ${Math.ceil(wait / 60)} minutes.` } },
      { status: 429, headers: { "retry-after": String(wait) } },
    );
  }
  const res = await handler(again, ctx);
  // next-auth answers a failed credential check with 401 (json mode) or a redirect carrying ?error=.
  const location = res.headers.get("location") ?? "";
  let failed = res.status === 401 || location.includes("error=");
  if (!failed && res.status === 200 && res.headers.get("content-type")?.includes("json")) {
    const body = (await res.clone().json().catch(() => null)) as { url?: string } | null;
    failed = !!body?.url?.includes("error=");
  }
  if (failed) await recordLoginFailure(email, ip);
  else await clearLoginFailures(email, ip);
  return res;
}
