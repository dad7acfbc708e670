/**
 * Client-side shapes of the gateway admin API: `z.infer` of the route contracts
 * (lib/contracts/gateway.ts, lib/contracts/telemetry.ts), never hand-copied.
 */
export type {
  ProviderType,
  ModelKind,
  RouteStrategy,
  ProviderRow,
  ProviderDetail,
  BreakerRow,
  ModelRow,
  CatalogEntry,
  PresetView,
  PriceCatalog,
  RouteTarget,
  TargetDetail,
  RouteCondition,
  RetryPolicy,
  RouteRow,
  AttemptRow,
  RouteTestResult,
  KeyRow,
  CreatedKey,
} from "@/lib/contracts/gateway";
export type { LogItem as LogRow } from "@/lib/contracts/telemetry";
