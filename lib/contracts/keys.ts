/**
 * Response contracts of the app-key routes, defined once: the services return these shapes, the
 * admin OpenAPI document is generated from them, and the UI's types are `z.infer` of them.
 * Pure zod (no server imports), so client components may import it.
 */
import { z } from "zod";

export const keyStatusSchema = z.enum(["active", "revoked", "expired"]);

/** What the API shows of a key: never the hash; the plaintext only once, from create/rotate. */
export const keyViewSchema = z.object({
  id: z.string(),
  /** null for admin keys not tied to an app (the data plane's test keys) */
  appId: z.string().nullable(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.number().int(),
  lastUsedAt: z.number().int().nullable(),
  expiresAt: z.number().int().nullable(),
  revokedAt: z.number().int().nullable(),
  status: keyStatusSchema,
  rotatedFromId: z.string().nullable(),
});

export const createdAppKeySchema = keyViewSchema.extend({ key: z.string().describe("the plaintext key, shown once") });
export const appKeyListSchema = z.object({ items: z.array(keyViewSchema) });
export const rotatedAppKeySchema = z.object({ key: createdAppKeySchema, previous: keyViewSchema });

export type KeyStatus = z.infer<typeof keyStatusSchema>;
export type KeyView = z.infer<typeof keyViewSchema>;
export type CreatedAppKey = z.infer<typeof createdAppKeySchema>;
