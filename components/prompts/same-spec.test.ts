import { describe, expect, it } from "vitest";
import { sameSpec } from "./same-spec";

describe("sameSpec", () => {
  it("ignores key order and absent optional members", () => {
    expect(sameSpec({ a: 1, b: { c: [1, { d: 2, e: null }] } }, { b: { c: [1, { d: 2 }] }, a: 1, x: undefined })).toBe(true);
  });
  it("sees real changes", () => {
    expect(sameSpec({ userTemplate: "Hi {{x}}" }, { userTemplate: "Hi {{y}}" })).toBe(false);
    expect(sameSpec({ v: [1, 2] }, { v: [2, 1] })).toBe(false);
  });
});
