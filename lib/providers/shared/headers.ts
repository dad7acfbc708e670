/**
 * Header merging. Admin-configured extra headers win over the adapter's own
 * (they exist precisely to override, e.g. a proxy that wants a different auth
 * header), and HTTP header names are case-insensitive, so an admin's
 * "Authorization" must replace our "authorization" rather than sit beside it.
 */
export function mergeHeaders(
  base: Record<string, string>,
  extra: Record<string, string> | undefined,
): Record<string, string> {
  if (!extra) return base;
  const out: Record<string, string> = { ...base };
  for (const [name, value] of Object.entries(extra)) {
    const lower = name.toLowerCase();
    for (const existing of Object.keys(out)) {
      if (existing.toLowerCase() === lower) delete out[existing];
    }
    out[name] = value;
  }
  return out;
}
