/**
 * The two storage engines share one set of tables: lib/db/schema (SQLite) and
 * lib/db/schema-pg (PostgreSQL) must declare the same tables under the same export names,
 * with the same columns, keys, indexes and foreign keys, so service code written against
 * one behaves identically against the other. Each table is its own test, and a mismatch
 * shows as a diff of the table's description (SQLite expected, PostgreSQL received).
 *
 * The second part applies drizzle/pg to a scratch database (PORTICO_TEST_PG_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres; skipped when that default is unreachable,
 * failing when the variable is set and the server is not there).
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { is, SQL, Table, eq, getTableName } from "drizzle-orm";
import { getTableConfig as sqliteConfig, SQLiteTable, SQLiteSyncDialect, type SQLiteColumn } from "drizzle-orm/sqlite-core";
import { getTableConfig as pgConfig, PgTable, PgDialect, type PgColumn, type IndexedColumn } from "drizzle-orm/pg-core";
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
// The SQLite tables themselves (./schema/index.ts hands out PostgreSQL's when DATABASE_URL selects it).
import * as sqliteSchema from "./schema/tables";
import * as pgSchema from "./schema-pg";
import { BODY_TSVECTOR, LOG_ERROR_PREDICATE, LOG_ERROR_TSVECTOR, pgTsQuery } from "./schema-pg/search";
import { runPgMigrations, pgMigrationsUpToDate, pgMigrationsFolder } from "./migrate-pg";

// ---------------------------------------------------------------------------------------------
// Normalised descriptions

interface ColumnDescription {
  name: string;
  /** text | json | integer | real | boolean: the value family both engines return */
  family: string;
  enumValues: string[] | null;
  notNull: boolean;
  primary: boolean;
  /** "auto" for a generated key (SQLite rowid, PostgreSQL identity) */
  generated: "auto" | null;
  hasDefault: boolean;
  /** JSON of a literal default, "sql" for an SQL expression, "fn" for $defaultFn */
  defaultValue: string | null;
  unique: string | null;
}

interface TableDescription {
  exportName: string;
  columns: ColumnDescription[];
  primaryKeys: string[][];
  uniqueConstraints: { name: string | undefined; columns: string[] }[];
  indexes: { name: string | undefined; columns: string[]; unique: boolean; where: string | null }[];
  foreignKeys: { columns: string[]; foreignTable: string; foreignColumns: string[]; onDelete: string; onUpdate: string }[];
}

const byName = <T extends { name?: string }>(a: T, b: T) => (a.name ?? "").localeCompare(b.name ?? "");

function defaultOf(c: { default?: unknown; defaultFn?: unknown; hasDefault: boolean }): string | null {
  if (c.defaultFn) return "fn";
  if (c.default === undefined) return null;
  if (is(c.default, SQL)) return "sql";
  return JSON.stringify(c.default);
}

const SQLITE_FAMILY: Record<string, string> = {
  SQLiteText: "text",
  SQLiteTextJson: "json",
  SQLiteInteger: "integer",
  SQLiteBoolean: "boolean",
  SQLiteReal: "real",
};

function pgFamily(c: PgColumn): string {
  switch (c.columnType) {
    case "PgText":
      return "text";
    case "PgBigInt53":
    case "PgInteger":
      return "integer";
    case "PgBoolean":
      return "boolean";
    case "PgDoublePrecision":
      return "real";
    case "PgCustomColumn":
      return c.getSQLType() === "json" ? "json" : `custom:${c.getSQLType()}`;
    default:
      return `unmapped:${c.columnType}`;
  }
}

const sqliteDialect = new SQLiteSyncDialect();
const pgDialect = new PgDialect();

function describeSqlite(exportName: string, table: SQLiteTable): TableDescription {
  const cfg = sqliteConfig(table);
  const columns = cfg.columns.map((c: SQLiteColumn): ColumnDescription => {
    // INTEGER PRIMARY KEY is SQLite's rowid: assigned on insert when omitted, with or without AUTOINCREMENT
    const auto = c.primary && c.columnType === "SQLiteInteger" && cfg.primaryKeys.length === 0;
    return {
      name: c.name,
      family: SQLITE_FAMILY[c.columnType] ?? `unmapped:${c.columnType}`,
      enumValues: c.enumValues?.length ? [...c.enumValues] : null,
      notNull: c.notNull,
      primary: c.primary,
      generated: auto ? "auto" : null,
      hasDefault: c.hasDefault || auto,
      defaultValue: defaultOf(c),
      unique: c.isUnique ? (c.uniqueName ?? "unnamed") : null,
    };
  });
  return {
    exportName,
    columns,
    primaryKeys: cfg.primaryKeys.map((pk) => pk.columns.map((c) => c.name)),
    uniqueConstraints: cfg.uniqueConstraints.map((u) => ({ name: u.name, columns: u.columns.map((c) => c.name) })).sort(byName),
    indexes: cfg.indexes
      .map((i) => ({
        name: i.config.name,
        columns: i.config.columns.map((c) => (is(c, SQL) ? `sql:${sqliteDialect.sqlToQuery(c).sql}` : c.name)),
        unique: i.config.unique,
        where: i.config.where ? sqliteDialect.sqlToQuery(i.config.where).sql : null,
      }))
      .sort(byName),
    foreignKeys: cfg.foreignKeys
      .map((fk) => {
        const r = fk.reference();
        return {
          columns: r.columns.map((c) => c.name),
          foreignTable: getTableName(r.foreignTable),
          foreignColumns: r.foreignColumns.map((c) => c.name),
          onDelete: fk.onDelete ?? "no action",
          onUpdate: fk.onUpdate ?? "no action",
        };
      })
      .sort((a, b) => a.columns.join().localeCompare(b.columns.join())),
  };
}

function describePg(exportName: string, table: PgTable): TableDescription {
  const cfg = pgConfig(table);
  const columns = cfg.columns.map((c: PgColumn): ColumnDescription => {
    const auto = c.generatedIdentity !== undefined;
    return {
      name: c.name,
      family: pgFamily(c),
      enumValues: c.enumValues?.length ? [...c.enumValues] : null,
      notNull: c.notNull,
      primary: c.primary,
      generated: auto ? "auto" : null,
      hasDefault: c.hasDefault,
      defaultValue: defaultOf(c),
      unique: c.isUnique ? (c.uniqueName ?? "unnamed") : null,
    };
  });
  return {
    exportName,
    columns,
    primaryKeys: cfg.primaryKeys.map((pk) => pk.columns.map((c) => c.name)),
    uniqueConstraints: cfg.uniqueConstraints.map((u) => ({ name: u.name, columns: u.columns.map((c) => c.name) })).sort(byName),
    indexes: cfg.indexes
      .map((i) => ({
        name: i.config.name,
        columns: i.config.columns.map((c) => (is(c, SQL) ? `sql:${pgDialect.sqlToQuery(c).sql}` : ((c as IndexedColumn).name ?? "?"))),
        unique: i.config.unique,
        where: i.config.where ? pgDialect.sqlToQuery(i.config.where).sql : null,
      }))
      .sort(byName),
    foreignKeys: cfg.foreignKeys
      .map((fk) => {
        const r = fk.reference();
        return {
          columns: r.columns.map((c) => c.name),
          foreignTable: getTableName(r.foreignTable),
          foreignColumns: r.foreignColumns.map((c) => c.name),
          onDelete: fk.onDelete ?? "no action",
          onUpdate: fk.onUpdate ?? "no action",
        };
      })
      .sort((a, b) => a.columns.join().localeCompare(b.columns.join())),
  };
}

/** export name → table, for every table a schema module exports */
const sqliteTables = new Map<string, SQLiteTable>();
for (const [k, v] of Object.entries(sqliteSchema)) if (is(v, SQLiteTable)) sqliteTables.set(k, v);
const pgTables = new Map<string, PgTable>();
for (const [k, v] of Object.entries(pgSchema)) if (is(v, PgTable)) pgTables.set(k, v);

// ---------------------------------------------------------------------------------------------

describe("schema identity: SQLite (lib/db/schema) and PostgreSQL (lib/db/schema-pg)", () => {
  it("export the same tables under the same names", () => {
    const list = (m: Map<string, Table>) => [...m].map(([k, t]) => `${k} → ${getTableName(t)}`).sort();
    expect(sqliteTables.size).toBeGreaterThan(20);
    expect(list(pgTables)).toEqual(list(sqliteTables));
  });

  it.each([...sqliteTables.keys()].sort())("%s: same columns, keys, indexes and foreign keys", (exportName) => {
    const pgTable = pgTables.get(exportName);
    expect(pgTable, `lib/db/schema-pg exports no table named ${exportName}`).toBeDefined();
    if (!pgTable) return;
    expect(describePg(exportName, pgTable)).toEqual(describeSqlite(exportName, sqliteTables.get(exportName) as SQLiteTable));
  });

  it("the comparison sees differences (a changed copy of a table fails it)", () => {
    const a = describeSqlite("users", sqliteSchema.users);
    const b = describePg("users", pgSchema.users);
    expect(b).toEqual(a);
    const broken = { ...b, columns: b.columns.map((c) => (c.name === "email" ? { ...c, notNull: false } : c)) };
    expect(broken).not.toEqual(a);
    const noIndex = { ...b, indexes: b.indexes.slice(1) };
    expect(noIndex).not.toEqual(a);
  });
});

describe("PostgreSQL full-text query", () => {
  it("pgTsQuery quotes each word, ANDs them and makes the last a prefix", () => {
    expect(pgTsQuery("timeout")).toBe("'timeout':*");
    expect(pgTsQuery("rate  limit")).toBe("'rate' & 'limit':*");
    expect(pgTsQuery("it's (x) | y")).toBe("'its' & 'x' & 'y':*");
    expect(pgTsQuery("()*^'")).toBeNull();
    // only the tail of an id-like last word is a prefix (see prefixOperand)
    expect(pgTsQuery("req_ab12_xyz")).toBe("'req_ab12' <-> 'xyz':*");
    expect(pgTsQuery("rate_limited quota_")).toBe("'rate_limited' & 'quota_':*");
  });
});

// ---------------------------------------------------------------------------------------------
// Migrations on a real PostgreSQL

const PG_URL = process.env.PORTICO_TEST_PG_URL || "postgres://postgres@127.0.0.1:5432/postgres";

async function reachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

// With PORTICO_TEST_PG_URL set, an unreachable server fails the tests instead of skipping them.
const pgAvailable = Boolean(process.env.PORTICO_TEST_PG_URL) || (await reachable());
if (!pgAvailable) console.warn(`schema-identity: PostgreSQL not reachable at ${PG_URL}; migration tests skipped`);

function urlFor(database: string): string {
  const u = new URL(PG_URL);
  u.pathname = `/${database}`;
  return u.toString();
}

describe.skipIf(!pgAvailable)("PostgreSQL migrations (drizzle/pg)", () => {
  const scratch: string[] = [];
  const pools: pg.Pool[] = [];
  let admin: pg.Client;

  /** The DROP … WITH (FORCE) at the end may reach a connection the pool is still closing: not an error of the test. */
  function track(pool: pg.Pool): pg.Pool {
    pool.on("error", () => undefined);
    pools.push(pool);
    return pool;
  }

  async function freshDatabase(): Promise<pg.Pool> {
    const name = `pgschema_${crypto.randomBytes(6).toString("hex")}`;
    await admin.query(`CREATE DATABASE "${name}"`);
    scratch.push(name);
    return track(new pg.Pool({ connectionString: urlFor(name), max: 4 }));
  }

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
  });

  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
    for (const name of scratch) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });

  const journalLength = () =>
    (JSON.parse(fs.readFileSync(path.join(pgMigrationsFolder(), "meta", "_journal.json"), "utf8")) as { entries: unknown[] }).entries.length;

  it("apply to an empty database, create every table, column and index of the schema, and a second run is a no-op", async () => {
    const pool = await freshDatabase();
    const db = drizzle({ client: pool });
    expect(await pgMigrationsUpToDate(db)).toBe(false);
    const first = await runPgMigrations(db);
    expect(first.applied).toBe(journalLength());
    expect(await pgMigrationsUpToDate(db)).toBe(true);

    const cols = await pool.query<{ table_name: string; column_name: string; is_nullable: string }>(
      "SELECT table_name, column_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public'",
    );
    const idx = await pool.query<{ tablename: string; indexname: string }>("SELECT tablename, indexname FROM pg_indexes WHERE schemaname = 'public'");
    const inDb = (t: string) => cols.rows.filter((r) => r.table_name === t).map((r) => `${r.column_name}${r.is_nullable === "NO" ? " not null" : ""}`).sort();
    const idxInDb = new Set(idx.rows.map((r) => `${r.tablename}.${r.indexname}`));
    for (const table of pgTables.values()) {
      const cfg = pgConfig(table);
      const want = cfg.columns.map((c) => `${c.name}${c.notNull ? " not null" : ""}`).sort();
      expect(inDb(cfg.name), `columns of ${cfg.name} in the database (migrations out of date with lib/db/schema-pg?)`).toEqual(want);
      for (const i of cfg.indexes) expect(idxInDb.has(`${cfg.name}.${i.config.name}`), `index ${i.config.name}`).toBe(true);
    }
    expect(idxInDb.has("request_logs.request_logs_search_idx")).toBe(true);
    expect(idxInDb.has("request_bodies.request_bodies_search_idx")).toBe(true);

    const second = await runPgMigrations(db);
    expect(second.applied).toBe(0);
    const n = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations");
    expect(n.rows[0]?.n).toBe(journalLength());
  });

  it("replicas starting together migrate once (advisory lock)", async () => {
    const pool = await freshDatabase();
    const other = track(new pg.Pool({ connectionString: (pool.options as { connectionString: string }).connectionString, max: 2 }));
    const results = await Promise.all([runPgMigrations(drizzle({ client: pool })), runPgMigrations(drizzle({ client: other })), runPgMigrations(drizzle({ client: pool }))]);
    expect(results.map((r) => r.applied).sort((a, b) => b - a)).toEqual([journalLength(), 0, 0]);
  });

  it("a failing migration is reported as a MigrationError and changes nothing", async () => {
    const pool = await freshDatabase();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pgschema-mig-"));
    try {
      fs.mkdirSync(path.join(dir, "meta"));
      const entries = [0, 1].map((i) => ({ idx: i, version: "7", when: 1700000000000 + i, tag: `000${i}_m${i}`, breakpoints: true }));
      fs.writeFileSync(path.join(dir, "meta", "_journal.json"), JSON.stringify({ version: "7", dialect: "postgresql", entries }));
      fs.writeFileSync(path.join(dir, "0000_m0.sql"), 'CREATE TABLE "t_ok" ("id" text PRIMARY KEY);');
      fs.writeFileSync(path.join(dir, "0001_m1.sql"), 'CREATE TABLE "t_bad" ("id" no_such_type);');
      process.env.PORTICO_MIGRATIONS_DIR_PG = dir;
      await expect(runPgMigrations(drizzle({ client: pool }))).rejects.toThrow(/Database migration failed; nothing was changed/);
      const t = await pool.query("SELECT to_regclass('public.t_ok')::text AS t");
      expect(t.rows[0]?.t).toBeNull();
      // the lock was released: a fixed migration set applies
      fs.writeFileSync(path.join(dir, "0001_m1.sql"), 'CREATE TABLE "t_bad" ("id" text);');
      expect((await runPgMigrations(drizzle({ client: pool }))).applied).toBe(2);
    } finally {
      delete process.env.PORTICO_MIGRATIONS_DIR_PG;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("values read back as the SQLite schema returns them, and the search indexes serve their expressions", async () => {
    const pool = await freshDatabase();
    const db = drizzle({ client: pool, schema: pgSchema });
    await runPgMigrations(db);
    const { settings, auditLog, users, requestLogs, requestBodies } = pgSchema;
    const at = 1_796_000_000_123; // epoch ms beyond 2^31
    await db.insert(settings).values([
      { key: "s1", value: "42", updatedAt: at },
      { key: "s2", value: { zeta: [1, "x"], a: { y: 1, b: 2 } }, updatedAt: at },
    ]);
    const s = await db.select().from(settings).orderBy(settings.key);
    expect(s).toEqual([
      { key: "s1", value: "42", updatedAt: at },
      { key: "s2", value: { zeta: [1, "x"], a: { y: 1, b: 2 } }, updatedAt: at },
    ]);
    // object keys keep their order (a JSON schema's property order steers structured output)
    expect(JSON.stringify(s[1]?.value)).toBe('{"zeta":[1,"x"],"a":{"y":1,"b":2}}');
    await db.insert(users).values({ id: "u1", email: "a@example.com", name: "A", createdAt: at, updatedAt: at });
    const [u] = await db.select().from(users).where(eq(users.id, "u1"));
    expect(u).toMatchObject({ disabled: false, role: "member", sessionGeneration: 0, lastLoginAt: null, createdAt: at });
    const ids = await db
      .insert(auditLog)
      .values([
        { at, actorEmail: "a@example.com", action: "x", targetType: "t", before: null },
        { at, actorEmail: "a@example.com", action: "y", targetType: "t" },
      ])
      .returning({ id: auditLog.id });
    expect(ids.map((r) => typeof r.id)).toEqual(["number", "number"]);
    const nulls = await pool.query("SELECT count(*)::int AS n FROM audit_log WHERE before IS NULL AND after IS NULL");
    expect(nulls.rows[0]?.n).toBe(2); // SQL NULL, not the JSON null
    const cutoff = await pool.query("SELECT count(*)::int AS n FROM audit_log WHERE at < $1", [at + 1]);
    expect(cutoff.rows[0]?.n).toBe(2);

    await db.insert(requestLogs).values([
      { id: "req_ok", at, endpoint: "chat", inbound: "openai", status: 200, outcome: "ok", latencyMs: 5 },
      { id: "req_bad", at, endpoint: "chat", inbound: "openai", status: 429, outcome: "error", latencyMs: 5, errorCode: "rate_limited", errorMessage: "Upstream quota exhausted" },
    ]);
    await db.insert(requestBodies).values({ requestId: "req_ok", at, reqBody: '{"messages":[{"content":"Bonjour Marseille"}]}', resBody: "Hello" });
    const logSearch = async (q: string) =>
      (await pool.query(`SELECT id FROM request_logs WHERE ${LOG_ERROR_TSVECTOR} @@ to_tsquery('simple', $1) AND ${LOG_ERROR_PREDICATE}`, [pgTsQuery(q)])).rows;
    expect(await logSearch("QUOTA exhaus")).toEqual([{ id: "req_bad" }]);
    expect(await logSearch("rate_limited")).toEqual([{ id: "req_bad" }]);
    expect(await logSearch("rate_lim")).toEqual([{ id: "req_bad" }]); // the tail of the last word is a prefix
    expect(await logSearch("req_ba")).toEqual([{ id: "req_bad" }]);
    expect(await logSearch("re_bad")).toEqual([]); // the tokens before it are exact
    expect(await logSearch("req_ok")).toEqual([]); // no error text: not indexed, found by id instead
    expect(await logSearch("it's & (quota) | !x:*")).toEqual([]); // operators arrive as text, not syntax
    const bodyHit = await pool.query(`SELECT request_id FROM request_bodies WHERE ${BODY_TSVECTOR} @@ to_tsquery('simple', $1)`, [pgTsQuery("marseil")]);
    expect(bodyHit.rows).toEqual([{ request_id: "req_ok" }]);

    const conn = await pool.connect();
    try {
      await conn.query("SET enable_seqscan = off");
      const plan = async (q: string) => (await conn.query<{ "QUERY PLAN": string }>(`EXPLAIN ${q}`)).rows.map((r) => r["QUERY PLAN"]).join("\n");
      expect(await plan(`SELECT id FROM request_logs WHERE ${LOG_ERROR_TSVECTOR} @@ to_tsquery('simple', 'quota') AND ${LOG_ERROR_PREDICATE}`)).toContain(
        "request_logs_search_idx",
      );
      expect(await plan(`SELECT request_id FROM request_bodies WHERE ${BODY_TSVECTOR} @@ to_tsquery('simple', 'hello')`)).toContain("request_bodies_search_idx");
    } finally {
      conn.release();
    }
    // the expressions in search.ts are those of the migration, verbatim
    const migration = fs.readFileSync(path.join(pgMigrationsFolder(), "0001_search.sql"), "utf8");
    expect(migration).toContain(`(${LOG_ERROR_TSVECTOR}) WHERE ${LOG_ERROR_PREDICATE}`);
    expect(migration).toContain(`(${BODY_TSVECTOR})`);
  });
});
