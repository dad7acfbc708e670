import { z, type ZodType } from "zod";
import { AppError, BadRequestError, ValidationError } from "@/lib/errors";
import { currentActor } from "@/lib/auth/session";
import { requireRole, type Actor, type EffectiveRole } from "@/lib/auth/actor";

export interface HandlerCtx<B, Q> {
  actor: Actor;
  body: B;
  query: Q;
  params: Record<string, string>;
  req: Request;
}

interface RouteOpts<B, Q> {
  /** minimum role; finer checks (team scope) happen in the service */
  role: EffectiveRole;
  body?: ZodType<B>;
  query?: ZodType<Q>;
  status?: number;
}

/** `{error:{code,message,details?}}` with the status of the typed error; unknown errors → generic 500. */
export function errorResponse(e: unknown): Response {
  if (e instanceof AppError) {
    const headers: Record<string, string> = {};
    if ("retryAfterSeconds" in e) headers["retry-after"] = String((e as { retryAfterSeconds: number }).retryAfterSeconds);
    return Response.json(
      { error: { code: e.code, message: e.message, ...(e.details !== undefined ? { details: e.details } : {}) } },
      { status: e.status, headers },
    );
  }
  console.error("[portico] unhandled error in admin API:", e);
  return Response.json({ error: { code: "internal_error", message: "Something went wrong on our side. The change was not applied." } }, { status: 500 });
}

export function zodDetails(err: z.ZodError): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  for (const i of err.issues) {
    if (i.code === "unrecognized_keys") {
      for (const k of i.keys) out.push({ field: [...i.path, k].join("."), message: "Unknown field." });
    } else {
      out.push({ field: i.path.join(".") || "(body)", message: i.message });
    }
  }
  return out;
}

export function parseWith<T>(schema: ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const details = zodDetails(r.error);
  throw new ValidationError(`Invalid ${what}: ${details.map((d) => `${d.field}: ${d.message}`).join("; ")}`, details);
}

async function readJson(req: Request): Promise<unknown> {
  const text = await req.text();
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequestError("The request body is not valid JSON.", undefined, "invalid_json");
  }
}

/**
 * Thin route handlers: auth → zod parse → service → JSON. Every admin and
 * portal JSON route goes through this, so none can skip the role check.
 */
export function route<B = undefined, Q = undefined>(
  opts: RouteOpts<B, Q>,
  fn: (ctx: HandlerCtx<B, Q>) => unknown | Promise<unknown>,
) {
  const handler = async (req: Request, ctx: { params: Promise<Record<string, string>> }): Promise<Response> => {
    try {
      const actor = requireRole(await currentActor(req), opts.role);
      const body = opts.body ? parseWith(opts.body, await readJson(req), "request body") : (undefined as B);
      const query = opts.query
        ? parseWith(opts.query, Object.fromEntries(new URL(req.url).searchParams), "query parameters")
        : (undefined as Q);
      const params = ctx?.params ? await ctx.params : {};
      const result = await fn({ actor, body, query, params, req });
      if (result instanceof Response) return result;
      return Response.json(result ?? { ok: true }, { status: opts.status ?? 200 });
    } catch (e) {
      return errorResponse(e);
    }
  };
  (handler as { porticoRole?: EffectiveRole }).porticoRole = opts.role;
  return handler;
}

/** Cursor pagination query shared by list routes. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
  q: z.string().max(200).optional(),
});
