/**
 * Query keys of the portal and access admin pages. Portal keys share the
 * ["portal"] prefix so one invalidation refreshes catalog, API and app views
 * after a subscription or key change; ["admin","subscriptions"] also covers
 * the sidebar's pending count.
 */
export const ak = {
  portal: ["portal"] as const,
  catalog: ["portal", "catalog"] as const,
  api: (slug: string) => ["portal", "api", slug] as const,
  apps: ["portal", "apps"] as const,
  app: (id: string) => ["portal", "app", id] as const,
  me: ["me"] as const,
  adminApis: ["admin", "apis"] as const,
  adminSubscriptions: ["admin", "subscriptions"] as const,
  pendingCount: ["admin", "subscriptions", "pending-count"] as const,
  webhooks: ["admin", "webhooks"] as const,
  routes: ["admin", "gateway", "routes"] as const,
  teams: ["admin", "teams"] as const,
};
