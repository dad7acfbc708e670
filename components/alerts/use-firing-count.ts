"use client";
import { useQuery } from "@tanstack/react-query";
import { api } from "@/components/api";
import { alertKeys } from "./types";

/** Alerts firing now, for the sidebar badge (admins only; polled). */
export function useFiringAlertCount(enabled: boolean): number {
  const q = useQuery({
    queryKey: alertKeys.firing,
    queryFn: () => api<{ count: number }>("/api/admin/alerts/firing-count"),
    refetchInterval: 15_000,
    retry: false,
    enabled,
  });
  return q.data?.count ?? 0;
}
