import { z, type ZodType } from "zod";
import { AppError, BadRequestError, ValidationError } from "@/lib/errors";
import { parseWith, zodDetails } from "./parse";

export { parseWith, zodDetails };
import { currentActor } from "@/lib/auth/session";
import { requireRole, type Actor, type EffectiveRole } from "@/lib/auth/actor";
import { crossSiteReason, isJsonContentType, isStateChanging } from "@/lib/server/csrf";
import { readLimitedText } from "@/lib/server/body-limit";
import { MAX_JSON_DEPTH, tooDeep } from "@/lib/http/json-depth";

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

/**
 * The JSON body: size-limited while read (413), JSON only when a session cookie
 * authenticates the write (415; see lib/server/csrf.ts), nesting bounded (422) before
 * parsing — a deeper body would make zod and the audit writer throw RangeError.
 */
async function readJson(req: Request, cookieWrite: boolean): Promise<unknown> {
  const text = await readLimitedText(req);
  if (!text.trim()) return {};
  if (cookieWrite && !isJsonContentType(req.headers.get("content-type"))) throw unsupportedMediaType();
  if (tooDeep(text)) {
    throw new ValidationError(`The request body nests deeper than ${MAX_JSON_DEPTH} levels.`, [
      { field: "(body)", message: `Nested deeper than ${MAX_JSON_DEPTH} levels.` },
    ]);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequestError("The request body is not valid JSON.", undefined, "invalid_json");
  }
}

function unsupportedMediaType(): AppError {
  return new AppError(415, "unsupported_media_type", "Send the request body as JSON (Content-Type: application/json).");
}

/** Cookie-authenticated writes: from our own pages only, and JSON when they carry a body. */
function checkCookieWrite(req: Request): void {
  const why = crossSiteReason(req.method, req.headers);
  if (why) throw new AppError(403, "cross_site_request", `Cross-site request refused: ${why} Changes made with a session cookie must come from Portico's own pages.`);
  const ct = req.headers.get("content-type");
  if (ct !== null && !isJsonContentType(ct)) throw unsupportedMediaType();
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
      const cookieWrite = actor.via === "session" && isStateChanging(req.method);
      if (cookieWrite) checkCookieWrite(req);
      const body = opts.body ? parseWith(opts.body, await readJson(req, cookieWrite), "request body") : (undefined as B);
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
