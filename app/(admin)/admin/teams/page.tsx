import { pageActor } from "@/lib/auth/page";
import { Forbidden } from "@/components/shell/forbidden";
import { TeamsPage } from "@/components/admin/teams/teams-page";

export const metadata = { title: "Teams" };

export default async function Page() {
  const { allowed, role } = await pageActor("team_admin", "/admin/teams");
  if (!allowed) return <Forbidden need="admin or team admin" />;
  // Only platform admins create teams (the API enforces it too).
  return <TeamsPage canCreate={role === "admin"} />;
}
