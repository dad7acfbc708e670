import { Suspense } from "react";
import { pageActor } from "@/lib/auth/page";
import { Forbidden } from "@/components/shell/forbidden";
import { SkeletonRows } from "@/components/ui";
import { AuditPage } from "@/components/admin/audit/audit-page";

export const metadata = { title: "Audit log" };

export default async function Page() {
  const { allowed } = await pageActor("team_admin", "/admin/audit");
  if (!allowed) return <Forbidden need="admin or team admin" />;
  // Team admins see only their teams' events: the API scopes the query.
  return (
    <Suspense fallback={<SkeletonRows />}>
      <AuditPage />
    </Suspense>
  );
}
