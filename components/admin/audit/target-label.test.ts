import { describe, expect, it } from "vitest";
import { targetLabel } from "./target-label";

describe("targetLabel", () => {
  it("names the target from the snapshot after the change, else before it", () => {
    expect(targetLabel({ before: null, after: { id: "usr_1", email: "ann@x.test" } })).toBe("ann@x.test");
    expect(targetLabel({ before: { name: "Old team" }, after: null })).toBe("Old team");
    expect(targetLabel({ before: { name: "A" }, after: { name: "B" } })).toBe("B");
    expect(targetLabel({ before: null, after: { alias: "mock-chat" } })).toBe("mock-chat");
  });
  it("gives null when there is no name to show", () => {
    expect(targetLabel({ before: null, after: { currentVersion: 2 } })).toBeNull();
    expect(targetLabel({ before: "x", after: 3 })).toBeNull();
  });
});
