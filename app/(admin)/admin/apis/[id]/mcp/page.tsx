import { pageActor } from "@/lib/auth/page";
import { Forbidden } from "@/components/shell/forbidden";
import { McpServerPage } from "@/components/mcp/mcp-server-page";

export const dynamic = "force-dynamic";
export const metadata = { title: "MCP server" };

/** The upstream MCP server of an API of kind mcp (admins; team admins of the owning team — the services check the team). */
export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { allowed } = await pageActor("team_admin", `/admin/apis/${id}/mcp`);
  if (!allowed) return <Forbidden need="admin or team admin" />;
  return <McpServerPage apiId={id} />;
}
