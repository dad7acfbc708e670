/**
 * The database a test harness runs on. SQLite (a file in the harness's temporary directory)
 * unless `PORTICO_TEST_ENGINE=postgres`: then a scratch PostgreSQL database
 * `portico_t_<pid>_<random>` on the server of `PORTICO_TEST_PG_URL`
 * (default postgres://postgres@127.0.0.1:5432/postgres), dropped by `drop()`.
 * `.ci/run` drops the ones a killed run left behind.
 */
import crypto from "node:crypto";
import path from "node:path";
import pg from "pg";

export type TestEngine = "sqlite" | "postgres";

export const TEST_ENGINE: TestEngine = process.env.PORTICO_TEST_ENGINE === "postgres" ? "postgres" : "sqlite";
export const onPostgres = TEST_ENGINE === "postgres";
export const PG_BASE_URL = process.env.PORTICO_TEST_PG_URL || "postgres://postgres@127.0.0.1:5432/postgres";

/** Reason strings for tests that only make sense on one engine (`it.skipIf(onPostgres)(...)`). */
export const SQLITE_ONLY = "SQLite-specific (skipped when PORTICO_TEST_ENGINE=postgres)";

export interface ScratchDb {
  engine: TestEngine;
  /** the DATABASE_URL to use */
  url: string;
  /** PostgreSQL: the database's name */
  name: string | null;
  /** Drops the PostgreSQL database (terminating its connections); no-op on SQLite. Idempotent. */
  drop: () => Promise<void>;
}

/** `PG_BASE_URL` with another database name. */
export function pgUrlFor(database: string): string {
  const u = new URL(PG_BASE_URL);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_BASE_URL, connectionTimeoutMillis: 10_000 });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A fresh, empty PostgreSQL database on the test server. */
export async function createPgScratch(): Promise<ScratchDb> {
  const name = `portico_t_${process.pid}_${crypto.randomBytes(5).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  let dropped: Promise<void> | null = null;
  return {
    engine: "postgres",
    url: pgUrlFor(name),
    name,
    drop: () => (dropped ??= admin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)))),
  };
}

/**
 * The database for one harness: `file:<dir>/<file>` on SQLite, a scratch PostgreSQL
 * database when the suite runs on PostgreSQL.
 */
export async function scratchDatabase(dir: string, file = "portico.db"): Promise<ScratchDb> {
  if (onPostgres) return createPgScratch();
  return { engine: "sqlite", url: "file:" + path.join(dir, file), name: null, drop: async () => undefined };
}

/** Applies the configured engine's migrations (drizzle/ or drizzle/pg) to the process's database. */
export async function migrateTestDatabase(): Promise<void> {
  const { migrateDatabase } = await import("@/lib/db/migrations");
  await migrateDatabase();
}
