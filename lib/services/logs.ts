import { rawAll, rawGet, rawRun, withTransaction } from "@/lib/db/sql";
import { z } from "zod";
import { requireAdmin, type Actor } from "@/lib/auth/actor";
import { writeAudit } from "@/lib/services/audit";
import { NotFoundError } from "@/lib/errors";
import { parseWith } from "@/lib/api/parse";
import { EXPORT_COLUMNS, exportCells, exportChunks, getLogDetail, searchLogs, type LogQuery } from "@/lib/telemetry/search";
import { chartCsv, chartData, type ChartKind, type ChartQuery } from "@/lib/telemetry/charts";
import { csvRow } from "@/lib/telemetry/csv";
import { scopeSql, teamScope } from "@/lib/telemetry/scope";
import { readRetention, retentionSchema, writeRetention } from "@/lib/telemetry/settings";
import { storageStats } from "@/lib/telemetry/retention";
import { invalidateCaptureSettings } from "@/lib/telemetry/capture";

/**
 * Control-plane verbs over the request log and its rollups. Tenant scope is decided
 * in lib/telemetry/scope.ts from the actor: admins see every team, everyone else only
 * their teams' rows — in the SQL, whatever filters the caller sends.
 */
export { searchLogs, getLogDetail };

/** Streamed CSV or JSONL of the filtered set: chunks of rows by keyset, never the whole set in memory. */
export async function exportLogsResponse({ actor, query, portal = false }: { actor: Actor; query: LogQuery; portal?: boolean }): Promise<Response> {
  const format = query.format ?? "csv";
  const gen = exportChunks({ actor, query, portal });
  const enc = new TextEncoder();
  let headerSent = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        let text = "";
        if (!headerSent && format === "csv") text += csvRow(EXPORT_COLUMNS);
        headerSent = true;
        const next = await gen.next();
        if (!next.done) {
          for (const r of next.value) text += format === "csv" ? csvRow(exportCells(r)) : JSON.stringify(r) + "\n";
        }
        if (text) controller.enqueue(enc.encode(text));
        if (next.done) controller.close();
      } catch (e) {
        console.error("[portico] log export failed:", e);
        controller.error(e);
      }
    },
    async cancel() {
      await gen.return(undefined);
    },
  });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19);
  return new Response(stream, {
    headers: {
      "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
      "content-disposition": `attachment; filename="portico-logs-${stamp}.${format}"`,
      "cache-control": "no-store, no-transform",
    },
  });
}

export async function chartResponse({ actor, kind, query, portal = false }: { actor: Actor; kind: ChartKind; query: ChartQuery; portal?: boolean }): Promise<Response | object> {
  const data = await chartData({ actor, kind, query, portal });
  if (query.format !== "csv") return data;
  return new Response(chartCsv(data), {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="portico-${kind}.csv"`, "cache-control": "no-store" },
  });
}

/** Choices for the log filters, within the caller's scope (names for ids). */
export async function logFacets({ actor, portal = false }: { actor: Actor; portal?: boolean }) {
  const scope = teamScope(actor, { ownTeamsOnly: portal });
  const s = scopeSql(scope, "team_id");
  const w = s ? `WHERE ${s.sql}` : "";
  const p = s?.params ?? [];
  const and = s ? `AND ${s.sql}` : "";
  const teams = await rawAll<{ id: string; name: string }>(`SELECT id, name FROM teams ${s ? `WHERE ${scopeSql(scope, "id")!.sql}` : ""} ORDER BY name`, p);
  const apps = await rawAll<{ id: string; name: string; teamId: string }>(`SELECT id, name, team_id AS "teamId" FROM apps ${w} ORDER BY name`, p);
  const keys = await rawAll<{ id: string; name: string; prefix: string; appId: string | null }>(`SELECT id, name, prefix, app_id AS "appId" FROM api_keys ${w} ORDER BY name LIMIT 500`, p);
  // Seen in the last 400 days of day rollups (small): routes, models, APIs and providers actually used.
  const seen = async (col: string) => (await rawAll<{ v: string }>(`SELECT DISTINCT ${col} AS v FROM usage_rollups WHERE gran = 'd' AND ${col} != '' ${and} LIMIT 500`, p)).map((r) => r.v);
  const routes = (await seen("route")).sort();
  const models = (await seen("model")).sort();
  const apiIds = await seen("api_id");
  const providerIds = await seen("provider_id");
  const named = async (table: string, ids: string[]) =>
    ids.length ? await rawAll<{ id: string; name: string }>(`SELECT id, name FROM ${table} WHERE id IN (${ids.map(() => "?").join(",")}) ORDER BY name`, ids) : [];
  return { teams, apps, keys, apis: await named("apis", apiIds), routes, models, providers: await named("providers", providerIds) };
}

// ---- settings: retention and body capture (platform admin) ----

export async function getLogSettings({ actor }: { actor: Actor }) {
  requireAdmin(actor);
  // coalesce(..., false): SQLite reads FALSE as 0, PostgreSQL's column is a boolean
  const rows = await rawAll<{ apiId: string; name: string; slug: string; captureBodies: number | boolean; maxBodyBytes: number | string }>(
    `SELECT a.id AS "apiId", a.name, a.slug, coalesce(s.capture_bodies, false) AS "captureBodies", coalesce(s.max_body_bytes, 16384) AS "maxBodyBytes"
       FROM apis a LEFT JOIN api_log_settings s ON s.api_id = a.id ORDER BY a.name`,
  );
  const capture = rows.map((r) => ({ ...r, captureBodies: !!r.captureBodies, maxBodyBytes: Number(r.maxBodyBytes) }));
  return { retention: await readRetention(), storage: await storageStats(), capture };
}

export async function setRetention({ actor, input }: { actor: Actor; input: unknown }) {
  requireAdmin(actor);
  const value = parseWith(retentionSchema, input, "retention settings");
  const before = await readRetention();
  await withTransaction(async (tx) => {
    await writeRetention(value, tx);
    await writeAudit(tx, actor, { action: "settings.retention", targetType: "settings", targetId: "telemetry.retention", before, after: value });
  });
  return { retention: value };
}

export const bodyCaptureInput = z
  .object({
    apiId: z.string().min(1).max(200),
    captureBodies: z.boolean(),
    maxBodyBytes: z.coerce.number().int().min(256).max(1_048_576).default(16_384),
  })
  .strict();

export async function setBodyCapture({ actor, input }: { actor: Actor; input: unknown }) {
  requireAdmin(actor);
  const v = parseWith(bodyCaptureInput, input, "body capture settings");
  if (!(await rawGet("SELECT 1 AS one FROM apis WHERE id = ?", [v.apiId]))) throw new NotFoundError("No API with that id.");
  const prev = await rawGet<{ captureBodies: number | boolean; maxBodyBytes: number | string }>(
    'SELECT capture_bodies AS "captureBodies", max_body_bytes AS "maxBodyBytes" FROM api_log_settings WHERE api_id = ?',
    [v.apiId],
  );
  const before = prev ? { captureBodies: !!prev.captureBodies, maxBodyBytes: Number(prev.maxBodyBytes) } : null;
  await withTransaction(async (tx) => {
    // TRUE/FALSE literals: 1/0 in SQLite, booleans in PostgreSQL
    await rawRun(
      `INSERT INTO api_log_settings (api_id, capture_bodies, max_body_bytes, updated_at) VALUES (?, ${v.captureBodies ? "TRUE" : "FALSE"}, ?, ?)
         ON CONFLICT(api_id) DO UPDATE SET capture_bodies = excluded.capture_bodies, max_body_bytes = excluded.max_body_bytes, updated_at = excluded.updated_at`,
      [v.apiId, v.maxBodyBytes, Date.now()],
      tx,
    );
    await writeAudit(tx, actor, { action: "api.body_capture", targetType: "api", targetId: v.apiId, before, after: { captureBodies: v.captureBodies, maxBodyBytes: v.maxBodyBytes } });
  });
  invalidateCaptureSettings();
  return v;
}

/** The earlier list API (newest first, `{limit, cursor}`), kept for callers of the old Logs page. */
export async function listRecentLogs({ actor, limit, cursor }: { actor: Actor; limit: number; cursor?: string | null }) {
  return searchLogs({ actor, query: { sort: "time", limit, cursor: cursor ?? undefined } });
}
