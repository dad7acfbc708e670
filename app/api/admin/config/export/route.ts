import { route } from "@/lib/api/handler";
import { exportConfig, exportQuery } from "@/lib/config/service";

/** `?format=yaml|json`: the configuration as a file (docs/config-as-code.md). */
export const GET = route({ role: "admin", query: exportQuery }, async ({ actor, query }) => {
  const text = (await exportConfig({ actor, format: query.format }));
  const yaml = query.format === "yaml";
  return new Response(text, {
    headers: {
      "content-type": yaml ? "application/yaml; charset=utf-8" : "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="portico.${yaml ? "yaml" : "json"}"`,
      "cache-control": "no-store",
    },
  });
});
