import { Suspense } from "react";
import { pageActor } from "@/lib/auth/page";
import { Forbidden } from "@/components/shell/forbidden";
import { SkeletonRows } from "@/components/ui";
import { AlertsPage } from "@/components/alerts/alerts-page";

export const metadata = { title: "Alerts" };

export default async function Page() {
  const { allowed } = await pageActor("admin", "/admin/alerts");
  if (!allowed) return <Forbidden need="admin" />;
  return (
    <Suspense fallback={<SkeletonRows />}>
      <AlertsPage />
    </Suspense>
  );
}
