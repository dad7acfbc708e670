/**
 * PORTICO_ROLE=gateway through the real entry point (server.ts): the data plane, health and
 * metrics answer; every other path is a JSON 404 naming the role; and the process never loads
 * Next or next-auth (a --require probe lists the loaded modules on SIGUSR2).
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getFresh, startPorticoProcess } from "../support/portico-process";

const PROBE = path.resolve(__dirname, "../support/module-probe.cjs");
let p: Awaited<ReturnType<typeof startPorticoProcess>>;

beforeAll(async () => {
  p = await startPorticoProcess({ PORTICO_ROLE: "gateway" }, ["--require", PROBE]);
  await p.waitFor(/listening on .*role gateway/, 90_000);
}, 120_000);
afterAll(() => p?.stop());

describe("PORTICO_ROLE=gateway", () => {
  it("serves the data plane, health and metrics", async () => {
    const models = await fetch(`${p.url}/v1/models`);
    expect(models.status).toBe(401);
    expect(((await models.json()) as { error: { code: string } }).error.code).toBe("missing_api_key");
    const ready = await getFresh(`${p.url}/readyz`);
    expect(ready.status).toBe(200);
    expect((ready.body as { checks: Record<string, { ok: boolean }> }).checks.database?.ok).toBe(true);
    expect((await getFresh(`${p.url}/healthz`)).body).toEqual({ status: "ok" });
    const metrics = await fetch(`${p.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain("# TYPE");
  });

  it("answers a JSON 404 saying it is a gateway for the dashboard, portal and admin API", async () => {
    for (const route of ["/", "/admin", "/api/admin/apps", "/portal", "/api/auth/session"]) {
      const r = await getFresh(`${p.url}${route}`);
      expect(r.status, route).toBe(404);
      const err = (r.body as { error: { code: string; message: string } }).error;
      expect(err.code).toBe("not_found");
      expect(err.message).toMatch(/PORTICO_ROLE=gateway/);
    }
  });

  it("never loads Next or next-auth", async () => {
    // The probe does see Next when it is loaded (otherwise an empty list would prove nothing).
    const control = spawnSync(process.execPath, ["--require", PROBE, "-e", 'require("next/dist/server/node-environment"); process.kill(process.pid, "SIGUSR2"); setTimeout(() => {}, 200)'], {
      encoding: "utf8",
      cwd: path.resolve(__dirname, "../.."),
    });
    expect(JSON.parse(/NEXT-MODULES (.*)/.exec(control.stdout)![1]!).length).toBeGreaterThan(0);

    await fetch(`${p.url}/v1/models`); // the data plane has run once
    const before = p.output().length;
    p.child.kill("SIGUSR2");
    const m = await p.waitFor(/NEXT-MODULES (.*)\n/, 10_000, before);
    expect(JSON.parse(m[1]!)).toEqual([]);
  });
});
