/** Human words for stored enum values, so screens never show `team_admin`. */
const ROLE: Record<string, string> = { admin: "admin", team_admin: "team admin", member: "member" };
export function roleLabel(role: string): string {
  return ROLE[role] ?? role.replace(/_/g, " ");
}
