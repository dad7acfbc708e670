import { pgTable, text, bigint, primaryKey } from "drizzle-orm/pg-core";

/**
 * Objects a configuration file declared at its last apply (lib/config): the
 * dashboard marks them "managed by config file", since an edit made by hand is
 * undone by the next apply. Keyed by natural key (a provider's name, a route's
 * alias, an API's slug ...), like the file itself.
 */
export const configManaged = pgTable(
  "config_managed",
  {
    /** provider | model | route | api | team | detector | policy | limit | budget | alert_rule | webhook */
    kind: text("kind").notNull(),
    key: text("key").notNull(),
    /** "PORTICO_CONFIG_FILE" or "apply by <email>" */
    source: text("source").notNull(),
    /** the environment variable a secret of this object was last read from, to write the same reference on export */
    secretRef: text("secret_ref"),
    appliedAt: bigint("applied_at", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.key] })],
);
