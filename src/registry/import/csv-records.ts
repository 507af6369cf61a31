/**
 * CSV records for the bulk import, split in two steps so that parsing can run on
 * worker threads: the reader finds where records end in the raw bytes (cheap: a
 * `memchr` per line, a byte loop only for lines that hold a quote) and cuts the file
 * into batches of whole records; a worker turns a batch's text into cells.
 *
 * Both steps follow one state machine, so they always agree on record boundaries:
 * RFC 4180 quoting (a quote opens a quoted field only at the start of a field, `""` is
 * a quote inside one), comma or semicolon, LF or CRLF line ends (CR alone in a file
 * without LF), empty lines skipped. Unlike a strict parser, a stray quote inside an
 * unquoted field, or text after a closing quote, is kept as written: the row is then
 * validated and reported like any other bad row instead of stopping the import. Only a
 * quote left open at the end of the file stops it (everything after it would be one cell).
 *
 * Row numbers are the rows a spreadsheet shows when it opens the file: the header is
 * row 1 and every record or empty line takes one row, even a record whose quoted cell
 * spans several lines (for files without such cells this is the line number).
 */
import { AppError } from '../../platform/errors.js';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

export interface CsvDialect {
  /** Byte of the field delimiter: `,` or `;`. */
  readonly delimiter: number;
  /** Byte that ends a line: LF, or CR for files with CR-only line ends. */
  readonly newline: number;
}

/** The dialect of a file from its first bytes (the header line decides). */
export function sniffDialect(head: Uint8Array): CsvDialect {
  const newline = head.indexOf(LF) === -1 && head.indexOf(CR) !== -1 ? CR : LF;
  let start = 0;
  while (start < head.length && (head[start] === LF || head[start] === CR)) start++;
  let end = head.indexOf(newline, start);
  if (end === -1) end = head.length;
  let commas = 0;
  let semicolons = 0;
  for (let i = start; i < end; i++) {
    if (head[i] === 0x2c) commas++;
    else if (head[i] === 0x3b) semicolons++;
  }
  return { delimiter: semicolons > commas ? 0x3b : 0x2c, newline };
}

/**
 * Finds the end of the record that starts at `pos` (a field start) with the byte
 * loop. Returns the offset just past its line end, or -1 when `buf` ends first.
 */
function endOfRecord(buf: Uint8Array, pos: number, end: number, d: CsvDialect): number {
  let fieldStart = true;
  let inQuotes = false;
  for (let i = pos; i < end; i++) {
    const c = buf[i]!;
    if (inQuotes) {
      if (c === QUOTE) {
        if (i + 1 >= end) return -1; // `""` or a closing quote: the next byte decides
        if (buf[i + 1] === QUOTE) i++;
        else inQuotes = false;
      }
    } else if (c === QUOTE && fieldStart) {
      inQuotes = true;
      fieldStart = false;
    } else if (c === d.delimiter) {
      fieldStart = true;
    } else if (c === d.newline) {
      return i + 1;
    } else {
      fieldStart = false;
    }
  }
  return -1;
}

/** A record longer than this is a quote left open, not data. */
const MAX_RECORD_BYTES = 1 << 20;

function unclosedQuote(line: number): AppError {
  return new AppError('unknown_format',
    `Berkas CSV rusak: tanda petik (") yang dibuka di baris ${line} tidak ditutup, sehingga sisa berkas terbaca sebagai satu sel. Periksa sel yang berisi tanda petik.`);
}

/** A run of whole records cut from the file, in its raw bytes. */
export interface RecordRun {
  /** The records' bytes (each ends with a line end, except possibly the file's last). */
  readonly bytes: Uint8Array;
  /** Records in `bytes` (empty lines are not records). */
  readonly records: number;
  /** Spreadsheet rows before `bytes` (header, records, empty lines): its first is row `rowsBefore + 1`. */
  readonly rowsBefore: number;
}

/**
 * Cuts a byte stream into runs of at most `maxRecords` records, after skipping the
 * first `skipRecords` (already imported by an interrupted run). `rowsBefore` counts
 * the rows already consumed (the header). Runs keep the order of the file.
 * @example for await (const run of recordRuns(chunks, dialect, { maxRecords: 5000, skipRecords: 0, rowsBefore: 1 })) …
 */
export async function* recordRuns(
  chunks: AsyncIterable<Uint8Array>,
  d: CsvDialect,
  opts: { maxRecords: number; skipRecords: number; rowsBefore: number },
): AsyncGenerator<RecordRun> {
  let skip = opts.skipRecords;
  let rows = opts.rowsBefore;
  let carry: Uint8Array = new Uint8Array(0);
  // The run being built: slices of successive chunks (views, no copies until it is cut).
  let parts: Uint8Array[] = [];
  let records = 0;
  let isRunOpen = false;
  let runRowsBefore = rows;

  for await (const chunk of chunks) {
    const buf = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
    const end = buf.length;
    let pos = 0;
    let runStart = 0;
    let nextQuote = buf.indexOf(QUOTE, 0);
    for (;;) {
      const nl = buf.indexOf(d.newline, pos);
      if (nl === -1) break;
      let recordEnd: number;
      if (nextQuote === -1 || nextQuote > nl) {
        recordEnd = nl + 1;
      } else {
        recordEnd = endOfRecord(buf, pos, end, d);
        if (recordEnd === -1) break;
        nextQuote = buf.indexOf(QUOTE, recordEnd);
      }
      const isEmpty = recordEnd - pos === 1 || (recordEnd - pos === 2 && d.newline === LF && buf[pos] === CR);
      if (!isRunOpen) {
        if (isEmpty || skip > 0) {
          if (!isEmpty) skip--;
          rows++;
          pos = recordEnd;
          runStart = pos;
          continue;
        }
        isRunOpen = true;
        runRowsBefore = rows;
        runStart = pos;
      }
      rows++;
      pos = recordEnd;
      if (isEmpty) continue;
      records++;
      if (records === opts.maxRecords) {
        parts.push(buf.subarray(runStart, pos));
        yield { bytes: parts.length === 1 ? parts[0]! : Buffer.concat(parts), records, rowsBefore: runRowsBefore };
        parts = [];
        records = 0;
        isRunOpen = false;
        runStart = pos;
      }
    }
    if (isRunOpen && pos > runStart) parts.push(buf.subarray(runStart, pos));
    carry = buf.subarray(pos);
    if (carry.length > MAX_RECORD_BYTES) throw unclosedQuote(rows + 1);
  }
  // The last record may have no line end.
  if (carry.length > 0) {
    const tail = Buffer.concat([carry, Buffer.from([d.newline])]);
    if (endOfRecord(tail, 0, tail.length, d) === -1) throw unclosedQuote(rows + 1);
    const isEmpty = carry.length === 1 && carry[0] === CR;
    if (!isEmpty && skip === 0) {
      if (!isRunOpen) runRowsBefore = rows;
      isRunOpen = true;
      parts.push(carry);
      records++;
    }
  }
  if (records > 0) yield { bytes: parts.length === 1 ? parts[0]! : Buffer.concat(parts), records, rowsBefore: runRowsBefore };
}

/** One parsed record. */
export interface CsvRecord {
  readonly rowNo: number;
  readonly cells: string[];
}

/**
 * Parses the records of a run (its bytes decoded as UTF-8). Calls `onRecord` once per
 * record, in order, with the record's spreadsheet row number.
 */
export function parseRecords(text: string, rowsBefore: number, delimiter: string, newline: string, onRecord: (rowNo: number, cells: string[]) => void): void {
  const n = text.length;
  const nlCode = newline.charCodeAt(0);
  const crlf = nlCode === LF;
  let row = rowsBefore;
  let pos = 0;
  let quote = text.indexOf('"');
  while (pos < n) {
    let nl = text.indexOf(newline, pos);
    if (nl === -1) nl = n;
    if (quote !== -1 && quote < pos) quote = text.indexOf('"', pos);
    if (quote === -1 || quote > nl) {
      // Fast path: a line without quotes is one record.
      row++;
      let stop = nl;
      if (crlf && stop > pos && text.charCodeAt(stop - 1) === CR) stop--;
      if (stop > pos) onRecord(row, text.slice(pos, stop).split(delimiter));
      pos = nl + 1;
      continue;
    }
    row++;
    pos = parseQuotedRecord(text, pos, delimiter.charCodeAt(0), nlCode, crlf, row, onRecord);
  }
}

/** The state machine of `endOfQuotedRecord`, building cells. Returns where the next record starts. */
function parseQuotedRecord(text: string, pos: number, delim: number, nl: number, crlf: boolean, row: number, done: (row: number, cells: string[]) => void): number {
  const n = text.length;
  const cells: string[] = [];
  let cell = '';
  let segment = pos; // start of the not yet copied part of the cell
  let fieldStart = true;
  let inQuotes = false;
  let i = pos;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (inQuotes) {
      if (c === QUOTE) {
        cell += text.slice(segment, i);
        if (text.charCodeAt(i + 1) === QUOTE) {
          cell += '"';
          i++;
        } else inQuotes = false;
        segment = i + 1;
      }
    } else if (c === QUOTE && fieldStart) {
      inQuotes = true;
      fieldStart = false;
      segment = i + 1;
    } else if (c === delim) {
      cells.push(cell + text.slice(segment, i));
      cell = '';
      segment = i + 1;
      fieldStart = true;
    } else if (c === nl) {
      break;
    } else {
      fieldStart = false;
    }
  }
  let stop = i;
  if (crlf && stop > segment && text.charCodeAt(stop - 1) === CR) stop--;
  cells.push(cell + text.slice(segment, stop));
  done(row, cells);
  return i + 1;
}

/** The header of a CSV file and where its data starts. */
export interface CsvHead {
  readonly header: string[];
  readonly dialect: CsvDialect;
  /** Byte offset of the first data row (after the BOM, empty lines and the header). */
  readonly dataOffset: number;
  /** Spreadsheet rows up to the header included. */
  readonly rowsBefore: number;
}

/**
 * Reads the header from the first bytes of a file (UTF-8, with or without BOM).
 * Empty lines before it are skipped, as they are between records.
 * @example const head = csvHead(firstMegabyte, isWholeFile);
 */
export function csvHead(bytes: Uint8Array, isWholeFile: boolean): CsvHead {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const d = sniffDialect(bytes.subarray(bom));
  const buf = isWholeFile ? Buffer.concat([bytes, Buffer.from([d.newline])]) : bytes;
  let pos = bom;
  let rows = 0;
  while (pos < bytes.length) {
    const end = endOfRecord(buf, pos, buf.length, d);
    if (end === -1) break;
    rows++;
    const text = Buffer.from(bytes.subarray(pos, Math.min(end, bytes.length))).toString('utf8');
    let header: string[] | undefined;
    parseRecords(text, 0, String.fromCharCode(d.delimiter), String.fromCharCode(d.newline), (_, cells) => { header = cells; });
    if (header) return { header, dialect: d, dataOffset: Math.min(end, bytes.length), rowsBefore: rows };
    pos = end;
  }
  if (!isWholeFile) throw new AppError('unknown_format', 'Baris judul kolom tidak dapat dibaca: terlalu panjang atau tanda petik tidak ditutup.');
  throw new AppError('unknown_format', 'Berkas kosong: tidak ada baris judul kolom.');
}
