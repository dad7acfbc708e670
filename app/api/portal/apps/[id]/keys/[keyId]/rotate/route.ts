import { z } from "zod";
import { route } from "@/lib/api/handler";
import { rotateKey } from "@/lib/services/keys";

/** `{graceHours}` (0–168): a new key (plaintext once) and the old one valid until now + grace. */
export const POST = route({ role: "member", body: z.unknown(), status: 201 }, async ({ actor, params, body }) =>
  (await rotateKey({ actor, appId: params.id!, keyId: params.keyId!, input: body })),
);
