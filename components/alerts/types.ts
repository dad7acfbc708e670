/** Wire shapes of /api/admin/alerts*: `z.infer` of the route contracts (lib/contracts/alerts.ts). */
import type { AlertDimension, AlertKind, AlertRuleRow } from "@/lib/contracts/alerts";

export type { AlertKind, AlertDimension, AlertRuleRow, AlertRow } from "@/lib/contracts/alerts";

export const KIND_LABEL: Record<AlertKind, string> = {
  error_rate: "Error rate",
  latency_p95: "Latency p95",
  circuit_open: "Circuit opened",
  budget: "Budget threshold",
};

export const KIND_DIMENSIONS: Record<AlertKind, AlertDimension[]> = {
  error_rate: ["all", "provider", "route", "api"],
  latency_p95: ["all", "provider", "route", "api"],
  circuit_open: ["all", "provider"],
  budget: ["all", "team", "app", "key"],
};

export const alertKeys = {
  rules: ["admin", "alerts", "rules"] as const,
  events: ["admin", "alerts", "events"] as const,
  firing: ["admin", "alerts", "firing-count"] as const,
};

/** "error rate > 5% over 5 min, per provider" */
export function describeRule(r: Pick<AlertRuleRow, "kind" | "threshold" | "windowMinutes" | "dimension" | "dimensionValue" | "minRequests">): string {
  const scope = r.dimension === "all" ? "all traffic" : r.dimensionValue ? `${r.dimension} ${r.dimensionValue}` : `per ${r.dimension}`;
  switch (r.kind) {
    case "error_rate":
      return `error rate > ${r.threshold}% over ${r.windowMinutes} min (≥ ${r.minRequests} calls), ${scope}`;
    case "latency_p95":
      return `p95 latency > ${r.threshold} ms over ${r.windowMinutes} min (≥ ${r.minRequests} calls), ${scope}`;
    case "circuit_open":
      return `a circuit breaker opens, ${scope === "all traffic" ? "any target" : scope}`;
    case "budget":
      return `spend reaches ${r.threshold}% of a budget, ${scope === "all traffic" ? "any budget" : scope}`;
  }
}
