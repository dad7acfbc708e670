import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import pg from "pg";
import fs from "node:fs";
import path from "node:path";
import * as schema from "./schema";
import * as pgSchema from "./schema-pg";
import { dbEngine, type DbEngine } from "./engine";
import { runtime } from "@/lib/runtime";

/**
 * The query-builder type services are written against. On PostgreSQL the object is drizzle's
 * node-postgres database over the pg-core tables of the same names: services only await
 * builders (select/insert/update/delete/returning/onConflict…), which both engines share;
 * raw SQL and transactions go through lib/db/sql.ts.
 */
export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export interface DbHolder {
  engine: DbEngine;
  db: Db;
  /** SQLite only (the adapter's fast paths); throws on PostgreSQL */
  sqlite: Database.Database;
  /** PostgreSQL only */
  pool: pg.Pool | null;
  /** SQLite file, or the PostgreSQL URL without credentials */
  file: string;
}


export { dbEngine, type DbEngine };

/** `DATABASE_URL=file:./data/portico.db` (default), `file:/abs/path.db` or a plain path. */
export function databaseFile(): string {
  const url = process.env.DATABASE_URL?.trim() || "file:./data/portico.db";
  if (url === ":memory:" || url === "file::memory:") return ":memory:";
  if (!url.startsWith("file:") && /^[a-z]+:\/\//i.test(url)) {
    throw new Error(`DATABASE_URL must be a SQLite file URL (file:./data/portico.db) or postgres://..., got "${url.split(":")[0]}:..."`);
  }
  const p = url.startsWith("file:") ? url.slice(5) : url;
  return path.resolve(/* turbopackIgnore: true */ process.cwd(), p);
}

/** Owner-only files: SQLite gives the -wal and -shm files the database file's mode, so creating it 0600 covers all three. */
const FILE_MODE = 0o600;

function restrictFiles(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if ((fs.statSync(f).mode & 0o777) !== FILE_MODE) fs.chmodSync(f, FILE_MODE);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  }
}

export function openDatabase(file: string): DbHolder {
  // 0700 directory, 0600 files: the database holds key hashes, encrypted provider credentials and request logs.
  if (file !== ":memory:") {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.closeSync(fs.openSync(file, "a", FILE_MODE));
    restrictFiles(file); // databases created 0644 by older versions
  }
  const sqlite = new Database(file);
  // WAL: readers never block the batched log writer; NORMAL is durable across app crashes in WAL mode.
  sqlite.pragma("journal_mode = WAL");
  // An existing -wal/-shm from before keeps its mode; the ones SQLite creates now copy the database's.
  if (file !== ":memory:") restrictFiles(file);
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const db = drizzle(sqlite, { schema }) as Db;
  return { engine: "sqlite", db, sqlite, pool: null, file };
}

// int8 (bigint: epoch ms, tokens, counters) and numeric come back as strings by default;
// every such column holds values well inside 2^53, as on SQLite.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

/** A pooled PostgreSQL connection (PORTICO_PG_POOL_MAX, default 10). */
export function openPostgres(url: string): DbHolder {
  const pool = new pg.Pool({
    connectionString: url,
    max: Number(process.env.PORTICO_PG_POOL_MAX || 10),
    idleTimeoutMillis: 30_000,
    application_name: "portico",
  });
  // An idle client's error (server restart) must not crash the process; the pool replaces it.
  pool.on("error", (err) => console.error(`[portico] PostgreSQL pool: ${err.message}`));
  const db = drizzlePg(pool, { schema: pgSchema }) as unknown as Db;
  const holder = { engine: "postgres", db, pool, file: redactUrl(url) } as Omit<DbHolder, "sqlite">;
  Object.defineProperty(holder, "sqlite", {
    get() {
      throw new Error("SQLite connection requested while DATABASE_URL selects PostgreSQL");
    },
  });
  return holder as DbHolder;
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = "";
    return u.toString();
  } catch {
    return "postgres://…";
  }
}

export function getDbHolder(): DbHolder {
  // One connection (pool) per process, in the runtime both bundles share (lib/runtime.ts).
  const rt = runtime();
  if (!rt.db) {
    const url = process.env.DATABASE_URL?.trim() ?? "";
    rt.db = dbEngine(url) === "postgres" ? openPostgres(url) : openDatabase(databaseFile());
  }
  return rt.db;
}

/**
 * The process's database; on PostgreSQL, inside withTransaction (lib/db/sql.ts), that
 * transaction: what a service reads through getDb() in the middle of another's transaction
 * (config apply → createTeam → addMember) sees its uncommitted writes and never waits on its
 * locks from a second pooled connection, as on SQLite's single connection.
 */
export function getDb(): Db {
  const h = getDbHolder();
  if (h.engine === "postgres") {
    const t = runtime().tx;
    const tx = t.als.getStore();
    if (tx && t.open.has(tx)) return tx;
  }
  return h.db;
}

/** For tests and graceful shutdown. */
export function closeDb(): void {
  const rt = runtime();
  const h = rt.db;
  if (!h) return;
  rt.db = null;
  if (h.pool) void h.pool.end().catch(() => undefined);
  else h.sqlite.close();
}

export { schema };
