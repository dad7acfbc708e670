import { pageActor } from "@/lib/auth/page";
import { Forbidden } from "@/components/shell/forbidden";
import { ApisPage } from "@/components/access/apis-page";

export const dynamic = "force-dynamic";
export const metadata = { title: "APIs" };

/** Admins manage every API; team admins those their teams own (the services check the owning team on every write). */
export default async function Page() {
  const { allowed, role } = await pageActor("team_admin", "/admin/apis");
  if (!allowed) return <Forbidden need="admin or team admin" />;
  return <ApisPage isAdmin={role === "admin"} />;
}
