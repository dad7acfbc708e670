import { PageHeader, EmptyState } from "@/components/ui";

/** A section that is not built yet: title and one honest sentence, no fake data. */
export function Placeholder({ title, emptyTitle, description, children }: { title: string; emptyTitle?: string; description: string; children: React.ReactNode }) {
  return (
    <>
      <PageHeader title={title} description={description} />
      <EmptyState title={emptyTitle ?? `No ${title.toLowerCase()} yet`}>{children}</EmptyState>
    </>
  );
}
