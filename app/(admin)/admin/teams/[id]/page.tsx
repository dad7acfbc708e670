import { pageActor } from "@/lib/auth/page";
import { Forbidden } from "@/components/shell/forbidden";
import { TeamDetail } from "@/components/admin/teams/team-detail";
import { PASSWORD_MIN_LENGTH } from "@/lib/auth/password";

export const metadata = { title: "Team" };

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { actor, allowed, role } = await pageActor("team_admin", `/admin/teams/${encodeURIComponent(id)}`);
  if (!allowed) return <Forbidden need="admin or team admin" />;
  // Editing is for admins and this team's team admins; the API checks the same on every write.
  const canManage = role === "admin" || actor.memberships.some((m) => m.teamId === id && m.role === "team_admin");
  // Platform admins may create a missing account right from "Add member".
  return <TeamDetail id={id} canManage={canManage} createAccounts={role === "admin" ? { passwordMin: PASSWORD_MIN_LENGTH } : undefined} />;
}
