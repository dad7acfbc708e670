import { pageActor } from "@/lib/auth/page";
import { Forbidden } from "@/components/shell/forbidden";
import { GuardsPage } from "@/components/guards/guards-page";

export const dynamic = "force-dynamic";
export const metadata = { title: "Guards & cache" };

export default async function Page() {
  const { allowed, role } = await pageActor("team_admin", "/admin/guards");
  if (!allowed) return <Forbidden need="admin or team admin" />;
  return <GuardsPage isAdmin={role === "admin"} />;
}
