import { z } from "zod";
import { route } from "@/lib/api/handler";
import { createApp, listApps } from "@/lib/services/apps";

export const GET = route({ role: "member" }, async ({ actor }) => (await listApps({ actor })));
export const POST = route({ role: "member", body: z.unknown(), status: 201 }, async ({ actor, body }) => (await createApp({ actor, input: body })));
