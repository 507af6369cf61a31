/**
 * Birth-date parsing and comparison. Registries set unknown birth dates to 1 January
 * of an estimated year, clerks swap day and month, and ages are guessed to ±1 year.
 */

export interface LooseDate {
  readonly y: number;
  readonly m: number;
  readonly d: number;
}

/**
 * Parse `YYYY-MM-DD` (or `YYYYMMDD`, `YYYY/MM/DD`) into numbers without validating
 * month/day ranges, so that a typo like `1856-86-18` can still be compared. Returns
 * undefined when the shape is wrong.
 */
export function parseLooseDate(s: string | null | undefined): LooseDate | undefined {
  if (!s) return undefined;
  const t = s.trim();
  const m = /^(\d{4})[-/.]?(\d{1,2})[-/.]?(\d{1,2})(?:[T ].*)?$/.exec(t);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y === 0) return undefined;
  return { y, m: mo, d };
}

/** True for a real calendar date `YYYY-MM-DD` (leap years included). */
export function isValidIsoDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < 1800 || mo < 1 || mo > 12 || d < 1) return false;
  const dim = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return d <= dim;
}

/** Comparison levels for birth dates, strongest first. */
export const DATE_LEVEL = {
  different: 0,
  near: 1,
  jan1SameYear: 2,
  yearOff1: 3,
  typo: 4,
  swapped: 5,
  exactJan1: 6,
  exact: 7,
} as const;
export type DateLevel = (typeof DATE_LEVEL)[keyof typeof DATE_LEVEL];

/** Number of differing decimal digits of two numbers, over `width` digits. */
function digitDiff(a: number, b: number, width: number): number {
  let count = 0;
  for (let k = 0; k < width && a !== b; k++) {
    if (a % 10 !== b % 10) count++;
    a = (a - (a % 10)) / 10;
    b = (b - (b % 10)) / 10;
  }
  return count;
}

/**
 * True when two numbers of the same width (`width` digits) differ only by two adjacent
 * digits swapped (19900512 / 19905012).
 */
function isAdjacentTransposition(a: number, b: number, width: number): boolean {
  let found = false;
  for (let k = 0; k < width; k++) {
    const da = a % 10;
    const db = b % 10;
    if (da !== db) {
      if (found) return false;
      // Differing here: the next digit up must hold the swapped pair.
      const na = Math.floor(a / 10) % 10;
      const nb = Math.floor(b / 10) % 10;
      if (na !== db || nb !== da) return false;
      found = true;
      a = Math.floor(a / 100);
      b = Math.floor(b / 100);
      k++;
      continue;
    }
    a = (a - da) / 10;
    b = (b - db) / 10;
  }
  return found;
}

/**
 * Number of differing digits between two dates written YYYYMMDD: how many keying
 * errors would turn one into the other (ignoring transpositions).
 *
 * @example dateDigitDistance(1824, 11, 22, 1854, 11, 25) === 2
 */
export function dateDigitDistance(y1: number, m1: number, d1: number, y2: number, m2: number, d2: number): number {
  return digitDiff(y1, y2, 4) + digitDiff(m1, m2, 2) + digitDiff(d1, d2, 2);
}

/**
 * Compare two birth dates given as year, month, day numbers.
 *
 * @example compareDates(1990, 5, 3, 1990, 3, 5) === DATE_LEVEL.swapped
 */
export function compareDates(y1: number, m1: number, d1: number, y2: number, m2: number, d2: number): DateLevel {
  if (y1 === y2 && m1 === m2 && d1 === d2) return m1 === 1 && d1 === 1 ? DATE_LEVEL.exactJan1 : DATE_LEVEL.exact;
  if (y1 === y2 && m1 === d2 && d1 === m2) return DATE_LEVEL.swapped;
  const diff = digitDiff(y1, y2, 4) + digitDiff(m1, m2, 2) + digitDiff(d1, d2, 2);
  if (diff === 1 || (diff === 2 && isAdjacentTransposition(y1 * 10000 + m1 * 100 + d1, y2 * 10000 + m2 * 100 + d2, 8))) return DATE_LEVEL.typo;
  const dy = y1 > y2 ? y1 - y2 : y2 - y1;
  if (dy === 1 && m1 === m2 && d1 === d2) return DATE_LEVEL.yearOff1;
  const jan1 = (m1 === 1 && d1 === 1) || (m2 === 1 && d2 === 1);
  if (jan1 && dy <= 1) return DATE_LEVEL.jan1SameYear;
  if (dy <= 1) return DATE_LEVEL.near;
  return DATE_LEVEL.different;
}
