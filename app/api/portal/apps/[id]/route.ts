import { z } from "zod";
import { route } from "@/lib/api/handler";
import { deleteApp, getApp, updateApp } from "@/lib/services/apps";

export const GET = route({ role: "member" }, async ({ actor, params }) => (await getApp({ actor, id: params.id! })));
export const PATCH = route({ role: "member", body: z.unknown() }, async ({ actor, params, body }) => (await updateApp({ actor, id: params.id!, input: body })));
/** Deletes the app and its subscriptions; its keys are revoked at once. */
export const DELETE = route({ role: "member" }, async ({ actor, params }) => (await deleteApp({ actor, id: params.id! })));
