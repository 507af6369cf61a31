/**
 * String similarity primitives used by the comparators. Allocation-light because
 * they run inside the pair scorer (millions of calls per second).
 */

const jwFlagsA = new Uint8Array(64);
const jwFlagsB = new Uint8Array(64);

/**
 * Jaro–Winkler similarity in [0, 1] (prefix scale 0.1, prefix up to 4).
 *
 * @example jaroWinkler('rizki', 'riski') // ≈ 0.89
 */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  if (la > 64 || lb > 64) return a.slice(0, 64) === b.slice(0, 64) ? 1 : jaroWinkler(a.slice(0, 64), b.slice(0, 64));
  const range = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  jwFlagsA.fill(0, 0, la);
  jwFlagsB.fill(0, 0, lb);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const lo = i - range > 0 ? i - range : 0;
    const hi = i + range + 1 < lb ? i + range + 1 : lb;
    const ca = a.charCodeAt(i);
    for (let j = lo; j < hi; j++) {
      if (jwFlagsB[j] === 0 && b.charCodeAt(j) === ca) {
        jwFlagsA[i] = 1;
        jwFlagsB[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let k = 0;
  let transpositions = 0;
  for (let i = 0; i < la; i++) {
    if (jwFlagsA[i] === 0) continue;
    while (jwFlagsB[k] === 0) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++;
    k++;
  }
  const m = matches;
  const jaro = (m / la + m / lb + (m - transpositions / 2) / m) / 3;
  let prefix = 0;
  const maxPrefix = Math.min(4, la, lb);
  while (prefix < maxPrefix && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

const osaRows = [new Int32Array(65), new Int32Array(65), new Int32Array(65)];

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transposition),
 * giving up early once the distance exceeds `max` (returns max + 1). Allocation-free
 * for strings of up to 64 characters.
 */
export function editDistance(a: string, b: string, max = 3): number {
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  if (la === 0) return lb;
  if (lb === 0) return la;
  if (lb > 64) return editDistance(a.slice(0, 64), b.slice(0, 64), max);
  let prev2 = osaRows[0]!;
  let prev = osaRows[1]!;
  let cur = osaRows[2]!;
  prev2.fill(0, 0, lb + 1);
  for (let j = 0; j <= lb; j++) prev[j] = j;
  for (let i = 1; i <= la; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= lb; j++) {
      const cb = b.charCodeAt(j - 1);
      const del = prev[j]! + 1;
      const ins = cur[j - 1]! + 1;
      const sub = prev[j - 1]! + (ca === cb ? 0 : 1);
      let v = del < ins ? del : ins;
      if (sub < v) v = sub;
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb && prev2[j - 2]! + 1 < v) v = prev2[j - 2]! + 1;
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[lb]!;
}

/** 32-bit FNV-1a hash of a string (used to turn blocking keys into integers). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Lowercase, strip diacritics and everything but letters, digits and spaces. */
export function basicFold(s: string): string {
  // eslint-disable-next-line no-control-regex
  return (/[^\x00-\x7f]/.test(s) ? s.normalize('NFKD') : s)
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’`]/g, '')
    .replace(/[^a-z0-9.,\s]/g, ' ');
}

/**
 * Open-addressing hash map from a pair of non-negative integers (< 2^26 each) to a
 * number ≥ 0. Map with keys beyond the small-integer range is slow in V8; this is not.
 * Key and value share a slot (one memory access per probe). Cleared when full (it is a
 * cache).
 */
export class PairCache {
  private readonly table: Float64Array;
  private size = 0;
  private readonly mask: number;
  private readonly limit: number;
  constructor(bits = 20) {
    this.table = new Float64Array(2 << bits).fill(-1);
    this.mask = (1 << bits) - 1;
    this.limit = Math.floor((this.mask + 1) * 0.7);
  }
  /**
   * Read the slot of (a, b) without using it, so that its memory is on its way to the
   * cache when {@link get} needs it (a software prefetch). Returns the slot's key.
   */
  touch(a: number, b: number): number {
    return this.table[2 * ((Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b)) & this.mask)]!;
  }

  /** Value for (a, b), or -1 when absent. */
  get(a: number, b: number): number {
    const key = a * 67108864 + b;
    const t = this.table;
    let x = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b)) & this.mask;
    for (;;) {
      const k = t[2 * x]!;
      if (k === key) return t[2 * x + 1]!;
      if (k === -1) return -1;
      x = (x + 1) & this.mask;
    }
  }
  set(a: number, b: number, v: number): void {
    const t = this.table;
    if (this.size >= this.limit) {
      t.fill(-1);
      this.size = 0;
    }
    const key = a * 67108864 + b;
    let x = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b)) & this.mask;
    for (;;) {
      const k = t[2 * x]!;
      if (k === key || k === -1) {
        if (k === -1) this.size++;
        t[2 * x] = key;
        t[2 * x + 1] = v;
        return;
      }
      x = (x + 1) & this.mask;
    }
  }
}
