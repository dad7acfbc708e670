import { Suspense } from "react";
import { pageActor } from "@/lib/auth/page";
import { Forbidden } from "@/components/shell/forbidden";
import { SkeletonRows } from "@/components/ui";
import { SubscriptionsPage } from "@/components/access/subscriptions-page";

export const dynamic = "force-dynamic";
export const metadata = { title: "Subscriptions" };

/** The approval queue: admins decide for every API, team admins for APIs their teams own (scoped by the API). */
export default async function Page() {
  const { allowed } = await pageActor("team_admin", "/admin/subscriptions");
  if (!allowed) return <Forbidden need="admin or team admin" />;
  return (
    <Suspense fallback={<SkeletonRows />}>
      <SubscriptionsPage />
    </Suspense>
  );
}
