// `npm start`: build when there is no build or the sources changed since, then run the production server.
import { spawnSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const SOURCES = ["app", "lib", "components", "public", "drizzle", "server.ts", "next.config.ts", "package.json"];

function newestMtime(p) {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = 0;
  for (const e of fs.readdirSync(p)) m = Math.max(m, newestMtime(path.join(p, e)));
  return m;
}

const stamp = "dist/BUILD_ID";
const built = fs.existsSync(stamp) && fs.existsSync(".next/BUILD_ID") ? fs.statSync(stamp).mtimeMs : 0;
const stale = !built || SOURCES.some((s) => newestMtime(s) > built);
if (stale || process.argv.includes("--rebuild")) {
  console.log(built ? "[portico] sources changed since the last build; rebuilding…" : "[portico] first start: building (takes a minute or two)…");
  const r = spawnSync("node", ["scripts/build.mjs"], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
// Source maps cost a gateway-only process ~15 MB of its ~100 MB idle footprint (docs/deployment.md):
// it runs without them unless NODE_OPTIONS asks (--enable-source-maps).
const gatewayRole = (process.env.PORTICO_ROLE ?? "").trim().toLowerCase() === "gateway";
const child = spawn(process.execPath, [...(gatewayRole ? [] : ["--enable-source-maps"]), "dist/server.js"], { stdio: "inherit", env: { NODE_ENV: "production", ...process.env } });
// SIGHUP: the server re-applies PORTICO_CONFIG_FILE (docs/config-as-code.md).
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));
