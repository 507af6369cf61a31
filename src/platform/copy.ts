/**
 * PostgreSQL COPY formats, used by every bulk path (regions, import) on both PGlite and
 * PostgreSQL: text (one line per row, tab-separated, `\N` for NULL) and binary.
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

const BINARY_SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const TEXT_OID = 25;
/** Days from 1970-01-01 to 2000-01-01, PostgreSQL's date epoch. */
const PG_EPOCH_DAYS = 10_957;

/**
 * Rows in PostgreSQL's binary COPY format (`COPY … FROM STDIN WITH (FORMAT binary)`),
 * written straight into one growing buffer: no text escaping on our side, no parsing
 * of hex bytea, dates and arrays on the database's side. The caller writes each row's
 * fields in the table's column order, with the column's exact type.
 *
 * @example
 * const w = new CopyBinaryWriter();
 * w.row(2); w.int4(1); w.text('Jawa Barat');
 * await raw.copyFrom('copy t (id, name) from stdin with (format binary)', w.finish());
 */
export class CopyBinaryWriter {
  #buf: Buffer;
  #pos = 0;

  constructor(initialBytes = 1 << 16) {
    this.#buf = Buffer.allocUnsafe(Math.max(initialBytes, 64));
    BINARY_SIGNATURE.copy(this.#buf, 0);
    this.#buf.fill(0, BINARY_SIGNATURE.length, BINARY_SIGNATURE.length + 8); // flags, header extension
    this.#pos = BINARY_SIGNATURE.length + 8;
  }

  #reserve(bytes: number): void {
    if (this.#pos + bytes <= this.#buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#pos + bytes));
    this.#buf.copy(next, 0, 0, this.#pos);
    this.#buf = next;
  }

  // Big-endian integers written byte by byte: cheaper than Buffer#writeInt32BE's checks,
  // and this runs a few dozen times per imported row.
  #i32(value: number): void {
    const b = this.#buf;
    let p = this.#pos;
    b[p++] = value >>> 24;
    b[p++] = value >>> 16;
    b[p++] = value >>> 8;
    b[p++] = value;
    this.#pos = p;
  }

  /** Starts a row of `fields` fields. */
  row(fields: number): void {
    this.#reserve(2);
    this.#buf[this.#pos++] = fields >>> 8;
    this.#buf[this.#pos++] = fields;
  }

  null(): void {
    this.#reserve(4);
    this.#i32(-1);
  }

  int4(value: number): void {
    this.#reserve(8);
    this.#i32(4);
    this.#i32(value);
  }

  bool(value: boolean): void {
    this.#reserve(5);
    this.#i32(1);
    this.#buf[this.#pos++] = value ? 1 : 0;
  }

  /** A `date` from `YYYY-MM-DD`. */
  date(iso: string): void {
    const days = Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / 86_400_000;
    this.int4(days - PG_EPOCH_DAYS);
  }

  /** A `text` value (UTF-8). */
  text(value: string): void {
    this.#reserve(4 + value.length * 3);
    const start = this.#pos;
    let written = value.length;
    // ASCII (nearly every cell) is copied by hand; anything else is encoded by Node.
    let i = 0;
    for (; i < written; i++) {
      const c = value.charCodeAt(i);
      if (c > 0x7f) break;
      this.#buf[start + 4 + i] = c;
    }
    if (i < written) written = this.#buf.write(value, start + 4, 'utf8');
    this.#i32(written);
    this.#pos = start + 4 + written;
  }

  /** A `bytea` value. */
  bytes(value: Uint8Array): void {
    this.#reserve(4 + value.length);
    this.#i32(value.length);
    this.#buf.set(value, this.#pos);
    this.#pos += value.length;
  }

  /** A one-dimensional `text[]` without NULL elements (`{}` when empty). */
  textArray(values: readonly string[]): void {
    this.#reserve(24);
    const start = this.#pos;
    this.#pos += 4; // length, filled in below
    this.#i32(values.length === 0 ? 0 : 1); // dimensions
    this.#i32(0); // has nulls
    this.#i32(TEXT_OID);
    if (values.length > 0) {
      this.#i32(values.length);
      this.#i32(1); // lower bound
      for (const v of values) this.text(v);
    }
    const end = this.#pos;
    this.#pos = start;
    this.#i32(end - start - 4);
    this.#pos = end;
  }

  /** Rows written so far, with the trailer, in a buffer of their own; the writer starts over. */
  finish(): Uint8Array {
    this.#reserve(2);
    this.#buf[this.#pos++] = 0xff;
    this.#buf[this.#pos++] = 0xff;
    const out = new Uint8Array(this.#pos);
    out.set(this.#buf.subarray(0, this.#pos));
    this.#pos = BINARY_SIGNATURE.length + 8;
    return out;
  }
}
