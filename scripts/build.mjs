// Production build: Next's build, then the fast-path server bundled by esbuild into dist/server.js.
import { spawnSync } from "node:child_process";
import { build } from "esbuild";
import fs from "node:fs";

const r = spawnSync("npx", ["next", "build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
if (r.status !== 0) process.exit(r.status ?? 1);

await build({
  entryPoints: ["server.ts"],
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  outfile: "dist/server.js",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
});
fs.writeFileSync("dist/BUILD_ID", fs.readFileSync(".next/BUILD_ID", "utf8"));
console.log("[portico] built .next and dist/server.js");
