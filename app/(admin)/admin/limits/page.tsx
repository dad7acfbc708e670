import { pageActor } from "@/lib/auth/page";
import { Forbidden } from "@/components/shell/forbidden";
import { LimitsPage } from "@/components/policy/limits-page";

export const dynamic = "force-dynamic";
export const metadata = { title: "Limits & budgets" };

export default async function Page() {
  const { allowed, role } = await pageActor("team_admin", "/admin/limits");
  if (!allowed) return <Forbidden need="admin or team admin" />;
  return <LimitsPage isAdmin={role === "admin"} />;
}
