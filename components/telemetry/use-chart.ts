"use client";
import { useQuery } from "@tanstack/react-query";
import { api } from "@/components/api";
import { withQuery } from "@/components/admin/query";

export type ChartBaseUrl = "/api/admin/charts" | "/api/portal/usage";

/** One chart's JSON (server-chosen buckets) and the URL of the same data as CSV. */
export function useChart<T>(base: ChartBaseUrl, kind: string, params: Record<string, string | undefined>, enabled = true) {
  const url = withQuery(`${base}/${kind}`, params);
  const q = useQuery({ queryKey: ["telemetry", "chart", url], queryFn: () => api<T>(url), enabled, placeholderData: (prev) => prev });
  return { ...q, csvHref: withQuery(`${base}/${kind}`, { ...params, format: "csv" }) };
}
