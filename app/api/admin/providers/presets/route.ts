import { z } from "zod";
import { route } from "@/lib/api/handler";
import { createProviderFromPreset, listProviderPresets } from "@/lib/services/provider-presets";

export const GET = route({ role: "admin" }, ({ actor }) => listProviderPresets({ actor }));
export const POST = route({ role: "admin", body: z.unknown(), status: 201 }, async ({ actor, body }) => (await createProviderFromPreset({ actor, input: body })));
