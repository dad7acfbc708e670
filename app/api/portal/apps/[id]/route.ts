import { z } from "zod";
import { route } from "@/lib/api/handler";
import { deleteApp, getApp, updateApp } from "@/lib/services/apps";

export const GET = route({ role: "member" }, ({ actor, params }) => getApp({ actor, id: params.id! }));
export const PATCH = route({ role: "member", body: z.unknown() }, ({ actor, params, body }) => updateApp({ actor, id: params.id!, input: body }));
/** Deletes the app and its subscriptions; its keys are revoked at once. */
export const DELETE = route({ role: "member" }, ({ actor, params }) => deleteApp({ actor, id: params.id! }));
