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

/** `DATABASE_URL=file:./data/portico.db` (default), `file:/abs/path.db` or a plain path. */
export function databaseFile(): string {
  const url = process.env.DATABASE_URL?.trim() || "file:./data/portico.db";
  if (url === ":memory:" || url === "file::memory:") return ":memory:";
  if (!url.startsWith("file:") && /^[a-z]+:\/\//i.test(url)) {
    throw new Error(`DATABASE_URL must be a SQLite file URL (file:./data/portico.db), got "${url.split(":")[0]}:..."`);
  }
  const p = url.startsWith("file:") ? url.slice(5) : url;
  return path.resolve(/* turbopackIgnore: true */ process.cwd(), p);
}

export function openDatabase(file: string): DbHolder {
  // 0700: the database holds key hashes and encrypted provider credentials.
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const sqlite = new Database(file);
  // WAL: readers never block the batched log writer; NORMAL is durable across app crashes in WAL mode.
  sqlite.pragma("journal_mode = WAL");
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
