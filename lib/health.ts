import { getDb } from "@/lib/db/client";
import { migrationsUpToDate } from "@/lib/db/migrate";

export interface Readiness {
  status: "ok" | "unavailable";
  checks: Record<string, { ok: boolean; message?: string }>;
}

type Check = () => { ok: boolean; message?: string };
const g = globalThis as unknown as { __porticoReadyChecks?: Map<string, Check> };
const extra = (g.__porticoReadyChecks ??= new Map());

/** Other parts (rate-limit store, log writer) add their own readiness checks. */
export function registerReadinessCheck(name: string, check: Check): void {
  extra.set(name, check);
}

export function readiness(): Readiness {
  const checks: Readiness["checks"] = {};
  try {
    const db = getDb();
    db.$client.prepare("SELECT 1").get();
    checks.database = { ok: true };
    const up = migrationsUpToDate(db);
    checks.migrations = up ? { ok: true } : { ok: false, message: "pending migrations" };
  } catch (e) {
    checks.database = { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
  for (const [name, c] of extra) {
    try {
      checks[name] = c();
    } catch (e) {
      checks[name] = { ok: false, message: String(e) };
    }
  }
  const ok = Object.values(checks).every((c) => c.ok);
  return { status: ok ? "ok" : "unavailable", checks };
}
