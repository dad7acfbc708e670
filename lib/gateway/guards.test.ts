import { afterEach, describe, expect, it } from "vitest";
import { contentGuard } from "@/lib/policy/guards-content";
import { limitsGuard } from "@/lib/policy/limits";
import { gatewayGuards } from "./guards";
import { installGuards, runGuards, type GuardInput } from "./stages/guard";

afterEach(() => installGuards([]));

describe("the guard list", () => {
  it("is content, then limits: a call refused for its content never takes a rate-limit slot", () => {
    const list = gatewayGuards();
    expect(list.map((x) => x.name)).toEqual(["content", "limits"]);
    expect(list[0]!.run).toBe(contentGuard);
    expect(list[1]!.run).toBe(limitsGuard);
  });

  it("runGuards runs the installed list in its order, stops at the first refusal, and a new list replaces it", async () => {
    const seen: string[] = [];
    const input = {} as GuardInput;
    installGuards([
      { name: "a", run: () => void seen.push("a") },
      { name: "b", run: async () => void seen.push("b") },
      { name: "c", run: () => void seen.push("c") },
    ]);
    await runGuards(input);
    expect(seen).toEqual(["a", "b", "c"]);

    seen.length = 0;
    installGuards([
      { name: "no", run: () => { seen.push("no"); throw new Error("refused"); } },
      { name: "after", run: () => void seen.push("after") },
    ]);
    expect(() => runGuards(input)).toThrow("refused");
    expect(seen).toEqual(["no"]);
  });
});
