import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import fs from "node:fs";
import path from "node:path";
import * as schema from "./schema";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

interface DbHolder {
  db: Db;
  sqlite: Database.Database;
  file: string;
}

/**
 * One connection per process, kept on globalThis: the production server bundles
 * this module once for its /v1 fast path and Next bundles it again for pages and
 * route handlers — both must share the same connection, snapshot and writer.
 */
const g = globalThis as unknown as { __porticoDb?: DbHolder };

export type DbEngine = "sqlite" | "postgres";

/** `postgres://` / `postgresql://` selects PostgreSQL; anything else is a SQLite file. */
export function dbEngine(url = process.env.DATABASE_URL): DbEngine {
  return /^postgres(ql)?:\/\//i.test(url?.trim() ?? "") ? "postgres" : "sqlite";
}

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
  return { db, sqlite, file };
}

export function getDbHolder(): DbHolder {
  if (!g.__porticoDb) g.__porticoDb = openDatabase(databaseFile());
  return g.__porticoDb;
}

export function getDb(): Db {
  return getDbHolder().db;
}

/** For tests and graceful shutdown. */
export function closeDb(): void {
  if (g.__porticoDb) {
    g.__porticoDb.sqlite.close();
    g.__porticoDb = undefined;
  }
}

export { schema };
