/**
 * Validation of one import row: pure, no I/O. A row becomes a typed record with its
 * warnings, or a list of errors each naming the column and the reason in Bahasa
 * Indonesia. Values are normalised (trimmed, codes resolved) but damage is never
 * silently repaired: see nik.ts and parse-input.ts.
 */
import type { CodeList } from './codes.js';
import type { ColumnDef } from './import-columns.js';
import { parseKk, parseNik, type Sex } from './nik.js';
import {
  normalizeName,
  parseBoolInput,
  parseDateInput,
  parseEnumInput,
  parseIntInput,
  parsePhone,
  parseRtRw,
  type EnumOption,
  type InputResult,
} from './parse-input.js';
import { powerVa } from './codes.js';
import * as codes from './codes.js';

export interface CellError {
  readonly column: string;
  readonly code: string;
  readonly message: string;
  /** The offending value, masked when it is an identifier. */
  readonly valueMasked: string;
}

export interface CellWarning {
  readonly column: string;
  readonly code: string;
  readonly message: string;
}

export type Value = string | number | boolean | string[] | null;
export type RowValues = Record<string, Value>;

export type RowResult =
  | { readonly ok: true; readonly values: RowValues; readonly warnings: CellWarning[] }
  | { readonly ok: false; readonly errors: CellError[]; readonly warnings: CellWarning[] };

export interface ValidationContext {
  readonly isKnownVillage: (code: string) => boolean;
  readonly isKnownDistrict: (code: string) => boolean;
  readonly today: Date;
}

const enumOptions = new WeakMap<CodeList, EnumOption[]>();

function optionsOf(list: CodeList): EnumOption[] {
  let options = enumOptions.get(list);
  if (!options) {
    options = list.entries.map((e) => ({ code: e.code, aliases: [e.id, ...(e.aliases ?? [])], questionnaireCode: e.no }));
    enumOptions.set(list, options);
  }
  return options;
}

/** Masks identifiers in error reports: the operator sees enough to find the cell. */
export function maskForReport(kind: ColumnDef['kind']['type'], raw: string): string {
  const s = raw.trim();
  if (kind === 'nik' || kind === 'kk' || kind === 'phone') {
    return s.length <= 6 ? '*'.repeat(s.length) : s.slice(0, 4) + '*'.repeat(s.length - 6) + s.slice(-2);
  }
  if (kind === 'text') return s.length > 0 ? `(${s.length} karakter)` : '';
  return s.length > 60 ? s.slice(0, 60) + '…' : s;
}

const VILLAGE = /^\d{2}\.\d{2}\.\d{2}\.\d{4}$/;
const PROGRAM_ITEM = /^([a-z_]+)(?::(\d{4}-\d{2}))?$/;

type CellOutcome = { value: Value; warnings?: Array<{ code: string; message: string }> } | { code: string; message: string };

function fromInput<T extends Value>(r: InputResult<T>): CellOutcome {
  if (!r.ok) return { code: r.code, message: r.message };
  return r.warnings ? { value: r.value, warnings: r.warnings } : { value: r.value };
}

/** Parses one non-empty cell that is not an identifier (NIK/KK are checked with the row). */
function parseCell(def: ColumnDef, raw: string, ctx: ValidationContext): CellOutcome {
  const kind = def.kind;
  switch (kind.type) {
    case 'village': {
      const s = raw.trim();
      if (!VILLAGE.test(s)) {
        return { code: 'VILLAGE_FORMAT', message: `Kode desa harus berbentuk PP.KK.CC.DDDD (mis. 32.01.01.2001); tertulis "${s}".` };
      }
      if (!ctx.isKnownVillage(s)) return { code: 'VILLAGE_UNKNOWN', message: `Kode desa ${s} tidak ada dalam daftar wilayah Kemendagri.` };
      return { value: s };
    }
    case 'text': {
      // PostgreSQL cannot store U+0000 in text: one such cell would fail its whole batch.
      if (raw.includes('\u0000')) return { code: 'TEXT_NUL_CHARACTER', message: 'Isian berisi karakter NUL (U+0000) yang tidak dapat disimpan; hapus karakter tersebut dari sel.' };
      const s = raw.trim().replace(/\s+/g, ' ');
      if (s.length > kind.max) return { code: 'TEXT_TOO_LONG', message: `Isian terlalu panjang (${s.length} karakter; paling banyak ${kind.max}).` };
      return { value: s };
    }
    case 'name':
      return fromInput(normalizeName(raw));
    case 'date':
      return fromInput(parseDateInput(raw, { today: ctx.today }));
    case 'phone':
      return fromInput(parsePhone(raw));
    case 'rt_rw':
      return fromInput(parseRtRw(raw));
    case 'int':
      return fromInput(parseIntInput(raw, { min: kind.min, max: kind.max }));
    case 'bool':
      return fromInput(parseBoolInput(raw));
    case 'power': {
      const r = parseIntInput(raw, { min: 1, max: 100_000 });
      if (!r.ok) return { code: r.code, message: r.message };
      const va = r.value >= 2200 ? 2200 : r.value;
      if (!(powerVa as readonly number[]).includes(va)) {
        return { code: 'POWER_UNKNOWN', message: `Daya listrik ${r.value} VA tidak dikenal; isi 450, 900, 1300 atau 2200 (2200 ke atas).` };
      }
      return { value: va };
    }
    case 'enum':
      return fromInput(parseEnumInput(raw, optionsOf(kind.list)));
    case 'enum_set': {
      const out: string[] = [];
      for (const part of raw.split(/[;,]/)) {
        if (part.trim() === '') continue;
        const r = parseEnumInput(part, optionsOf(kind.list));
        if (!r.ok) return { code: r.code, message: r.message };
        if (!out.includes(r.value)) out.push(r.value);
      }
      return { value: out };
    }
    case 'programs': {
      // Items stay `code` or `code:YYYY-MM`; the writer splits them into two arrays.
      const items: string[] = [];
      for (const part of raw.split(';')) {
        const item = part.trim().toLowerCase();
        if (item === '') continue;
        const m = PROGRAM_ITEM.exec(item.replace(/\s+/g, ''));
        const code = m ? parseEnumInput(m[1] ?? '', optionsOf(codes.program)) : undefined;
        if (!m || !code || !code.ok) {
          return { code: 'PROGRAM_UNKNOWN', message: `Program "${part.trim()}" tidak dikenal; tulis kode program dipisah titik koma, mis. pkh:2025-01;bpnt.` };
        }
        items.push(m[2] ? `${code.value}:${m[2]}` : code.value);
      }
      return { value: items };
    }
    case 'nik':
    case 'kk':
      return { value: raw.trim() };
  }
}

// ---------------------------------------------------------------- fast paths
//
// An import validates millions of cells, nearly all of them clean and typed the same
// way. Each fast path below recognises only input whose result it can tell without the
// general parser (plain ASCII, no surrounding spaces, the common spelling) and returns
// exactly what `parseCell` would; anything else, including every error, goes through
// `parseCell`, so messages and edge cases stay in one place.

type FastParse = (raw: string, ctx: ValidationContext) => Value | undefined;

const BOOL_FAST = new Map<string, boolean>([['ya', true], ['tidak', false], ['y', true], ['t', false], ['1', true], ['0', false]]);
const MEMO_LIMIT = 4096;

/** Digits only, 1–9 of them (fits an int32). Returns the number, or -1. */
function smallUint(raw: string): number {
  const n = raw.length;
  if (n === 0 || n > 9) return -1;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = raw.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** Printable ASCII with single inner spaces and none at the ends: trim and space folding change nothing. */
function isTidyAscii(raw: string): boolean {
  const n = raw.length;
  if (n === 0 || raw.charCodeAt(0) === 32 || raw.charCodeAt(n - 1) === 32) return false;
  let prevSpace = false;
  for (let i = 0; i < n; i++) {
    const c = raw.charCodeAt(i);
    if (c === 32) {
      if (prevSpace) return false;
      prevSpace = true;
    } else {
      if (c < 33 || c > 126) return false;
      prevSpace = false;
    }
  }
  return true;
}

/** `normalizeName` for names made of ASCII letters, single spaces and `'.,-`, with a letter. */
function fastName(raw: string): string | undefined {
  const n = raw.length;
  if (n === 0 || raw.charCodeAt(0) === 32 || raw.charCodeAt(n - 1) === 32) return undefined;
  let hasLetter = false;
  let prevSpace = false;
  for (let i = 0; i < n; i++) {
    const c = raw.charCodeAt(i);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) {
      hasLetter = true;
      prevSpace = false;
    } else if (c === 32) {
      if (prevSpace) return undefined;
      prevSpace = true;
    } else if (c === 39 || c === 44 || c === 45 || c === 46) {
      prevSpace = false;
    } else return undefined;
  }
  return hasLetter ? raw.toUpperCase() : undefined;
}

function utcDateKey(d: Date): number {
  return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

/** `YYYY-MM-DD` that exists, from 1900 up to today. */
function fastIsoDate(raw: string, ctx: ValidationContext): string | undefined {
  if (raw.length !== 10 || raw.charCodeAt(4) !== 45 || raw.charCodeAt(7) !== 45) return undefined;
  const y = smallUint(raw.slice(0, 4));
  const m = smallUint(raw.slice(5, 7));
  const d = smallUint(raw.slice(8, 10));
  if (y < 1900 || m < 1 || m > 12 || d < 1) return undefined;
  const days = m === 2 ? ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
  if (d > days || !(y * 10000 + m * 100 + d <= utcDateKey(ctx.today))) return undefined;
  return raw;
}

function fastParserOf(def: ColumnDef): FastParse | undefined {
  const kind = def.kind;
  switch (kind.type) {
    case 'village':
      return (raw, ctx) => (raw.length === 13 && VILLAGE.test(raw) && ctx.isKnownVillage(raw) ? raw : undefined);
    case 'text':
      return (raw) => (raw.length <= kind.max && isTidyAscii(raw) ? raw : undefined);
    case 'name':
      return fastName;
    case 'date':
      return fastIsoDate;
    case 'phone':
      // 08… with 10–13 digits: the national number after the trunk 0.
      return (raw) => {
        const n = raw.length;
        if (n < 10 || n > 13 || raw.charCodeAt(0) !== 48 || raw.charCodeAt(1) !== 56) return undefined;
        for (let i = 2; i < n; i++) {
          const c = raw.charCodeAt(i);
          if (c < 48 || c > 57) return undefined;
        }
        return '+62' + raw.slice(1);
      };
    case 'rt_rw':
      return (raw) => {
        const v = raw.length <= 3 ? smallUint(raw) : -1;
        return v >= 1 ? String(v).padStart(3, '0') : undefined;
      };
    case 'int':
      return (raw) => {
        const v = smallUint(raw);
        return v >= 0 && v >= kind.min && v <= kind.max ? v : undefined;
      };
    case 'bool':
      return (raw) => BOOL_FAST.get(raw);
    case 'power':
      return (raw) => {
        const v = smallUint(raw);
        if (v < 1 || v > 100_000) return undefined;
        const va = v >= 2200 ? 2200 : v;
        return (powerVa as readonly number[]).includes(va) ? va : undefined;
      };
    case 'nik':
    case 'kk':
      // Checked with the row (parseNik/parseKk); here only trimmed.
      return (raw) => (raw.length === 16 && isTidyAscii(raw) ? raw : undefined);
    default:
      return undefined;
  }
}

/** Per column: its fast path, and for code lists a memo of spellings already resolved. */
interface CompiledColumn {
  readonly def: ColumnDef;
  readonly fast: FastParse | undefined;
  readonly memo: Map<string, string> | undefined;
}

interface Compiled {
  readonly columns: CompiledColumn[];
  /**
   * Every field, in column order: each row's values start as a copy of it, so setting a
   * field never adds a property (which, by computed name, V8 does only slowly).
   */
  readonly template: RowValues;
}

const compiledColumns = new WeakMap<readonly ColumnDef[], Compiled>();
const enumMemos = new WeakMap<CodeList, Map<string, string>>();

function compile(columns: readonly ColumnDef[]): Compiled {
  let compiled = compiledColumns.get(columns);
  if (!compiled) {
    compiled = {
      template: Object.fromEntries(columns.map((def) => [def.field, null])) as RowValues,
      columns: columns.map((def) => {
        let memo: Map<string, string> | undefined;
        if (def.kind.type === 'enum') {
          memo = enumMemos.get(def.kind.list);
          if (!memo) enumMemos.set(def.kind.list, (memo = new Map()));
        }
        return { def, fast: fastParserOf(def), memo };
      }),
    };
    compiledColumns.set(columns, compiled);
  }
  return compiled;
}

/**
 * A copy of `s` that does not share memory with the string it was cut from: a cell is a
 * slice of its whole batch's text, and a long-lived key that is a slice keeps that text.
 */
function detached(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}

function isBlank(raw: string): boolean {
  const n = raw.length;
  if (n === 0) return true;
  const c = raw.charCodeAt(0);
  // Not a space of any kind at the start: not blank, without calling trim().
  if (c > 32 && c !== 160 && c < 5760) return false;
  return raw.trim() === '';
}

// The KK of a members file repeats on consecutive rows (one family after another).
let lastKk: { raw: string; today: number; isKnownDistrict: (code: string) => boolean; result: ReturnType<typeof parseKk> } | undefined;

function parseKkCached(raw: string, ctx: ValidationContext): ReturnType<typeof parseKk> {
  const today = ctx.today.getTime();
  const cached = lastKk;
  if (cached && cached.raw === raw && cached.today === today && cached.isKnownDistrict === ctx.isKnownDistrict) return cached.result;
  const result = parseKk(raw, { isKnownDistrict: ctx.isKnownDistrict, today: ctx.today });
  lastKk = { raw, today, isKnownDistrict: ctx.isKnownDistrict, result };
  return result;
}

/**
 * Validates a row given as cells aligned with `columns`.
 * @example validateRow(familyColumns, cells, ctx)
 */
export function validateRow(
  columns: readonly ColumnDef[],
  cells: ReadonlyArray<string | undefined>,
  ctx: ValidationContext,
): RowResult {
  const { columns: compiled, template } = compile(columns);
  const values: RowValues = { ...template };
  const errors: CellError[] = [];
  const warnings: CellWarning[] = [];
  let nikRaw: string | undefined;
  let kkRaw: string | undefined;
  let nikDef: ColumnDef | undefined;
  let kkDef: ColumnDef | undefined;

  for (let i = 0; i < compiled.length; i++) {
    const { def, fast, memo } = compiled[i]!;
    const raw = cells[i] ?? '';
    const type = def.kind.type;
    if (type === 'nik') { nikRaw = raw; nikDef = def; }
    else if (type === 'kk') { kkRaw = raw; kkDef = def; }
    if (isBlank(raw)) {
      if (def.required) errors.push({ column: def.name, code: 'REQUIRED', message: `Kolom ${def.name} wajib diisi.`, valueMasked: '' });
      values[def.field] = type === 'enum_set' || type === 'programs' ? [] : null;
      continue;
    }
    if (fast) {
      const v = fast(raw, ctx);
      if (v !== undefined) {
        values[def.field] = v;
        continue;
      }
    } else if (memo) {
      const code = memo.get(raw);
      if (code !== undefined) {
        values[def.field] = code;
        continue;
      }
    }
    const r = parseCell(def, raw, ctx);
    if ('value' in r) {
      values[def.field] = r.value;
      if (r.warnings) for (const w of r.warnings) warnings.push({ column: def.name, code: w.code, message: w.message });
      else if (memo && typeof r.value === 'string' && memo.size < MEMO_LIMIT) memo.set(detached(raw), r.value);
    } else errors.push({ column: def.name, code: r.code, message: r.message, valueMasked: maskForReport(type, raw) });
  }

  if (kkDef && kkRaw !== undefined && !isBlank(kkRaw)) {
    const kk = parseKkCached(kkRaw, ctx);
    if (kk.ok) {
      values[kkDef.field] = kk.kk;
      for (const w of kk.warnings) warnings.push({ column: kkDef.name, code: w.code, message: w.message });
    } else {
      for (const e of kk.errors) errors.push({ column: kkDef.name, code: e.code, message: e.message, valueMasked: maskForReport('kk', kkRaw) });
    }
  }
  if (nikDef && nikRaw !== undefined && !isBlank(nikRaw)) {
    const birthDate = typeof values.birthDate === 'string' ? values.birthDate : undefined;
    const sex = values.sex === 'L' || values.sex === 'P' ? (values.sex as Sex) : undefined;
    const kk = typeof values.kkNumber === 'string' ? values.kkNumber : undefined;
    // Built by assignment: object spreads here cost more than the whole NIK check.
    const options: { birthDate?: string; sex?: Sex; kk?: string; isKnownDistrict: (code: string) => boolean; today: Date } = { isKnownDistrict: ctx.isKnownDistrict, today: ctx.today };
    if (birthDate) options.birthDate = birthDate;
    if (sex) options.sex = sex;
    if (kk) options.kk = kk;
    const nik = parseNik(nikRaw, options);
    if (nik.ok) {
      values[nikDef.field] = nik.nik;
      for (const w of nik.warnings) warnings.push({ column: nikDef.name, code: w.code, message: w.message });
    } else {
      for (const e of nik.errors) errors.push({ column: nikDef.name, code: e.code, message: e.message, valueMasked: maskForReport('nik', nikRaw) });
      // Explanations that help fix the row (e.g. "looks like a placeholder") go along.
      for (const w of nik.warnings) errors.push({ column: nikDef.name, code: w.code, message: w.message, valueMasked: maskForReport('nik', nikRaw) });
    }
  } else if (nikDef) {
    warnings.push({ column: nikDef.name, code: 'NIK_EMPTY', message: 'NIK kosong: anggota dicatat tanpa NIK dan perlu dilengkapi.' });
  }

  if (values.isPregnant === true && values.sex === 'L') {
    errors.push({ column: 'hamil', code: 'PREGNANT_MALE', message: 'Anggota laki-laki tidak dapat berstatus hamil.', valueMasked: 'ya' });
  }
  return errors.length > 0 ? { ok: false, errors, warnings } : { ok: true, values, warnings };
}
