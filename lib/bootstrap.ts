import { withTransaction } from "@/lib/db/sql";
import { eq, sql } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/db/migrations";
import { users, teams, teamMembers } from "@/lib/db/schema";
import { hashPassword, generatePassword, PASSWORD_MIN_LENGTH } from "@/lib/auth/password";
import { masterSecret } from "@/lib/secret";
import { newId } from "@/lib/ids";
import { writeAudit } from "@/lib/services/audit";
import { seedGatewayDefaults } from "@/lib/seed/gateway";
import { seedAccessDefaults } from "@/lib/seed/access";
import { installTrafficLimits } from "@/lib/policy/limits";
import { installContentPolicy } from "@/lib/policy/cache-hooks";
import { gatewayGuards } from "@/lib/gateway/guards";
import { installGuards } from "@/lib/gateway/stages/guard";
import { startLogTelemetry } from "@/lib/telemetry/log-telemetry";
import { startObservability } from "@/lib/telemetry/observability";
import { applyConfigFile, reapplyOnSighup } from "@/lib/config/startup";
import { deferSchedulers, schedulersDeferred, startWholeSetSchedulers } from "@/lib/server/schedulers";
import { runtime } from "@/lib/runtime";

/** Defaults the session layer needs before any request: the public URL next-auth signs callbacks for. */
export function applyEnvDefaults(): void {
  const port = process.env.PORT || "3000";
  if (!process.env.NEXTAUTH_URL) process.env.NEXTAUTH_URL = process.env.PORTICO_PUBLIC_URL || `http://localhost:${port}`;
}

/**
 * Start-up: migrate, make sure the master secret exists, create the first
 * admin and a demo team on an empty database, then the built-in seeds.
 * Idempotent and once per process (both the fast-path server and Next call it).
 */
export function bootstrap(): Promise<void> {
  // The runtime (lib/runtime.ts) is built here, first: everything below fills it.
  const rt = runtime();
  return (rt.boot ??= doBootstrap());
}

async function doBootstrap(): Promise<void> {
  applyEnvDefaults();
  const db = getDb();
  await migrateDatabase();
  masterSecret();
  await ensureFirstAdmin();
  (await seedGatewayDefaults(db));
  // After the gateway seeds: the Mock LLM API lists their routes.
  (await seedAccessDefaults(db));
  // PORTICO_CONFIG_FILE: after the seeds, so the file has the last word (docs/config-as-code.md).
  // In a cluster only worker 1 applies it at start (the others start after it listens); a
  // replacement worker finds it applied already.
  if (!schedulersDeferred() || process.env.PORTICO_WORKER_ID === "1") (await applyConfigFile());
  reapplyOnSighup();
  // The guard stage's one ordered list (content, then limits: lib/gateway/guards.ts), then the
  // record hooks: the log scrubber, then rate-limit/budget reconciliation and the spend ledger
  // (docs/traffic-policy.md). Nothing registers itself by import.
  installGuards(gatewayGuards());
  installContentPolicy();
  installTrafficLimits();
  // Usage rollups + captured bodies from the log writer's flushes (every process has its own writer).
  startLogTelemetry({ retention: false });
  // Prometheus metrics and trace export from the record stage; alert windows.
  startObservability({ evaluator: false });
  // Log retention and the alert evaluator: once per database. A cluster worker waits until the
  // primary picks it (lib/server/cluster.ts); a single process runs them now.
  if (schedulersDeferred()) deferSchedulers();
  else startWholeSetSchedulers();
}

async function ensureFirstAdmin(): Promise<void> {
  const db = getDb();
  const count = (await db.select({ n: sql<number>`count(*)` }).from(users).limit(1))[0]?.n ?? 0;
  if (count > 0) return;
  const email = (process.env.PORTICO_ADMIN_EMAIL || "admin@portico.local").trim().toLowerCase();
  let password = process.env.PORTICO_ADMIN_PASSWORD;
  const generated = !password;
  if (password && password.length < PASSWORD_MIN_LENGTH) {
    throw new Error(`PORTICO_ADMIN_PASSWORD must be at least ${PASSWORD_MIN_LENGTH} characters.`);
  }
  password ??= generatePassword();
  const hash = await hashPassword(password);
  const now = Date.now();
  const adminId = newId("usr");
  const teamId = newId("team");
  await withTransaction(async (tx) => {
    // Re-check inside the transaction: two processes may start on one empty database.
    const again = (await tx.select({ n: sql<number>`count(*)` }).from(users).limit(1))[0]?.n ?? 0;
    if (again > 0) return;
    (await tx.insert(users).values({ id: adminId, email, name: "Admin", passwordHash: hash, role: "admin", createdAt: now, updatedAt: now }));
    const demo = (await tx.select().from(teams).where(eq(teams.slug, "demo")).limit(1))[0];
    if (!demo) {
      (await tx.insert(teams)
        .values({ id: teamId, slug: "demo", name: "Demo team", description: "A team to try Portico with; rename or delete it.", createdAt: now, updatedAt: now }));
      (await tx.insert(teamMembers).values({ teamId, userId: adminId, role: "team_admin", createdAt: now }));
    }
    (await writeAudit(tx, { system: true }, { action: "user.create", targetType: "user", targetId: adminId, after: { email, role: "admin", firstRun: true } }));
    if (generated) {
      const line = "=".repeat(72);
      console.log(
        `\n${line}\n  Portico first run: created the admin account\n    email:    ${email}\n    password: ${password}\n  This password is shown once. Sign in and change it under Users.\n${line}\n`,
      );
    } else {
      console.log(`[portico] first run: created admin ${email} from PORTICO_ADMIN_EMAIL/PORTICO_ADMIN_PASSWORD`);
    }
  });
}
