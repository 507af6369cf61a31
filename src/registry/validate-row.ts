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

/**
 * Validates a row given as cells aligned with `columns`.
 * @example validateRow(familyColumns, cells, ctx)
 */
export function validateRow(
  columns: readonly ColumnDef[],
  cells: ReadonlyArray<string | undefined>,
  ctx: ValidationContext,
): RowResult {
  const values: RowValues = {};
  const errors: CellError[] = [];
  const warnings: CellWarning[] = [];
  let nikRaw: string | undefined;
  let kkRaw: string | undefined;
  let nikDef: ColumnDef | undefined;
  let kkDef: ColumnDef | undefined;

  for (let i = 0; i < columns.length; i++) {
    const def = columns[i]!;
    const raw = cells[i] ?? '';
    if (def.kind.type === 'nik') { nikRaw = raw; nikDef = def; }
    if (def.kind.type === 'kk') { kkRaw = raw; kkDef = def; }
    if (raw.trim() === '') {
      if (def.required) errors.push({ column: def.name, code: 'REQUIRED', message: `Kolom ${def.name} wajib diisi.`, valueMasked: '' });
      values[def.field] = def.kind.type === 'enum_set' || def.kind.type === 'programs' ? [] : null;
      continue;
    }
    const r = parseCell(def, raw, ctx);
    if ('value' in r) {
      values[def.field] = r.value;
      for (const w of r.warnings ?? []) warnings.push({ column: def.name, code: w.code, message: w.message });
    } else errors.push({ column: def.name, code: r.code, message: r.message, valueMasked: maskForReport(def.kind.type, raw) });
  }

  if (kkDef && kkRaw !== undefined && kkRaw.trim() !== '') {
    const kk = parseKk(kkRaw, { isKnownDistrict: ctx.isKnownDistrict, today: ctx.today });
    if (kk.ok) {
      values[kkDef.field] = kk.kk;
      for (const w of kk.warnings) warnings.push({ column: kkDef.name, code: w.code, message: w.message });
    } else {
      for (const e of kk.errors) errors.push({ column: kkDef.name, code: e.code, message: e.message, valueMasked: maskForReport('kk', kkRaw) });
    }
  }
  if (nikDef && nikRaw !== undefined && nikRaw.trim() !== '') {
    const birthDate = typeof values.birthDate === 'string' ? values.birthDate : undefined;
    const sex = values.sex === 'L' || values.sex === 'P' ? (values.sex as Sex) : undefined;
    const kk = typeof values.kkNumber === 'string' ? values.kkNumber : undefined;
    const nik = parseNik(nikRaw, {
      ...(birthDate ? { birthDate } : {}), ...(sex ? { sex } : {}), ...(kk ? { kk } : {}),
      isKnownDistrict: ctx.isKnownDistrict, today: ctx.today,
    });
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
