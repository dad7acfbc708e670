import { Suspense } from "react";
import { pageActor } from "@/lib/auth/page";
import { Forbidden } from "@/components/shell/forbidden";
import { PageHeader, SkeletonRows } from "@/components/ui";
import { UsageDashboard } from "@/components/telemetry/dashboards";

export const metadata = { title: "Costs" };

export default async function Page() {
  const { allowed, role } = await pageActor("team_admin", "/admin/costs");
  if (!allowed) return <Forbidden need="admin or team admin" />;
  return (
    <>
      <PageHeader title="Costs" description="Spend by team, by model within a team, tokens by model, and the apps and keys that cost most." />
      <Suspense fallback={<SkeletonRows />}>
        <UsageDashboard mode="costs" isAdmin={role === "admin"} />
      </Suspense>
    </>
  );
}
