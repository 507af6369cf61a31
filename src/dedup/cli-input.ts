/**
 * Validation of the dedup command's input rows, shared by the main thread and the
 * worker that reads the second half of a large file: the header, each row's shape,
 * record_id, sex and birth date; valid rows go to a {@link FeatureBuilder}.
 */
import { isValidIsoDate } from './dates.js';
import type { FeatureBuilder } from './features.js';

export const INPUT_COLUMNS = ['record_id', 'nik', 'kk_number', 'full_name', 'sex', 'birth_place', 'birth_date', 'mother_name', 'address', 'village_code'] as const;
type Column = (typeof INPUT_COLUMNS)[number];

/** Problems reported before reading stops. */
export const MAX_REPORTED_ERRORS = 20;

/** A bad row: its line and a message in Bahasa Indonesia naming the row. */
export interface RowProblem {
  readonly line: number;
  readonly message: string;
}

/** Input that cannot be used at all (no header, no record_id column, a column twice). */
export class InputError extends Error {}

/** Thrown to stop reading once {@link MAX_REPORTED_ERRORS} problems are known. */
export class TooManyProblems extends Error {}

/** Column positions of a header row; throws {@link InputError}. */
export function headerIndex(row: readonly string[], line: number): Record<Column, number> {
  const header = row.map((h) => h.trim().toLowerCase());
  if (!header.includes('record_id')) throw new InputError(`baris ${line}: kolom record_id tidak ada di header (${header.join(',')})`);
  const dup = header.find((h, k) => header.indexOf(h) !== k);
  if (dup) throw new InputError(`baris ${line}: kolom ${dup} muncul dua kali di header`);
  return Object.fromEntries(INPUT_COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<Column, number>;
}

/**
 * Validates rows after the header and adds the good ones to `builder`; once a problem is
 * found, rows are still checked (to report up to 20 problems) but no longer added.
 */
export class InputRows {
  readonly problems: RowProblem[] = [];
  /** record_id → line, for duplicates. */
  readonly seen = new Map<string, number>();
  /** Line of each record added, in order. */
  readonly lines: number[] = [];

  constructor(
    private readonly builder: FeatureBuilder,
    private readonly index: Record<Column, number>,
    private readonly width: number,
  ) {}

  private fail(line: number, message: string): void {
    this.problems.push({ line, message });
    if (this.problems.length >= MAX_REPORTED_ERRORS) throw new TooManyProblems();
  }

  row(row: readonly string[], line: number): void {
    if (row.length !== this.width) {
      this.fail(line, `baris ${line}: ${row.length} kolom, header punya ${this.width}`);
      return;
    }
    const index = this.index;
    const get = (c: Column): string => {
      const k = index[c];
      return k >= 0 ? row[k]!.trim() : '';
    };
    const id = get('record_id');
    if (id === '') return this.fail(line, `baris ${line}: record_id kosong`);
    const prev = this.seen.get(id);
    if (prev !== undefined) return this.fail(line, `baris ${line}: record_id ${id} sudah dipakai di baris ${prev}`);
    this.seen.set(id, line);
    const sexRaw = get('sex').toUpperCase();
    if (sexRaw !== '' && sexRaw !== 'L' && sexRaw !== 'P') return this.fail(line, `baris ${line}: sex "${get('sex')}" harus L, P atau kosong`);
    const birthDate = get('birth_date');
    if (birthDate !== '' && !isValidIsoDate(birthDate)) return this.fail(line, `baris ${line}: birth_date "${birthDate}" bukan tanggal YYYY-MM-DD yang sah`);
    if (this.problems.length > 0) return;
    this.lines.push(line);
    this.builder.add({
      id,
      nik: get('nik'),
      kkNumber: get('kk_number'),
      fullName: get('full_name'),
      sex: sexRaw,
      birthPlace: get('birth_place'),
      birthDate,
      motherName: get('mother_name'),
      address: get('address'),
      villageCode: get('village_code'),
    });
  }
}
