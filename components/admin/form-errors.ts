import { ApiError } from "@/components/api";

/**
 * Splits an API error into messages shown under form fields (422 details,
 * 409 `{field}`) and one general message for everything else.
 */
export function formErrors(error: unknown, fields: readonly string[]): { field: Record<string, string>; general?: string } {
  if (!error) return { field: {} };
  if (!(error instanceof ApiError)) return { field: {}, general: error instanceof Error ? error.message : String(error) };
  const all = error.fieldErrors();
  const field: Record<string, string> = {};
  let unmatched = false;
  for (const [k, v] of Object.entries(all)) {
    if (fields.includes(k)) field[k] = v;
    else unmatched = true;
  }
  const general = unmatched || Object.keys(field).length === 0 ? error.message : undefined;
  return { field, general };
}
