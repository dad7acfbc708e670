import { route } from "@/lib/api/handler";
import { configRunInput, planFromText } from "@/lib/config/service";
import { renderPlan } from "@/lib/config/render";

/** `{file, prune}` → the changes applying it would make, and the same as a readable diff. Nothing changes. */
export const POST = route({ role: "admin", body: configRunInput }, async ({ actor, body }) => {
  const plan = (await planFromText({ actor, text: body.file, prune: body.prune }));
  return { ...plan, diff: renderPlan(plan) };
});
