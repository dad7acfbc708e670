import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";
import { loginBlockedFor, recordLoginFailure, clearLoginFailures } from "@/lib/auth/login-limit";
import { clientIp } from "@/lib/auth/session";

type Ctx = { params: Promise<{ nextauth: string[] }> };

function handler(req: Request, ctx: Ctx) {
  return NextAuth(authOptions())(req, ctx);
}

export { handler as GET };

/**
 * Credential sign-in goes through a throttle: 10 failures per account and IP
 * in 15 minutes → 429 until the window passes. Other next-auth POSTs pass.
 */
export async function POST(req: Request, ctx: Ctx) {
  const { nextauth } = await ctx.params;
  if (nextauth.join("/") !== "callback/credentials") return handler(req, ctx);
  const form = await req.clone().formData().catch(() => null);
  const email = String(form?.get("email") ?? "").toLowerCase();
  const ip = clientIp(req.headers);
  const wait = loginBlockedFor(email, ip);
  if (wait > 0) {
    const base = process.env.NEXTAUTH_URL ?? "";
    return Response.json(
      { url: `${base}/login?error=RateLimited`, error: { code: "rate_limited", message: `Too many failed sign-in attempts. Try again in ${Math.ceil(wait / 60)} minutes.` } },
      { status: 429, headers: { "retry-after": String(wait) } },
    );
  }
  const res = await handler(req, ctx);
  // next-auth answers a failed credential check with 401 (json mode) or a redirect carrying ?error=.
  const location = res.headers.get("location") ?? "";
  let failed = res.status === 401 || location.includes("error=");
  if (!failed && res.status === 200 && res.headers.get("content-type")?.includes("json")) {
    const body = (await res.clone().json().catch(() => null)) as { url?: string } | null;
    failed = !!body?.url?.includes("error=");
  }
  if (failed) recordLoginFailure(email, ip);
  else clearLoginFailures(email, ip);
  return res;
}
