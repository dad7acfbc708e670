/**
 * Configuration as code across instances: a richly configured instance (this
 * process) is exported; a FRESH Portico (another process, its own database)
 * starts with PORTICO_CONFIG_FILE pointing at that export; the `portico` CLI,
 * spawned against that running server, exports it again → identical. Then the
 * CLI's plan/apply (diff, exit codes, problems) and SIGHUP re-applying the file.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../support/gateway";

const ROOT = path.resolve(__dirname, "../..");
const EXAMPLE = fs.readFileSync(path.join(ROOT, "docs/examples/portico.yaml"), "utf8");
const ENV = {
  OPENAI_API_KEY: "sk-openai-example-1234",
  ANTHROPIC_API_KEY: "sk-ant-example-5678",
  ALERT_WEBHOOK_SECRET: "alert-secret-0123456789",
  SUBSCRIPTION_WEBHOOK_SECRET: "hook-secret-0123456789",
  TOOLS_MCP_AUTH: "Bearer mcp-tools-token-4321",
};

let gw: Gateway;
let dir: string;
let child: ChildProcess | undefined;
let output = "";

/** A fresh Portico on its own database, configured by `file` at start. */
async function startFresh(file: string, extraEnv: Record<string, string> = {}): Promise<{ url: string; token: string }> {
  const db = path.join(fs.mkdtempSync(path.join(dir, "fresh-")), "portico.db");
  // tsx as a loader in ONE process (its CLI runs a second one), so SIGHUP reaches Portico itself.
  child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "tests/support/config-server.ts")], {
    cwd: ROOT,
    env: { ...process.env, ...ENV, DATABASE_URL: `file:${db}`, PORTICO_CONFIG_FILE: file, ...extraEnv },
    stdio: ["pipe", "pipe", "pipe"],
  });
  output = "";
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 90_000);
    child!.stdout!.on("data", (d: Buffer) => {
      output += d.toString();
      const m = /LISTENING (\S+) (pat_\S+)/.exec(output);
      if (m) {
        clearTimeout(t);
        resolve({ url: m[1]!, token: m[2]! });
      }
    });
    child!.on("exit", (code) => {
      clearTimeout(t);
      reject(Object.assign(new Error(`server exited with ${code}: ${output}`), { code, output }));
    });
  });
}

function stopChild() {
  child?.stdin?.end();
  child?.kill();
  child = undefined;
}

/** The CLI as a user runs it (a separate Node process over HTTP). */
function cli(args: string[], opts: { url: string; token: string }) {
  const r = spawnSync(process.execPath, [path.join(ROOT, "bin/portico.mjs"), ...args, "--url", opts.url, "--token", opts.token], { encoding: "utf8", timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(async () => {
  gw = await startGateway(ENV);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "portico-cfg-"));
  const svc = await import("@/lib/config/service");
  await svc.applyFromText({ actor: gw.actor, text: EXAMPLE });
  // Some configuration made by hand too: it must travel as well.
  const limits = await import("@/lib/policy/services");
  const { readState } = await import("@/lib/config/state");
  (await limits.createLimit({ actor: gw.actor, input: { scope: "route", scopeId: (await readState()).ids.get("route:embed")!, tokensPerMinute: 50_000 } }));
  const hooks = await import("@/lib/services/webhooks");
  await hooks.createWebhook({ actor: gw.actor, input: { url: "https://hooks.example.com/by-hand", secret: "by-hand-secret-0123456789", events: ["subscription.rejected"] } });
});
afterAll(async () => {
  stopChild();
  await gw?.close();
});

describe("round trip onto a fresh instance started from the file", () => {
  it("export → start a fresh Portico with PORTICO_CONFIG_FILE → export with the CLI → identical", async () => {
    const svc = await import("@/lib/config/service");
    const exported = (await svc.exportConfig({ actor: gw.actor }));
    // the hand-made webhook's secret gets a derived variable name; the fresh instance reads it from there
    const handVar = /secret: \$\{(WEBHOOK_HOOKS_EXAMPLE_COM\w*)\}/.exec(exported)![1]!;
    const file = path.join(dir, "portico.yaml");
    fs.writeFileSync(file, exported);
    const b = await startFresh(file, { [handVar]: "by-hand-secret-0123456789" });
    expect(output).toMatch(/applied .*portico\.yaml/);

    const again = cli(["config", "export"], b);
    expect(again.err).toBe("");
    expect(again.code).toBe(0);
    expect(again.out).toBe(exported);

    // the CLI's plan of the same file: nothing to do (exit 0 even with --detailed-exitcode)
    const same = cli(["config", "plan", "-f", file, "--detailed-exitcode"], b);
    expect(same.code).toBe(0);
    expect(same.out).toBe("No changes: the configuration matches the file.\n");

    // a change: a readable diff, exit 2 with --detailed-exitcode, then apply
    const changed = path.join(dir, "changed.yaml");
    fs.writeFileSync(changed, exported.replace("attemptsPerTarget: 3", "attemptsPerTarget: 4"));
    const plan = cli(["config", "plan", "-f", changed, "--detailed-exitcode"], b);
    expect(plan.code).toBe(2);
    expect(plan.out).toBe("Plan: 0 to create, 1 to update, 0 to delete.\n\n~ route chat\n    retry.attemptsPerTarget: 3 → 4\n");
    const apply = cli(["config", "apply", "-f", changed], b);
    expect(apply.code).toBe(0);
    expect(apply.out).toMatch(/Applied as change set cfg_/);
    expect(cli(["config", "plan", "-f", changed, "--detailed-exitcode"], b).code).toBe(0);

    // an invalid file: exit 1, every problem with its path on stderr
    const bad = path.join(dir, "bad.yaml");
    fs.writeFileSync(bad, exported.replace("model: gpt-4o-mini", "model: gpt-5-mini"));
    const refused = cli(["config", "apply", "-f", bad], b);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("Error (HTTP 422)");
    expect(refused.err).toMatch(/routes\[\d+\]\.(conditions\[0\]\.)?targets\[\d\]\.model: unknown model 'gpt-5-mini'/);
    // a wrong token: exit 1
    expect(cli(["config", "export"], { ...b, token: "pat_wrong" }).code).toBe(1);

    // SIGHUP re-applies the start-up file
    fs.writeFileSync(file, exported.replace("description: Default chat model, with a fallback", "description: Reloaded on SIGHUP"));
    child!.kill("SIGHUP");
    const deadline = Date.now() + 20_000;
    let now = "";
    while (Date.now() < deadline && !now.includes("Reloaded on SIGHUP")) {
      now = cli(["config", "export"], b).out;
    }
    expect(now).toContain("description: Reloaded on SIGHUP");
    stopChild();
  });

  it("a fresh instance refuses to start from an invalid file, naming every problem", async () => {
    const file = path.join(dir, "invalid.yaml");
    fs.writeFileSync(file, EXAMPLE.replace("${OPENAI_API_KEY}", "${NOT_SET_FOR_START}").replace("team: platform\n    kind: llm", "team: nobody\n    kind: llm"));
    const err = await startFresh(file).then(
      () => null,
      (e: { code: number; output: string }) => e,
    );
    expect(err?.code).toBe(3);
    expect(err?.output).toContain("providers[0].apiKey: environment variable NOT_SET_FOR_START is not set");
    expect(err?.output).toContain("apis[0].team: unknown team 'nobody'");
  });
});
