/**
 * A readable name for an audit target, taken from the row's before/after snapshots (a user's
 * email, a team's or app's name, a route's alias, an API's slug), else null (the id is shown).
 */
const NAME_FIELDS = ["name", "email", "alias", "slug", "upstreamModel", "title"] as const;

function nameIn(v: unknown): string | null {
  if (!v || typeof v !== "object") return null;
  const o = v as Record<string, unknown>;
  for (const f of NAME_FIELDS) if (typeof o[f] === "string" && o[f]) return o[f] as string;
  return null;
}

export function targetLabel(r: { before: unknown; after: unknown }): string | null {
  return nameIn(r.after) ?? nameIn(r.before);
}
