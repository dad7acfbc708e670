import { pageActor } from "@/lib/auth/page";
import { Forbidden } from "@/components/shell/forbidden";
import { PromptEditorPage } from "@/components/prompts/prompt-editor";

export const dynamic = "force-dynamic";
export const metadata = { title: "Prompt" };

/** The prompt of a prompt API (admins; team admins of the owning team — the services check the team on every call). */
export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { allowed, role } = await pageActor("team_admin", `/admin/apis/${id}/prompt`);
  if (!allowed) return <Forbidden need="admin or team admin" />;
  return <PromptEditorPage apiId={id} isAdmin={role === "admin"} />;
}
