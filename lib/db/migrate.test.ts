import { describe, it, expect, afterEach } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "./client";
import { runMigrations, migrationsUpToDate, MigrationError } from "./migrate";

const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "portico-mig-"));
  dirs.push(d);
  return d;
}
afterEach(() => {
  delete process.env.PORTICO_MIGRATIONS_DIR;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function writeMigrations(dir: string, sqls: string[]): void {
  fs.mkdirSync(path.join(dir, "meta"), { recursive: true });
  const entries = sqls.map((_, i) => ({ idx: i, version: "6", when: 1700000000000 + i, tag: `000${i}_m${i}`, breakpoints: true }));
  fs.writeFileSync(path.join(dir, "meta", "_journal.json"), JSON.stringify({ version: "7", dialect: "sqlite", entries }));
  sqls.forEach((s, i) => fs.writeFileSync(path.join(dir, `000${i}_m${i}.sql`), s));
}

describe("migrations", () => {
  it("the project's migrations apply to an empty database and are idempotent", () => {
    const { db, sqlite } = openDatabase(path.join(tmp(), "a.db"));
    const first = runMigrations(db);
    expect(first.applied).toBeGreaterThan(0);
    expect(runMigrations(db).applied).toBe(0);
    expect(migrationsUpToDate(db)).toBe(true);
    const tables = sqlite.prepare("SELECT name FROM sqlite_master WHERE type='table'").all() as { name: string }[];
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(["users", "teams", "team_members", "audit_log", "settings"]));
    expect(sqlite.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(sqlite.pragma("foreign_keys", { simple: true })).toBe(1);
    sqlite.close();
  });

  it("a failing migration stops with a clear message and changes nothing", () => {
    const dir = tmp();
    writeMigrations(dir, ["CREATE TABLE ok_table (id integer);", "CREATE TABLE half (id integer);\n--> statement-breakpoint\nTHIS IS NOT SQL;"]);
    process.env.PORTICO_MIGRATIONS_DIR = dir;
    const { db, sqlite } = openDatabase(path.join(dir, "b.db"));
    expect(() => runMigrations(db)).toThrow(MigrationError);
    expect(() => runMigrations(db)).toThrow(/nothing was changed/);
    const tables = (sqlite.prepare("SELECT name FROM sqlite_master WHERE type='table'").all() as { name: string }[]).map((t) => t.name);
    expect(tables).not.toContain("half");
    expect(tables).not.toContain("ok_table");
    sqlite.close();
  });
});
