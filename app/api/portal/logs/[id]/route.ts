import { route } from "@/lib/api/handler";
import { getLogDetail } from "@/lib/services/logs";

export const GET = route({ role: "member" }, async ({ actor, params }) => (await getLogDetail({ actor, id: params.id!, portal: true })));
