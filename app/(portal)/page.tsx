import { Suspense } from "react";
import { pageActor } from "@/lib/auth/page";
import { SkeletonRows } from "@/components/ui";
import { CatalogPage } from "@/components/portal/catalog-page";

export const metadata = { title: "API catalog" };

export default async function Page() {
  const { role } = await pageActor("member", "/");
  // Search and tag filter live in the URL (useSearchParams needs a Suspense boundary).
  return (
    <Suspense fallback={<SkeletonRows />}>
      <CatalogPage canPublish={role === "admin" || role === "team_admin"} />
    </Suspense>
  );
}
