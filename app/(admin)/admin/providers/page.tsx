import { pageActor } from "@/lib/auth/page";
import { Forbidden } from "@/components/shell/forbidden";
import { ProvidersPage } from "@/components/gateway/providers-page";

export const dynamic = "force-dynamic";
export const metadata = { title: "Providers" };

export default async function Page() {
  const { allowed } = await pageActor("admin", "/admin/providers");
  if (!allowed) return <Forbidden need="admin" />;
  return <ProvidersPage />;
}
