import { Suspense } from "react";
import { pageActor } from "@/lib/auth/page";
import { SkeletonRows } from "@/components/ui";
import { AppsPage } from "@/components/portal/apps-page";

export const metadata = { title: "My apps" };

export default async function Page() {
  await pageActor("member", "/apps");
  return (
    <Suspense fallback={<SkeletonRows />}>
      <AppsPage />
    </Suspense>
  );
}
