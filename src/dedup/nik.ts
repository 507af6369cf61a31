/**
 * NIK (Nomor Induk Kependudukan) analysis for matching.
 *
 * Layout `PP KK CC DDMMYY SSSS` (Permendagri 72/2019 on NIK issuance): province,
 * regency/city, district of first registration; birth date with day + 40 for women;
 * serial 0001–9999. No checksum, two-digit year. A NIK is for life, so a date inside it
 * that differs from the recorded birth date is a warning, never a rejection.
 */

export type NikStatus = 'valid' | 'missing' | 'invalid' | 'placeholder' | 'kk-as-nik';

export type NikWarning = 'nik-date-mismatch' | 'nik-sex-mismatch';

export interface NikAnalysis {
  readonly status: NikStatus;
  /** Digits only (empty when missing). */
  readonly digits: string;
  /** Birth day/month and two-digit year encoded in a valid NIK. */
  readonly birth?: { readonly day: number; readonly month: number; readonly yy: number };
  /** Sex encoded in a valid NIK (day + 40 for women). */
  readonly sex?: 'L' | 'P';
  readonly warnings: readonly NikWarning[];
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** True for NIK-like strings that are obviously filler: 000…0, 111…1, 1234…, 3201000000000000. */
export function isPlaceholderId(digits: string): boolean {
  if (digits.length === 0) return false;
  let seen = 0;
  for (let k = 0; k < digits.length; k++) seen |= 1 << (digits.charCodeAt(k) - 48);
  let distinct = 0;
  for (let b = seen; b !== 0; b &= b - 1) distinct++;
  if (distinct === 1) return true;
  if (digits.length >= 8 && distinct <= 2) return true;
  if ('12345678901234567890'.includes(digits) || '98765432109876543210'.includes(digits)) return true;
  // Region filled in, everything else zero ("3201000000000000"): typed when the NIK is unknown.
  if (digits.length === 16 && /^\d{4,6}0{10,12}$/.test(digits)) return true;
  return false;
}

/** Digits of an identifier with spaces, dots and dashes removed; '' if it contains anything else. */
export function cleanId(raw: string | null | undefined): string {
  if (!raw) return '';
  const s = raw.replace(/[\s.\-/]/g, '');
  return /^\d+$/.test(s) ? s : s.replace(/\D/g, '');
}

/**
 * Analyse one NIK against the other fields of the same record.
 *
 * @example
 * analyseNik('3201014506900001', { sex: 'P', birthDate: '1990-06-05' }).status // 'valid'
 * analyseNik('0000000000000000').status                                      // 'placeholder'
 */
export function analyseNik(
  nik: string | null | undefined,
  context: { kkNumber?: string | null; birthDate?: string | null; sex?: string | null } = {},
): NikAnalysis {
  const digits = cleanId(nik);
  if (digits === '') return { status: 'missing', digits, warnings: [] };
  if (isPlaceholderId(digits)) return { status: 'placeholder', digits, warnings: [] };
  const kk = cleanId(context.kkNumber);
  if (kk !== '' && kk === digits) return { status: 'kk-as-nik', digits, warnings: [] };
  if (digits.length !== 16) return { status: 'invalid', digits, warnings: [] };
  const pp = Number(digits.slice(0, 2));
  const kab = Number(digits.slice(2, 4));
  const rawDay = Number(digits.slice(6, 8));
  const month = Number(digits.slice(8, 10));
  const yy = Number(digits.slice(10, 12));
  const serial = Number(digits.slice(12, 16));
  const female = rawDay > 40;
  const day = female ? rawDay - 40 : rawDay;
  const dateOk = month >= 1 && month <= 12 && day >= 1 && day <= DAYS_IN_MONTH[month - 1]!;
  if (pp < 11 || kab === 0 || serial === 0 || !dateOk) return { status: 'invalid', digits, warnings: [] };
  const sex: 'L' | 'P' = female ? 'P' : 'L';
  const warnings: NikWarning[] = [];
  const bd = context.birthDate ? /^(\d{4})-(\d{2})-(\d{2})/.exec(context.birthDate) : null;
  if (bd) {
    const [, y, m, d] = bd;
    if (Number(d) !== day || Number(m) !== month || Number(y) % 100 !== yy) warnings.push('nik-date-mismatch');
  }
  if ((context.sex === 'L' || context.sex === 'P') && context.sex !== sex) warnings.push('nik-sex-mismatch');
  return { status: 'valid', digits, birth: { day, month, yy }, sex, warnings };
}

export type IdDifference = 'exact' | 'one-digit' | 'transposed' | 'different';

/**
 * How two identifiers (NIK or any digit string) differ: equal, one substituted digit,
 * two adjacent digits swapped, or otherwise.
 *
 * @example compareIds('3201010101900001', '3201010110900001') // 'transposed'
 */
export function compareIds(a: string, b: string): IdDifference {
  if (a === b) return 'exact';
  if (a.length !== b.length) return 'different';
  let first = -1;
  let count = 0;
  for (let i = 0; i < a.length; i++) {
    if (a.charCodeAt(i) !== b.charCodeAt(i)) {
      if (count === 0) first = i;
      count++;
      if (count > 2) return 'different';
    }
  }
  if (count === 1) return 'one-digit';
  if (count === 2 && a[first] === b[first + 1] && a[first + 1] === b[first]) return 'transposed';
  return 'different';
}
