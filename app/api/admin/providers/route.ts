import { z } from "zod";
import { route } from "@/lib/api/handler";
import { createProvider, listProviders } from "@/lib/services/providers";

export const GET = route({ role: "admin" }, ({ actor }) => listProviders({ actor }));
export const POST = route({ role: "admin", body: z.unknown(), status: 201 }, ({ actor, body }) => createProvider({ actor, input: body }));
