import { route } from "@/lib/api/handler";
import { createAdminToken, listAdminTokens } from "@/lib/services/admin-tokens";
import { z } from "zod";

export const GET = route({ role: "admin" }, async ({ actor }) => (await listAdminTokens({ actor })));
export const POST = route({ role: "admin", body: z.unknown(), status: 201 }, async ({ actor, body }) => (await createAdminToken({ actor, input: body })));
