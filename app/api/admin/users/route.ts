import { route, pageQuery } from "@/lib/api/handler";
import { createUser, listUsers } from "@/lib/services/users";
import { z } from "zod";

export const GET = route({ role: "admin", query: pageQuery }, async ({ actor, query }) => (await listUsers({ actor, ...query })));
export const POST = route({ role: "admin", body: z.unknown(), status: 201 }, ({ actor, body }) => createUser({ actor, input: body }));
