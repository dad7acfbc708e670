/**
 * Response schemas per admin/portal route (path template → method → schema). The admin OpenAPI
 * document takes its response bodies from here; routes not listed yet are documented as a bare object.
 */
import type { ZodType } from "zod";
import { appKeyListSchema, createdAppKeySchema, rotatedAppKeySchema } from "./keys";
import { providerTestResultSchema } from "./providers";

export const RESPONSES: Record<string, Partial<Record<"get" | "post" | "put" | "patch" | "delete", ZodType>>> = {
  "/api/admin/providers/{id}/test": { post: providerTestResultSchema },
  "/api/portal/apps/{id}/keys": { get: appKeyListSchema, post: createdAppKeySchema },
  "/api/portal/apps/{id}/keys/{keyId}/rotate": { post: rotatedAppKeySchema },
};
