import { z } from "zod";
import { route } from "@/lib/api/handler";
import { createProvider, listProviders } from "@/lib/services/providers";

export const GET = route({ role: "admin" }, async ({ actor }) => (await listProviders({ actor })));
export const POST = route({ role: "admin", body: z.unknown(), status: 201 }, async ({ actor, body }) => (await createProvider({ actor, input: body })));
