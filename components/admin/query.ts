"use client";
import { useMemo } from "react";
import { useInfiniteQuery, useQueryClient, type QueryKey } from "@tanstack/react-query";
import { api } from "@/components/api";
import type { Page } from "./types";

/** Query keys of the admin pages, in one place so mutations invalidate the right lists. */
export const qk = {
  users: ["admin", "users"] as const,
  teams: ["admin", "teams"] as const,
  team: (id: string) => ["admin", "team", id] as const,
  audit: ["admin", "audit"] as const,
  tokens: ["admin", "tokens"] as const,
};

/** `/path?a=1&b=2`, skipping empty values. */
export function withQuery(path: string, params: Record<string, string | number | null | undefined>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") sp.set(k, String(v));
  const qs = sp.toString();
  return qs ? `${path}?${qs}` : path;
}

/** Cursor-paginated list (`{items, nextCursor}`) with "Load more"; pages are flattened into `items`. */
export function usePagedQuery<T>(key: QueryKey, path: string, params: Record<string, string | number | undefined>, limit = 50) {
  const q = useInfiniteQuery({
    queryKey: [...key, params],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => api<Page<T>>(withQuery(path, { ...params, limit, cursor: pageParam })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = useMemo(() => q.data?.pages.flatMap((p) => p.items) ?? [], [q.data]);
  return { ...q, items };
}

/**
 * After a mutation: refetch the touched lists, and the audit log (every
 * control-plane change writes an audit row).
 */
export function useInvalidate() {
  const qc = useQueryClient();
  return (...keys: QueryKey[]) => Promise.all([...keys, qk.audit].map((queryKey) => qc.invalidateQueries({ queryKey })));
}
