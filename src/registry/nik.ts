/**
 * NIK and No. KK parsing and validation.
 *
 * Both are 16 digits `PP KK CC DDMMYY SSSS` (Kemendagri region code of the district,
 * a date, a serial 0001–9999), with no checksum. For a NIK the date is the birth date,
 * with 40 added to the day for women; for a KK it is the issue date (no +40).
 *
 * We write our own parser because the npm ones we looked at are wrong (every woman
 * reported as male, 31 February accepted, BPS instead of Kemendagri codes): see
 * docs "Identifiers" in the domain brief.
 *
 * Policy: only what makes the number impossible is an error. A NIK is for life, so its
 * region and date may legitimately disagree with the recorded address and birth date
 * (corrections do not change the NIK; regions are split over time, e.g. 91 Papua →
 * 93–96): those are warnings attached to the record for verval, never rejections.
 *
 * Spreadsheet damage (scientific notation, a `.0` suffix, separators) is recognised and
 * explained but never "repaired": Excel keeps only 15 significant digits, so the digits
 * we would reconstruct may be wrong, and a wrong NIK is worse than a rejected one.
 *
 * Messages are Bahasa Indonesia for operators. They avoid echoing the whole number
 * back (it is personal data and the operator already has the row in front of them).
 */

/** Every issue code, so callers can build exhaustive tables (translations, statuses). */
export const ISSUE_CODES = [
  // NIK: errors
  'NIK_EMPTY',
  'NIK_SCIENTIFIC_NOTATION',
  'NIK_DECIMAL_SUFFIX',
  'NIK_HAS_SEPARATORS',
  'NIK_INVALID_CHARACTERS',
  'NIK_WRONG_LENGTH',
  'NIK_INVALID_MONTH',
  'NIK_INVALID_DAY',
  'NIK_INVALID_DATE',
  'NIK_SERIAL_ZERO',
  // NIK: warnings
  'NIK_UNKNOWN_REGION',
  'NIK_PLACEHOLDER',
  'NIK_BIRTH_DATE_MISMATCH',
  'NIK_SEX_MISMATCH',
  'NIK_EQUALS_KK',
  // KK: errors
  'KK_EMPTY',
  'KK_SCIENTIFIC_NOTATION',
  'KK_DECIMAL_SUFFIX',
  'KK_HAS_SEPARATORS',
  'KK_INVALID_CHARACTERS',
  'KK_WRONG_LENGTH',
  'KK_INVALID_MONTH',
  'KK_INVALID_DAY',
  'KK_INVALID_DATE',
  'KK_SERIAL_ZERO',
  // KK: warnings
  'KK_UNKNOWN_REGION',
  'KK_PLACEHOLDER',
] as const;

export type IssueCode = (typeof ISSUE_CODES)[number];

/** A problem found in an identifier; `message` is for the operator, in Bahasa Indonesia. */
export interface Issue {
  readonly code: IssueCode;
  readonly message: string;
}

/** Sex as written on the KTP: L = laki-laki, P = perempuan. */
export type Sex = 'L' | 'P';

export interface ParseNikOptions {
  /** Recorded birth date `YYYY-MM-DD`; resolves the century and is compared. Ignored if malformed. */
  readonly birthDate?: string;
  /** Recorded sex, compared with the sex encoded in the NIK. */
  readonly sex?: Sex;
  /** The person's No. KK; a NIK equal to it is flagged. */
  readonly kk?: string;
  /** Lookup of Kemendagri district codes `PP.KK.CC` (e.g. backed by idn-area-data). */
  readonly isKnownDistrict?: (code: string) => boolean;
  /** Reference "now" (its UTC calendar date is used); defaults to the current time. */
  readonly today?: Date;
}

export interface ParseKkOptions {
  readonly isKnownDistrict?: (code: string) => boolean;
  readonly today?: Date;
}

export type NikResult =
  | {
      readonly ok: true;
      readonly nik: string;
      readonly provinceCode: string;
      readonly regencyCode: string;
      readonly districtCode: string;
      readonly sex: Sex;
      readonly birthDate: string;
      readonly serial: string;
      readonly warnings: Issue[];
    }
  | { readonly ok: false; readonly errors: Issue[]; readonly warnings: Issue[] };

export type KkResult =
  | {
      readonly ok: true;
      readonly kk: string;
      readonly provinceCode: string;
      readonly regencyCode: string;
      readonly districtCode: string;
      readonly issueDate: string;
      readonly serial: string;
      readonly warnings: Issue[];
    }
  | { readonly ok: false; readonly errors: Issue[]; readonly warnings: Issue[] };

/**
 * Parse and validate a NIK (Nomor Induk Kependudukan).
 *
 * Leading/trailing whitespace is trimmed; nothing else is repaired. The two-digit year
 * is resolved against `opts.birthDate` when given (the century whose date is nearest
 * the recorded one), otherwise to the latest date not after `opts.today`; centuries
 * in which the date does not exist (29 Feb 1900) or lies in the future are never
 * chosen.
 *
 * @example
 * parseNik('3201014508900003', { sex: 'L' });
 * // { ok: true, nik: '3201014508900003', provinceCode: '32', regencyCode: '32.01',
 * //   districtCode: '32.01.01', sex: 'P', birthDate: '1990-08-05', serial: '0003',
 * //   warnings: [{ code: 'NIK_SEX_MISMATCH', message: 'Jenis kelamin dalam NIK …' }] }
 *
 * @example
 * parseNik('3.20101E+15');
 * // { ok: false, errors: [{ code: 'NIK_SCIENTIFIC_NOTATION', … }], warnings: [] }
 */
export function parseNik(raw: string, opts: ParseNikOptions = {}): NikResult {
  const s = raw.trim();
  const shape = checkShape('NIK', s);
  if (shape !== undefined) return { ok: false, errors: shape, warnings: [] };

  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const todayKey = dateKeyOf(opts.today ?? new Date());
  const recorded = opts.birthDate === undefined ? undefined : parseIsoDate(opts.birthDate);

  const rawDay = digitPair(s, 6);
  const month = digitPair(s, 8);
  const yy = digitPair(s, 10);

  let sex: Sex | undefined;
  let day = 0;
  if (rawDay >= 1 && rawDay <= 31) {
    sex = 'L';
    day = rawDay;
  } else if (rawDay >= 41 && rawDay <= 71) {
    sex = 'P';
    day = rawDay - 40;
  } else {
    errors.push(issue('NIK_INVALID_DAY', nikDayMessage(s.slice(6, 8), rawDay)));
  }
  const isMonthValid = month >= 1 && month <= 12;
  if (!isMonthValid) errors.push(monthIssue('NIK', s.slice(8, 10)));

  let birthDate: string | undefined;
  if (sex !== undefined && isMonthValid) {
    const year = resolveYear(yy, month, day, todayKey, recorded?.epochDay);
    if (year === undefined) errors.push(issue('NIK_INVALID_DATE', missingDateMessage('NIK', yy, month, day, todayKey)));
    else birthDate = isoDate(year, month, day);
  }
  if (isSerialZero(s)) errors.push(serialIssue('NIK'));

  // Warnings are computed for whatever parts could be read, so an operator fixing an
  // error also sees what else is odd about the number.
  const districtCode = s.slice(0, 2) + '.' + s.slice(2, 4) + '.' + s.slice(4, 6);
  regionWarning('NIK', s, districtCode, opts.isKnownDistrict, warnings);
  if (sex !== undefined && opts.sex !== undefined && sex !== opts.sex) {
    warnings.push(issue('NIK_SEX_MISMATCH', sexMismatchMessage(sex, opts.sex)));
  }
  if (birthDate !== undefined && recorded !== undefined && birthDate !== recorded.iso) {
    warnings.push(issue('NIK_BIRTH_DATE_MISMATCH', birthDateMismatchMessage(birthDate, recorded.iso)));
  }
  placeholderWarning('NIK', s, warnings);
  if (opts.kk !== undefined && opts.kk.trim() === s) {
    warnings.push(
      issue(
        'NIK_EQUALS_KK',
        'NIK sama dengan Nomor KK; kemungkinan Nomor KK tertulis di kolom NIK. Cocokkan dengan KTP atau KK.',
      ),
    );
  }

  if (errors.length > 0 || sex === undefined || birthDate === undefined) return { ok: false, errors, warnings };
  return {
    ok: true,
    nik: s,
    provinceCode: s.slice(0, 2),
    regencyCode: districtCode.slice(0, 5),
    districtCode,
    sex,
    birthDate,
    serial: s.slice(12, 16),
    warnings,
  };
}

/**
 * Parse and validate a No. KK (Kartu Keluarga number): region of issue, issue date
 * (no +40), serial. The two-digit year resolves to the latest date not after `today`.
 *
 * @example
 * parseKk('3201011502150007');
 * // { ok: true, kk: '3201011502150007', provinceCode: '32', regencyCode: '32.01',
 * //   districtCode: '32.01.01', issueDate: '2015-02-15', serial: '0007', warnings: [] }
 *
 * @example
 * parseKk('320101150215007');
 * // { ok: false, errors: [{ code: 'KK_WRONG_LENGTH',
 * //   message: 'Nomor KK harus 16 digit angka; tertulis 15 digit. …' }], warnings: [] }
 */
export function parseKk(raw: string, opts: ParseKkOptions = {}): KkResult {
  const s = raw.trim();
  const shape = checkShape('KK', s);
  if (shape !== undefined) return { ok: false, errors: shape, warnings: [] };

  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const todayKey = dateKeyOf(opts.today ?? new Date());
  const day = digitPair(s, 6);
  const month = digitPair(s, 8);
  const yy = digitPair(s, 10);

  const isDayValid = day >= 1 && day <= 31;
  if (!isDayValid) errors.push(issue('KK_INVALID_DAY', kkDayMessage(s.slice(6, 8), day)));
  const isMonthValid = month >= 1 && month <= 12;
  if (!isMonthValid) errors.push(monthIssue('KK', s.slice(8, 10)));

  let issueDate: string | undefined;
  if (isDayValid && isMonthValid) {
    const year = resolveYear(yy, month, day, todayKey, undefined);
    if (year === undefined) errors.push(issue('KK_INVALID_DATE', missingDateMessage('KK', yy, month, day, todayKey)));
    else issueDate = isoDate(year, month, day);
  }
  if (isSerialZero(s)) errors.push(serialIssue('KK'));

  const districtCode = s.slice(0, 2) + '.' + s.slice(2, 4) + '.' + s.slice(4, 6);
  regionWarning('KK', s, districtCode, opts.isKnownDistrict, warnings);
  placeholderWarning('KK', s, warnings);

  if (errors.length > 0 || issueDate === undefined) return { ok: false, errors, warnings };
  return {
    ok: true,
    kk: s,
    provinceCode: s.slice(0, 2),
    regencyCode: districtCode.slice(0, 5),
    districtCode,
    issueDate,
    serial: s.slice(12, 16),
    warnings,
  };
}

// ---------------------------------------------------------------------------------
// Shape: is it 16 plain digits? The valid case is one loop over char codes; the
// regexes below only run once we already know the input is bad.

type Kind = 'NIK' | 'KK';

const LABEL: Record<Kind, string> = { NIK: 'NIK', KK: 'Nomor KK' };

function issue(code: IssueCode, message: string): Issue {
  return { code, message };
}

/** Returns the shape errors, or undefined when `s` is exactly 16 ASCII digits. */
function checkShape(kind: Kind, s: string): Issue[] | undefined {
  if (s.length === 16 && isAllDigits(s)) return undefined;
  const label = LABEL[kind];
  if (s.length === 0) return [issue(`${kind}_EMPTY`, `${label} kosong.`)];

  const retype = `Format kolom ${label} sebagai Teks, lalu ketik ulang ${label} dari dokumen (KTP/KK).`;
  if (SCIENTIFIC.test(s)) {
    return [
      issue(
        `${kind}_SCIENTIFIC_NOTATION`,
        `${label} tertulis dalam notasi ilmiah Excel ("${clip(s)}"): sebagian digit sudah hilang ` +
          `dan tidak dapat dipulihkan. ${retype}`,
      ),
    ];
  }
  if (DECIMAL_SUFFIX.test(s)) {
    return [
      issue(
        `${kind}_DECIMAL_SUFFIX`,
        `${label} tertulis sebagai angka desimal (berakhiran "${s.slice(s.search(/[.,]0+$/))}"): kolom ` +
          `diperlakukan sebagai angka, sehingga digit terakhir bisa sudah berubah (Excel hanya ` +
          `menyimpan 15 digit). ${retype}`,
      ),
    ];
  }

  let digits = 0;
  const separators = new Set<string>();
  const invalid: string[] = [];
  let position = 0;
  for (const ch of s) {
    position++;
    if (ch >= '0' && ch <= '9') digits++;
    else if (SEPARATORS.has(ch)) separators.add(SEPARATORS.get(ch) ?? ch);
    else if (invalid.length < 5) invalid.push(`${showChar(ch)} (posisi ${position})`);
  }

  const errors: Issue[] = [];
  if (invalid.length > 0) {
    errors.push(
      issue(
        `${kind}_INVALID_CHARACTERS`,
        `${label} hanya boleh berisi angka; ditemukan karakter bukan angka: ${invalid.join(', ')}.` +
          lookalikeHint(s),
      ),
    );
  }
  if (separators.size > 0) {
    errors.push(
      issue(
        `${kind}_HAS_SEPARATORS`,
        `${label} berisi pemisah (${[...separators].join(', ')}) di antara angka; tulis 16 digit ` +
          `angka tanpa pemisah.`,
      ),
    );
  }
  if (invalid.length === 0 && digits !== 16) {
    errors.push(issue(`${kind}_WRONG_LENGTH`, lengthMessage(label, digits, separators.size > 0)));
  }
  return errors;
}

// `3.20101E+15`, `3,20101E+15`, `3E15`: what Excel shows for a 16-digit number.
const SCIENTIFIC = /^[+-]?\d+(?:[.,]\d*)?[eE][+-]?\d+$/;
// `3201011234560001.0`: the cell went through a float (pandas, Excel "Number" format).
const DECIMAL_SUFFIX = /^\d+[.,]0+$/;

const SEPARATORS = new Map<string, string>([
  [' ', 'spasi'],
  ['\t', 'tab'],
  ['\u00a0', 'spasi'],
  ['\u2007', 'spasi'],
  ['\u202f', 'spasi'],
  ['.', 'titik'],
  ['-', 'tanda hubung'],
  ['\u2010', 'tanda hubung'],
  ['\u2011', 'tanda hubung'],
  ['\u2013', 'tanda hubung'],
  ['\u2014', 'tanda hubung'],
]);

function isAllDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function lengthMessage(label: string, digits: number, hasSeparators: boolean): string {
  const base = hasSeparators
    ? `${label} harus 16 digit angka; tanpa pemisah pun hanya ada ${digits} digit.`
    : `${label} harus 16 digit angka; tertulis ${digits} digit.`;
  if (digits === 15) return `${base} Kemungkinan ada satu digit yang hilang; cocokkan dengan dokumen (KTP/KK).`;
  if (digits === 17) return `${base} Kemungkinan ada satu digit yang terketik dua kali; cocokkan dengan dokumen (KTP/KK).`;
  return base;
}

/** Show a character so that invisible ones (zero-width space, control codes) are visible. */
function showChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  if (/[\p{L}\p{N}\p{P}\p{S}]/u.test(ch)) return `"${ch}"`;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

function lookalikeHint(s: string): string {
  const hints: string[] = [];
  if (/[oO]/.test(s)) hints.push('huruf O mungkin maksudnya angka 0');
  if (/[Il]/.test(s)) hints.push('huruf I/l mungkin maksudnya angka 1');
  if (s.startsWith("'")) hints.push('tanda petik di awal adalah sisa format Teks Excel dan harus dihapus');
  return hints.length > 0 ? ` Catatan: ${hints.join('; ')}.` : '';
}

function clip(s: string): string {
  return s.length > 24 ? s.slice(0, 24) + '…' : s;
}

// ---------------------------------------------------------------------------------
// Structure: date, serial, region.

function digitPair(s: string, i: number): number {
  return (s.charCodeAt(i) - 48) * 10 + (s.charCodeAt(i + 1) - 48);
}

function isSerialZero(s: string): boolean {
  return s.charCodeAt(12) === 48 && s.charCodeAt(13) === 48 && s.charCodeAt(14) === 48 && s.charCodeAt(15) === 48;
}

function serialIssue(kind: Kind): Issue {
  return issue(
    `${kind}_SERIAL_ZERO`,
    `Nomor urut dalam ${LABEL[kind]} (4 digit terakhir) tidak boleh 0000; nomor urut dimulai dari 0001.`,
  );
}

function monthIssue(kind: Kind, written: string): Issue {
  const what = kind === 'NIK' ? 'Bulan lahir' : 'Bulan terbit';
  return issue(`${kind}_INVALID_MONTH`, `${what} dalam ${LABEL[kind]} (digit ke-9–10) harus 01–12; tertulis ${written}.`);
}

function nikDayMessage(written: string, day: number): string {
  const base =
    `Tanggal lahir dalam NIK (digit ke-7–8) harus 01–31 untuk laki-laki atau 41–71 untuk ` +
    `perempuan (tanggal + 40); tertulis ${written}.`;
  return day >= 32 && day <= 40 ? `${base} Angka 32–40 tidak mungkin untuk keduanya.` : base;
}

function kkDayMessage(written: string, day: number): string {
  const base = `Tanggal terbit dalam Nomor KK (digit ke-7–8) harus 01–31; tertulis ${written}.`;
  // The +40 rule is for women's NIKs only; a KK with day 41–71 is often a NIK in the KK column.
  return day >= 41 && day <= 71
    ? `${base} Nomor KK tidak memakai aturan tanggal + 40; mungkin yang tertulis adalah NIK perempuan.`
    : base;
}

/** Indonesian month names, for messages that spell out a date. */
export const MONTH_NAMES: readonly string[] = [
  'Januari',
  'Februari',
  'Maret',
  'April',
  'Mei',
  'Juni',
  'Juli',
  'Agustus',
  'September',
  'Oktober',
  'November',
  'Desember',
];

function missingDateMessage(kind: Kind, yy: number, month: number, day: number, todayKey: number): string {
  const what = kind === 'NIK' ? 'Tanggal lahir' : 'Tanggal terbit';
  const name = MONTH_NAMES[month - 1] ?? String(month);
  const written = `${pad2(day)}-${pad2(month)}-${pad2(yy)}`;
  const years = candidateYears(yy, todayKey);
  if (!years.some((y) => day <= daysInMonth(y, month))) {
    if (month === 2 && day === 29) {
      return (
        `${what} dalam ${LABEL[kind]} (${written}) tidak ada: 29 Februari hanya ada pada tahun kabisat, ` +
        `sedangkan tahun ${years.join(' dan ')} bukan tahun kabisat.`
      );
    }
    return `${what} dalam ${LABEL[kind]} (${written}) tidak ada: ${name} hanya ${daysInMonth(2001, month)} hari.`;
  }
  return `${what} dalam ${LABEL[kind]} (${written}) belum terjadi pada tanggal hari ini.`;
}

function sexMismatchMessage(fromNik: Sex, recorded: Sex): string {
  const word = (s: Sex) => (s === 'L' ? 'laki-laki' : 'perempuan');
  const rule = fromNik === 'P' ? 'tanggal lahir dalam NIK 41–71' : 'tanggal lahir dalam NIK 01–31';
  return (
    `Jenis kelamin menurut NIK (${word(fromNik)}: ${rule}) berbeda dengan jenis kelamin tercatat ` +
    `(${word(recorded)}). Periksa kembali NIK dan jenis kelamin pada KTP/KK.`
  );
}

function birthDateMismatchMessage(fromNik: string, recorded: string): string {
  return (
    `Tanggal lahir menurut NIK (${fromNik}) berbeda dengan tanggal lahir tercatat (${recorded}). ` +
    `Ini bisa sah (NIK tidak berubah bila tanggal lahir dikoreksi), tetapi periksa dokumen.`
  );
}

function regionWarning(
  kind: Kind,
  s: string,
  district: string,
  isKnownDistrict: ((code: string) => boolean) | undefined,
  warnings: Issue[],
): void {
  // Kemendagri province codes start at 11 and no level uses 00; this needs no lookup.
  const isImpossible = digitPair(s, 0) < 11 || digitPair(s, 2) === 0 || digitPair(s, 4) === 0;
  if (!isImpossible && (isKnownDistrict === undefined || isKnownDistrict(district))) return;
  const label = LABEL[kind];
  warnings.push(
    issue(
      `${kind}_UNKNOWN_REGION`,
      `Kode wilayah ${district} dalam ${label} (digit ke-1–6) tidak ada dalam daftar kecamatan ` +
        `Kemendagri. Kode wilayah bisa berubah karena pemekaran (mis. 91 Papua menjadi 93–96), ` +
        `jadi ini belum tentu salah; periksa kembali ${label}.`,
    ),
  );
}

// Placeholders typed when the real number is unknown: one digit repeated, a counting
// sequence, or a long run of one digit (a valid NIK has at most 6 zeros in a row:
// month 10, year 00, serial 000x).
const LONG_RUN = 7;

function placeholderWarning(kind: Kind, s: string, warnings: Issue[]): void {
  let isAscending = true;
  let isDescending = true;
  let run = 1;
  let longestRun = 1;
  let runDigit = s.charCodeAt(0);
  for (let i = 1; i < 16; i++) {
    const cur = s.charCodeAt(i);
    const step = cur - s.charCodeAt(i - 1);
    // Sequences wrap around: …8 9 0 1… ascends, …1 0 9 8… descends.
    if (step !== 1 && step !== -9) isAscending = false;
    if (step !== -1 && step !== 9) isDescending = false;
    run = step === 0 ? run + 1 : 1;
    if (run > longestRun) {
      longestRun = run;
      runDigit = cur;
    }
  }
  let what: string;
  if (longestRun === 16) what = 'semua digitnya sama';
  else if (isAscending || isDescending) what = 'berupa deret angka berurutan';
  else if (longestRun >= LONG_RUN) what = `berisi ${longestRun} angka ${String.fromCharCode(runDigit)} berturut-turut`;
  else return;
  const label = LABEL[kind];
  warnings.push(
    issue(
      `${kind}_PLACEHOLDER`,
      `${label} tampak seperti nomor isian sementara (${what}); pastikan ini ${label} sebenarnya dari KTP/KK.`,
    ),
  );
}

// ---------------------------------------------------------------------------------
// Calendar arithmetic on plain numbers: dates as `yyyymmdd` keys for comparison and
// as days since 1970 for distances. UTC throughout, so results do not depend on the
// server's time zone.

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeap(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function dateKeyOf(d: Date): number {
  const key = d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
  // A bad `today` is a bug in the caller; carrying on would reject every number with a
  // misleading message.
  if (Number.isNaN(key)) throw new RangeError('today is an Invalid Date');
  return key;
}

function epochDay(y: number, m: number, d: number): number {
  return Date.UTC(y, m - 1, d) / 86_400_000;
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

function isoDate(y: number, m: number, d: number): string {
  return y + '-' + pad2(m) + '-' + pad2(d);
}

/** Years `cc yy` from 1900 up to today's century, latest first. */
function candidateYears(yy: number, todayKey: number): number[] {
  const years: number[] = [];
  for (let c = Math.floor(todayKey / 1_000_000); c >= 19; c--) years.push(c * 100 + yy);
  return years;
}

/**
 * The full year for a two-digit year, among the centuries since 1900 in which the date
 * exists and is not after today: the one nearest the recorded date if there is one
 * (ties go to the later), otherwise the latest. Undefined if there is none.
 */
function resolveYear(yy: number, month: number, day: number, todayKey: number, nearEpochDay: number | undefined): number | undefined {
  let best: number | undefined;
  let bestDistance = Infinity;
  for (let c = Math.floor(todayKey / 1_000_000); c >= 19; c--) {
    const y = c * 100 + yy;
    if (day > daysInMonth(y, month) || y * 10000 + month * 100 + day > todayKey) continue;
    if (nearEpochDay === undefined) return y;
    const distance = Math.abs(epochDay(y, month, day) - nearEpochDay);
    if (distance < bestDistance) {
      best = y;
      bestDistance = distance;
    }
  }
  return best;
}

/** Strict `YYYY-MM-DD` with a real calendar date, else undefined. */
function parseIsoDate(s: string): { iso: string; epochDay: number } | undefined {
  if (s.length !== 10 || s[4] !== '-' || s[7] !== '-') return undefined;
  const digits = s.slice(0, 4) + s.slice(5, 7) + s.slice(8, 10);
  if (!isAllDigits(digits)) return undefined;
  const y = Number(s.slice(0, 4));
  const m = Number(s.slice(5, 7));
  const d = Number(s.slice(8, 10));
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return undefined;
  return { iso: s, epochDay: epochDay(y, m, d) };
}
