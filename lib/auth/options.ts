import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { eq } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { verifyPassword } from "./password";
import { deriveKey } from "@/lib/secret";
import { newId } from "@/lib/ids";
import { bumpSessionGeneration, sessionIsCurrent, storedGeneration } from "./session-generation";

/** Thrown by the jwt callback for a revoked session: next-auth then answers "no session" and clears the cookie. */
const REVOKED = "session revoked";

/** Session lifetime; after it the user signs in again. */
export function sessionMaxAgeSeconds(): number {
  const v = Number(process.env.PORTICO_SESSION_MAX_AGE);
  return Number.isFinite(v) && v > 0 ? v : 8 * 60 * 60;
}

function oidcProvider(): NextAuthOptions["providers"][number] | null {
  const issuer = process.env.PORTICO_OIDC_ISSUER;
  const clientId = process.env.PORTICO_OIDC_CLIENT_ID;
  const clientSecret = process.env.PORTICO_OIDC_CLIENT_SECRET;
  if (!issuer || !clientId || !clientSecret) return null;
  return {
    id: "oidc",
    name: process.env.PORTICO_OIDC_NAME || "SSO",
    type: "oauth",
    wellKnown: `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`,
    authorization: { params: { scope: "openid email profile" } },
    idToken: true,
    checks: ["pkce", "state"],
    clientId,
    clientSecret,
    profile(profile: { sub: string; email?: string; name?: string }) {
      return { id: profile.sub, email: profile.email ?? "", name: profile.name ?? profile.email ?? "" };
    },
  };
}

const credentials = CredentialsProvider({
  id: "credentials",
  name: "Email and password",
  credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
  async authorize(creds) {
    const email = String(creds?.email ?? "").trim().toLowerCase();
    const password = String(creds?.password ?? "");
    if (!email || !password) return null;
    const db = getDb();
    const u = (await db.select().from(users).where(eq(users.email, email)).limit(1))[0];
    // Verify even for unknown users so timing does not reveal which emails exist.
    const ok = await verifyPassword(password, u?.passwordHash ?? DUMMY_HASH);
    if (!u || !ok || u.disabled) return null;
    (await db.update(users).set({ lastLoginAt: Date.now() }).where(eq(users.id, u.id)));
    return { id: u.id, email: u.email, name: u.name };
  },
});

const DUMMY_HASH = "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

export function authOptions(): NextAuthOptions {
  const oidc = oidcProvider();
  return {
    secret: deriveKey("nextauth-session").toString("base64url"),
    session: { strategy: "jwt", maxAge: sessionMaxAgeSeconds() },
    jwt: { maxAge: sessionMaxAgeSeconds() },
    pages: { signIn: "/login", error: "/login" },
    providers: oidc ? [credentials, oidc] : [credentials],
    events: {
      // Signing out ends every session of this user, on every device and instance (a copied
      // cookie must not outlive the sign-out). A token that is already revoked changes nothing.
      async signOut({ token }) {
        const uid = token?.uid;
        if (typeof uid === "string" && (await sessionIsCurrent(uid, token.gen))) (await bumpSessionGeneration(uid));
      },
    },
    logger: {
      // A revoked session is an expected answer, not an error worth a stack trace per request.
      error(code, metadata) {
        if (code === "JWT_SESSION_ERROR" && (metadata as { message?: string } | undefined)?.message === REVOKED) return;
        console.error(`[next-auth][error][${code}]`, metadata);
      },
    },
    callbacks: {
      async signIn({ user, account }) {
        if (account?.provider !== "oidc") return true;
        // SSO: an existing, enabled account with the same email signs in; new emails become members.
        const email = (user.email ?? "").toLowerCase();
        if (!email) return "/login?error=NoEmail";
        const db = getDb();
        const existing = (await db.select().from(users).where(eq(users.email, email)).limit(1))[0];
        if (existing?.disabled) return "/login?error=AccountDisabled";
        if (!existing) {
          const now = Date.now();
          (await db.insert(users)
            .values({ id: newId("usr"), email, name: user.name || email, role: "member", createdAt: now, updatedAt: now }));
        }
        return true;
      },
      async jwt({ token, user, account }) {
        if (user) {
          if (account?.provider === "oidc") {
            const u = (await getDb()
              .select()
              .from(users)
              .where(eq(users.email, (user.email ?? "").toLowerCase())).limit(1))[0];
            token.uid = u?.id;
          } else {
            token.uid = user.id;
          }
          // The generation at sign-in: a later bump (sign-out, password change, ...) revokes this token.
          if (typeof token.uid === "string") token.gen = (await storedGeneration(token.uid));
        } else if (typeof token.uid === "string" && !(await sessionIsCurrent(token.uid, token.gen))) {
          throw new Error(REVOKED);
        }
        return token;
      },
      async session({ session, token }) {
        if (session.user) (session.user as { id?: string }).id = token.uid as string | undefined;
        return session;
      },
    },
  };
}
