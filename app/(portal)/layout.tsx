import { pageActor } from "@/lib/auth/page";
import { PortalNav } from "@/components/portal/portal-nav";

export const dynamic = "force-dynamic";

/** Developer portal shell: any signed-in user; each page checks again. */
export default async function PortalLayout({ children }: { children: React.ReactNode }) {
  const { actor, role } = await pageActor("member", "/");
  return (
    <>
      <PortalNav user={{ name: actor.name, email: actor.email, role }} showAdmin={role === "admin" || role === "team_admin"} />
      <main className="main" id="main" tabIndex={-1} style={{ margin: "0 auto" }}>
        {children}
      </main>
    </>
  );
}
