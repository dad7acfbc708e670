import { describe, it, expect } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { adminOpenApi, ADMIN_API_PATHS } from "./openapi";

/** Every admin route file is documented, and nothing documented is missing. */
function routeFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...routeFiles(p));
    else if (e.name === "route.ts") out.push(p);
  }
  return out;
}

describe("admin OpenAPI document", () => {
  it("is OpenAPI 3.1 with request schemas from zod", () => {
    const doc = adminOpenApi("http://localhost:3000");
    expect(doc.openapi).toBe("3.1.0");
    const post = (doc.paths["/api/admin/users"] as Record<string, { requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> } }>).post!;
    expect(Object.keys(post.requestBody!.content["application/json"]!.schema.properties!)).toEqual(expect.arrayContaining(["email", "name", "password", "role"]));
  });

  it("covers every admin route file", () => {
    const root = path.resolve(__dirname, "../../app/api/admin");
    const paths = routeFiles(root)
      .map((f) => "/api/admin/" + path.relative(root, path.dirname(f)).split(path.sep).join("/"))
      .map((p) => p.replace(/\[(\w+)\]/g, "{$1}"))
      .filter((p) => p !== "/api/admin/openapi.json");
    expect(paths.filter((p) => !ADMIN_API_PATHS.includes(p))).toEqual([]);
    expect(ADMIN_API_PATHS.filter((p) => !paths.includes(p))).toEqual([]);
  });

  it("takes response bodies from the route contracts (lib/contracts)", () => {
    const doc = adminOpenApi("http://localhost:3000");
    type Schema = { properties?: Record<string, { type?: unknown; anyOf?: unknown[] }>; required?: string[] };
    const op = (doc.paths["/api/admin/providers/{id}/test"] as Record<string, { responses: Record<string, { content: Record<string, { schema: Schema }> }> }>).post!;
    const schema = op.responses["200"]!.content["application/json"]!.schema;
    expect(schema.required).toEqual(expect.arrayContaining(["ok", "status", "latencyMs", "model", "message"]));
    expect(JSON.stringify(schema.properties!.model)).toContain("null");
  });
});
