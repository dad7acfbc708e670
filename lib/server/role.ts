/**
 * What this process serves (PORTICO_ROLE) and how many worker processes share the port
 * (PORTICO_WORKERS). Both are read once at start; a bad value stops start-up with a clear line.
 */
import os from "node:os";

export type Role = "all" | "gateway" | "control";
const ROLES: readonly Role[] = ["all", "gateway", "control"];

/** `all` (default): data plane and Next; `gateway`: data plane only, Next never loaded; `control`: dashboard, portal, admin API. */
export function serverRole(env: Record<string, string | undefined> = process.env): Role {
  const raw = (env.PORTICO_ROLE ?? "").trim().toLowerCase();
  if (!raw) return "all";
  if ((ROLES as readonly string[]).includes(raw)) return raw as Role;
  throw new Error(`PORTICO_ROLE must be one of ${ROLES.join(", ")} (got "${env.PORTICO_ROLE}").`);
}

export const MAX_WORKERS = 64;

/** `PORTICO_WORKERS`: unset or 1 → one process (no cluster); `auto` → one per available core; N → N. */
export function workerCount(env: Record<string, string | undefined> = process.env, cores = os.availableParallelism()): number {
  const raw = (env.PORTICO_WORKERS ?? "").trim().toLowerCase();
  if (!raw) return 1;
  if (raw === "auto") return Math.max(1, Math.min(cores, MAX_WORKERS));
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_WORKERS) {
    throw new Error(`PORTICO_WORKERS must be "auto" or a whole number from 1 to ${MAX_WORKERS} (got "${env.PORTICO_WORKERS}").`);
  }
  return Number(raw);
}

/** Paths a gateway-role process answers (the data plane, health and metrics). */
export function isDataPlanePath(url: string): boolean {
  const path = url.split("?")[0]!;
  return path === "/v1" || path.startsWith("/v1/") || path === "/mcp" || path.startsWith("/mcp/") || path === "/healthz" || path === "/readyz" || path === "/metrics";
}
