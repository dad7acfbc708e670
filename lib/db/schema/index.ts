/**
 * The tables services query: SQLite's (./tables.ts, the embedded default) or, when
 * DATABASE_URL is postgres://, PostgreSQL's (lib/db/schema-pg) under the same names and the
 * same TypeScript types. Both engines return the same runtime values (epoch-ms integers,
 * booleans, parsed JSON), so code written against one runs on the other;
 * lib/db/schema-identity.test.ts keeps the two schemas identical.
 */
import * as S from "./tables";
import * as P from "../schema-pg";
import { dbEngine } from "../engine";

export * from "./tables";

const onPg = dbEngine() === "postgres";
function pick<K extends keyof typeof P & keyof typeof S>(name: K): (typeof S)[K] {
  return (onPg ? P[name] : S[name]) as unknown as (typeof S)[K];
}

export const adminTokens = pick("adminTokens");
export const alertEvents = pick("alertEvents");
export const alertRules = pick("alertRules");
export const alertSlots = pick("alertSlots");
export const apiKeys = pick("apiKeys");
export const apiLogSettings = pick("apiLogSettings");
export const apis = pick("apis");
export const apps = pick("apps");
export const auditLog = pick("auditLog");
export const breakerEvents = pick("breakerEvents");
export const budgetNotifications = pick("budgetNotifications");
export const budgets = pick("budgets");
export const configManaged = pick("configManaged");
export const contentDetectors = pick("contentDetectors");
export const contentPolicies = pick("contentPolicies");
export const mcpServers = pick("mcpServers");
export const models = pick("models");
export const promptVersions = pick("promptVersions");
export const prompts = pick("prompts");
export const providers = pick("providers");
export const rateLimits = pick("rateLimits");
export const requestBodies = pick("requestBodies");
export const requestLogs = pick("requestLogs");
export const routeGrants = pick("routeGrants");
export const routes = pick("routes");
export const settings = pick("settings");
export const spendLedger = pick("spendLedger");
export const storedResponses = pick("storedResponses");
export const subscriptions = pick("subscriptions");
export const teamMembers = pick("teamMembers");
export const teams = pick("teams");
export const usageRollups = pick("usageRollups");
export const users = pick("users");
export const webhooks = pick("webhooks");
