import { pageActor } from "@/lib/auth/page";
import { EmptyState, PageHeader } from "@/components/ui";

export const metadata = { title: "My apps" };

export default async function AppsPage() {
  await pageActor("member", "/apps");
  return (
    <>
      <PageHeader title="My apps" description="Apps hold your API keys and subscriptions to published APIs." />
      <EmptyState title="No apps yet">
        Your team&apos;s apps will appear here with their API keys and subscriptions.
      </EmptyState>
    </>
  );
}
