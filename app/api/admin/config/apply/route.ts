import { route } from "@/lib/api/handler";
import { applyFromText, configRunInput } from "@/lib/config/service";
import { renderPlan } from "@/lib/config/render";

/** `{file, prune}` → applies it in one transaction, audited as one change set; the same file again changes nothing. */
export const POST = route({ role: "admin", body: configRunInput }, async ({ actor, body }) => {
  const result = (await applyFromText({ actor, text: body.file, prune: body.prune }));
  return { ...result, diff: renderPlan(result) };
});
