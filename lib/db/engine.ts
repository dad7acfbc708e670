export type DbEngine = "sqlite" | "postgres";

/** `postgres://` / `postgresql://` selects PostgreSQL; anything else is a SQLite file (the embedded default). */
export function dbEngine(url = process.env.DATABASE_URL): DbEngine {
  return /^postgres(ql)?:\/\//i.test(url?.trim() ?? "") ? "postgres" : "sqlite";
}
