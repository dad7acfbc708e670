import { Suspense } from "react";
import { pageActor } from "@/lib/auth/page";
import { Forbidden } from "@/components/shell/forbidden";
import { SkeletonRows } from "@/components/ui";
import { AdminOverview } from "@/components/telemetry/admin-overview";

export const metadata = { title: "Overview" };

export default async function Page() {
  const { actor, allowed, role } = await pageActor("team_admin", "/admin");
  if (!allowed) return <Forbidden need="admin or team admin" />;
  // Charts read rollups through /api/admin/charts, which scopes team admins to their teams.
  return (
    <Suspense fallback={<SkeletonRows />}>
      <AdminOverview name={actor.name} isAdmin={role === "admin"} />
    </Suspense>
  );
}
