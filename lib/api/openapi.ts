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
  updateKeyInput,
} from "@/lib/services/gateway-validation";
import { createKeyInput } from "@/lib/services/keys";
import { createApiInput, updateApiInput, apiStateInput } from "@/lib/services/apis";
import { decisionInput, bulkApproveInput } from "@/lib/services/subscriptions";
import { createWebhookInput, updateWebhookInput } from "@/lib/services/webhooks";

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
    post: { summary: "Create a key for an app (plaintext returned once)", role: "admin", body: createKeyInput, status: 201 },
  },
  "/api/admin/keys/{id}": {
    get: { summary: "Get a key", role: "admin" },
    patch: { summary: "Rename a key", role: "admin", body: updateKeyInput },
    delete: { summary: "Revoke a key", role: "admin" },
  },
  "/api/admin/apis": {
    get: { summary: "List APIs (admins: all; team admins: their teams')", role: "team_admin" },
    post: { summary: "Create an API (catalog entry), state draft", role: "team_admin", body: createApiInput, status: 201 },
  },
  "/api/admin/apis/{id}": {
    get: { summary: "Get an API", role: "team_admin" },
    patch: { summary: "Update an API", role: "team_admin", body: updateApiInput },
    delete: { summary: "Delete an API (draft or without subscriptions)", role: "team_admin" },
  },
  "/api/admin/apis/{id}/state": { post: { summary: "Move an API through draft → published → deprecated → retired", role: "team_admin", body: apiStateInput } },
  "/api/admin/apps": { get: { summary: "List apps (admins: all; team admins: their teams')", role: "team_admin" } },
  "/api/admin/subscriptions": {
    get: { summary: "The approval queue, newest first", role: "team_admin", query: ["state", "apiId", "teamId", "appId", "cursor", "limit"] },
  },
  "/api/admin/subscriptions/pending-count": { get: { summary: "Pending requests the caller may decide", role: "team_admin" } },
  "/api/admin/subscriptions/{id}/approve": { post: { summary: "Approve a pending subscription", role: "team_admin", body: decisionInput } },
  "/api/admin/subscriptions/{id}/reject": { post: { summary: "Reject a pending subscription", role: "team_admin", body: decisionInput } },
  "/api/admin/subscriptions/{id}/revoke": { post: { summary: "Revoke an approved subscription", role: "team_admin", body: decisionInput } },
  "/api/admin/subscriptions/bulk-approve": { post: { summary: "Approve several pending subscriptions", role: "team_admin", body: bulkApproveInput } },
  "/api/admin/webhooks": {
    get: { summary: "List webhooks (secrets never returned)", role: "team_admin" },
    post: { summary: "Create a webhook (HMAC-signed JSON on subscription events)", role: "team_admin", body: createWebhookInput, status: 201 },
  },
  "/api/admin/webhooks/{id}": {
    patch: { summary: "Update a webhook", role: "team_admin", body: updateWebhookInput },
    delete: { summary: "Delete a webhook", role: "team_admin" },
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
