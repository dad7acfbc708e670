import { z } from "zod";
import { route } from "@/lib/api/handler";
import { createApp, listApps } from "@/lib/services/apps";

export const GET = route({ role: "member" }, ({ actor }) => listApps({ actor }));
export const POST = route({ role: "member", body: z.unknown(), status: 201 }, ({ actor, body }) => createApp({ actor, input: body }));
