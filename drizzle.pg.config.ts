import { defineConfig } from "drizzle-kit";

/** PostgreSQL migrations (the engine for replicas): same tables as drizzle.config.ts, in drizzle/pg. */
export default defineConfig({
  dialect: "postgresql",
  schema: "./lib/db/schema-pg/index.ts",
  out: "./drizzle/pg",
  dbCredentials: { url: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres" },
});
