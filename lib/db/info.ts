import { dbEngine, getDbHolder } from "./client";
import { rawGet } from "./sql";

/** Size of the database for the Settings page: SQLite's file (pages in use) or PostgreSQL's current database. */
export async function dbFileInfo(): Promise<{ file: string | null; sizeBytes: number }> {
  if (dbEngine() === "postgres") {
    const row = await rawGet<{ n: number | string }>("SELECT pg_database_size(current_database()) AS n");
    return { file: null, sizeBytes: Number(row?.n ?? 0) };
  }
  const { sqlite, file } = getDbHolder();
  const pageCount = Number(sqlite.pragma("page_count", { simple: true }));
  const pageSize = Number(sqlite.pragma("page_size", { simple: true }));
  return { file, sizeBytes: pageCount * pageSize };
}
