/** Minimal RFC 4180 CSV writing for reports and exports. */

/** Quotes a cell when needed; neutralises spreadsheet formulas (CSV injection). */
export function csvCell(value: unknown): string {
  let s = value == null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\n\r;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** @example csvLine(['a', 'b,c']) === 'a,"b,c"\n' */
export function csvLine(cells: readonly unknown[]): string {
  return cells.map(csvCell).join(',') + '\n';
}
