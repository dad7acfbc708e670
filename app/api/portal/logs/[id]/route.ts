import { route } from "@/lib/api/handler";
import { getLogDetail } from "@/lib/services/logs";

export const GET = route({ role: "member" }, ({ actor, params }) => getLogDetail({ actor, id: params.id!, portal: true }));
