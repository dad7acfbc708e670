import { ApiError } from "@/components/api";

/**
 * Field errors from an API error (422 `details: [{field, message}]`, 409 `{field}`),
 * keyed by dotted path (`targets.1.weight`). `general` is the message to show
 * above the form when no shown field carries it.
 */
export function apiFieldErrors(error: unknown): { byField: Record<string, string>; general?: string } {
  if (!error) return { byField: {} };
  if (!(error instanceof ApiError)) return { byField: {}, general: error instanceof Error ? error.message : String(error) };
  const byField = error.fieldErrors();
  return { byField, general: Object.keys(byField).length ? undefined : error.message };
}

/** The error for a field, or the first error of a nested path under it (`headers` ← `headers.Host`). */
export function errorAt(errors: Record<string, string>, field: string): string | undefined {
  if (errors[field]) return errors[field];
  const nested = Object.keys(errors).find((k) => k.startsWith(field + "."));
  return nested ? errors[nested] : undefined;
}

/** Fields the form does not show (a message must never vanish silently). */
export function unshownErrors(errors: Record<string, string>, shown: (field: string) => boolean): string[] {
  return Object.entries(errors)
    .filter(([k]) => !shown(k))
    .map(([k, v]) => `${k}: ${v}`);
}

/** "" → undefined, otherwise a number (NaN stays NaN so the server reports it on the right field). */
export function numOrUndef(v: string): number | undefined {
  return v.trim() === "" ? undefined : Number(v);
}

export function numOrNull(v: string): number | null {
  return v.trim() === "" ? null : Number(v);
}

export function str(n: number | null | undefined): string {
  return n === null || n === undefined ? "" : String(n);
}
