import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import type { NodePgClient } from "drizzle-orm/node-postgres/session";
import type { Pool, PoolClient, Client } from "pg";
import path from "node:path";
import fs from "node:fs";
import { MigrationError } from "./migrate";

/** PostgreSQL migrations (drizzle.pg.config.ts): drizzle/pg, or PORTICO_MIGRATIONS_DIR_PG. */
export function pgMigrationsFolder(): string {
  return process.env.PORTICO_MIGRATIONS_DIR_PG || path.join(/* turbopackIgnore: true */ process.cwd(), "drizzle", "pg");
}

/**
 * Session-level advisory lock held while migrating, so replicas starting together migrate
 * once: the first takes it and migrates, the others wait, then find nothing left to apply.
 * An arbitrary constant shared by every Portico process (ASCII "portico" as a number).
 */
export const MIGRATION_LOCK_KEY = "31647734761612143";

function clientOf(db: NodePgDatabase<Record<string, unknown>> | object): NodePgClient {
  // drizzle() sets $client on every database it returns; NodePgDatabase's type omits it
  return (db as { $client: NodePgClient }).$client;
}

/**
 * Applies pending migrations of drizzle/pg. drizzle runs them in one transaction, so a failing
 * migration rolls back and leaves the database as it was. Lock, migration and count run on one
 * connection (checked out of the pool when the database is a pool).
 */
export async function runPgMigrations<TSchema extends Record<string, unknown>>(db: NodePgDatabase<TSchema>): Promise<{ applied: number }> {
  const folder = pgMigrationsFolder();
  if (!fs.existsSync(path.join(folder, "meta", "_journal.json"))) {
    throw new MigrationError(`No migrations found at ${folder} (missing meta/_journal.json).`);
  }
  return withConnection(clientOf(db), async (conn) => {
    await conn.query("SELECT pg_advisory_lock($1::bigint)", [MIGRATION_LOCK_KEY]);
    let failed = false;
    try {
      const before = await countApplied(conn);
      try {
        await migrate(drizzle({ client: conn }), { migrationsFolder: folder });
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        throw new MigrationError(
          `Database migration failed; nothing was changed. Cause: ${msg}. Fix the migration or restore the database, then start again.`,
        );
      }
      return { applied: (await countApplied(conn)) - before };
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      // After a failure the pooled connection is destroyed (ending its session frees the lock),
      // so an unlock error must not hide the migration's own error.
      await conn.query("SELECT pg_advisory_unlock($1::bigint)", [MIGRATION_LOCK_KEY]).catch((err: unknown) => {
        if (!failed) throw err;
      });
    }
  });
}

/** For /readyz: every migration in the journal is applied. */
export async function pgMigrationsUpToDate<TSchema extends Record<string, unknown>>(db: NodePgDatabase<TSchema>): Promise<boolean> {
  const journal = JSON.parse(fs.readFileSync(path.join(pgMigrationsFolder(), "meta", "_journal.json"), "utf8")) as {
    entries: unknown[];
  };
  return withConnection(clientOf(db), async (conn) => (await countApplied(conn)) >= journal.entries.length);
}

function isPool(client: NodePgClient): client is Pool {
  // Pool and Client both have connect(); only a pool counts its idle connections.
  return typeof (client as Pool).idleCount === "number";
}

/** Runs fn on one connection: the client itself, or one checked out of the pool (destroyed after an error). */
async function withConnection<T>(client: NodePgClient, fn: (conn: PoolClient | Client) => Promise<T>): Promise<T> {
  if (!isPool(client)) return fn(client);
  const conn = await client.connect();
  try {
    const result = await fn(conn);
    conn.release();
    return result;
  } catch (err) {
    conn.release(true);
    throw err;
  }
}

/** Applied migrations (drizzle's bookkeeping table, schema "drizzle"); 0 before the first run. */
async function countApplied(conn: PoolClient | Client): Promise<number> {
  const exists = await conn.query<{ t: string | null }>("SELECT to_regclass('drizzle.__drizzle_migrations')::text AS t");
  if (!exists.rows[0]?.t) return 0;
  const res = await conn.query<{ n: number }>("SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations");
  return res.rows[0]?.n ?? 0;
}
