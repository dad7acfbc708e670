import { pageActor } from "@/lib/auth/page";
import { AppDetail } from "@/components/portal/app-detail";

export const metadata = { title: "App" };

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await pageActor("member", `/apps/${encodeURIComponent(id)}`);
  // Team scope (members of the app's team, or admins) is checked by GET /api/portal/apps/{id}.
  return <AppDetail id={id} />;
}
