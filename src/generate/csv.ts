/**
 * Records to CSV cells in the import format (`familyColumns`/`memberColumns`): UTF-8,
 * comma-separated, dates `YYYY-MM-DD`, booleans `ya`/`tidak`, sets and programs joined
 * with `;`, empty cell for unknown. A buffered writer keeps memory flat however many
 * rows are written.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { familyColumns, memberColumns } from '../registry/import-columns.js';
import type { CellValue, FamilyRecord, MemberRecord, ProgramReceipt } from './types.js';

function isProgram(x: string | ProgramReceipt): x is ProgramReceipt {
  return typeof x !== 'string';
}

/** One cell as the import format writes it. */
export function formatCell(value: CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'ya' : 'tidak';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value;
  const parts: string[] = [];
  for (const item of value) {
    if (isProgram(item)) parts.push(item.month ? `${item.code}:${item.month}` : item.code);
    else parts.push(item);
  }
  return parts.join(';');
}

export function familyCells(record: FamilyRecord): string[] {
  return familyColumns.map((c) => formatCell(record[c.field]));
}

export function memberCells(record: MemberRecord): string[] {
  return memberColumns.map((c) => formatCell(record[c.field]));
}

const needsQuotes = /[",\r\n]/;

export function csvEscape(s: string): string {
  return needsQuotes.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(cells: readonly string[]): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) {
    if (i > 0) line += ',';
    line += csvEscape(cells[i]!);
  }
  return `${line}\n`;
}

const CHUNK = 1 << 20;

/**
 * Encodes rows straight into 1 MB buffers and hands full ones to the stream, honouring
 * back-pressure (no large joined strings, little for the garbage collector).
 */
export class CsvWriter {
  private chunk = Buffer.allocUnsafe(CHUNK);
  private used = 0;
  private ready: Buffer[] = [];
  private failure: Error | undefined;
  /** Data rows written so far (the header not counted). */
  rows = 0;

  constructor(private readonly stream: Writable, header: readonly string[]) {
    // Keep the first write error (disk full, permission) to throw from flush/close
    // instead of crashing the process with an unhandled 'error' event.
    stream.on('error', (err: Error) => { this.failure ??= err; });
    this.push(header);
    this.rows = 0;
  }

  /** Appends a row; returns its 1-based line number in the file (header = line 1). */
  push(cells: readonly string[]): number {
    const line = csvRow(cells);
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    if (this.used + line.length * 3 > CHUNK) this.cut();
    if (line.length * 3 > CHUNK) this.ready.push(Buffer.from(line, 'utf8'));
    else this.used += this.chunk.write(line, this.used, 'utf8');
    this.rows++;
    return this.rows + 1;
  }

  private cut(): void {
    if (this.used === 0) return;
    this.ready.push(this.chunk.subarray(0, this.used));
    this.chunk = Buffer.allocUnsafe(CHUNK);
    this.used = 0;
  }

  get wantsFlush(): boolean {
    return this.ready.length > 0;
  }

  async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    const ready = this.ready;
    this.ready = [];
    for (const buf of ready) {
      if (!this.stream.write(buf)) await once(this.stream, 'drain');
    }
  }

  async close(): Promise<void> {
    this.cut();
    await this.flush();
    await new Promise<void>((resolve, reject) => {
      if (this.failure) { reject(this.failure); return; }
      this.stream.once('error', reject);
      this.stream.end(() => (this.failure ? reject(this.failure) : resolve()));
    });
  }
}
