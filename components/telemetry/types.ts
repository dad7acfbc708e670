/** Client-side shapes of the telemetry JSON APIs: `z.infer` of the route contracts (lib/contracts/telemetry.ts). */
export type { AttemptRow as AttemptItem } from "@/lib/contracts/gateway";
export type { Outcome, LogItem, LogDetail, Facets, LogSettings, ChartBase, Series, SeriesChart, Totals, OverviewChart, TopChart, HealthChart } from "@/lib/contracts/telemetry";
