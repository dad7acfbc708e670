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
import type { Db } from "@/lib/db/client";

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
    const { runMigrations } = await import("@/lib/db/migrate");
    runMigrations(client.getDb());
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
  // The PostgreSQL migrator (lib/db/migrate-pg.ts), through a variable specifier so this
  // file compiles on a tree without it.
  const spec = "@/lib/db/migrate-pg";
  const { runPgMigrations } = (await import(/* @vite-ignore */ spec)) as { runPgMigrations: (db: Db) => Promise<unknown> };
  await runPgMigrations(client.getDb());
  return {
    engine,
    async close() {
      await closeAsync();
      await run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function closeAsync(): Promise<void> {
  const client = await import("@/lib/db/client");
  const r = client.closeDb() as unknown;
  if (r instanceof Promise) await r;
}
