import { pageActor } from "@/lib/auth/page";
import { Forbidden } from "@/components/shell/forbidden";
import { LogsPage } from "@/components/gateway/logs-page";

export const dynamic = "force-dynamic";
export const metadata = { title: "Logs" };

/** Admins see every call; team admins only their teams' (scoped in lib/services/logs.ts). */
export default async function Page() {
  const { allowed, role } = await pageActor("team_admin", "/admin/logs");
  if (!allowed) return <Forbidden need="admin or team admin" />;
  return <LogsPage isAdmin={role === "admin"} />;
}
