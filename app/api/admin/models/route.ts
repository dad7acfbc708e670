import { z } from "zod";
import { route } from "@/lib/api/handler";
import { createModel, listModels } from "@/lib/services/models";

const query = z.object({ providerId: z.string().max(100).optional() });

export const GET = route({ role: "admin", query }, async ({ actor, query }) => (await listModels({ actor, providerId: query.providerId })));
export const POST = route({ role: "admin", body: z.unknown(), status: 201 }, async ({ actor, body }) => (await createModel({ actor, input: body })));
