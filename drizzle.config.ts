import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./lib/db/schema/tables.ts",
  out: "./drizzle",
  dbCredentials: { url: "file:./data/drizzle-kit.db" },
});
