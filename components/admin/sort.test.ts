import { describe, expect, it } from "vitest";
import { sortRows } from "./sort";

describe("sortRows", () => {
  const rows = [{ n: "key 10", c: 3 }, { n: "key 2", c: null }, { n: "Alpha", c: 1 }, { n: "", c: 2 }];
  it("sorts text naturally and case-insensitively, blanks last", () => {
    expect(sortRows(rows, (r) => r.n, "asc").map((r) => r.n)).toEqual(["Alpha", "key 2", "key 10", ""]);
    expect(sortRows(rows, (r) => r.n, "desc").map((r) => r.n)).toEqual(["key 10", "key 2", "Alpha", ""]);
  });
  it("sorts numbers numerically, nulls last in both directions", () => {
    expect(sortRows(rows, (r) => r.c, "asc").map((r) => r.c)).toEqual([1, 2, 3, null]);
    expect(sortRows(rows, (r) => r.c, "desc").map((r) => r.c)).toEqual([3, 2, 1, null]);
  });
  it("does not change the input", () => {
    const copy = [...rows];
    sortRows(rows, (r) => r.c, "asc");
    expect(rows).toEqual(copy);
  });
});
