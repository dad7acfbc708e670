import { rawGet } from "@/lib/db/sql";
import { sql } from "drizzle-orm";
import { getDb } from "@/lib/db/client";

/**
 * Every control-plane write that the data plane reads (keys, routes, providers,
 * models, later subscriptions and limits) bumps this version. The gateway's
 * in-memory snapshot rebuilds when it sees a new version: at once in this
 * process (globalThis), and within the poll interval in other processes that
 * share the database.
 */
const g = globalThis as unknown as { __porticoConfigVersion?: { local: number } };
const state = (g.__porticoConfigVersion ??= { local: 0 });

type Runner = { run: (q: ReturnType<typeof sql>) => unknown };

export function bumpConfigVersion(tx?: Runner): void {
  (tx ?? getDb()).run(
    sql`INSERT INTO settings(key, value, updated_at) VALUES ('config_version', 1, ${Date.now()})
        ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1, updated_at = excluded.updated_at`,
  );
  state.local++;
}

/** In-process change counter: cheap to read on every request. */
export function localConfigVersion(): number {
  return state.local;
}

/** The shared version in the database (read by the snapshot's poller, not per request). */
export async function storedConfigVersion(): Promise<number> {
  const row = (await rawGet("SELECT value FROM settings WHERE key = 'config_version'", [])) as { value: string | number } | undefined;
  return row ? Number(row.value) : 0;
}
