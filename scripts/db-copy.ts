/**
 * Moves a Portico database between engines (or files/servers of one engine):
 *
 *   npm run db:copy -- --from file:./data/portico.db --to postgres://user@host:5432/portico
 *   npm run db:copy -- --from postgres://… --to file:./data/restored.db [--force] [--batch 5000]
 *
 * - Every table of the drizzle schemas (lib/db/schema; lib/db/schema-pg has the same tables),
 *   parents before children (foreign keys), in keyset-paginated batches of `--batch` rows, so a
 *   table of millions of rows is never held in memory.
 * - The source is read in one snapshot (SQLite: one read transaction; PostgreSQL: REPEATABLE READ,
 *   READ ONLY) and is never written. It must be fully migrated (start Portico on it once).
 * - The target is migrated first (drizzle/ or drizzle/pg), then must be empty: every Portico table
 *   without rows. `--force` empties the target's Portico tables instead of refusing (in the same
 *   transaction as the copy). The whole copy is one transaction on the target: a failure leaves
 *   the target as it was.
 * - Values are converted per engine: SQLite 0/1 ↔ PostgreSQL boolean; JSON travels as its text
 *   (SQLite text ↔ PostgreSQL json, so key order and `null` vs SQL NULL are kept); epoch-ms and
 *   other integers are numbers on both.
 * - PostgreSQL target: identity sequences (audit_log.id, breaker_events.id) restart after the
 *   copied maximum. SQLite target: the full-text tables fill through their insert triggers.
 * - Then row counts are compared table by table (source snapshot vs target) and printed; the
 *   exit code is 1 when any differs.
 */
import Database from "better-sqlite3";
import { drizzle as drizzleSqlite } from "drizzle-orm/better-sqlite3";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { is, getTableName } from "drizzle-orm";
import { getTableConfig as sqliteConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import { getTableConfig as pgConfig, PgTable } from "drizzle-orm/pg-core";
import pg from "pg";
import fs from "node:fs";
import path from "node:path";
import * as sqliteSchema from "../lib/db/schema/tables";
import * as pgSchema from "../lib/db/schema-pg";
// client.ts also installs the int8/numeric → number type parsers every pg connection here relies on
import { openDatabase, type Db } from "../lib/db/client";
import { dbEngine, type DbEngine } from "../lib/db/engine";
import { runMigrations, migrationsUpToDate } from "../lib/db/migrate";
import { runPgMigrations, pgMigrationsUpToDate } from "../lib/db/migrate-pg";
import { arrayLiteral, PG_CHUNK_ROWS } from "../lib/db/bulk";

// ---------------------------------------------------------------------------------------------
// Tables, from the schemas

type Family = "text" | "integer" | "real" | "boolean" | "json";

export interface CopyTable {
  name: string;
  columns: { name: string; family: Family }[];
  /** keyset for paging: the primary key, else a unique non-null column */
  key: string[];
  parents: string[];
  /** PostgreSQL identity column (its sequence is reset after the copy) */
  identity: string | null;
}

const SQLITE_FAMILY: Record<string, Family> = {
  SQLiteText: "text",
  SQLiteTextJson: "json",
  SQLiteInteger: "integer",
  SQLiteBoolean: "boolean",
  SQLiteReal: "real",
};

/** Every Portico table, parents before children. */
export function copyTables(): CopyTable[] {
  const identities = new Map<string, string>();
  for (const v of Object.values(pgSchema)) {
    if (!is(v, PgTable)) continue;
    const cfg = pgConfig(v);
    const id = cfg.columns.find((c) => c.generatedIdentity !== undefined);
    if (id) identities.set(cfg.name, id.name);
  }
  const tables = new Map<string, CopyTable>();
  for (const v of Object.values(sqliteSchema)) {
    if (!is(v, SQLiteTable)) continue;
    const cfg = sqliteConfig(v);
    const columns = cfg.columns.map((c) => {
      const family = SQLITE_FAMILY[c.columnType];
      if (!family) throw new Error(`db-copy: column ${cfg.name}.${c.name} has an unmapped type ${c.columnType}`);
      return { name: c.name, family };
    });
    let key = cfg.primaryKeys[0]?.columns.map((c) => c.name) ?? cfg.columns.filter((c) => c.primary).map((c) => c.name);
    if (!key.length) key = cfg.columns.filter((c) => c.isUnique && c.notNull).map((c) => c.name).slice(0, 1);
    if (!key.length) throw new Error(`db-copy: table ${cfg.name} has no primary key or unique column to page by`);
    const parents = [...new Set(cfg.foreignKeys.map((fk) => getTableName(fk.reference().foreignTable)))].filter((p) => p !== cfg.name);
    tables.set(cfg.name, { name: cfg.name, columns, key, parents, identity: identities.get(cfg.name) ?? null });
  }
  // depth-first topological order, alphabetical among independent tables
  const out: CopyTable[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string, chain: string[]) => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting") throw new Error(`db-copy: foreign-key cycle ${[...chain, name].join(" → ")}`);
    const t = tables.get(name);
    if (!t) throw new Error(`db-copy: ${chain.at(-1)} references unknown table ${name}`);
    state.set(name, "visiting");
    for (const p of [...t.parents].sort()) visit(p, [...chain, name]);
    state.set(name, "done");
    out.push(t);
  };
  for (const name of [...tables.keys()].sort()) visit(name, []);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Engines

const q = (id: string) => `"${id.replace(/"/g, '""')}"`;

interface Side {
  engine: DbEngine;
  label: string;
  count(table: string): Promise<number>;
  close(): Promise<void>;
}

interface Source extends Side {
  /** opens the snapshot every read below sees */
  begin(): Promise<void>;
  /** up to `limit` rows (arrays in `t.columns` order, values as the engine returns them) after `after` in key order */
  page(t: CopyTable, after: unknown[] | null, limit: number): Promise<unknown[][]>;
  end(): Promise<void>;
}

interface Target extends Side {
  begin(): Promise<void>;
  insert(t: CopyTable, rows: unknown[][]): Promise<void>;
  clear(t: CopyTable): Promise<void>;
  finish(tables: CopyTable[]): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

function keyWhere(t: CopyTable, after: unknown[] | null, ph: (i: number) => string): string {
  if (!after) return "";
  if (t.key.length === 1) return ` WHERE ${q(t.key[0]!)} > ${ph(1)}`;
  return ` WHERE (${t.key.map(q).join(", ")}) > (${t.key.map((_, i) => ph(i + 1)).join(", ")})`;
}

/** `file:./x.db`, `file:/abs/x.db` or a plain path → an absolute file path */
export function sqlitePath(url: string): string {
  const p = url.startsWith("file:") ? url.slice(5) : url;
  if (!p || p === ":memory:") throw new Error("db-copy: an in-memory SQLite database cannot be copied from or to");
  return path.resolve(process.cwd(), p);
}

/** host, port and database of two PostgreSQL URLs (user and options aside) */
function sameDatabase(a: string, b: string): boolean {
  const key = (u: string) => {
    try {
      const x = new URL(u);
      return `${x.hostname || "localhost"}:${x.port || "5432"}/${x.pathname.replace(/^\//, "")}`;
    } catch {
      return u;
    }
  };
  return key(a) === key(b);
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "postgres://…";
  }
}

// ---- SQLite

function sqliteSource(url: string): Source {
  const file = sqlitePath(url);
  if (!fs.existsSync(file)) throw new Error(`db-copy: source ${file} does not exist`);
  const conn = new Database(file, { readonly: true, fileMustExist: true });
  conn.pragma("busy_timeout = 5000");
  const db = drizzleSqlite(conn) as unknown as Db;
  return {
    engine: "sqlite",
    label: file,
    async begin() {
      if (!migrationsUpToDate(db)) throw new Error(`db-copy: source ${file} is not fully migrated; start this Portico version on it once first`);
      conn.exec("BEGIN"); // a read transaction: one WAL snapshot for every read below
    },
    async count(table) {
      return (conn.prepare(`SELECT count(*) AS n FROM ${q(table)}`).get() as { n: number }).n;
    },
    async page(t, after, limit) {
      const sql = `SELECT ${t.columns.map((c) => q(c.name)).join(", ")} FROM ${q(t.name)}${keyWhere(t, after, () => "?")} ORDER BY ${t.key.map(q).join(", ")} LIMIT ?`;
      return conn
        .prepare(sql)
        .raw(true)
        .all(...(after ?? []), limit) as unknown[][];
    },
    async end() {
      if (conn.inTransaction) conn.exec("COMMIT");
    },
    async close() {
      conn.close();
    },
  };
}

function sqliteTarget(url: string): Target {
  const file = sqlitePath(url);
  // 0600 file in a 0700 directory, WAL, foreign keys on: as Portico opens it
  const { sqlite: conn, db } = openDatabase(file);
  const stmts = new Map<string, Database.Statement>();
  return {
    engine: "sqlite",
    label: file,
    async begin() {
      runMigrations(db);
      conn.exec("BEGIN IMMEDIATE");
    },
    async count(table) {
      return (conn.prepare(`SELECT count(*) AS n FROM ${q(table)}`).get() as { n: number }).n;
    },
    async clear(t) {
      conn.prepare(`DELETE FROM ${q(t.name)}`).run();
    },
    async insert(t, rows) {
      let s = stmts.get(t.name);
      if (!s) {
        s = conn.prepare(`INSERT INTO ${q(t.name)} (${t.columns.map((c) => q(c.name)).join(", ")}) VALUES (${t.columns.map(() => "?").join(", ")})`);
        stmts.set(t.name, s);
      }
      const bools = t.columns.flatMap((c, i) => (c.family === "boolean" ? [i] : []));
      for (const row of rows) {
        for (const i of bools) if (row[i] !== null) row[i] = row[i] ? 1 : 0;
        s.run(...row);
      }
    },
    async finish() {
      // AUTOINCREMENT counters (sqlite_sequence) follow explicit ids by themselves; FTS5 tables
      // were filled by the request_logs / request_bodies insert triggers.
    },
    async commit() {
      conn.exec("COMMIT");
    },
    async rollback() {
      if (conn.inTransaction) conn.exec("ROLLBACK");
    },
    async close() {
      conn.close();
    },
  };
}

// ---- PostgreSQL

function pgSource(url: string): Source {
  const pool = new pg.Pool({ connectionString: url, max: 2, application_name: "portico-db-copy" });
  let client: pg.PoolClient | null = null;
  const run = async <T extends unknown[] | Record<string, unknown>>(text: string, values: unknown[] = [], arrays = false) => {
    const c = client ?? pool;
    return (await c.query<T>({ text, values, ...(arrays ? { rowMode: "array" as const } : {}) })).rows;
  };
  return {
    engine: "postgres",
    label: redact(url),
    async begin() {
      if (!(await pgMigrationsUpToDate(drizzlePg({ client: pool })))) {
        throw new Error(`db-copy: source ${redact(url)} is not fully migrated; start this Portico version on it once first`);
      }
      client = await pool.connect();
      await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    },
    async count(table) {
      return Number((await run<{ n: number }>(`SELECT count(*) AS n FROM ${q(table)}`))[0]!.n);
    },
    async page(t, after, limit) {
      // json as its text: the exact JSON written (no parse/stringify round trip, JSON null ≠ SQL NULL)
      const cols = t.columns.map((c) => (c.family === "json" ? `${q(c.name)}::text` : q(c.name))).join(", ");
      const n = after?.length ?? 0;
      const sql = `SELECT ${cols} FROM ${q(t.name)}${keyWhere(t, after, (i) => `$${i}`)} ORDER BY ${t.key.map(q).join(", ")} LIMIT $${n + 1}`;
      return run<unknown[]>(sql, [...(after ?? []), limit], true);
    },
    async end() {
      if (!client) return;
      await client.query("COMMIT");
      client.release();
      client = null;
    },
    async close() {
      client?.release();
      client = null;
      await pool.end();
    },
  };
}

function pgTarget(url: string): Target {
  const pool = new pg.Pool({ connectionString: url, max: 2, application_name: "portico-db-copy" });
  let client: pg.PoolClient | null = null;
  const statements = new Map<string, string>();
  const conn = () => {
    if (!client) throw new Error("db-copy: no transaction");
    return client;
  };
  return {
    engine: "postgres",
    label: redact(url),
    async begin() {
      await runPgMigrations(drizzlePg({ client: pool }));
      client = await pool.connect();
      await client.query("BEGIN");
    },
    async count(table) {
      const c = client ?? pool;
      return Number((await c.query<{ n: number }>(`SELECT count(*) AS n FROM ${q(table)}`)).rows[0]!.n);
    },
    async clear(t) {
      await conn().query(`DELETE FROM ${q(t.name)}`);
    },
    async insert(t, rows) {
      // INSERT ... SELECT * FROM unnest($1::type[], ...): one array parameter per column (as the
      // log writer's bulk path), a few times faster than multi-row VALUES for wide tables
      let text = statements.get(t.name);
      if (!text) {
        const res = await conn().query<{ name: string; type: string }>(
          "SELECT attname AS name, format_type(atttypid, NULL) AS type FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped",
          [t.name],
        );
        const types = new Map(res.rows.map((r) => [r.name, r.type]));
        const arrays = t.columns.map((c, i) => {
          const type = types.get(c.name);
          if (!type) throw new Error(`db-copy: the target has no column ${t.name}.${c.name}`);
          return `$${i + 1}::${type}[]`;
        });
        // explicit ids into identity columns (audit_log, breaker_events)
        text = `INSERT INTO ${q(t.name)} (${t.columns.map((c) => q(c.name)).join(", ")})${t.identity ? " OVERRIDING SYSTEM VALUE" : ""} SELECT * FROM unnest(${arrays.join(", ")})`;
        statements.set(t.name, text);
      }
      const bools = t.columns.flatMap((c, i) => (c.family === "boolean" ? [i] : []));
      for (const row of rows) for (const i of bools) if (row[i] !== null) row[i] = Boolean(row[i]);
      for (let at = 0; at < rows.length; at += PG_CHUNK_ROWS) {
        const chunk = rows.slice(at, at + PG_CHUNK_ROWS);
        await conn().query(text, t.columns.map((_, c) => arrayLiteral(chunk, c)));
      }
    },
    async finish(tables) {
      // the next generated id follows the copied ones
      for (const t of tables) {
        if (!t.identity) continue;
        await conn().query(
          `SELECT setval(pg_get_serial_sequence($1, $2), coalesce(max(${q(t.identity)}), 1), max(${q(t.identity)}) IS NOT NULL) FROM ${q(t.name)}`,
          [t.name, t.identity],
        );
      }
    },
    async commit() {
      await conn().query("COMMIT");
      client?.release();
      client = null;
    },
    async rollback() {
      if (!client) return;
      await client.query("ROLLBACK").catch(() => undefined);
      client.release();
      client = null;
    },
    async close() {
      client?.release();
      client = null;
      await pool.end();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The copy

export interface CopyOptions {
  from: string;
  to: string;
  /** empty the target's Portico tables first instead of refusing a non-empty target */
  force?: boolean;
  /** rows read and written per batch (default 5000) */
  batch?: number;
  log?: (line: string) => void;
}

export interface CopyReport {
  from: string;
  to: string;
  tables: { table: string; source: number; target: number }[];
  rows: number;
  ms: number;
  ok: boolean;
}

export class CopyRefused extends Error {}

export async function copyDatabase(opts: CopyOptions): Promise<CopyReport> {
  const log = opts.log ?? (() => undefined);
  const batch = Math.max(1, Math.floor(opts.batch ?? 5000));
  const tables = copyTables();
  const source = dbEngine(opts.from) === "postgres" ? pgSource(opts.from) : sqliteSource(opts.from);
  let target: Target | null = null;
  const t0 = performance.now();
  try {
    if (dbEngine(opts.to) === "sqlite" && source.engine === "sqlite" && sqlitePath(opts.to) === source.label) {
      throw new CopyRefused("db-copy: --from and --to are the same file");
    }
    if (dbEngine(opts.to) === "postgres" && source.engine === "postgres" && sameDatabase(opts.from, opts.to)) {
      throw new CopyRefused("db-copy: --from and --to are the same database");
    }
    target = dbEngine(opts.to) === "postgres" ? pgTarget(opts.to) : sqliteTarget(opts.to);
    log(`db-copy: ${source.engine} ${source.label} → ${target.engine} ${target.label}`);
    await source.begin();
    await target.begin(); // migrated, then one transaction
    const busy: string[] = [];
    for (const t of tables) {
      const n = await target.count(t.name);
      if (n) busy.push(`${t.name} (${n})`);
    }
    if (busy.length && !opts.force) {
      throw new CopyRefused(`db-copy: the target is not empty: ${busy.join(", ")}. Copy into a new database, or pass --force to replace its contents.`);
    }
    if (busy.length) {
      log(`db-copy: --force: emptying ${busy.length} table(s) of the target`);
      for (const t of [...tables].reverse()) await target.clear(t);
    }
    const counts: { table: string; source: number; target: number }[] = [];
    let total = 0;
    for (const t of tables) {
      const expected = await source.count(t.name);
      const keyAt = t.key.map((k) => t.columns.findIndex((c) => c.name === k));
      let after: unknown[] | null = null;
      let copied = 0;
      const s0 = performance.now();
      for (;;) {
        const rows = await source.page(t, after, batch);
        if (!rows.length) break;
        const last = rows[rows.length - 1]!;
        after = keyAt.map((i) => last[i]);
        await target.insert(t, rows);
        copied += rows.length;
        if (rows.length < batch) break;
      }
      total += copied;
      counts.push({ table: t.name, source: expected, target: 0 });
      if (copied) log(`db-copy: ${t.name}: ${copied.toLocaleString("en-US")} rows in ${((performance.now() - s0) / 1000).toFixed(1)} s`);
    }
    await target.finish(tables);
    await target.commit();
    await source.end();
    for (const c of counts) c.target = await target.count(c.table);
    const ms = performance.now() - t0;
    return { from: source.label, to: target.label, tables: counts, rows: total, ms, ok: counts.every((c) => c.source === c.target) };
  } catch (e) {
    await target?.rollback().catch(() => undefined);
    throw e;
  } finally {
    await source.close().catch(() => undefined);
    await target?.close().catch(() => undefined);
  }
}

/** The verification table, Markdown. */
export function formatReport(r: CopyReport): string {
  const w = Math.max(5, ...r.tables.map((t) => t.table.length));
  const lines = [`| ${"table".padEnd(w)} | ${"source".padStart(10)} | ${"target".padStart(10)} | check |`, `| ${"-".repeat(w)} | ${"-".repeat(9)}: | ${"-".repeat(9)}: | ----- |`];
  for (const t of r.tables) {
    lines.push(`| ${t.table.padEnd(w)} | ${t.source.toLocaleString("en-US").padStart(10)} | ${t.target.toLocaleString("en-US").padStart(10)} | ${t.source === t.target ? "ok   " : "DIFF "} |`);
  }
  const s = r.ms / 1000;
  lines.push("", `${r.rows.toLocaleString("en-US")} rows in ${s.toFixed(1)} s (${Math.round(r.rows / Math.max(s, 0.001)).toLocaleString("en-US")} rows/s): ${r.ok ? "row counts match" : "ROW COUNTS DIFFER"}`);
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------
// CLI

function parseArgs(argv: string[]): CopyOptions {
  const opts: Partial<CopyOptions> = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i];
    if (flag === "--from") opts.from = value();
    else if (flag === "--to") opts.to = value();
    else if (flag === "--batch") opts.batch = Number(value());
    else if (flag === "--force") opts.force = true;
    else throw new CopyRefused(`db-copy: unknown argument ${flag}`);
  }
  if (!opts.from || !opts.to) throw new CopyRefused("usage: npm run db:copy -- --from <file:… | postgres://…> --to <file:… | postgres://…> [--force] [--batch 5000]");
  return opts as CopyOptions;
}

async function cli(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  const report = await copyDatabase({ ...opts, log: (l) => console.log(l) });
  console.log(`\n${formatReport(report)}`);
  return report.ok ? 0 : 1;
}

if (/db-copy\.[cm]?[jt]s$/.test(process.argv[1] ?? "")) {
  cli().then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e instanceof CopyRefused ? e.message : e);
      process.exit(e instanceof CopyRefused ? 2 : 1);
    },
  );
}
