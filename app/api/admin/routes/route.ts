import { z } from "zod";
import { route } from "@/lib/api/handler";
import { createRoute, listRoutes } from "@/lib/services/routes";

export const GET = route({ role: "admin" }, ({ actor }) => listRoutes({ actor }));
export const POST = route({ role: "admin", body: z.unknown(), status: 201 }, ({ actor, body }) => createRoute({ actor, input: body }));
