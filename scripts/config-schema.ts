/**
 * Writes config/portico.schema.json from the zod schema of the configuration file
 * (lib/config/schema.ts). Run after changing the format: `npx tsx scripts/config-schema.ts`;
 * lib/config/schema.test.ts fails while the committed copy is stale.
 */
import fs from "node:fs";
import path from "node:path";
import { configJsonSchema } from "../lib/config/schema";

const out = path.resolve(__dirname, "../config/portico.schema.json");
fs.writeFileSync(out, JSON.stringify(configJsonSchema(), null, 2) + "\n");
console.log(`wrote ${out}`);
