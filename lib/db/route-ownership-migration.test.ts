import { afterEach, describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "./client";
import { runMigrations } from "./migrate";

/**
 * The route-ownership migration's hand-written backfill: existing routes become
 * platform-owned and are granted to the teams whose APIs (llm aliases, prompt
 * drafts and versions) already expose them, so nothing that worked breaks.
 */
const dirs: string[] = [];
afterEach(() => {
  delete process.env.PORTICO_MIGRATIONS_DIR;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe("route ownership migration", () => {
  it("grants existing routes to the teams whose APIs expose them", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portico-mig-own-"));
    dirs.push(dir);
    fs.cpSync(path.join(process.cwd(), "drizzle"), dir, { recursive: true });
    const journalPath = path.join(dir, "meta", "_journal.json");
    const journal = JSON.parse(fs.readFileSync(journalPath, "utf8")) as { entries: { tag: string }[] };
    const at = journal.entries.findIndex((e) => e.tag.endsWith("route_ownership"));
    expect(at).toBeGreaterThan(0);
    // Migrate to just before ownership existed, with data as it was.
    fs.writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));
    process.env.PORTICO_MIGRATIONS_DIR = dir;
    const { db, sqlite } = openDatabase(path.join(dir, "x.db"));
    runMigrations(db);
    const now = Date.now();
    const run = (sql: string, ...p: unknown[]) => sqlite.prepare(sql).run(...p);
    for (const t of ["t1", "t2", "t3"]) run("INSERT INTO teams (id, slug, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)", t, t, t, now, now);
    for (const r of ["a", "b", "c", "unused"]) run(`INSERT INTO routes (id, alias, targets, retry, created_at, updated_at) VALUES (?, ?, '[]', '{}', ?, ?)`, `rt_${r}`, r, now, now);
    run(`INSERT INTO apis (id, slug, name, team_id, kind, route_aliases, created_at, updated_at) VALUES ('api1', 's1', 'n1', 't1', 'llm', '["a","b","gone"]', ?, ?)`, now, now);
    run(`INSERT INTO apis (id, slug, name, team_id, kind, route_aliases, created_at, updated_at) VALUES ('api2', 's2', 'n2', 't2', 'llm', '["a"]', ?, ?)`, now, now);
    run(`INSERT INTO apis (id, slug, name, team_id, kind, route_aliases, created_at, updated_at) VALUES ('api3', 's3', 'n3', 't3', 'prompt', '[]', ?, ?)`, now, now);
    run(`INSERT INTO prompts (id, api_id, route_alias, created_at, updated_at) VALUES ('p3', 'api3', 'b', ?, ?)`, now, now);
    run(
      `INSERT INTO prompt_versions (id, prompt_id, version, route_alias, params, system_prompt, user_template, variables, output_mode, streaming, created_at) VALUES ('v1', 'p3', 1, 'c', '{}', '', 'x', '[]', 'text', 0, ?)`,
      now,
    );
    // Now the ownership migration (and whatever follows).
    fs.writeFileSync(journalPath, JSON.stringify(journal));
    runMigrations(db);
    const grants = sqlite.prepare("SELECT route_id AS r, team_id AS t FROM route_grants ORDER BY route_id, team_id").all();
    expect(grants).toEqual([
      { r: "rt_a", t: "t1" },
      { r: "rt_a", t: "t2" },
      { r: "rt_b", t: "t1" },
      { r: "rt_b", t: "t3" },
      { r: "rt_c", t: "t3" },
    ]);
    expect(sqlite.prepare("SELECT count(*) AS n FROM routes WHERE team_id IS NOT NULL").get()).toEqual({ n: 0 });
    sqlite.close();
  });
});
