import { pageActor } from "@/lib/auth/page";
import { AdminSidebar } from "@/components/shell/admin-sidebar";
import { UserMenu } from "@/components/shell/user-menu";
import { Forbidden } from "@/components/shell/forbidden";

export const dynamic = "force-dynamic";

export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const { actor, allowed, role } = await pageActor("team_admin", "/admin");
  if (!allowed) {
    return (
      <main className="main" id="main" tabIndex={-1} style={{ margin: "40px auto" }}>
        <Forbidden need="admin or team admin" />
      </main>
    );
  }
  return (
    <div className="shell">
      <AdminSidebar role={role === "admin" ? "admin" : "team_admin"} />
      <main className="main" id="main" tabIndex={-1}>
        <div className="row" style={{ justifyContent: "flex-end", marginBottom: 8 }}>
          <UserMenu name={actor.name} email={actor.email} role={role} />
        </div>
        {children}
      </main>
    </div>
  );
}
