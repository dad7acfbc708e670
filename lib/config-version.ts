import { rawGet } from "@/lib/db/sql";
import { sql } from "drizzle-orm";
import { dbEngine, type Db } from "@/lib/db/client";
import { afterCommit, incrementSetting, runSql } from "@/lib/db/sql";
import { runtime } from "@/lib/runtime";

/**
 * Every control-plane write that the data plane reads (keys, routes, providers,
 * models, later subscriptions and limits) bumps this version. The gateway's
 * in-memory snapshot rebuilds when it sees a new version: at once in this
 * process (the runtime), and within the poll interval in other processes that
 * share the database.
 */
const state = runtime().configVersion;

/** PostgreSQL channel other instances LISTEN on (lib/db/notify.ts): a change is seen at once, not at the next poll. */
export const CONFIG_CHANNEL = "portico_config";

export async function bumpConfigVersion(tx?: Db): Promise<void> {
  await incrementSetting("config_version", tx);
  // delivered when the transaction commits
  if (dbEngine() === "postgres") await runSql(sql.raw(`NOTIFY ${CONFIG_CHANNEL}`), tx);
  // This process's snapshot rebuilds on its next request, but only once the change is committed:
  // on PostgreSQL a rebuild reads through another pooled connection and would see the old rows.
  afterCommit(() => state.local++);
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
