/**
 * The PostgreSQL schema: every table of lib/db/schema under the same export name, with the
 * same SQL table and column names, keys, indexes and foreign keys, and the same runtime values
 * (column mapping in ./types.ts). lib/db/schema-identity.test.ts keeps the two identical.
 * Migrations: drizzle/pg (drizzle.pg.config.ts), applied by lib/db/migrate-pg.ts.
 */
export * from "./identity";
export * from "./audit";
export * from "./settings";
export * from "./gateway";
export * from "./access";
export * from "./prompts";
export * from "./content-policy";
export * from "./policy";
export * from "./telemetry";
export * from "./alerts";
export * from "./config";
export * from "./mcp";
export * from "./responses";
