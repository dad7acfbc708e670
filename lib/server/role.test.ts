import { describe, expect, it } from "vitest";
import { isDataPlanePath, serverRole, workerCount } from "./role";

describe("PORTICO_ROLE", () => {
  it("defaults to all and accepts the three roles in any case", () => {
    expect(serverRole({})).toBe("all");
    expect(serverRole({ PORTICO_ROLE: " Gateway " })).toBe("gateway");
    expect(serverRole({ PORTICO_ROLE: "control" })).toBe("control");
  });
  it("refuses anything else with the allowed values", () => {
    expect(() => serverRole({ PORTICO_ROLE: "edge" })).toThrow(/all, gateway, control/);
  });
});

describe("PORTICO_WORKERS", () => {
  it("unset is one process; auto is one per core; N is N", () => {
    expect(workerCount({}, 8)).toBe(1);
    expect(workerCount({ PORTICO_WORKERS: "auto" }, 2)).toBe(2);
    expect(workerCount({ PORTICO_WORKERS: "3" }, 2)).toBe(3);
  });
  it("refuses zero, negatives, fractions, words and absurd counts", () => {
    for (const v of ["0", "-1", "1.5", "many", "65"]) expect(() => workerCount({ PORTICO_WORKERS: v }, 2)).toThrow(/PORTICO_WORKERS/);
  });
});

describe("data-plane paths", () => {
  it("covers /v1, /mcp, health and metrics, nothing else", () => {
    for (const p of ["/v1/chat/completions", "/v1", "/mcp/docs", "/healthz", "/readyz?x=1", "/metrics"]) expect(isDataPlanePath(p)).toBe(true);
    for (const p of ["/", "/admin", "/api/admin/apps", "/v1x", "/healthzz", "/portal"]) expect(isDataPlanePath(p)).toBe(false);
  });
});
