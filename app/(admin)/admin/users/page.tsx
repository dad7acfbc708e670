import { Suspense } from "react";
import { pageActor } from "@/lib/auth/page";
import { PASSWORD_MIN_LENGTH } from "@/lib/auth/password";
import { Forbidden } from "@/components/shell/forbidden";
import { SkeletonRows } from "@/components/ui";
import { UsersPage } from "@/components/admin/users/users-page";

export const metadata = { title: "Users" };

export default async function Page() {
  const { actor, allowed } = await pageActor("admin", "/admin/users");
  if (!allowed) return <Forbidden need="admin" />;
  return (
    <Suspense fallback={<SkeletonRows />}>
      <UsersPage selfId={actor.userId} passwordMin={PASSWORD_MIN_LENGTH} />
    </Suspense>
  );
}
