import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import path from "node:path";
import fs from "node:fs";
import type { Db } from "./client";

export function migrationsFolder(): string {
  return process.env.PORTICO_MIGRATIONS_DIR || path.join(/* turbopackIgnore: true */ process.cwd(), "drizzle");
}

export class MigrationError extends Error {}

/**
 * Applies pending drizzle-kit migrations. drizzle runs them in one transaction,
 * so a failing migration rolls back and leaves the database as it was.
 */
export function runMigrations(db: Db): { applied: number } {
  const folder = migrationsFolder();
  const journal = path.join(folder, "meta", "_journal.json");
  if (!fs.existsSync(journal)) throw new MigrationError(`No migrations found at ${folder} (missing meta/_journal.json).`);
  const before = countApplied(db);
  try {
    migrate(db, { migrationsFolder: folder });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new MigrationError(
      `Database migration failed; nothing was changed. Cause: ${msg}. Fix the migration or restore the database, then start again.`,
    );
  }
  return { applied: countApplied(db) - before };
}

function countApplied(db: Db): number {
  try {
    const row = db.$client.prepare("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number };
    return row.n;
  } catch {
    return 0;
  }
}

/** For /readyz: every migration in the journal is applied. */
export function migrationsUpToDate(db: Db): boolean {
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder(), "meta", "_journal.json"), "utf8")) as {
    entries: unknown[];
  };
  return countApplied(db) >= journal.entries.length;
}
