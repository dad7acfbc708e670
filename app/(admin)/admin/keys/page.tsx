import { pageActor } from "@/lib/auth/page";
import { Forbidden } from "@/components/shell/forbidden";
import { KeysPage } from "@/components/gateway/keys-page";

export const dynamic = "force-dynamic";
export const metadata = { title: "Keys" };

export default async function Page() {
  const { allowed } = await pageActor("admin", "/admin/keys");
  if (!allowed) return <Forbidden need="admin" />;
  return <KeysPage />;
}
