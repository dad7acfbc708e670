import { Suspense } from "react";
import { pageActor } from "@/lib/auth/page";
import { PageHeader, SkeletonRows } from "@/components/ui";
import { UsageDashboard } from "@/components/telemetry/dashboards";
import { LogsSearch } from "@/components/telemetry/logs-search";

export const metadata = { title: "Usage" };

/** The member's teams: requests, tokens and cost (rollups), and their recent calls. */
export default async function UsagePage() {
  const { actor } = await pageActor("member", "/usage");
  const teams = actor.memberships.map((m) => ({ id: m.teamId, name: m.teamName }));
  return (
    <>
      <PageHeader title="Usage" description="Requests, tokens and cost of your team's apps." />
      <Suspense fallback={<SkeletonRows />}>
        <div className="stack">
          <UsageDashboard mode="portal" teams={teams} />
          {teams.length ? <LogsSearch base="/api/portal/logs" title="Recent calls" embedded /> : null}
        </div>
      </Suspense>
    </>
  );
}
