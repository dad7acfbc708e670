import { describe, it, expect } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { adminOpenApi, ADMIN_API_PATHS, API_PATHS } from "./openapi";
import { NON_JSON, RESPONSES } from "@/lib/contracts";

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

const apiRoot = path.resolve(__dirname, "../../app/api");
/** `METHOD /api/...` of every handler exported by the admin and portal route files (and /api/me). */
function operationsOnDisk(): string[] {
  const files = [...routeFiles(path.join(apiRoot, "admin")), ...routeFiles(path.join(apiRoot, "portal")), path.join(apiRoot, "me", "route.ts")];
  const ops: string[] = [];
  for (const f of files) {
    const p = ("/api/" + path.relative(apiRoot, path.dirname(f)).split(path.sep).join("/")).replace(/\[(\w+)\]/g, "{$1}");
    const src = fs.readFileSync(f, "utf8");
    for (const m of src.matchAll(/export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE)\b/g)) ops.push(`${m[1]!.toLowerCase()} ${p}`);
  }
  return ops.sort();
}

type Schema = { type?: unknown; properties?: Record<string, { type?: unknown; anyOf?: unknown[] }>; required?: string[]; anyOf?: unknown[]; additionalProperties?: unknown };
type Operation = { requestBody?: { content: Record<string, { schema: Schema }> }; responses: Record<string, { content?: Record<string, { schema: Schema }> }> };
const operation = (doc: ReturnType<typeof adminOpenApi>, p: string, method: string) => (doc.paths[p] as Record<string, Operation>)[method]!;

describe("admin OpenAPI document", () => {
  it("is OpenAPI 3.1 with request schemas from zod", () => {
    const doc = adminOpenApi("http://localhost:3000");
    expect(doc.openapi).toBe("3.1.0");
    const post = operation(doc, "/api/admin/users", "post");
    expect(Object.keys(post.requestBody!.content["application/json"]!.schema.properties!)).toEqual(expect.arrayContaining(["email", "name", "password", "role"]));
  });

  it("covers every admin route file", () => {
    const root = path.join(apiRoot, "admin");
    const paths = routeFiles(root)
      .map((f) => "/api/admin/" + path.relative(root, path.dirname(f)).split(path.sep).join("/"))
      .map((p) => p.replace(/\[(\w+)\]/g, "{$1}"))
      .filter((p) => p !== "/api/admin/openapi.json");
    expect(paths.filter((p) => !ADMIN_API_PATHS.includes(p))).toEqual([]);
    expect(ADMIN_API_PATHS.filter((p) => !paths.includes(p))).toEqual([]);
  });

  it("documents every admin and portal operation on disk, and no other", () => {
    const documented = Object.entries(adminOpenApi("http://localhost:3000").paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    const onDisk = operationsOnDisk().filter((o) => o !== "get /api/admin/openapi.json");
    expect(onDisk.filter((o) => !documented.includes(o))).toEqual([]);
    expect(documented.filter((o) => !onDisk.includes(o))).toEqual([]);
    expect(API_PATHS.length).toBeGreaterThan(ADMIN_API_PATHS.length);
  });

  it("every operation on disk has a route contract (or is a download with its media type)", () => {
    const missing = operationsOnDisk().filter((o) => {
      const [m, p] = o.split(" ") as ["get", string];
      return !RESPONSES[p]?.[m] && !NON_JSON[p]?.[m];
    });
    expect(missing).toEqual([]);
    // nothing registered for an operation that does not exist
    const onDisk = new Set(operationsOnDisk());
    const registered = Object.entries(RESPONSES).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    expect(registered.filter((o) => !onDisk.has(o))).toEqual([]);
  });

  it("no JSON operation is documented as a bare object: every success body has a declared shape", () => {
    const doc = adminOpenApi("http://localhost:3000");
    const bare: string[] = [];
    let declared = 0;
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [m, op] of Object.entries(ops as Record<string, Operation>)) {
        const success = Object.entries(op.responses).find(([code]) => code.startsWith("2"))![1];
        const json = success.content?.["application/json"]?.schema;
        if (!json) continue; // a download (text/csv, yaml): documented by media type
        const shaped = json.properties !== undefined || json.anyOf !== undefined || (json as { oneOf?: unknown }).oneOf !== undefined || json.additionalProperties !== undefined;
        if (!shaped) bare.push(`${m} ${p}`);
        else declared++;
      }
    }
    expect(bare).toEqual([]);
    expect(declared).toBeGreaterThan(120);
  });

  it("takes response bodies from the route contracts (lib/contracts)", () => {
    const doc = adminOpenApi("http://localhost:3000");
    const schema = operation(doc, "/api/admin/providers/{id}/test", "post").responses["200"]!.content!["application/json"]!.schema;
    expect(schema.required).toEqual(expect.arrayContaining(["ok", "status", "latencyMs", "model", "message"]));
    expect(JSON.stringify(schema.properties!.model)).toContain("null");
    // the drift of issue #13: a key's appId is nullable on the wire
    const keys = operation(doc, "/api/portal/apps/{id}/keys", "get").responses["200"]!.content!["application/json"]!.schema;
    expect(JSON.stringify(keys)).toContain('"appId":{"type":["string","null"]}');
    // strict views: an undeclared field is not part of the contract
    const user = operation(doc, "/api/admin/users/{id}", "get").responses["200"]!.content!["application/json"]!.schema;
    expect(user.additionalProperties).toBe(false);
    expect(user.required).toEqual(expect.arrayContaining(["sessionGeneration", "memberships", "hasPassword"]));
  });

  it("documents the request bodies of writes that take one", () => {
    const doc = adminOpenApi("http://localhost:3000");
    expect(operation(doc, "/api/admin/logs/settings", "patch").requestBody).toBeDefined();
    expect(operation(doc, "/api/admin/logs/body-capture", "post").requestBody).toBeDefined();
    expect(operation(doc, "/api/portal/apps", "post").requestBody).toBeDefined();
    expect(operation(doc, "/api/admin/logs/export", "get").responses["200"]!.content!["text/csv"]).toBeDefined();
  });
});
