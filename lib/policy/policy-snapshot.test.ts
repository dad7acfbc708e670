import { describe, expect, it } from "vitest";
import { keyChains } from "./policy-snapshot";

describe("key rotation chains", () => {
  it("maps every key of a chain to its newest key (policies) and its first key (bucket)", () => {
    const { current, root } = keyChains([
      { id: "a", rotatedFromId: null, createdAt: 1 },
      { id: "b", rotatedFromId: "a", createdAt: 2 },
      { id: "c", rotatedFromId: "b", createdAt: 3 },
      { id: "lone", rotatedFromId: null, createdAt: 1 },
    ]);
    for (const id of ["a", "b", "c"]) {
      expect(current.get(id)).toBe("c");
      expect(root.get(id)).toBe("a");
    }
    expect(current.has("lone")).toBe(false);
  });
  it("a key rotated twice (during grace) follows its newest rotation; a cycle cannot hang", () => {
    const { current } = keyChains([
      { id: "b1", rotatedFromId: "a", createdAt: 2 },
      { id: "b2", rotatedFromId: "a", createdAt: 5 },
      { id: "x", rotatedFromId: "y", createdAt: 1 },
      { id: "y", rotatedFromId: "x", createdAt: 1 },
    ]);
    expect(current.get("a")).toBe("b2");
    expect(typeof current.get("x")).toBe("string");
  });
});
