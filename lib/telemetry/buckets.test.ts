import { describe, expect, it } from "vitest";
import { bucketIndexOf, bucketStarts, chooseBucket, coverSegments, DAY, fillBuckets, HOUR, localDayStart, MIN, parseTz, tzOffsetMs } from "./buckets";

const T = Date.UTC(2026, 2, 20, 12, 0); // 2026-03-20 12:00 UTC

describe("bucket selection", () => {
  it("picks the bucket and the rollup granularity from the range", () => {
    expect(chooseBucket(T - 15 * MIN, T)).toMatchObject({ name: "1m", source: "m" });
    expect(chooseBucket(T - 2 * HOUR, T)).toMatchObject({ name: "1m", source: "m" });
    expect(chooseBucket(T - 6 * HOUR, T)).toMatchObject({ name: "5m", source: "m", stepMs: 5 * MIN });
    expect(chooseBucket(T - 24 * HOUR, T)).toMatchObject({ name: "1h", source: "h", stepMs: HOUR });
    expect(chooseBucket(T - 3 * DAY, T)).toMatchObject({ name: "1h", source: "h" });
    expect(chooseBucket(T - 7 * DAY, T)).toMatchObject({ name: "1d", source: "h", stepMs: null });
    expect(chooseBucket(T - 30 * DAY, T)).toMatchObject({ name: "1d", source: "h" });
    expect(chooseBucket(T - 90 * DAY, T)).toMatchObject({ name: "1d", source: "d" });
  });

  it("keeps every chart between a handful and a few hundred points", () => {
    for (const span of [15 * MIN, HOUR, 6 * HOUR, DAY, 3 * DAY, 7 * DAY, 30 * DAY, 365 * DAY]) {
      const n = bucketStarts(T - span, T, chooseBucket(T - span, T)).length;
      expect(n).toBeGreaterThanOrEqual(7);
      expect(n).toBeLessThanOrEqual(400);
    }
  });
});

describe("time zones", () => {
  it("parses IANA names and fixed offsets, falling back to UTC", () => {
    expect(parseTz("Europe/Paris")).toBe("Europe/Paris");
    expect(parseTz("+05:30")).toBe("+05:30");
    expect(parseTz("Mars/Olympus")).toBe("UTC");
    expect(parseTz(undefined)).toBe("UTC");
    expect(tzOffsetMs(T, "+05:30")).toBe(5.5 * HOUR);
    expect(tzOffsetMs(T, "-0800")).toBe(-8 * HOUR);
    expect(tzOffsetMs(Date.UTC(2026, 0, 15), "Europe/Paris")).toBe(HOUR);
    expect(tzOffsetMs(Date.UTC(2026, 6, 15), "Europe/Paris")).toBe(2 * HOUR);
  });

  it("starts day buckets at local midnight, across a DST change", () => {
    expect(localDayStart(T, "UTC")).toBe(Date.UTC(2026, 2, 20));
    expect(localDayStart(T, "Europe/Paris")).toBe(Date.UTC(2026, 2, 19, 23));
    expect(localDayStart(Date.UTC(2026, 2, 20, 23, 30), "Europe/Paris")).toBe(Date.UTC(2026, 2, 20, 23));
    // Paris moves to summer time on 2026-03-29: that day is 23 hours long.
    const from = Date.UTC(2026, 2, 27, 12);
    const to = Date.UTC(2026, 2, 31, 12);
    const starts = bucketStarts(from, to, { name: "1d", source: "h", stepMs: null }, "Europe/Paris");
    expect(starts.map((s) => new Date(s).toISOString())).toEqual([
      "2026-03-26T23:00:00.000Z",
      "2026-03-27T23:00:00.000Z",
      "2026-03-28T23:00:00.000Z",
      "2026-03-29T22:00:00.000Z",
      "2026-03-30T22:00:00.000Z",
    ]);
  });

  it("uses UTC days for long ranges read from day rollups", () => {
    const starts = bucketStarts(T - 60 * DAY, T, chooseBucket(T - 60 * DAY, T), "Europe/Paris");
    expect(starts.every((s) => s % DAY === 0)).toBe(true);
  });
});

describe("filling", () => {
  it("zero-fills empty buckets and sums points into the bucket that holds them", () => {
    const starts = bucketStarts(T - 5 * HOUR, T, { name: "1h", source: "h", stepMs: HOUR });
    expect(starts).toHaveLength(5);
    const filled = fillBuckets(starts, [
      { t: T - 5 * HOUR, v: 1 },
      { t: T - 5 * HOUR + 10 * MIN, v: 2 },
      { t: T - HOUR + 1, v: 4 },
      { t: T - 10 * HOUR, v: 100 }, // before the first bucket: dropped
    ]);
    expect(filled).toEqual([3, 0, 0, 0, 4]);
    expect(bucketIndexOf(starts, T - 6 * HOUR)).toBe(-1);
  });

  it("covers a range exactly with day rows in the middle and hour rows at the edges", () => {
    const from = Date.UTC(2026, 2, 1, 15, 20);
    const to = Date.UTC(2026, 2, 5, 9, 0);
    expect(coverSegments(from, to)).toEqual([
      { gran: "h", start: Date.UTC(2026, 2, 1, 15), end: Date.UTC(2026, 2, 2) },
      { gran: "d", start: Date.UTC(2026, 2, 2), end: Date.UTC(2026, 2, 5) },
      { gran: "h", start: Date.UTC(2026, 2, 5), end: to },
    ]);
    expect(coverSegments(to - 3 * HOUR, to)).toEqual([{ gran: "m", start: to - 3 * HOUR, end: to }]);
    expect(coverSegments(to - 20 * HOUR, to)).toEqual([{ gran: "h", start: to - 20 * HOUR, end: to }]);
  });
});
