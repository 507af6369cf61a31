/**
 * PostgreSQL COPY text format: one line per row, tab-separated, `\N` for NULL.
 * Used by every bulk path (regions, import) on both PGlite and PostgreSQL.
 */

const NEEDS_ESCAPE = /[\\\t\n\r]/;

/** Escapes one text value for COPY text format. */
export function copyEscape(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/** A bytea value in COPY text format (hex form, backslash escaped). */
export function copyBytes(value: Uint8Array | null | undefined): string {
  if (value == null) return '\\N';
  return '\\\\x' + Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
}

/** A text[] value in COPY text format. */
export function copyTextArray(values: readonly string[] | null | undefined): string {
  if (values == null) return '\\N';
  // Array elements are double-quoted so commas, braces and spaces stay literal.
  return copyEscape('{' + values.map((v) => '"' + v.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"').join(',') + '}');
}

/**
 * One COPY line from cells that are already in text form (or null).
 * @example copyText(['32', null, 'Jawa Barat']) === '32\t\\N\tJawa Barat\n'
 */
export function copyText(cells: ReadonlyArray<string | null | undefined>): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i];
    if (i > 0) line += '\t';
    line += c == null ? '\\N' : copyEscape(c);
  }
  return line + '\n';
}
