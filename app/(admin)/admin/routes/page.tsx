import { pageActor } from "@/lib/auth/page";
import { Forbidden } from "@/components/shell/forbidden";
import { RoutesPage } from "@/components/gateway/routes-page";

export const dynamic = "force-dynamic";
export const metadata = { title: "Routes" };

export default async function Page() {
  const { allowed } = await pageActor("admin", "/admin/routes");
  if (!allowed) return <Forbidden need="admin" />;
  return <RoutesPage />;
}
