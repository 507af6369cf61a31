/**
 * Streams the rows of a CSV (comma or semicolon, UTF-8 with or without BOM) or XLSX
 * file as arrays of cell strings, never holding the whole file in memory. Row numbers
 * are those the operator sees in a spreadsheet: the header is row 1.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse } from 'csv-parse';
import { AppError } from '../../platform/errors.js';

export interface SourceRow {
  readonly rowNo: number;
  readonly cells: string[];
  /** XLSX: indexes of cells stored as numbers (an identifier there has lost digits). */
  readonly numericCells?: ReadonlySet<number>;
}

export interface RowSource {
  readonly header: string[];
  readonly format: 'csv' | 'xlsx';
  /** Bytes read so far and the file size, for a progress bar. */
  progress(): { bytesRead: number; bytesTotal: number };
  rows(): AsyncIterable<SourceRow>;
  /** Releases the file when the rows are not read to the end. */
  close(): void;
}

async function sniffDelimiter(path: string): Promise<',' | ';'> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const firstLine = buf.subarray(0, bytesRead).toString('utf8').split(/\r?\n/)[0] ?? '';
    const semicolons = firstLine.split(';').length - 1;
    const commas = firstLine.split(',').length - 1;
    return semicolons > commas ? ';' : ',';
  } finally {
    await fh.close();
  }
}

async function isZip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(4);
    await fh.read(buf, 0, 4, 0);
    return buf[0] === 0x50 && buf[1] === 0x4b;
  } finally {
    await fh.close();
  }
}

async function openCsv(path: string, bytesTotal: number): Promise<RowSource> {
  const delimiter = await sniffDelimiter(path);
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  let bytesRead = 0;
  file.on('data', (chunk) => { bytesRead += chunk.length; });
  const parser = file.pipe(parse({ delimiter, bom: true, relax_column_count: true, skip_empty_lines: true, info: true }));
  const iterator = parser[Symbol.asyncIterator]() as AsyncIterator<{ record: string[]; info: { lines: number } }>;
  const first = await iterator.next();
  if (first.done) throw new AppError('unknown_format', 'Berkas kosong: tidak ada baris judul kolom.');
  const header = first.value.record;
  return {
    header,
    format: 'csv',
    progress: () => ({ bytesRead, bytesTotal }),
    close: () => file.destroy(),
    async *rows() {
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield { rowNo: next.value.info.lines, cells: next.value.record };
      }
    },
  };
}

function cellText(value: unknown): string {
  if (value == null) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    const v = value as { text?: unknown; result?: unknown; richText?: Array<{ text: string }> };
    if (Array.isArray(v.richText)) return v.richText.map((t) => t.text).join('');
    if (v.result !== undefined) return cellText(v.result);
    if (v.text !== undefined) return String(v.text);
    return '';
  }
  return String(value);
}

async function openXlsx(path: string, bytesTotal: number): Promise<RowSource> {
  const { default: ExcelJS } = await import('exceljs');
  const file = createReadStream(path);
  let bytesRead = 0;
  file.on('data', (chunk) => { bytesRead += chunk.length; });
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', worksheets: 'emit' });
  const sheets = reader[Symbol.asyncIterator]();
  const sheet = await sheets.next();
  if (sheet.done) throw new AppError('unknown_format', 'Berkas XLSX tidak berisi lembar kerja.');
  const rowsIt = (sheet.value as AsyncIterable<{ number: number; values: unknown[] }>)[Symbol.asyncIterator]();
  const first = await rowsIt.next();
  if (first.done) throw new AppError('unknown_format', 'Lembar kerja pertama kosong: tidak ada baris judul kolom.');
  const toCells = (values: unknown[]) => values.slice(1).map(cellText); // exceljs rows are 1-based
  const header = toCells(first.value.values);
  return {
    header,
    format: 'xlsx',
    progress: () => ({ bytesRead, bytesTotal }),
    close: () => file.destroy(),
    async *rows() {
      for (;;) {
        const next = await rowsIt.next();
        if (next.done) return;
        const cells = toCells(next.value.values);
        if (cells.every((c) => c.trim() === '')) continue;
        const numericCells = new Set<number>();
        next.value.values.forEach((v, i) => { if (typeof v === 'number' && i > 0) numericCells.add(i - 1); });
        yield { rowNo: next.value.number, cells, ...(numericCells.size > 0 ? { numericCells } : {}) };
      }
    },
  };
}

/**
 * Checks that `path` is a readable file in a format the import knows (by extension and
 * content), with messages in Bahasa Indonesia.
 * @example const { format, size } = await detectFormat('keluarga.csv');
 */
export async function detectFormat(path: string): Promise<{ format: 'csv' | 'xlsx'; size: number }> {
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new Error('bukan berkas biasa');
    size = s.size;
  } catch (err) {
    throw new AppError('file_unreadable', `Berkas ${path} tidak dapat dibaca: ${(err as Error).message}`);
  }
  const ext = extname(path).toLowerCase();
  const zip = await isZip(path);
  if (ext === '.xlsx' || zip) {
    if (!zip) throw new AppError('unknown_format', `Berkas ${path} berakhiran .xlsx tetapi bukan berkas Excel yang sah.`);
    return { format: 'xlsx', size };
  }
  if (ext === '.xls') throw new AppError('unknown_format', `Format .xls (Excel 97-2003) tidak didukung; simpan ulang sebagai .xlsx atau .csv.`);
  if (ext !== '.csv' && ext !== '.txt' && ext !== '') {
    throw new AppError('unknown_format', `Format berkas ${ext} tidak dikenal; gunakan .csv atau .xlsx.`);
  }
  return { format: 'csv', size };
}

/**
 * @example const source = await openRowSource('keluarga.xlsx'); for await (const row of source.rows()) …
 */
export async function openRowSource(path: string): Promise<RowSource> {
  const { format, size } = await detectFormat(path);
  return format === 'xlsx' ? openXlsx(path, size) : openCsv(path, size);
}
