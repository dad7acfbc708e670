import { rawGet } from "@/lib/db/sql";
import { databaseMigrated } from "@/lib/db/migrations";
import { RedisClient } from "@/lib/policy/redis-client";
import { runtime } from "@/lib/runtime";

export interface Readiness {
  status: "ok" | "unavailable";
  checks: Record<string, { ok: boolean; degraded?: boolean; message?: string }>;
}

export type ReadinessCheck = () => { ok: boolean; degraded?: boolean; message?: string };
const health = runtime().health;
const extra = health.checks;

/** Other parts (rate-limit store, log writer) add their own readiness checks. */
export function registerReadinessCheck(name: string, check: ReadinessCheck): void {
  extra.set(name, check);
}

export async function readiness(): Promise<Readiness> {
  const checks: Readiness["checks"] = {};
  try {
    (await rawGet("SELECT 1", []));
    checks.database = { ok: true };
    const up = await databaseMigrated();
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

/**
 * Redis as it is now, not as the last limited call found it: a PING with a short timeout on
 * a probe connection of its own. Redis down is `degraded` (rate limits, cache, idempotency
 * and the sign-in throttle fall back to this process), not "unavailable": the instance still
 * serves, so a load balancer must not take every instance out at once.
 */
export async function probeRedis(url = process.env.REDIS_URL): Promise<Readiness["checks"][string] | null> {
  if (!url) return null;
  const client = (health.redisProbe ??= new RedisClient(url, { timeoutMs: 300, connectTimeoutMs: 300 }));
  const t0 = Date.now();
  try {
    const pong = await client.command(["PING"]);
    if (pong !== "PONG") throw new Error(`unexpected reply ${JSON.stringify(pong)}`);
    return { ok: true, message: `PONG in ${Date.now() - t0} ms` };
  } catch (e) {
    return { ok: true, degraded: true, message: `Redis unreachable (${e instanceof Error ? e.message : String(e)}): shared limits, cache and sign-in throttle run in this process only` };
  }
}

/** /readyz: the checks above plus the active probes (Redis). */
export async function readinessProbed(): Promise<Readiness> {
  const r = (await readiness());
  const redis = await probeRedis();
  if (redis) {
    r.checks.redis = redis;
    // A store that has not yet noticed (no limited call since Redis went away) must not read as healthy.
    if (redis.degraded) {
      for (const c of Object.values(r.checks)) if (c !== redis && c.message === "redis" && !c.degraded) Object.assign(c, { degraded: true, message: "redis (unreachable now: see the redis check)" });
    }
  }
  return r;
}
