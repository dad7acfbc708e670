import { Suspense } from "react";
import { pageActor } from "@/lib/auth/page";
import { Forbidden } from "@/components/shell/forbidden";
import { SkeletonRows } from "@/components/ui";
import { LogsSearch } from "@/components/telemetry/logs-search";

export const dynamic = "force-dynamic";
export const metadata = { title: "Logs" };

/** Admins see every call; team admins only their teams' (scoped in the SQL by lib/telemetry/scope.ts). */
export default async function Page() {
  const { allowed, role } = await pageActor("team_admin", "/admin/logs");
  if (!allowed) return <Forbidden need="admin or team admin" />;
  return (
    <Suspense fallback={<SkeletonRows />}>
      <LogsSearch base="/api/admin/logs" isAdmin={role === "admin"} />
    </Suspense>
  );
}
