/**
 * CSV (RFC 4180) cell and row encoding. A cell is quoted when it holds a comma, quote,
 * CR or LF, or leading/trailing spaces; quotes are doubled. Text that a spreadsheet
 * would run as a formula (= + - @ tab CR at the start) is prefixed with ' (OWASP CSV
 * injection); numbers are written as they are.
 */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "";
  if (typeof v === "boolean") return v ? "true" : "false";
  let s = typeof v === "string" ? v : JSON.stringify(v);
  if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
  if (/[",\r\n]/.test(s) || /^\s|\s$/.test(s)) return `"${s.replace(/"/g, '""')}"`;
  return s;
}

export function csvRow(cells: readonly unknown[]): string {
  return cells.map(csvCell).join(",") + "\r\n";
}

/** A whole small table (chart data): header + rows. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return csvRow(header) + rows.map(csvRow).join("");
}
