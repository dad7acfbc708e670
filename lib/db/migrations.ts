import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import { getDbHolder } from "./client";
import { runMigrations, migrationsUpToDate } from "./migrate";
import { runPgMigrations, pgMigrationsUpToDate } from "./migrate-pg";

/** Applies the pending migrations of the configured engine (drizzle/ or drizzle/pg) at start-up. */
export async function migrateDatabase(): Promise<{ applied: number }> {
  const h = getDbHolder();
  if (h.engine === "postgres") return runPgMigrations(h.db as unknown as NodePgDatabase);
  return runMigrations(h.db);
}

/** For /readyz: every migration of the engine's journal is applied. */
export async function databaseMigrated(): Promise<boolean> {
  const h = getDbHolder();
  if (h.engine === "postgres") return pgMigrationsUpToDate(h.db as unknown as NodePgDatabase);
  return migrationsUpToDate(h.db);
}
