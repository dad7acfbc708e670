/**
 * Test support: the engines a storage test runs on. SQLite always (a temporary file);
 * PostgreSQL too when PORTICO_TEST_PG_URL is set (e.g. postgres://postgres@127.0.0.1:5432/postgres):
 * a scratch database `telemetry_<random>` is created on that server, migrated, and
 * dropped afterwards. `DATABASE_URL` points at the engine under test between `open` and `close`.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";

export type Engine = "sqlite" | "postgres";

export const ENGINES: Engine[] = process.env.PORTICO_TEST_PG_URL ? ["sqlite", "postgres"] : ["sqlite"];

export interface TestDb {
  engine: Engine;
  close(): Promise<void>;
}

/** Opens an empty, migrated database of `engine` as the process's database. */
export async function openTestDb(engine: Engine): Promise<TestDb> {
  const client = await import("@/lib/db/client");
  client.closeDb();
  if (engine === "sqlite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portico-telemetry-"));
    process.env.DATABASE_URL = "file:" + path.join(dir, "t.db");
    const { migrateDatabase } = await import("@/lib/db/migrations");
    await migrateDatabase();
    return {
      engine,
      async close() {
        client.closeDb();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const admin = process.env.PORTICO_TEST_PG_URL!;
  const name = `telemetry_${randomBytes(4).toString("hex")}`;
  const { Client } = await import("pg");
  const run = async (sql: string) => {
    const c = new Client({ connectionString: admin });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
  const { migrateDatabase } = await import("@/lib/db/migrations");
  await migrateDatabase();
  return {
    engine,
    async close() {
      const pool = client.getDbHolder().pool;
      client.closeDb();
      await pool?.end().catch(() => undefined);
      // FORCE: a pooled connection still closing must not keep the scratch database
      await run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
