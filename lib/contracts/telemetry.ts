/** Response contracts of the telemetry routes: request logs, facets, log settings, usage charts. Pure zod. */
import { z } from "zod";
import { attemptSchema } from "./gateway";
import { ts, tsOrNull } from "./common";

export const outcomeSchema = z.enum(["ok", "error", "partial", "aborted", "refused"]);

export const logItemSchema = z.strictObject({
  id: z.string(),
  at: ts(),
  endpoint: z.string(),
  inbound: z.string(),
  keyId: z.string().nullable(),
  teamId: z.string().nullable(),
  appId: z.string().nullable(),
  apiId: z.string().nullable(),
  routeAlias: z.string().nullable(),
  providerId: z.string().nullable(),
  providerType: z.string().nullable(),
  modelId: z.string().nullable(),
  upstreamModel: z.string().nullable(),
  stream: z.boolean(),
  status: z.number().int(),
  outcome: outcomeSchema,
  attempts: z.array(attemptSchema),
  latencyMs: z.number(),
  ttftMs: z.number().nullable(),
  tokensIn: z.number().int(),
  tokensOut: z.number().int(),
  tokensCached: z.number().int(),
  usageEstimated: z.boolean(),
  costUsd: z.number(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  cache: z.string().nullable(),
  savedCostUsd: z.number().nullable(),
  /** request/response sizes on the wire */
  reqBytes: z.number().int().nullable(),
  resBytes: z.number().int().nullable(),
  flags: z.array(z.string()).nullable(),
  teamName: z.string().nullable(),
  appName: z.string().nullable(),
  keyName: z.string().nullable(),
  keyPrefix: z.string().nullable(),
  apiName: z.string().nullable(),
  providerName: z.string().nullable(),
});
export const logPageSchema = z.strictObject({ items: z.array(logItemSchema), nextCursor: z.string().nullable() });

export const logDetailSchema = logItemSchema.extend({
  apiSlug: z.string().nullable(),
  /** reqBytes/resBytes: original sizes; *StoredBytes: what was kept; truncated: the capture limit cut a body */
  bodies: z
    .strictObject({
      reqBody: z.string().nullable(),
      resBody: z.string().nullable(),
      reqBytes: z.number().int(),
      resBytes: z.number().int(),
      reqStoredBytes: z.number().int(),
      resStoredBytes: z.number().int(),
      truncated: z.boolean(),
      reqTruncated: z.boolean(),
      resTruncated: z.boolean(),
    })
    .nullable(),
});

const idName = z.strictObject({ id: z.string(), name: z.string() });
export const facetsSchema = z.strictObject({
  teams: z.array(idName),
  apps: z.array(z.strictObject({ id: z.string(), name: z.string(), teamId: z.string() })),
  keys: z.array(z.strictObject({ id: z.string(), name: z.string(), prefix: z.string(), appId: z.string().nullable() })),
  apis: z.array(idName),
  routes: z.array(z.string()),
  models: z.array(z.string()),
  providers: z.array(idName),
});

export const retentionSchema = z.strictObject({ rawDays: z.number().int(), rollupDays: z.number().int(), minuteRollupDays: z.number().int() });
export const logSettingsSchema = z.strictObject({
  retention: retentionSchema,
  storage: z.strictObject({
    /** the SQLite file (null/absent on PostgreSQL) */
    file: z.string().nullable().optional(),
    sizeBytes: z.number().int(),
    walBytes: z.number().int(),
    rows: z.strictObject({ requestLogs: z.number().int(), requestBodies: z.number().int(), usageRollups: z.number().int() }),
    oldestLogAt: tsOrNull(),
    lastPrune: z
      .strictObject({
        logs: z.number().int(),
        bodies: z.number().int(),
        rollups: z.number().int(),
        breakerEvents: z.number().int(),
        responses: z.number().int(),
        done: z.boolean(),
        at: ts(),
      })
      .nullable(),
  }),
  capture: z.array(z.strictObject({ apiId: z.string(), name: z.string(), slug: z.string(), captureBodies: z.boolean(), maxBodyBytes: z.number().int() })),
});
export const retentionResponseSchema = z.strictObject({ retention: retentionSchema });
export const bodyCaptureResponseSchema = z.strictObject({ apiId: z.string(), captureBodies: z.boolean(), maxBodyBytes: z.number().int() });

// ---------------------------------------------------------------- charts

export const chartKindSchema = z.enum(["overview", "timeline", "cost-by-team", "cost-by-model", "tokens-by-model", "top-apps", "top-keys", "provider-health"]);
const chartBaseShape = {
  kind: chartKindSchema,
  from: ts(),
  to: ts(),
  tz: z.string(),
  bucket: z.enum(["1m", "5m", "1h", "1d"]),
  buckets: z.array(ts()),
};
export const seriesSchema = z.strictObject({ key: z.string(), label: z.string(), values: z.array(z.number()), total: z.number().optional() });
export const totalsSchema = z.strictObject({
  requests: z.number(),
  errors: z.number(),
  errorRate: z.number(),
  tokensIn: z.number(),
  tokensOut: z.number(),
  tokensCached: z.number(),
  costUsd: z.number(),
  avgLatencyMs: z.number().nullable(),
  p50LatencyMs: z.number().nullable(),
  p95LatencyMs: z.number().nullable(),
  avgTtftMs: z.number().nullable(),
  p50TtftMs: z.number().nullable(),
  p95TtftMs: z.number().nullable(),
});
export const chartBaseSchema = z.strictObject(chartBaseShape);
export const overviewChartSchema = z.strictObject({ ...chartBaseShape, current: totalsSchema, previous: totalsSchema });
export const seriesChartSchema = z.strictObject({
  ...chartBaseShape,
  series: z.array(seriesSchema),
  budgets: z.array(z.strictObject({ teamId: z.string(), team: z.string().optional(), period: z.string(), limitUsd: z.number() })).optional(),
});
export const topChartSchema = z.strictObject({
  ...chartBaseShape,
  rows: z.array(z.strictObject({ id: z.string(), label: z.string(), team: z.string(), requests: z.number(), tokens: z.number(), costUsd: z.number() })),
});
export const healthChartSchema = z.strictObject({
  ...chartBaseShape,
  providers: z.array(
    z.strictObject({
      key: z.string(),
      label: z.string(),
      requests: z.array(z.number()),
      errorRate: z.array(z.number().nullable()),
      avgLatencyMs: z.array(z.number().nullable()),
      p95LatencyMs: z.array(z.number().nullable()),
    }),
  ),
  /** circuit-breaker openings (admins only; empty for others) */
  breakerOpenings: z.array(
    z.strictObject({ at: ts(), bucket: ts(), target: z.string(), providerId: z.string(), provider: z.string(), modelId: z.string(), failures: z.number().int() }),
  ),
});
/** One chart (format=json); format=csv answers text/csv instead. */
export const chartSchema = z.union([overviewChartSchema, seriesChartSchema, topChartSchema, healthChartSchema]);

export type Outcome = z.infer<typeof outcomeSchema>;
export type LogItem = z.infer<typeof logItemSchema>;
export type LogDetail = z.infer<typeof logDetailSchema>;
export type Facets = z.infer<typeof facetsSchema>;
export type LogSettings = z.infer<typeof logSettingsSchema>;
export type ChartBase = z.infer<typeof chartBaseSchema>;
export type Series = z.infer<typeof seriesSchema>;
export type Totals = z.infer<typeof totalsSchema>;
export type OverviewChart = z.infer<typeof overviewChartSchema>;
export type SeriesChart = z.infer<typeof seriesChartSchema>;
export type TopChart = z.infer<typeof topChartSchema>;
export type HealthChart = z.infer<typeof healthChartSchema>;
