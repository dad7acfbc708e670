import { describe, it, expect } from "vitest";
import { backoffMs, orderTargets, parseRetryAfter, selectGroup, verdictFor } from "./routing";
import type { RouteInfo, TargetGroup, TargetInfo } from "./snapshot";

const t = (key: string, weight = 1): TargetInfo =>
  ({ key, label: key, weight, model: { id: key }, provider: { id: key }, target: {} }) as unknown as TargetInfo;

describe("orderTargets", () => {
  it("single uses only the first target; fallback keeps the order", () => {
    expect(orderTargets({ strategy: "single", targets: [t("a"), t("b")] }).map((x) => x.key)).toEqual(["a"]);
    expect(orderTargets({ strategy: "fallback", targets: [t("a"), t("b"), t("c")] }).map((x) => x.key)).toEqual(["a", "b", "c"]);
  });

  it("weighted draws the first target by weight and keeps the others as fallbacks by weight", () => {
    const g: TargetGroup = { strategy: "weighted", targets: [t("a", 80), t("b", 20)] };
    expect(orderTargets(g, () => 0.79).map((x) => x.key)).toEqual(["a", "b"]);
    expect(orderTargets(g, () => 0.81).map((x) => x.key)).toEqual(["b", "a"]);
  });

  it("an 80/20 split lands near 80/20 over many draws", () => {
    const g: TargetGroup = { strategy: "weighted", targets: [t("a", 80), t("b", 20)] };
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let a = 0;
    for (let i = 0; i < 10_000; i++) if (orderTargets(g, rand)[0]!.key === "a") a++;
    expect(a / 10_000).toBeGreaterThan(0.77);
    expect(a / 10_000).toBeLessThan(0.83);
  });
});

describe("selectGroup", () => {
  it("a matching header condition picks its group, otherwise the main group", () => {
    const premium: TargetGroup = { strategy: "single", targets: [t("p")] };
    const route = { main: { strategy: "single", targets: [t("m")] }, conditions: [{ header: "x-portico-tier", equals: "premium", group: premium }] } as unknown as RouteInfo;
    expect(selectGroup(route, { "x-portico-tier": "premium" })).toBe(premium);
    expect(selectGroup(route, { "x-portico-tier": "basic" })).toBe(route.main);
    expect(selectGroup(route, {})).toBe(route.main);
  });

  it("a metadata.<key> condition matches the request body's metadata", () => {
    const gold: TargetGroup = { strategy: "single", targets: [t("g")] };
    const route = { main: { strategy: "single", targets: [t("m")] }, conditions: [{ header: "metadata.tier", equals: "gold", group: gold }] } as unknown as RouteInfo;
    expect(selectGroup(route, {}, { tier: "gold" })).toBe(gold);
    expect(selectGroup(route, { "metadata.tier": "gold" }, {})).toBe(route.main);
    expect(selectGroup(route, {}, null)).toBe(route.main);
  });
});

describe("retry decisions", () => {
  it("retries network errors, timeouts, 408/429/5xx/529; falls over on 401/403/404; returns other 4xx", () => {
    for (const s of [null, 408, 429, 500, 502, 503, 504, 529]) expect(verdictFor(s)).toBe("retry");
    for (const s of [401, 403, 404]) expect(verdictFor(s)).toBe("fallover");
    for (const s of [400, 413, 422]) expect(verdictFor(s)).toBe("return");
    expect(verdictFor(200)).toBe("success");
  });

  it("full jitter stays below min(max, base·2^attempt)", () => {
    expect(backoffMs(0, 250, 4000, () => 0.999)).toBeLessThan(250);
    expect(backoffMs(3, 250, 4000, () => 0.999)).toBeLessThan(2000);
    expect(backoffMs(10, 250, 4000, () => 0.999)).toBeLessThan(4000);
    expect(backoffMs(2, 250, 4000, () => 0)).toBe(0);
  });

  it("parses Retry-After as seconds or an HTTP date", () => {
    expect(parseRetryAfter("2")).toBe(2000);
    expect(parseRetryAfter("0.5")).toBe(500);
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:03 GMT", now)).toBe(3000);
    expect(parseRetryAfter(undefined)).toBeNull();
    expect(parseRetryAfter("soon")).toBeNull();
  });
});
