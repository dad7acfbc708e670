export type SortDir = "asc" | "desc";

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

/** A sorted copy: numbers numerically, text by locale with numeric parts ("key 2" < "key 10"), blanks last either way. */
export function sortRows<T>(rows: T[], value: (r: T) => string | number | null | undefined, dir: SortDir): T[] {
  const sign = dir === "asc" ? 1 : -1;
  return rows
    .map((r, i) => ({ r, v: value(r), i }))
    .sort((a, b) => {
      const blankA = a.v === null || a.v === undefined || a.v === "";
      const blankB = b.v === null || b.v === undefined || b.v === "";
      if (blankA || blankB) return blankA === blankB ? a.i - b.i : blankA ? 1 : -1;
      const c = typeof a.v === "number" && typeof b.v === "number" ? a.v - b.v : collator.compare(String(a.v), String(b.v));
      return c === 0 ? a.i - b.i : sign * c;
    })
    .map((x) => x.r);
}
