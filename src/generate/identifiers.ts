/**
 * Building NIK and No. KK numbers for generated people, and judging what a damaged one
 * will look like to the importer (for the ground truth of injected errors).
 *
 * NIK: `PP KK CC DDMMYY SSSS`: province, regency, district of first registration, birth
 * date with day + 40 for women, serial 0001–9999 unique per (district, date).
 * No. KK: the same layout with the issue date of the card (DOMAIN.md, identifiers).
 */
import { daysInMonth, pad2, pad4, type CivilDate } from './calendar.js';
import { mix32 } from './random.js';

/** Serials at or above this are kept for records added by the duplicate simulation. */
export const supplementarySerialBase = 9000;

/** `DDMMYY` with day + 40 for women. */
export function nikDatePart(date: CivilDate, isFemale: boolean): string {
  return pad2(date.d + (isFemale ? 40 : 0)) + pad2(date.m) + pad2(date.y % 100);
}

/** Digits of a dotted district code: `32.01.05` → `320105`. */
export function districtDigits(districtCode: string): string {
  return districtCode.slice(0, 2) + districtCode.slice(3, 5) + districtCode.slice(6, 8);
}

/**
 * Hands out serials unique per key (district + date part). Serials start at a small
 * per-key offset and step by 1–3, so they look like numbers from a register that also
 * holds people outside the sample, and stay below `supplementarySerialBase`.
 */
const EMPTY = 0xffffffff;

export class SerialAllocator {
  // An open-addressing table on typed arrays rather than a Map: a million keys cost
  // ~12 MB and nothing for the garbage collector to trace.
  private keys = new Uint32Array(1 << 16).fill(EMPTY);
  private counts = new Uint16Array(1 << 16);
  private used = 0;

  constructor(private readonly salt: number, private readonly base = 1, private readonly limit = supplementarySerialBase - 1) {}

  private slot(key: number): number {
    const mask = this.keys.length - 1;
    let i = mix32(key) & mask;
    while (this.keys[i] !== key && this.keys[i] !== EMPTY) i = (i + 1) & mask;
    return i;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldCounts = this.counts;
    this.keys = new Uint32Array(oldKeys.length * 2).fill(EMPTY);
    this.counts = new Uint16Array(oldKeys.length * 2);
    for (let i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] === EMPTY) continue;
      const j = this.slot(oldKeys[i]!);
      this.keys[j] = oldKeys[i]!;
      this.counts[j] = oldCounts[i]!;
    }
  }

  /** The next serial for `key` (an integer 0 … 2^32-2, see `serialKey`). */
  next(key: number): number {
    if (!(key >= 0 && key < EMPTY && Number.isInteger(key))) throw new RangeError(`serial key out of range: ${key}`);
    let i = this.slot(key);
    if (this.keys[i] === EMPTY) {
      if ((this.used + 1) * 2 > this.keys.length) {
        this.grow();
        i = this.slot(key);
      }
      this.keys[i] = key;
      this.used++;
    }
    const k = this.counts[i]!;
    this.counts[i] = k + 1;
    if (this.base !== 1) {
      const serial = this.base + k;
      if (serial > this.limit) throw new Error(`more than ${this.limit - this.base + 1} supplementary serials for one district and date`);
      return serial;
    }
    const h = mix32(this.salt, key);
    const serial = 1 + (h % 20) + k * (1 + ((h >>> 8) % 3));
    if (serial > this.limit) throw new Error('too many people share one district and date for unique NIK serials');
    return serial;
  }
}

/** Packs (district, date part) into one number below 2^32 for `SerialAllocator` (7,285 districts → < 6.3e8). */
export function serialKey(districtIndex: number, date: CivilDate, dayOffset: number): number {
  return ((districtIndex * 100 + (date.y % 100)) * 12 + (date.m - 1)) * 72 + date.d + dayOffset;
}

export function buildNumber(districtCode: string, datePart: string, serial: number): string {
  return districtDigits(districtCode) + datePart + pad4(serial);
}

/**
 * Seven or more equal digits in a row: genuine numbers can have it (district 12.71.01,
 * date 11-11-11), but the importer warns about it as a possible placeholder, so clean
 * generated data skips such serials.
 */
export function hasLongRun(s: string, length = 7): boolean {
  let run = 1;
  for (let i = 1; i < s.length; i++) {
    run = s.charCodeAt(i) === s.charCodeAt(i - 1) ? run + 1 : 1;
    if (run >= length) return true;
  }
  return false;
}

/**
 * A number from the allocator, skipping serials that would make it look like a
 * placeholder. When region and date alone already do (a man born 11-11-11 in district
 * 12.71.01), nothing can be skipped: the genuine number is kept.
 */
export function allocateNumber(serials: SerialAllocator, key: number, districtCode: string, datePart: string): string {
  const prefixRun = hasLongRun(districtDigits(districtCode) + datePart);
  for (;;) {
    const n = buildNumber(districtCode, datePart, serials.next(key));
    if (prefixRun || !hasLongRun(n)) return n;
  }
}

export type NikVerdict = 'reject' | 'warning' | 'ok';

export interface NikJudgement {
  readonly verdict: NikVerdict;
  readonly reasons: readonly string[];
}

/**
 * What the importer should make of a NIK cell, following issue 2 item 4: errors reject
 * the row (not 16 digits, bad month or day, date that does not exist, serial 0000);
 * warnings keep it (unknown region, date or sex differs from the recorded ones,
 * placeholder-looking numbers). The two-digit year is resolved with the recorded birth date.
 */
export function judgeNik(
  nik: string,
  recorded: { birthDate?: CivilDate | undefined; sex?: 'L' | 'P' | undefined },
  isKnownDistrict: (dottedCode: string) => boolean,
): NikJudgement {
  if (!/^\d{16}$/.test(nik)) return { verdict: 'reject', reasons: ['not_16_digits'] };
  const dd = Number(nik.slice(6, 8));
  const mm = Number(nik.slice(8, 10));
  const yy = Number(nik.slice(10, 12));
  const serial = nik.slice(12);
  if (mm < 1 || mm > 12) return { verdict: 'reject', reasons: ['bad_month'] };
  const isFemale = dd > 40;
  const day = isFemale ? dd - 40 : dd;
  if (day < 1 || day > 31) return { verdict: 'reject', reasons: ['bad_day'] };
  const century = recorded.birthDate ? Math.floor(recorded.birthDate.y / 100) * 100 : undefined;
  // Without a recorded date the year is ambiguous: accept 29 Feb if either century allows it.
  const years = century !== undefined ? [century + yy] : [1900 + yy, 2000 + yy];
  if (!years.some((y) => day <= daysInMonth(y, mm))) return { verdict: 'reject', reasons: ['date_does_not_exist'] };
  if (serial === '0000') return { verdict: 'reject', reasons: ['serial_0000'] };
  const reasons: string[] = [];
  const district = `${nik.slice(0, 2)}.${nik.slice(2, 4)}.${nik.slice(4, 6)}`;
  if (!isKnownDistrict(district)) reasons.push('unknown_region');
  const b = recorded.birthDate;
  if (b && (b.d !== day || b.m !== mm || b.y % 100 !== yy)) reasons.push('date_mismatch');
  if (recorded.sex && (recorded.sex === 'P') !== isFemale) reasons.push('sex_mismatch');
  if (/^(\d)\1{15}$/.test(nik) || '01234567890123456789'.includes(nik) || '98765432109876543210'.includes(nik)) {
    reasons.push('placeholder');
  }
  return { verdict: reasons.length > 0 ? 'warning' : 'ok', reasons };
}
