/**
 * Parsers for single spreadsheet cells (CSV/XLSX imports, operator forms).
 *
 * Each returns a typed result instead of throwing: a bad cell is a reported row, never
 * a crash. Messages are Bahasa Indonesia for village operators and Dinsos staff, and
 * say what to do, because most bad cells come from Excel (numbers for text columns:
 * lost leading zeros, scientific notation, date serials).
 *
 * Empty input always has its own `*_EMPTY` code so the caller decides whether the
 * field is optional.
 */

import { MONTH_NAMES } from './nik.js';

export const INPUT_ISSUE_CODES = [
  'DATE_EMPTY',
  'DATE_FORMAT',
  'DATE_EXCEL_SERIAL',
  'DATE_YEAR_ONLY',
  'DATE_TWO_DIGIT_YEAR',
  'DATE_US_ORDER',
  'DATE_INVALID',
  'DATE_IN_FUTURE',
  'DATE_BEFORE_1900',
  'NAME_EMPTY',
  'NAME_DIGITS_ONLY',
  'NAME_NO_LETTERS',
  'NAME_CONTROL_CHARACTERS',
  'NAME_INVALID_CHARACTERS',
  'NAME_HAS_DIGITS', // warning
  'PHONE_EMPTY',
  'PHONE_SCIENTIFIC_NOTATION',
  'PHONE_DECIMAL_SUFFIX',
  'PHONE_INVALID_CHARACTERS',
  'PHONE_NOT_INDONESIAN',
  'PHONE_FORMAT',
  'PHONE_LENGTH',
  'PHONE_LOST_LEADING_ZERO', // warning
  'ENUM_EMPTY',
  'ENUM_UNKNOWN',
  'INT_EMPTY',
  'INT_FORMAT',
  'INT_NOT_INTEGER',
  'INT_AMBIGUOUS_SEPARATOR',
  'INT_OUT_OF_RANGE',
  'BOOL_EMPTY',
  'BOOL_UNKNOWN',
  'RTRW_EMPTY',
  'RTRW_FORMAT',
  'RTRW_ZERO',
  'RTRW_TOO_LONG',
] as const;

export type InputIssueCode = (typeof INPUT_ISSUE_CODES)[number];

export interface InputIssue {
  readonly code: InputIssueCode;
  readonly message: string;
}

export type InputResult<T> =
  | { readonly ok: true; readonly value: T; readonly warnings?: InputIssue[] }
  | { readonly ok: false; readonly code: InputIssueCode; readonly message: string };

function ok<T>(value: T, warnings?: InputIssue[]): InputResult<T> {
  return warnings === undefined ? { ok: true, value } : { ok: true, value, warnings };
}

function fail<T>(code: InputIssueCode, message: string): InputResult<T> {
  return { ok: false, code, message };
}

/** Quote operator input in a message, shortened so a pasted paragraph stays readable. */
function quote(s: string): string {
  return `"${s.length > 40 ? s.slice(0, 40) + '…' : s}"`;
}

// `3.20101E+15`, `6,28123E+11`: Excel's display of a long number in a General column.
const SCIENTIFIC = /^[+-]?\d+(?:[.,]\d*)?[eE][+-]?\d+$/;

// ---------------------------------------------------------------------------------
// Dates

const DATE_FORMATS = 'HH/BB/TTTT, HH-BB-TTTT, HH.BB.TTTT (mis. 25/03/1990) atau TTTT-BB-HH (1990-03-25)';

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
// Day first, the Indonesian order; the separator must be the same twice.
const DMY = /^(\d{1,2})([/.-])(\d{1,2})\2(\d+)$/;

export interface ParseDateOptions {
  /** Reference "now" (its UTC calendar date is used); defaults to the current time. */
  readonly today?: Date;
}

/**
 * Parse a date cell into `YYYY-MM-DD`. Accepts `YYYY-MM-DD` and day-first `DD/MM/YYYY`,
 * `DD-MM-YYYY`, `DD.MM.YYYY` (day and month may be one digit).
 *
 * Rejected with an explanation: Excel date serials, year only, two-digit years, US
 * month-first order when it is detectable (second part > 12), impossible dates, dates
 * after `today` and before 1900. A day-first reading of an ambiguous US date (03/04/1990)
 * cannot be detected and is taken as 3 April.
 *
 * @example
 * parseDateInput('25/03/1990'); // { ok: true, value: '1990-03-25' }
 * parseDateInput('32874');
 * // { ok: false, code: 'DATE_EXCEL_SERIAL',
 * //   message: '"32874" tampak seperti nomor seri tanggal Excel (= 01/01/1990), …' }
 */
export function parseDateInput(raw: string, opts: ParseDateOptions = {}): InputResult<string> {
  const s = raw.trim();
  if (s.length === 0) return fail('DATE_EMPTY', 'Tanggal kosong.');
  const today = opts.today ?? new Date();

  let y: number, m: number, d: number;
  const iso = ISO.exec(s);
  const dmy = iso === null ? DMY.exec(s) : null;
  if (iso !== null) {
    y = Number(iso[1]);
    m = Number(iso[2]);
    d = Number(iso[3]);
  } else if (dmy !== null) {
    const yearText = dmy[4] ?? '';
    d = Number(dmy[1]);
    m = Number(dmy[3]);
    if (yearText.length === 2) {
      return fail(
        'DATE_TWO_DIGIT_YEAR',
        `Tahun pada ${quote(s)} hanya 2 digit, sehingga abadnya tidak jelas (19${yearText} atau ` +
          `20${yearText}?). Tulis tahun 4 digit, mis. ${pad2(d)}/${pad2(m)}/19${yearText}.`,
      );
    }
    if (yearText.length !== 4) return formatError(s);
    y = Number(yearText);
    // Only detectable when the month position holds a number that cannot be a month.
    if (m > 12 && m <= 31 && d >= 1 && d <= 12) {
      return fail(
        'DATE_US_ORDER',
        `${quote(s)} tampaknya ditulis dengan urutan bulan/tanggal (format Amerika). Tulis dengan ` +
          `urutan tanggal/bulan/tahun: ${pad2(m)}/${pad2(d)}/${y}.`,
      );
    }
  } else {
    return unrecognisedDate(s);
  }

  if (m < 1 || m > 12) {
    return fail('DATE_INVALID', `Tanggal ${quote(s)} tidak ada: bulan harus 1–12, tertulis ${m}.`);
  }
  const monthDays = daysInMonth(y, m);
  if (d < 1 || d > monthDays) {
    const why =
      m === 2 && d === 29
        ? `${y} bukan tahun kabisat, jadi Februari hanya 28 hari`
        : `${MONTH_NAMES[m - 1]} hanya ${monthDays} hari`;
    return fail('DATE_INVALID', `Tanggal ${quote(s)} tidak ada: ${d < 1 ? 'tanggal 0 tidak ada' : why}.`);
  }
  if (y < 1900) {
    return fail('DATE_BEFORE_1900', `Tahun ${y} pada ${quote(s)} sebelum 1900; periksa kembali tahunnya.`);
  }
  const value = `${y}-${pad2(m)}-${pad2(d)}`;
  if (y * 10000 + m * 100 + d > dateKey(today)) {
    return fail('DATE_IN_FUTURE', `Tanggal ${quote(s)} belum terjadi (setelah hari ini); periksa kembali.`);
  }
  return ok(value);
}

function formatError(s: string): InputResult<string> {
  return fail('DATE_FORMAT', `Format tanggal ${quote(s)} tidak dikenali. Gunakan ${DATE_FORMATS}.`);
}

/** Explain the common shapes that are not dates as written: serials, years, timestamps. */
function unrecognisedDate(s: string): InputResult<string> {
  // Serials 1800–2100 would be dates in 1904–1905: a four-digit value there is a year.
  if (/^\d{4}$/.test(s) && Number(s) >= 1800 && Number(s) <= 2100) {
    return fail(
      'DATE_YEAR_ONLY',
      `Hanya tahun (${s}) yang tertulis; tulis tanggal lengkap, mis. 25/03/${s}.`,
    );
  }
  const serial = /^(\d{1,5})(?:[.,]\d+)?$/.exec(s);
  if (serial !== null && Number(serial[1]) >= 1) {
    return fail(
      'DATE_EXCEL_SERIAL',
      `${quote(s)} tampak seperti nomor seri tanggal Excel (= ${excelSerialToText(Number(serial[1]))}), ` +
        `bukan tanggal yang ditulis. Format kolom tanggal sebagai Teks dan tulis tanggalnya, mis. 25/03/1990.`,
    );
  }
  if (/^\d{6,8}$/.test(s)) {
    return fail(
      'DATE_FORMAT',
      `Tanggal ${quote(s)} ditulis tanpa pemisah; tulis dengan pemisah: ${DATE_FORMATS}.`,
    );
  }
  if (/\d{1,2}:\d{2}/.test(s)) {
    // Timestamps from exports carry a time zone shift risk (1990-01-01 WIB is
    // 1989-12-31T17:00Z), so we refuse to guess which calendar day was meant.
    return fail('DATE_FORMAT', `Tanggal ${quote(s)} berisi jam; tulis tanggalnya saja: ${DATE_FORMATS}.`);
  }
  return formatError(s);
}

/**
 * Excel (1900 date system) serial → `DD/MM/YYYY`. Excel counts 1900-02-29, which never
 * existed (a Lotus 1-2-3 compatibility bug), so serials from 61 on are one day ahead.
 */
function excelSerialToText(serial: number): string {
  if (serial === 60) return '29/02/1900, tanggal yang tidak pernah ada';
  const epoch = serial < 60 ? Date.UTC(1899, 11, 31) : Date.UTC(1899, 11, 30);
  const date = new Date(epoch + serial * 86_400_000);
  return `${pad2(date.getUTCDate())}/${pad2(date.getUTCMonth() + 1)}/${date.getUTCFullYear()}`;
}


function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function dateKey(d: Date): number {
  const key = d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
  // A bad `today` is a bug in the caller, not a bad cell.
  if (Number.isNaN(key)) throw new RangeError('today is an Invalid Date');
  return key;
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

// ---------------------------------------------------------------------------------
// Names

// Typographic apostrophes and hyphens (Word/phone autocorrect) become ASCII, so the same
// name typed on two devices compares equal.
const APOSTROPHES = /[\u2018\u2019\u02bc\u0060\u00b4]/g;
const HYPHENS = /[\u2010\u2011\u2013]/g;
// Letters and combining marks, space, apostrophe, hyphen, and `.`/`,` because existing
// KTP names carry abbreviations and titles ("MUH. ALI", "SITI, S.PD."): Permendagri
// 73/2022 allows abbreviated titles on the KK/KTP.
const NAME_ALLOWED = /^[\p{L}\p{M} '.,-]$/u;
const INVISIBLE = /[\p{Cc}\p{Cf}]/u;

/**
 * Normalise a person's name the way the KTP writes it: trimmed, single spaces,
 * upper case (NFC). Keeps apostrophes, hyphens, periods and commas.
 *
 * Rejects empty names, names with no letters, digits-only values (often a NIK in the
 * wrong column), control or invisible characters (a line break from Alt+Enter, a
 * zero-width space from a paste) and symbols such as `( ) / @`.
 *
 * Digits mixed with letters are a warning (`NAME_HAS_DIGITS`), not an error:
 * Permendagri 73/2022 forbids digits in names being registered now, but older records
 * exist, and refusing them would drop a person from the registry over a detail that
 * verval can settle.
 *
 * @example
 * normalizeName("  ma'ruf   amin "); // { ok: true, value: "MA'RUF AMIN" }
 * normalizeName('BUDI 2');
 * // { ok: true, value: 'BUDI 2', warnings: [{ code: 'NAME_HAS_DIGITS', … }] }
 */
export function normalizeName(raw: string): InputResult<string> {
  const s = raw.normalize('NFC').trim();
  if (s.length === 0) return fail('NAME_EMPTY', 'Nama kosong.');

  const invisible = INVISIBLE.exec(s);
  if (invisible !== null) {
    const ch = invisible[0];
    const what = ch === '\n' || ch === '\r' ? 'baris baru (Alt+Enter)' : ch === '\t' ? 'tab' : `karakter tak terlihat ${codePoint(ch)}`;
    return fail(
      'NAME_CONTROL_CHARACTERS',
      `Nama berisi ${what}; satu sel hanya boleh berisi nama saja. Hapus karakter tersebut dan ketik ulang nama.`,
    );
  }

  const value = s.replace(/\s+/gu, ' ').replace(APOSTROPHES, "'").replace(HYPHENS, '-').toUpperCase();

  let hasLetter = false;
  let hasDigit = false;
  const invalid = new Set<string>();
  for (const ch of value) {
    if (ch >= '0' && ch <= '9') hasDigit = true;
    else if (NAME_ALLOWED.test(ch)) hasLetter ||= /\p{L}/u.test(ch);
    else invalid.add(ch);
  }

  if (!hasLetter) {
    if (hasDigit) {
      const digits = value.replace(/\D/g, '');
      const hint = digits.length === 16 ? ' Angka 16 digit ini tampaknya NIK yang tertulis di kolom nama.' : '';
      return fail('NAME_DIGITS_ONLY', `Nama hanya berisi angka.${hint} Tulis nama sesuai KTP.`);
    }
    if (invalid.size === 0) return fail('NAME_NO_LETTERS', `Nama ${quote(value)} tidak berisi huruf. Tulis nama sesuai KTP.`);
  }
  if (invalid.size > 0) {
    const list = [...invalid].map((ch) => `"${ch}"`).join(' ');
    return fail(
      'NAME_INVALID_CHARACTERS',
      `Nama berisi karakter yang tidak dipakai dalam nama: ${list}. Tulis nama sesuai KTP; keterangan ` +
        `(mis. "(ALM)") dicatat di kolom lain.`,
    );
  }
  if (hasDigit) {
    return ok(value, [
      {
        code: 'NAME_HAS_DIGITS',
        message: `Nama ${quote(value)} berisi angka; nama pada KTP biasanya tidak memakai angka. Periksa kembali.`,
      },
    ]);
  }
  return ok(value);
}

function codePoint(ch: string): string {
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

// ---------------------------------------------------------------------------------
// Phone numbers

// Formatting people write inside phone numbers: spaces, dashes, dots, brackets.
const PHONE_FORMATTING = /[\s\u00a0().\-\u2010\u2011\u2013]/g;

/**
 * Normalise an Indonesian mobile or landline number to E.164 (`+62…`).
 *
 * `0812-3456-7890`, `+62 812 3456 7890`, `6281234567890`, `(021) 555-1234` are
 * accepted. Mobile numbers (08…) must have 10–13 digits with the leading 0, landlines
 * 9–12 with the area code. A 9–12 digit number starting with 8 is a mobile number
 * whose leading 0 Excel removed: accepted with a `PHONE_LOST_LEADING_ZERO` warning
 * because it has only one reading. Scientific notation and a `.0` suffix are rejected:
 * the column must be re-entered as Text.
 *
 * @example
 * parsePhone('0812-3456-7890'); // { ok: true, value: '+6281234567890' }
 * parsePhone('81234567890');
 * // { ok: true, value: '+6281234567890', warnings: [{ code: 'PHONE_LOST_LEADING_ZERO', … }] }
 */
export function parsePhone(raw: string): InputResult<string> {
  const s = raw.trim();
  if (s.length === 0) return fail('PHONE_EMPTY', 'Nomor telepon kosong.');
  const asText = 'Format kolom nomor telepon sebagai Teks, lalu ketik ulang nomornya.';
  if (SCIENTIFIC.test(s)) {
    return fail(
      'PHONE_SCIENTIFIC_NOTATION',
      `Nomor telepon tertulis dalam notasi ilmiah Excel (${quote(s)}): sebagian digit sudah hilang. ${asText}`,
    );
  }
  if (/^\+?\d+[.,]0+$/.test(s)) {
    return fail(
      'PHONE_DECIMAL_SUFFIX',
      `Nomor telepon tertulis sebagai angka desimal (${quote(s)}); angka 0 di depan kemungkinan sudah ` +
        `hilang. ${asText}`,
    );
  }

  const compact = s.replace(PHONE_FORMATTING, '');
  const hasPlus = compact.startsWith('+');
  const digits = hasPlus ? compact.slice(1) : compact;
  if (digits.length === 0) return fail('PHONE_FORMAT', `Nomor telepon ${quote(s)} tidak berisi angka.`);
  if (!/^\d+$/.test(digits)) {
    const bad = [...new Set(digits.replace(/\d/g, ''))].map((ch) => `"${ch}"`).join(' ');
    const several = /[/,;]|\bdan\b|\batau\b/i.test(s) ? ' Satu sel hanya boleh berisi satu nomor.' : '';
    return fail('PHONE_INVALID_CHARACTERS', `Nomor telepon berisi karakter bukan angka: ${bad}.${several}`);
  }

  let national: string;
  let warnings: InputIssue[] | undefined;
  if (hasPlus) {
    if (!digits.startsWith('62')) {
      return fail('PHONE_NOT_INDONESIAN', `Nomor ${quote(s)} bukan nomor Indonesia (kode negara harus +62).`);
    }
    national = digits.slice(2);
  } else if (digits.startsWith('00')) {
    if (!digits.startsWith('0062')) {
      return fail('PHONE_NOT_INDONESIAN', `Nomor ${quote(s)} bukan nomor Indonesia (kode negara harus 62).`);
    }
    national = digits.slice(4);
  } else if (digits.startsWith('0')) {
    national = digits.slice(1);
  } else if (digits.startsWith('62') && digits.length >= 11) {
    // Shorter 62… strings are area codes 062x with the 0 lost, not the country code.
    national = digits.slice(2);
  } else if (digits.startsWith('8') && digits.length >= 9 && digits.length <= 12) {
    national = digits;
    warnings = [
      {
        code: 'PHONE_LOST_LEADING_ZERO',
        message:
          `Nomor ${quote(s)} tidak diawali 0; angka 0 di depan kemungkinan dihapus Excel, jadi dibaca ` +
          `sebagai 0${digits}. Format kolom nomor telepon sebagai Teks agar tidak terulang.`,
      },
    ];
  } else {
    return fail(
      'PHONE_FORMAT',
      `Nomor ${quote(s)} harus diawali 0, 62, atau +62. Untuk telepon rumah sertakan kode area ` +
        `(mis. 021); jika angka 0 di depan dihapus Excel, format kolom sebagai Teks dan ketik ulang.`,
    );
  }
  // `+62 0812…` (country code plus trunk 0) is a common way of writing the same number.
  if (national.startsWith('0') && !national.startsWith('00')) national = national.slice(1);

  const first = national.charAt(0);
  if (first === '8') {
    if (national.length < 9 || national.length > 12) {
      return fail(
        'PHONE_LENGTH',
        `Nomor HP harus 10–13 digit termasuk 0 di depan (08…); tertulis ${national.length + 1} digit.`,
      );
    }
  } else if (/[2-79]/.test(first)) {
    if (national.length < 8 || national.length > 11) {
      return fail(
        'PHONE_LENGTH',
        `Nomor telepon rumah harus 9–12 digit termasuk kode area (mis. 021…); tertulis ${national.length + 1} digit.`,
      );
    }
  } else {
    return fail('PHONE_FORMAT', `Nomor ${quote(s)} bukan nomor HP (08…) atau telepon rumah dengan kode area.`);
  }
  return ok('+62' + national, warnings);
}

// ---------------------------------------------------------------------------------
// Code lists (questionnaire answers)

/** One answer of a code list, e.g. Regsosek "status kepemilikan bangunan". */
export interface EnumOption<C extends string = string> {
  readonly code: C;
  /** Other spellings operators use ("Milik sendiri", "milik"). */
  readonly aliases: readonly string[];
  /** The number printed next to the answer on the paper questionnaire. */
  readonly questionnaireCode?: number;
}

type CompiledEnum = Map<string, string>;
const compiledEnums = new WeakMap<readonly EnumOption[], CompiledEnum>();

/** Case, spaces, `_` and `-` do not matter; numbers ignore leading zeros (`01` = `1`). */
function enumKey(s: string): string {
  const key = s.toLowerCase().replace(/[\s_-]+/gu, '');
  return /^\d+$/.test(key) ? key.replace(/^0+(?=\d)/, '') : key;
}

/** Built once per list (cached by identity): imports call this once per row. */
function compileEnum(options: readonly EnumOption[]): CompiledEnum {
  const cached = compiledEnums.get(options);
  if (cached !== undefined) return cached;
  const map: CompiledEnum = new Map();
  const add = (label: string, code: string) => {
    const key = enumKey(label);
    const existing = map.get(key);
    // A label that means two answers is a bug in the code list, not in the data.
    if (existing !== undefined && existing !== code) {
      throw new Error(`Code list is ambiguous: "${label}" matches both "${existing}" and "${code}"`);
    }
    map.set(key, code);
  };
  for (const o of options) {
    add(o.code, o.code);
    for (const alias of o.aliases) add(alias, o.code);
    if (o.questionnaireCode !== undefined) add(String(o.questionnaireCode), o.code);
  }
  compiledEnums.set(options, map);
  return map;
}

/**
 * Match a cell against a code list by code, alias or questionnaire number, ignoring
 * case, spaces, `_` and `-`. Throws only if the code list itself is ambiguous.
 *
 * @example
 * const TENURE = [
 *   { code: 'milik_sendiri', aliases: ['Milik sendiri'], questionnaireCode: 1 },
 *   { code: 'kontrak_sewa', aliases: ['Kontrak/sewa', 'sewa'], questionnaireCode: 2 },
 * ] as const;
 * parseEnumInput(' MILIK  SENDIRI', TENURE); // { ok: true, value: 'milik_sendiri' }
 * parseEnumInput('02', TENURE);              // { ok: true, value: 'kontrak_sewa' }
 */
export function parseEnumInput<C extends string>(raw: string, codeList: readonly EnumOption<C>[]): InputResult<C> {
  const s = raw.trim();
  if (s.length === 0) return fail('ENUM_EMPTY', 'Isian kosong.');
  const code = compileEnum(codeList).get(enumKey(s));
  // Every value in the map is a `code` from this list.
  if (code !== undefined) return ok(code as C);
  const allowed = codeList
    .map((o) => {
      const label = o.aliases[0] ?? o.code;
      return o.questionnaireCode === undefined ? label : `${o.questionnaireCode} = ${label}`;
    })
    .join('; ');
  return fail('ENUM_UNKNOWN', `Isian ${quote(s)} tidak dikenal. Pilihan yang diperbolehkan: ${allowed}.`);
}

// ---------------------------------------------------------------------------------
// Integers, yes/no, RT/RW

export interface ParseIntOptions {
  readonly min?: number;
  readonly max?: number;
}

/**
 * Parse a whole number (counts, areas in m², livestock). Accepts `12`, `+12`, `-3`
 * and Excel's `12.0`/`12,00`. Rejects `1.000` and `1,500`: in Indonesian `.` groups
 * thousands and `,` is the decimal mark, in English the reverse, so the value cannot
 * be known; the operator is asked to write digits only.
 *
 * @example
 * parseIntInput('12.0', { min: 0 }); // { ok: true, value: 12 }
 * parseIntInput('1.000');
 * // { ok: false, code: 'INT_AMBIGUOUS_SEPARATOR', message: 'Angka "1.000" ambigu: …' }
 */
export function parseIntInput(raw: string, opts: ParseIntOptions = {}): InputResult<number> {
  const s = raw.trim();
  if (s.length === 0) return fail('INT_EMPTY', 'Angka kosong.');
  let value: number;
  if (/^[+-]?\d+$/.test(s)) {
    value = Number(s);
  } else if (/^[+-]?\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$/.test(s)) {
    return fail(
      'INT_AMBIGUOUS_SEPARATOR',
      `Angka ${quote(s)} ambigu: titik dan koma bisa berarti pemisah ribuan atau desimal. Tulis angka ` +
        `bulat tanpa pemisah, mis. ${s.replace(/[.,]/g, '')} atau ${s.slice(0, s.search(/[.,]/))}.`,
    );
  } else if (/^[+-]?\d+[.,]0+$/.test(s)) {
    value = Number(s.slice(0, s.search(/[.,]/)));
  } else if (/^[+-]?\d*[.,]\d+$/.test(s)) {
    return fail('INT_NOT_INTEGER', `Isian ${quote(s)} bukan bilangan bulat; tulis angka tanpa desimal.`);
  } else {
    return fail('INT_FORMAT', `Isian ${quote(s)} bukan angka; tulis angka saja, mis. 3.`);
  }
  if (!Number.isSafeInteger(value)) return fail('INT_FORMAT', `Angka ${quote(s)} terlalu besar.`);
  if (Object.is(value, -0)) value = 0;
  const { min, max } = opts;
  if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
    const range =
      min !== undefined && max !== undefined ? `${min}–${max}` : min !== undefined ? `paling kecil ${min}` : `paling besar ${max}`;
    return fail('INT_OUT_OF_RANGE', `Angka ${value} di luar batas yang diperbolehkan (${range}).`);
  }
  return ok(value);
}

// `t` means "tidak" here, as on Indonesian forms (y/t), not PostgreSQL's "true": the
// importer must never pass database text output through this parser.
const BOOL_WORDS = new Map<string, boolean>([
  ['ya', true],
  ['y', true],
  ['1', true],
  ['yes', true],
  ['true', true],
  ['tidak', false],
  ['t', false],
  ['0', false],
  ['no', false],
  ['n', false],
  ['false', false],
]);

/**
 * Parse a yes/no cell: `ya/tidak`, `y/t` (t = tidak), `1/0`, `yes/no`, `y/n`,
 * `true/false`, in any case.
 *
 * @example
 * parseBoolInput('Ya'); // { ok: true, value: true }
 * parseBoolInput('T');  // { ok: true, value: false }
 */
export function parseBoolInput(raw: string): InputResult<boolean> {
  const s = raw.trim();
  if (s.length === 0) return fail('BOOL_EMPTY', 'Isian ya/tidak kosong.');
  const value = BOOL_WORDS.get(s.toLowerCase());
  if (value !== undefined) return ok(value);
  return fail(
    'BOOL_UNKNOWN',
    `Isian ${quote(s)} tidak dikenal. Tulis Ya atau Tidak (juga diterima: Y/T, 1/0, Yes/No, True/False).`,
  );
}

/**
 * Normalise an RT or RW number to three digits: `1`, `01`, `001` → `'001'`.
 *
 * Padding is normalisation, not an error: Excel drops the leading zeros of `001` in a
 * Number column, and the number itself survives intact. RT/RW 0 does not exist.
 *
 * @example
 * parseRtRw('7');   // { ok: true, value: '007' }
 * parseRtRw('001/002');
 * // { ok: false, code: 'RTRW_FORMAT', message: '… RT dan RW tampaknya ditulis dalam satu sel …' }
 */
export function parseRtRw(raw: string): InputResult<string> {
  const s = raw.trim();
  if (s.length === 0) return fail('RTRW_EMPTY', 'RT/RW kosong.');
  if (!/^\d+$/.test(s)) {
    const hint = /\d\s*[/\\-]\s*\d/.test(s)
      ? ' RT dan RW tampaknya ditulis dalam satu sel; tulis di kolom masing-masing.'
      : /^(rt|rw)/i.test(s)
        ? ' Tulis angkanya saja, tanpa "RT"/"RW".'
        : '';
    return fail('RTRW_FORMAT', `RT/RW ${quote(s)} harus berupa angka, mis. 001.${hint}`);
  }
  const n = Number(s);
  if (n === 0) return fail('RTRW_ZERO', 'RT/RW tidak boleh 000; penomoran dimulai dari 001.');
  if (n > 999) return fail('RTRW_TOO_LONG', `RT/RW paling banyak 3 digit (001–999); tertulis ${quote(s)}.`);
  return ok(String(n).padStart(3, '0'));
}
