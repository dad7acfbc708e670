import { z } from "zod";
import { route } from "@/lib/api/handler";
import { createRoute, listRoutes } from "@/lib/services/routes";

export const GET = route({ role: "admin" }, async ({ actor }) => (await listRoutes({ actor })));
export const POST = route({ role: "admin", body: z.unknown(), status: 201 }, async ({ actor, body }) => (await createRoute({ actor, input: body })));
