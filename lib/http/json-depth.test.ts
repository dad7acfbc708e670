import { describe, expect, it } from "vitest";
import { jsonDepth, MAX_JSON_DEPTH, tooDeep } from "./json-depth";

describe("jsonDepth", () => {
  it("counts object and array nesting", () => {
    expect(jsonDepth("1")).toBe(0);
    expect(jsonDepth('{"a":[1,{"b":[]}]}')).toBe(4);
  });

  it("ignores brackets inside strings, including escaped quotes", () => {
    expect(jsonDepth('{"a":"[[[[{{{{","b":"\\"[[["}')).toBe(1);
  });

  it("reads bytes as well as strings", () => {
    expect(jsonDepth(Buffer.from('[[["]"]]]'))).toBe(3);
  });

  it("refuses past the bound and accepts at it", () => {
    const at = "[".repeat(MAX_JSON_DEPTH) + "]".repeat(MAX_JSON_DEPTH);
    expect(tooDeep(at)).toBe(false);
    expect(tooDeep("[" + at + "]")).toBe(true);
    expect(tooDeep("[".repeat(100_000))).toBe(true);
  });
});
