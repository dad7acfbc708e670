// Top self-time functions and files of a V8 .cpuprofile (from `node --cpu-prof`), with frames of
// the esbuild bundle dist/server.js mapped back to their TypeScript sources.
//   node scripts/bench/profile-top.mjs bench-results/CPU.*.cpuprofile
import fs from "node:fs";
import path from "node:path";
import { SourceMap } from "node:module";
import { fileURLToPath } from "node:url";

/** `skipMs`: ignore samples of the first milliseconds of the profile (the server's start-up). */
export function profileTop(file, root = process.cwd(), n = 40, skipMs = 0) {
  let sm = null;
  try {
    sm = new SourceMap(JSON.parse(fs.readFileSync(path.join(root, "dist/server.js.map"), "utf8")));
  } catch {
    /* no map: bundle lines are shown */
  }
  const where = (cf) => {
    const url = cf.url.replace(/^file:\/\//, "").replace(root + "/", "");
    if (sm && url === "dist/server.js") {
      const e = sm.findEntry(cf.lineNumber, cf.columnNumber);
      if (e?.originalSource) return `${e.originalSource.replace(/^(\.\.\/)+/, "")}:${e.originalLine + 1}`;
    }
    return `${url || "(native)"}:${cf.lineNumber + 1}`;
  };
  const prof = JSON.parse(fs.readFileSync(file, "utf8"));
  const dt = new Map();
  let at = prof.startTime;
  const from = prof.startTime + skipMs * 1000;
  for (let i = 0; i < prof.samples.length; i++) {
    at += prof.timeDeltas[i] ?? 0;
    if (at < from) continue;
    dt.set(prof.samples[i], (dt.get(prof.samples[i]) ?? 0) + (prof.timeDeltas[i] ?? 0));
  }
  const self = new Map();
  const byFile = new Map();
  let busy = 0;
  for (const node of prof.nodes) {
    const us = dt.get(node.id) ?? 0;
    const cf = node.callFrame;
    if (cf.functionName === "(idle)" || cf.functionName === "(program)") continue;
    busy += us;
    const loc = where(cf);
    const k = `${cf.functionName || "(anonymous)"}  ${loc}`;
    self.set(k, (self.get(k) ?? 0) + us);
    const f = loc.replace(/:\d+$/, "");
    byFile.set(f, (byFile.get(f) ?? 0) + us);
  }
  const top = (m, k) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k);
  const line = ([k, us]) => `${((100 * us) / (busy || 1)).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`;
  return [
    `CPU profile ${path.relative(root, file)}: ${(busy / 1e6).toFixed(1)} s busy` +
      (skipMs ? ` (after the first ${(skipMs / 1000).toFixed(1)} s: start-up excluded)` : " (whole process life)"),
    "",
    "Top self time by function:",
    ...top(self, n).map(line),
    "",
    "Self time by file:",
    ...top(byFile, 25).map(line),
    "",
  ].join("\n");
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // node scripts/bench/profile-top.mjs [--skip-ms N] file.cpuprofile...
  const args = process.argv.slice(2);
  const i = args.indexOf("--skip-ms");
  const skip = i >= 0 ? Number(args.splice(i, 2)[1]) : 0;
  for (const f of args) console.log(profileTop(f, process.cwd(), 40, skip));
}
