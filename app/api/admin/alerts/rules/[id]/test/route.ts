import { route } from "@/lib/api/handler";
import { testAlertRule } from "@/lib/alerts/rules";

/** Sends a sample notification to the rule's webhook: `{delivered, status, error}`. */
export const POST = route({ role: "admin" }, ({ actor, params }) => testAlertRule({ actor, id: params.id! }));
