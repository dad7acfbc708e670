import Link from "next/link";
import { pageActor } from "@/lib/auth/page";
import { EmptyState, PageHeader } from "@/components/ui";

export const metadata = { title: "Usage" };

export default async function UsagePage() {
  await pageActor("member", "/usage");
  return (
    <>
      <PageHeader title="Usage" description="Requests, tokens and cost of your apps." />
      <EmptyState
        title="No usage yet"
        action={
          <Link className="btn primary" href="/apps">
            Go to My apps
          </Link>
        }
      >
        Once your apps call the gateway, requests, tokens and cost per day will appear here. Meanwhile, your apps&apos; keys and subscriptions are
        under My apps.
      </EmptyState>
    </>
  );
}
