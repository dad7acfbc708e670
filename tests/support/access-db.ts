/**
 * A temporary SQLite database for the access-layer service tests
 * (lib/services/{apps,apis,subscriptions,webhooks}.test.ts): migrated, with the
 * built-in mock routes (mock-chat, mock-embed) and a cast of users:
 *
 *   admin        platform admin, no team
 *   taA / memA   team admin / member of team A
 *   taB / memB   team admin / member of team B
 *   memC         member of team C
 *
 * Call `setupAccessDb()` from `beforeAll` BEFORE importing any lib/ module
 * (the database URL is read when the client first opens). Vitest runs each
 * test file in its own process, so each file gets its own database.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Actor } from "@/lib/auth/actor";
import type { AppError } from "@/lib/errors";

export interface AccessDb {
  db: typeof import("@/lib/db/client");
  schema: typeof import("@/lib/db/schema");
  actors: Record<"admin" | "taA" | "memA" | "taB" | "memB" | "memC", Actor>;
  teams: { A: string; B: string; C: string };
  close: () => void;
}

export async function setupAccessDb(): Promise<AccessDb> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portico-access-"));
  process.env.DATABASE_URL = "file:" + path.join(dir, "test.db");
  process.env.PORTICO_SECRET = "test-secret-test-secret-test-secret-0123";
  const db = await import("@/lib/db/client");
  const schema = await import("@/lib/db/schema");
  const { runMigrations } = await import("@/lib/db/migrate");
  const { seedGatewayDefaults } = await import("@/lib/seed/gateway");
  const { loadActor } = await import("@/lib/auth/actor");
  const d = db.getDb();
  runMigrations(d);
  await seedGatewayDefaults(d);
  const now = Date.now();
  const teams = { A: "team_a", B: "team_b", C: "team_c" };
  (await d.insert(schema.teams)
    .values([
      { id: teams.A, slug: "team-a", name: "Team A", createdAt: now, updatedAt: now },
      { id: teams.B, slug: "team-b", name: "Team B", createdAt: now, updatedAt: now },
      { id: teams.C, slug: "team-c", name: "Team C", createdAt: now, updatedAt: now },
    ]));
  const people = [
    { id: "usr_admin", role: "admin" as const, team: null, teamRole: null },
    { id: "usr_ta_a", role: "member" as const, team: teams.A, teamRole: "team_admin" as const },
    { id: "usr_mem_a", role: "member" as const, team: teams.A, teamRole: "member" as const },
    { id: "usr_ta_b", role: "member" as const, team: teams.B, teamRole: "team_admin" as const },
    { id: "usr_mem_b", role: "member" as const, team: teams.B, teamRole: "member" as const },
    { id: "usr_mem_c", role: "member" as const, team: teams.C, teamRole: "member" as const },
  ];
  for (const p of people) {
    (await d.insert(schema.users).values({ id: p.id, email: `${p.id.slice(4)}@test`, name: p.id, role: p.role, createdAt: now, updatedAt: now }));
    if (p.team) (await d.insert(schema.teamMembers).values({ teamId: p.team, userId: p.id, role: p.teamRole!, createdAt: now }));
  }
  // The built-in mock routes are platform-owned: grant them to every team, as a platform admin would
  // (and as the route-ownership migration did for existing APIs), so team admins may expose them.
  for (const r of (await d.select({ id: schema.routes.id }).from(schema.routes))) {
    for (const t of Object.values(teams)) (await d.insert(schema.routeGrants).values({ routeId: r.id, teamId: t, grantedBy: null, createdAt: now }));
  }
  const actor = async (id: string) => (await loadActor(id, "session"))!;
  return {
    db,
    schema,
    teams,
    actors: {
      admin: (await actor("usr_admin")),
      taA: (await actor("usr_ta_a")),
      memA: (await actor("usr_mem_a")),
      taB: (await actor("usr_ta_b")),
      memB: (await actor("usr_mem_b")),
      memC: (await actor("usr_mem_c")),
    },
    close: () => {
      db.closeDb();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The typed error `fn` throws or rejects with (fails the test when it does neither). */
export async function caught(fn: () => unknown): Promise<AppError> {
  try {
    await fn();
  } catch (e) {
    return e as AppError;
  }
  throw new Error("expected an error");
}
