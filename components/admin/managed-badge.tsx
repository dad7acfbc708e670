"use client";
import { useQuery } from "@tanstack/react-query";
import { api } from "@/components/api";
import { Badge } from "@/components/ui";
import type { ManagedObject } from "@/lib/contracts/config";

type Kind = "provider" | "route" | "api";
type Managed = ManagedObject;

/**
 * "managed by config file" next to an object the last applied configuration
 * file declared (docs/config-as-code.md): a hand edit is undone by the next
 * apply. One shared query for every row of every list.
 */
export function ManagedBadge({ kind, name }: { kind: Kind; name: string }) {
  const q = useQuery({
    queryKey: ["admin", "config-managed"],
    queryFn: () => api<{ items: Managed[] }>("/api/admin/config/managed"),
    staleTime: 30_000,
    retry: false,
  });
  const m = q.data?.items.find((x) => x.kind === kind && x.key === name);
  if (!m) return null;
  return (
    <span title={`Declared by ${m.source}; edits here are undone when the file is applied again.`} data-testid={`managed-${kind}-${name}`}>
      {" "}
      <Badge tone="accent">managed by config file</Badge>
    </span>
  );
}
