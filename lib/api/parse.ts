/**
 * Zod parsing into the API's error shape. Kept apart from ./handler (session, next-auth):
 * services reached from the data plane import this, so a gateway-only process
 * (PORTICO_ROLE=gateway) never loads Next through them.
 */
import type { z, ZodType } from "zod";
import { ValidationError } from "@/lib/errors";

type Issue = z.core.$ZodIssue;

/**
 * Issues → `{field, message}`. A union (e.g. "userId or email") that matched no branch is
 * reported through the branch that came closest (fewest issues), so the caller learns which
 * field is wrong instead of a bare "Invalid input" on the body.
 */
function flatIssues(issues: readonly Issue[], prefix: PropertyKey[] = []): { path: PropertyKey[]; issue: Issue }[] {
  const out: { path: PropertyKey[]; issue: Issue }[] = [];
  for (const i of issues) {
    const path = [...prefix, ...i.path];
    if (i.code === "invalid_union" && i.errors.length > 0) {
      const best = [...i.errors].sort((a, b) => a.length - b.length)[0]!;
      if (best.length > 0) {
        out.push(...flatIssues(best, path));
        continue;
      }
    }
    out.push({ path, issue: i });
  }
  return out;
}

export function zodDetails(err: z.ZodError): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  for (const { path, issue: i } of flatIssues(err.issues)) {
    if (i.code === "unrecognized_keys") {
      for (const k of i.keys) out.push({ field: [...path, k].map(String).join("."), message: "Unknown field." });
    } else {
      out.push({ field: path.map(String).join(".") || "(body)", message: i.message });
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

