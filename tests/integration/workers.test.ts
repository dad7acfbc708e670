/**
 * PORTICO_WORKERS=2 (node:cluster) through the real entry point (server.ts), gateway role so
 * no Next build is needed: both workers answer on one port, exactly one runs the whole-set
 * schedulers (retention, alert evaluation), a killed worker is replaced (and the schedulers
 * move to a live worker), SIGTERM to the primary drains every worker and exits 0.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getFresh, isAlive, startPorticoProcess } from "../support/portico-process";

type Proc = Awaited<ReturnType<typeof startPorticoProcess>>;
let p: Proc;

const LISTENING = /worker (\d+) \(pid (\d+)\) listening/g;
const SCHEDULERS = /worker (\d+) \(pid (\d+)\) runs the whole-set schedulers/g;
const all = (re: RegExp) => [...p.output().matchAll(new RegExp(re.source, "g"))].map((m) => ({ id: Number(m[1]), pid: Number(m[2]) }));

/** Worker ids seen on /healthz over fresh connections, until `want` distinct ones answered. */
async function workersAnswering(want: number, deadlineMs = 30_000): Promise<Set<number>> {
  const seen = new Set<number>();
  const deadline = Date.now() + deadlineMs;
  while (seen.size < want && Date.now() < deadline) {
    const r = await getFresh(`${p.url}/healthz`);
    expect(r.status).toBe(200);
    seen.add((r.body as { worker: number }).worker);
  }
  return seen;
}

beforeAll(async () => {
  p = await startPorticoProcess({ PORTICO_ROLE: "gateway", PORTICO_WORKERS: "2" });
  await p.waitFor(/worker 2 \(pid \d+\) listening/, 90_000);
}, 120_000);
afterAll(() => {
  for (const w of all(LISTENING)) if (isAlive(w.pid)) process.kill(w.pid, "SIGKILL");
  return p?.stop();
});

describe("PORTICO_WORKERS=2", () => {
  it("two worker processes share the port and both answer", async () => {
    const seen = await workersAnswering(2);
    expect([...seen].sort()).toEqual([1, 2]);
    const pids = new Set(all(LISTENING).map((w) => w.pid));
    expect(pids.size).toBe(2);
    expect(pids.has(p.child.pid!)).toBe(false);
  });

  it("exactly one worker runs the whole-set schedulers", async () => {
    await p.waitFor(new RegExp(SCHEDULERS.source));
    expect(all(SCHEDULERS)).toHaveLength(1);
  });

  it("a killed worker is replaced, and the schedulers move to a live worker", async () => {
    const sched = all(SCHEDULERS)[0]!;
    const before = p.output().length;
    process.kill(sched.pid, "SIGKILL");
    const m = await p.waitFor(/worker (\d+) \(pid (\d+)\) listening/, 60_000, before);
    expect(Number(m[1])).toBe(3);
    const moved = all(SCHEDULERS).slice(1);
    expect(moved).toHaveLength(1);
    expect(moved[0]!.pid).not.toBe(sched.pid);
    expect(isAlive(moved[0]!.pid)).toBe(true);
    const seen = await workersAnswering(2);
    expect(seen.has(3)).toBe(true);
    expect(seen.has(sched.id)).toBe(false);
  }, 90_000);

  it("SIGTERM to the primary drains every worker, then the primary exits 0", async () => {
    const live = all(LISTENING).filter((w) => isAlive(w.pid));
    expect(live).toHaveLength(2);
    const before = p.output().length;
    p.child.kill("SIGTERM");
    expect(await p.exited).toBe(0);
    const drained = p.output().slice(before).match(/SIGTERM: no new connections/g) ?? [];
    expect(drained).toHaveLength(2);
    for (const w of live) expect(isAlive(w.pid)).toBe(false);
  }, 60_000);
});

describe("PORTICO_WORKERS start-up failure", () => {
  it("a worker that fails before listening stops the set (exit 1), instead of restarting in a loop", async () => {
    const bad = await startPorticoProcess({ PORTICO_ROLE: "gateway", PORTICO_WORKERS: "2", PORTICO_TRUSTED_PROXIES: "not-an-address" });
    try {
      expect(await bad.exited).toBe(1);
      expect(bad.output()).toMatch(/PORTICO_TRUSTED_PROXIES/);
      expect(bad.output()).toMatch(/a worker failed at start-up/);
      expect(bad.output()).not.toMatch(/starting a replacement/);
    } finally {
      await bad.stop();
    }
  }, 60_000);
});
