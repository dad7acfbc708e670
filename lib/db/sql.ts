import { sql, type SQL } from "drizzle-orm";
import { getDb, getDbHolder, dbEngine, type Db } from "./client";
import { runtime } from "@/lib/runtime";

/**
 * Engine-neutral query helpers. Services and telemetry await drizzle query
 * builders directly; these cover what the builders don't: raw SQL (written in
 * the common subset of SQLite and PostgreSQL), affected-row counts and
 * transactions. Only lib/db talks to better-sqlite3 or pg directly.
 */

/** `?`-placeholder text + params → a drizzle SQL (placeholders become `?` or `$n` per engine). */
export function sqlText(text: string, params: readonly unknown[] = []): SQL {
  const parts = text.split("?");
  if (parts.length - 1 !== params.length) {
    throw new Error(`sqlText: ${parts.length - 1} placeholders but ${params.length} params`);
  }
  const chunks: SQL[] = [];
  parts.forEach((p, i) => {
    if (p) chunks.push(sql.raw(p));
    if (i < params.length) chunks.push(sql`${params[i]}`);
  });
  return sql.join(chunks, sql.raw(""));
}

/** Rows of a raw query (on the given transaction, else the shared connection). */
export async function allSql<T>(query: SQL, on: Db = getDb()): Promise<T[]> {
  if (dbEngine() === "postgres") {
    const res = await (on as unknown as PgRunner).execute(query);
    return res.rows as T[];
  }
  return on.all<T>(query);
}

export async function getSql<T>(query: SQL, on: Db = getDb()): Promise<T | undefined> {
  return (await allSql<T>(query, on))[0];
}

/** Runs a statement; resolves to the number of rows it changed. */
export async function runSql(query: SQL, on: Db = getDb()): Promise<number> {
  if (dbEngine() === "postgres") {
    const res = await (on as unknown as PgRunner).execute(query);
    return res.rowCount ?? 0;
  }
  return on.run(query).changes;
}

export const rawAll = <T>(text: string, params: readonly unknown[] = [], on?: Db) => allSql<T>(sqlText(text, params), on);
export const rawGet = <T>(text: string, params: readonly unknown[] = [], on?: Db) => getSql<T>(sqlText(text, params), on);
export const rawRun = (text: string, params: readonly unknown[] = [], on?: Db) => runSql(sqlText(text, params), on);

/**
 * A unique or primary-key violation: SQLite's "UNIQUE constraint failed" or PostgreSQL's
 * SQLSTATE 23505 (drizzle wraps the driver's error as `cause`).
 */
export function isUniqueViolation(e: unknown): boolean {
  for (let c: unknown = e, depth = 0; c && depth < 5; c = (c as { cause?: unknown }).cause, depth++) {
    const code = (c as { code?: unknown }).code;
    if (code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY") return true;
    if (String(c).includes("UNIQUE constraint failed")) return true;
  }
  return false;
}

/** Rows changed by an awaited insert/update/delete without `.returning()`, on either engine. */
export function affected(result: unknown): number {
  const r = result as { changes?: number; rowCount?: number | null };
  return Number(r.changes ?? r.rowCount ?? 0);
}

interface PgRunner {
  execute(q: SQL): Promise<{ rows: unknown[]; rowCount: number | null }>;
  transaction<T>(fn: (tx: unknown) => Promise<T>): Promise<T>;
}

/** SQLite has one connection per process: async transactions take turns. */
const txState = runtime().tx;
const afterAls = txState.after;

/**
 * Runs `fn` once the current transaction has committed (at once outside one); dropped when it
 * rolls back. For in-memory state other requests read (the config version): it must not move
 * before the rows it stands for are visible to every connection.
 */
export function afterCommit(fn: () => void): void {
  const list = afterAls.getStore();
  if (list) list.push(fn);
  else fn();
}

function runAfterCommit(list: (() => void)[]): void {
  for (const fn of list) {
    try {
      fn();
    } catch (e) {
      console.error("[portico] after-commit callback failed:", e);
    }
  }
}
// PostgreSQL transactions still running: getDb() inside one answers with it (lib/db/client.ts).
const openTx = txState.open;

/** Runs `fn` with `tx` as the ambient transaction while `fn` runs (not after: work it leaves behind uses the pool). */
async function inPgTx<T>(tx: unknown, fn: (tx: Db) => Promise<T>): Promise<T> {
  openTx.add(tx as object);
  try {
    return await txState.als.run(tx as Db, () => fn(tx as Db));
  } finally {
    openTx.delete(tx as object);
  }
}

/**
 * Runs `fn` in a transaction and commits when it resolves, rolls back when it
 * throws. PostgreSQL: a pooled connection's transaction. SQLite: BEGIN IMMEDIATE
 * on the process's connection, one transaction at a time; `fn` must only await
 * database work (every better-sqlite3 query completes synchronously, so nothing
 * from another request can run inside it). A nested call is a savepoint of the outer one.
 */
export async function withTransaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
  const outer = txState.als.getStore();
  if (outer) return savepoint(outer, fn);
  txState.active++;
  try {
    const after: (() => void)[] = [];
    const out = await afterAls.run(after, () => outermost(fn));
    runAfterCommit(after);
    return out;
  } finally {
    if (--txState.active === 0) quiesce();
  }
}

/**
 * No transaction is running: switch the two context stores off until the next one. While an
 * AsyncLocalStorage is on, Node (before 22's async context frames) runs a promise hook for every
 * promise the process creates — about 90 ns per await here, on every call of the data plane,
 * which runs no transaction. The next `run()` switches them on again.
 */
function quiesce(): void {
  txState.als.disable();
  afterAls.disable();
}

function outermost<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
  if (dbEngine() === "postgres") {
    return (getDb() as unknown as PgRunner).transaction((tx) => inPgTx(tx, fn));
  }
  const { sqlite, db } = getDbHolder();
  const run = (): Promise<T> =>
    txState.als.run(db, async () => {
      sqlite.exec("BEGIN IMMEDIATE");
      try {
        const out = await fn(db);
        sqlite.exec("COMMIT");
        return out;
      } catch (err) {
        if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
        throw err;
      }
    });
  const next = txState.tail.then(run, run);
  txState.tail = next.catch(() => undefined);
  return next;
}

let savepoints = 0;

/** A nested transaction is a savepoint: its failure undoes only its own work, as better-sqlite3's nesting did. */
async function savepoint<T>(outer: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  if (dbEngine() === "postgres") {
    return (outer as unknown as PgRunner).transaction((tx) => inPgTx(tx, fn));
  }
  const { sqlite } = getDbHolder();
  const name = `portico_sp_${++savepoints}`;
  sqlite.exec(`SAVEPOINT ${name}`);
  try {
    const out = await fn(outer);
    sqlite.exec(`RELEASE ${name}`);
    return out;
  } catch (err) {
    if (sqlite.inTransaction) {
      sqlite.exec(`ROLLBACK TO ${name}`);
      sqlite.exec(`RELEASE ${name}`);
    }
    throw err;
  }
}

/**
 * Adds 1 to an integer setting (settings.value is JSON: an integer on SQLite's text column,
 * a json number on PostgreSQL), creating it at 1; resolves to the new value.
 */
export async function incrementSetting(key: string, on?: Db): Promise<number> {
  const now = Date.now();
  const row =
    dbEngine() === "postgres"
      ? await getSql<{ value: unknown }>(
          sql`INSERT INTO settings(key, value, updated_at) VALUES (${key}, '1'::json, ${now})
              ON CONFLICT(key) DO UPDATE SET value = to_json((settings.value::text)::bigint + 1), updated_at = excluded.updated_at
              RETURNING value`,
          on,
        )
      : await getSql<{ value: unknown }>(
          sql`INSERT INTO settings(key, value, updated_at) VALUES (${key}, 1, ${now})
              ON CONFLICT(key) DO UPDATE SET value = CAST(settings.value AS INTEGER) + 1, updated_at = excluded.updated_at
              RETURNING value`,
          on,
        );
  return Number(row?.value ?? 1);
}
