import { pageActor } from "@/lib/auth/page";
import { ApiPage } from "@/components/portal/api-page";

export const metadata = { title: "API" };

export default async function Page({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  await pageActor("member", `/apis/${encodeURIComponent(slug)}`);
  // Visibility (team-scoped, published/deprecated only) is decided by GET /api/portal/apis/{slug}.
  return <ApiPage slug={slug} />;
}
