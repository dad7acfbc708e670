import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startControlPlane } from "@/tests/support/control-plane";

let cp: Awaited<ReturnType<typeof startControlPlane>>;
beforeAll(async () => {
  cp = await startControlPlane();
});
afterAll(() => cp.close());

describe("the runtime container (lib/runtime.ts)", () => {
  it("holds what start-up built, and is the only Portico state on globalThis", async () => {
    const { runtime } = await import("./runtime");
    const { gatewayGuards } = await import("@/lib/gateway/guards");
    const rt = runtime();
    expect(rt.boot).toBeInstanceOf(Promise);
    expect(rt.db?.engine).toMatch(/^(sqlite|postgres)$/);
    expect(rt.secret).toBeInstanceOf(Buffer);
    expect(rt.guards).toHaveLength(gatewayGuards().length);
    expect(Object.isFrozen(rt.guards)).toBe(true);
    expect(rt.recordHooks.length).toBeGreaterThanOrEqual(3); // scrubber, limits, metrics/traces
    expect(rt.limits?.installed).toBe(true);
    expect(rt.logWriter).not.toBeNull();
    expect(rt.started).toMatchObject({ observability: true, logTelemetry: true, contentPolicy: true });

    const names = [...Object.getOwnPropertyNames(globalThis), ...Object.getOwnPropertySymbols(globalThis).map((s) => s.toString())];
    expect(names.filter((n) => /portico/i.test(n))).toEqual(["Symbol(portico.runtime)"]);
  });

  it("is shared by a second copy of the modules, as the production server's two bundles load them", async () => {
    const { runtime } = await import("./runtime");
    const writer = (await import("@/lib/gateway/log-writer")).logWriter();
    const db = (await import("@/lib/db/client")).getDbHolder();
    const before = { boot: runtime().boot, guards: runtime().guards, hooks: runtime().recordHooks.length };

    vi.resetModules(); // fresh module instances, like the second bundle
    const again = await import("./runtime");
    const writer2 = (await import("@/lib/gateway/log-writer")).logWriter();
    expect(again.runtime()).toBe(runtime());
    expect(writer2).toBe(writer);
    expect((await import("@/lib/db/client")).getDbHolder()).toBe(db);
    await (await import("@/lib/bootstrap")).bootstrap(); // start-up runs once per process
    expect(again.runtime().boot).toBe(before.boot);
    expect(again.runtime().guards).toBe(before.guards);
    expect(again.runtime().recordHooks).toHaveLength(before.hooks);
  });
});
