/**
 * One set of number formats for every screen (tables, stats, tooltips):
 * - dollars: two decimals from one cent up ($2.50, $1,234.00); below a cent two significant digits
 *   ($0.00012, $0.00010), so small costs never collapse to $0.00 nor show six decimals in one place and five in another;
 * - counts and tokens: exact below 1,000, then one compact style (8.2k, 128k, 1.5M) everywhere.
 */
export function fmtUsd(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  if (n === 0) return "$0";
  const a = Math.abs(n);
  const sign = n < 0 ? "-" : "";
  if (a >= 0.01) return `${sign}$${a.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  const d = Math.min(12, 1 - Math.floor(Math.log10(a)));
  return `${sign}$${a.toFixed(d)}`;
}

export function fmtCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  const a = Math.abs(n);
  const units: [number, string][] = [
    [1e9, "B"],
    [1e6, "M"],
    [1e3, "k"],
  ];
  for (const [f, s] of units) {
    if (a >= f * 0.9995) {
      const v = n / f;
      // 3 significant digits at most: 8.2k, 12.5k, 128k
      const txt = Math.abs(v) >= 100 ? Math.round(v).toString() : (Math.round(v * 10) / 10).toString();
      return `${txt}${s}`;
    }
  }
  return Math.round(n) === n ? n.toLocaleString("en-US") : n.toLocaleString("en-US", { maximumFractionDigits: 2 });
}
