import Link from "next/link";
import { pageActor } from "@/lib/auth/page";
import { EmptyState, PageHeader } from "@/components/ui";

export const metadata = { title: "API catalog" };

export default async function CatalogPage() {
  const { role } = await pageActor("member", "/");
  const canPublish = role === "admin" || role === "team_admin";
  return (
    <>
      <PageHeader title="API catalog" description="LLM APIs you can subscribe to and call with an API key from one of your apps." />
      <EmptyState
        title="No APIs published yet"
        action={
          canPublish ? (
            <Link className="btn primary" href="/admin/apis">
              Publish an API
            </Link>
          ) : null
        }
      >
        {canPublish
          ? "Publish an API from the admin dashboard: it will appear here for developers to subscribe to."
          : "When your platform team publishes an API, it will appear here. Meanwhile you can create an app under My apps."}
      </EmptyState>
    </>
  );
}
