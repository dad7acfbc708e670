/**
 * The control plane without Next's server: a temporary database, bootstrapped as at start,
 * route handlers imported from app/ and called with real web Requests — including real
 * next-auth session cookies, minted exactly as sign-in mints them (the jwt callback, then
 * next-auth's encoder with Portico's secret), so cookie sessions, CSRF rules and session
 * revocation run through the same code as in production.
 *
 * Call `startControlPlane()` from `beforeAll` BEFORE importing any lib/ module.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Actor } from "@/lib/auth/actor";

export const ORIGIN = "http://localhost:3000";
type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response> | Response;

export async function startControlPlane(env: Record<string, string> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portico-cp-"));
  process.env.DATABASE_URL = "file:" + path.join(dir, "portico.db");
  process.env.PORTICO_SECRET = "test-secret-".padEnd(40, "x");
  process.env.PORTICO_ADMIN_EMAIL = "admin@cp.test";
  process.env.PORTICO_ADMIN_PASSWORD = "correct-horse-battery-staple";
  process.env.NEXTAUTH_URL = ORIGIN;
  Object.assign(process.env, env);
  const { bootstrap } = await import("@/lib/bootstrap");
  const dbm = await import("@/lib/db/client");
  const schema = await import("@/lib/db/schema");
  const { loadActor } = await import("@/lib/auth/actor");
  const { authOptions } = await import("@/lib/auth/options");
  const { encode } = await import("next-auth/jwt");
  const { eq } = await import("drizzle-orm");
  await bootstrap();
  const adminRow = (await dbm.getDb().select().from(schema.users).where(eq(schema.users.email, "admin@cp.test")).limit(1))[0]!;
  const admin: Actor = (await loadActor(adminRow.id, "session"))!;

  /** A session cookie for this user, as the credentials sign-in would set it. */
  async function sessionCookie(userId: string): Promise<string> {
    const o = authOptions();
    const token = await o.callbacks!.jwt!({ token: { sub: userId }, user: { id: userId } as never, account: { provider: "credentials" } as never } as never);
    const jwt = await encode({ token, secret: o.secret! });
    return `next-auth.session-token=${jwt}`;
  }

  /** A route handler module from app/, e.g. `route("api/admin/tokens")`. */
  async function route(p: string): Promise<Record<string, Handler>> {
    return (await import(path.resolve(__dirname, "../../app", p, "route.ts"))) as Record<string, Handler>;
  }

  function call(h: Handler, url: string, init: RequestInit & { params?: Record<string, string> } = {}): Promise<Response> {
    const { params = {}, ...rest } = init;
    return Promise.resolve(h(new Request(new URL(url, ORIGIN), { ...rest, duplex: "half" } as RequestInit), { params: Promise.resolve(params) }));
  }

  function close(): void {
    dbm.closeDb();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { dir, admin, db: dbm.getDb(), schema, sessionCookie, route, call, close };
}

export type ControlPlane = Awaited<ReturnType<typeof startControlPlane>>;
