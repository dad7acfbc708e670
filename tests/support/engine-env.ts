/**
 * Vitest setup file (vitest.config.ts): on the PostgreSQL pass (PORTICO_TEST_ENGINE=postgres)
 * DATABASE_URL selects PostgreSQL before any test file is imported, so modules that pick
 * their engine at import time (lib/db/schema) pick PostgreSQL even when a test imports them
 * before its harness created the scratch database. The database named here does not exist:
 * a query before the harness sets the real URL fails instead of silently using SQLite.
 */
import { onPostgres, pgUrlFor } from "./scratch-db";

if (onPostgres && !/^postgres(ql)?:\/\//i.test(process.env.DATABASE_URL ?? "")) {
  process.env.DATABASE_URL = pgUrlFor("portico_t_not_created_yet");
}
