import { pageActor } from "@/lib/auth/page";
import { Forbidden } from "@/components/shell/forbidden";
import { Placeholder } from "@/components/admin/placeholder";

export const metadata = { title: "APIs" };

// Placeholder until this section is built: replace this file whole.
export default async function Page() {
  const { allowed } = await pageActor("team_admin", "/admin/apis");
  if (!allowed) return <Forbidden need="admin or team admin" />;
  return (
    <Placeholder emptyTitle="No APIs published yet" title="APIs" description="APIs published to the developer portal catalog.">
      Published APIs will appear here, with their models, docs and subscription policy.
    </Placeholder>
  );
}
