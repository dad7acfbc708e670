import { rawGet, rawRun } from "@/lib/db/sql";
import type { Db } from "@/lib/db/client";
import { z } from "zod";

/** Retention settings (settings table, key `telemetry.retention`), editable on /admin/settings. */
export const retentionSchema = z
  .object({
    /** raw request_logs rows and request_bodies */
    rawDays: z.coerce.number().int().min(1).max(3650).default(30),
    /** hour and day rollups */
    rollupDays: z.coerce.number().int().min(1).max(3650).default(400),
    /** minute rollups (only short-range charts read them) */
    minuteRollupDays: z.coerce.number().int().min(1).max(90).default(7),
  })
  .strict();
export type RetentionSettings = z.infer<typeof retentionSchema>;

export const RETENTION_KEY = "telemetry.retention";

export async function readRetention(): Promise<RetentionSettings> {
  const row = await rawGet<{ value: unknown }>("SELECT value FROM settings WHERE key = ?", [RETENTION_KEY]);
  let raw: unknown = {};
  try {
    // SQLite keeps JSON text; PostgreSQL's json column arrives parsed
    raw = !row ? {} : typeof row.value === "string" ? JSON.parse(row.value) : row.value;
  } catch {
    raw = {};
  }
  const r = retentionSchema.safeParse(raw);
  return r.success ? r.data : retentionSchema.parse({});
}

/** `on`: the caller's transaction (with its audit row). */
export async function writeRetention(value: RetentionSettings, on?: Db): Promise<void> {
  await rawRun("INSERT INTO settings(key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at", [RETENTION_KEY, JSON.stringify(value), Date.now()], on);
}
