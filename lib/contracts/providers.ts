/** Response contract of POST /api/admin/providers/{id}/test ("Test connection"). Pure zod. */
import { z } from "zod";

/** Request body of POST /api/admin/providers/{id}/test: the model to try (else the provider's first chat model). */
export const providerTestInput = z.strictObject({
  model: z.string().trim().max(200, "At most 200 characters.").optional(),
});

export const providerTestResultSchema = z.object({
  ok: z.boolean(),
  /** upstream HTTP status; 0 when it could not be reached */
  status: z.number().int(),
  latencyMs: z.number().int(),
  /** the upstream model the test call used */
  model: z.string().nullable(),
  message: z.string(),
});

export type ProviderTestResult = z.infer<typeof providerTestResultSchema>;
