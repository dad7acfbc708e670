import { pageActor } from "@/lib/auth/page";
import { Forbidden } from "@/components/shell/forbidden";
import { Placeholder } from "@/components/admin/placeholder";

export const metadata = { title: "Costs" };

// Placeholder until this section is built: replace this file whole.
export default async function Page() {
  const { allowed } = await pageActor("team_admin", "/admin/costs");
  if (!allowed) return <Forbidden need="admin or team admin" />;
  return (
    <Placeholder emptyTitle="No costs recorded yet" title="Costs" description="Spend by team, app, model and provider.">
      Cost breakdowns and budgets will appear here once requests are logged.
    </Placeholder>
  );
}
