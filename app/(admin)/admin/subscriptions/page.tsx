import { pageActor } from "@/lib/auth/page";
import { Forbidden } from "@/components/shell/forbidden";
import { Placeholder } from "@/components/admin/placeholder";

export const metadata = { title: "Subscriptions" };

// Placeholder until this section is built: replace this file whole.
export default async function Page() {
  const { allowed } = await pageActor("team_admin", "/admin/subscriptions");
  if (!allowed) return <Forbidden need="admin or team admin" />;
  return (
    <Placeholder title="Subscriptions" description="Apps' requests to use a published API.">
      Subscription requests will appear here for approval, with the app, team and plan.
    </Placeholder>
  );
}
