import { z, type ZodType } from "zod";
import { createUserInput, updateUserInput } from "@/lib/services/users";
import { createTeamInput, updateTeamInput, addMemberInput, updateMemberInput } from "@/lib/services/teams";
import { createTokenInput } from "@/lib/services/admin-tokens";
import {
  createProviderInput,
  updateProviderInput,
  createModelInput,
  updateModelInput,
  createRouteInput,
  updateRouteInput,
  createKeyInput,
  updateKeyInput,
} from "@/lib/services/gateway-validation";

/**
 * The admin API's OpenAPI 3.1 document. Request bodies come from the same zod
 * schemas the services validate with, so the document cannot drift from them.
 */
type Op = { summary: string; role: string; body?: ZodType; status?: number; query?: string[] };
type PathDef = Partial<Record<"get" | "post" | "patch" | "delete", Op>>;

const P: Record<string, PathDef> = {
  "/api/admin/users": {
    get: { summary: "List users (cursor pagination, search)", role: "admin", query: ["limit", "cursor", "q"] },
    post: { summary: "Create a user", role: "admin", body: createUserInput, status: 201 },
  },
  "/api/admin/users/{id}": {
    get: { summary: "Get a user with memberships", role: "admin" },
    patch: { summary: "Update, disable/enable or reset the password of a user", role: "admin", body: updateUserInput },
  },
  "/api/admin/teams": {
    get: { summary: "List teams (admins: all; team admins: theirs)", role: "team_admin" },
    post: { summary: "Create a team", role: "admin", body: createTeamInput, status: 201 },
  },
  "/api/admin/teams/{id}": {
    get: { summary: "Get a team with members", role: "team_admin" },
    patch: { summary: "Update a team", role: "team_admin", body: updateTeamInput },
  },
  "/api/admin/teams/{id}/members": {
    get: { summary: "List members", role: "team_admin" },
    post: { summary: "Add a member by user id or email", role: "team_admin", body: addMemberInput, status: 201 },
  },
  "/api/admin/teams/{id}/members/{userId}": {
    patch: { summary: "Change a member's team role", role: "team_admin", body: updateMemberInput },
    delete: { summary: "Remove a member", role: "team_admin" },
  },
  "/api/admin/audit": {
    get: { summary: "Audit log, newest first", role: "team_admin", query: ["limit", "cursor", "actor", "action", "targetType", "teamId", "from", "to"] },
  },
  "/api/admin/tokens": {
    get: { summary: "List admin API tokens", role: "admin" },
    post: { summary: "Create an admin API token (plaintext returned once)", role: "admin", body: createTokenInput, status: 201 },
  },
  "/api/admin/tokens/{id}": { delete: { summary: "Revoke an admin API token", role: "admin" } },
  "/api/admin/providers": {
    get: { summary: "List providers (credentials never returned)", role: "admin" },
    post: { summary: "Create a provider", role: "admin", body: createProviderInput, status: 201 },
  },
  "/api/admin/providers/{id}": {
    get: { summary: "Get a provider", role: "admin" },
    patch: { summary: "Update a provider or rotate its key", role: "admin", body: updateProviderInput },
    delete: { summary: "Delete a provider (409 while a route uses it)", role: "admin" },
  },
  "/api/admin/providers/breakers": { get: { summary: "Circuit-breaker state per target", role: "admin" } },
  "/api/admin/models": {
    get: { summary: "List models with prices", role: "admin" },
    post: { summary: "Create a model", role: "admin", body: createModelInput, status: 201 },
  },
  "/api/admin/models/{id}": {
    get: { summary: "Get a model", role: "admin" },
    patch: { summary: "Update a model", role: "admin", body: updateModelInput },
    delete: { summary: "Delete a model (409 while a route uses it)", role: "admin" },
  },
  "/api/admin/pricing/catalog": { get: { summary: "List prices of common models", role: "admin" } },
  "/api/admin/routes": {
    get: { summary: "List routes", role: "admin" },
    post: { summary: "Create a route (alias → targets)", role: "admin", body: createRouteInput, status: 201 },
  },
  "/api/admin/routes/{id}": {
    get: { summary: "Get a route", role: "admin" },
    patch: { summary: "Update a route", role: "admin", body: updateRouteInput },
    delete: { summary: "Delete a route", role: "admin" },
  },
  "/api/admin/routes/{id}/test": {
    post: { summary: "Send a real request through the route and report the attempt chain", role: "admin", body: z.strictObject({ message: z.string().optional() }) },
  },
  "/api/admin/keys": {
    get: { summary: "List gateway keys", role: "admin" },
    post: { summary: "Create a gateway key (plaintext returned once)", role: "admin", body: createKeyInput, status: 201 },
  },
  "/api/admin/keys/{id}": {
    get: { summary: "Get a key", role: "admin" },
    patch: { summary: "Rename a key", role: "admin", body: updateKeyInput },
    delete: { summary: "Revoke a key", role: "admin" },
  },
  "/api/admin/logs": { get: { summary: "Latest request-log rows (scoped to the caller's teams)", role: "team_admin", query: ["limit", "cursor"] } },
};

const errorSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: { code: { type: "string" }, message: { type: "string" }, details: {} },
    },
  },
};

function jsonSchema(s: ZodType): unknown {
  try {
    return z.toJSONSchema(s, { io: "input", unrepresentable: "any" });
  } catch {
    return { type: "object" };
  }
}

export function adminOpenApi(serverUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, ops] of Object.entries(P)) {
    const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    paths[path] = {};
    for (const [method, op] of Object.entries(ops) as [string, Op][]) {
      const responses: Record<string, unknown> = {
        [String(op.status ?? 200)]: { description: "Success", content: { "application/json": { schema: { type: "object" } } } },
        "401": { $ref: "#/components/responses/Error" },
        "403": { $ref: "#/components/responses/Error" },
      };
      if (op.body) {
        responses["400"] = { $ref: "#/components/responses/Error" };
        responses["422"] = { $ref: "#/components/responses/Error" };
        responses["409"] = { $ref: "#/components/responses/Error" };
      }
      if (params.length) responses["404"] = { $ref: "#/components/responses/Error" };
      paths[path][method] = {
        summary: op.summary,
        description: `Requires role: ${op.role}.`,
        operationId: `${method}${path.replace(/\/api\/admin/, "").replace(/[{}]/g, "").replace(/[^a-zA-Z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
        parameters: [...params, ...(op.query ?? []).map((q) => ({ name: q, in: "query", required: false, schema: { type: "string" } }))],
        ...(op.body ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(op.body) } } } } : {}),
        responses,
      };
    }
  }
  return {
    openapi: "3.1.0",
    info: { title: "Portico admin API", version: "1", description: "Everything the Portico dashboard does. Authenticate with the session cookie or `Authorization: Bearer pat_...` (admin API token)." },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }, { session: [] }],
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "Admin API token (pat_...)" },
        session: { type: "apiKey", in: "cookie", name: "next-auth.session-token" },
      },
      schemas: { Error: errorSchema },
      responses: { Error: { description: "Error", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } } },
    },
    paths,
  };
}

export const ADMIN_API_PATHS = Object.keys(P);
