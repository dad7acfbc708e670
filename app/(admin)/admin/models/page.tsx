import { pageActor } from "@/lib/auth/page";
import { Forbidden } from "@/components/shell/forbidden";
import { ModelsPage } from "@/components/gateway/models-page";

export const dynamic = "force-dynamic";
export const metadata = { title: "Models" };

export default async function Page() {
  const { allowed } = await pageActor("admin", "/admin/models");
  if (!allowed) return <Forbidden need="admin" />;
  return <ModelsPage />;
}
