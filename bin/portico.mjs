#!/usr/bin/env node
/**
 * portico — configuration as code from the command line (docs/config-as-code.md).
 *
 *   portico config export [-o portico.yaml] [--format yaml|json]
 *   portico config plan   -f portico.yaml [--prune] [--detailed-exitcode] [--json]
 *   portico config apply  -f portico.yaml [--prune] [--json]
 *
 * Every command talks to a running Portico's admin API with an admin API token
 * (`--url` / PORTICO_URL, `--token` / PORTICO_TOKEN). Exit codes: 0 done, 1 error
 * (invalid file, refused change, network), 2 with --detailed-exitcode when the plan has changes.
 * Plain Node (≥ 20), no dependencies: it runs from `npx portico` in any pipeline.
 */
import fs from "node:fs";
import process from "node:process";

const USAGE = `Usage:
  portico config export [-o FILE] [--format yaml|json]
  portico config plan   -f FILE [--prune] [--detailed-exitcode] [--json]
  portico config apply  -f FILE [--prune] [--json]

Options:
  --url URL       Portico's base URL (or PORTICO_URL), e.g. https://portico.example.com
  --token TOKEN   an admin API token, pat_... (or PORTICO_TOKEN)
  -f, --file      the configuration file (YAML or JSON); "-" reads standard input
  --prune         also delete what the file dropped (in the sections it holds)
`;

function parseArgs(argv) {
  const opts = { _: [] };
  const takes = new Set(["--url", "--token", "-f", "--file", "-o", "--out", "--format"]);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (takes.has(a)) {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      opts[a.replace(/^-+/, "")] = argv[++i];
    } else if (a.startsWith("--") && a.includes("=")) {
      const [k, v] = a.slice(2).split(/=(.*)/s);
      opts[k] = v;
    } else if (a.startsWith("-")) opts[a.replace(/^-+/, "")] = true;
    else opts._.push(a);
  }
  return opts;
}

const isTty = process.stdout.isTTY && !process.env.NO_COLOR;
const color = (code, s) => (isTty ? `\x1b[${code}m${s}\x1b[0m` : s);
function colorDiff(text) {
  return text
    .split("\n")
    .map((l) => (l.startsWith("+ ") ? color(32, l) : l.startsWith("- ") ? color(31, l) : l.startsWith("~ ") ? color(33, l) : l))
    .join("\n");
}

function fail(message, code = 1) {
  process.stderr.write(message.endsWith("\n") ? message : message + "\n");
  process.exit(code);
}

async function call(base, token, method, path, body) {
  let res;
  try {
    res = await fetch(new URL(path, base.endsWith("/") ? base : base + "/"), {
      method,
      headers: { authorization: `Bearer ${token}`, accept: "application/json", ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch (e) {
    fail(`Cannot reach ${base}: ${e.cause?.message ?? e.message}`);
  }
  const text = await res.text();
  if (res.ok) return { res, text };
  let err;
  try {
    err = JSON.parse(text).error;
  } catch {
    fail(`HTTP ${res.status} from ${path}: ${text.slice(0, 500)}`);
  }
  const lines = [`Error (HTTP ${res.status}): ${err?.message ?? "request failed"}`];
  if (Array.isArray(err?.details)) for (const d of err.details) lines.push(`  ${d.path ?? d.field ?? ""}: ${d.message}`);
  fail(lines.join("\n"));
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    fail(`${e.message}\n\n${USAGE}`);
  }
  const [group, cmd] = opts._;
  if (opts.help || opts.h || group !== "config" || !["export", "plan", "apply"].includes(cmd)) fail(USAGE, opts.help || opts.h ? 0 : 1);
  const base = opts.url ?? process.env.PORTICO_URL;
  const token = opts.token ?? process.env.PORTICO_TOKEN;
  if (!base) fail("Give Portico's URL with --url or PORTICO_URL.");
  if (!token) fail("Give an admin API token (pat_...) with --token or PORTICO_TOKEN.");
  if (!String(token).startsWith("pat_")) fail("The token must be a Portico admin API token (pat_...).");

  if (cmd === "export") {
    const format = opts.format ?? "yaml";
    const { text } = await call(base, token, "GET", `api/admin/config/export?format=${encodeURIComponent(format)}`);
    if (opts.o || opts.out) fs.writeFileSync(opts.o ?? opts.out, text);
    else process.stdout.write(text);
    return;
  }

  const file = opts.f ?? opts.file;
  if (!file || file === true) fail(`Give the file with -f FILE.\n\n${USAGE}`);
  let content;
  try {
    content = file === "-" ? fs.readFileSync(0, "utf8") : fs.readFileSync(file, "utf8");
  } catch (e) {
    fail(`Cannot read ${file}: ${e.message}`);
  }
  const { text } = await call(base, token, "POST", `api/admin/config/${cmd}`, { file: content, prune: !!opts.prune });
  const result = JSON.parse(text);
  if (opts.json) process.stdout.write(JSON.stringify(result, null, 2) + "\n");
  else {
    process.stdout.write(colorDiff(result.diff));
    if (cmd === "apply") process.stdout.write(result.changeSet ? `Applied as change set ${result.changeSet}.\n` : "Nothing to apply.\n");
  }
  if (cmd === "plan" && opts["detailed-exitcode"] && result.changes.length) process.exit(2);
}

main().catch((e) => fail(`portico: ${e?.stack ?? e}`));
