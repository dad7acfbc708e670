import { pageActor } from "@/lib/auth/page";
import { Forbidden } from "@/components/shell/forbidden";
import { Overview } from "@/components/admin/overview";

export const metadata = { title: "Overview" };

export default async function Page() {
  const { actor, allowed, role } = await pageActor("team_admin", "/admin");
  if (!allowed) return <Forbidden need="admin or team admin" />;
  return <Overview name={actor.name} isAdmin={role === "admin"} />;
}
