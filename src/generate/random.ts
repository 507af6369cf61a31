/**
 * A small seeded PRNG (sfc32) and hashing helpers. Never Math.random: every output of
 * the generator must be reproducible from the seed, on every Node version we support.
 * Only integer arithmetic plus Math.log/Math.sqrt (correctly rounded or fdlibm in V8)
 * are used, so the same seed gives the same bytes on Node 20, 22 and 24.
 */

/** 32-bit finaliser of MurmurHash3: spreads every input bit over the output. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Hash any number of 32-bit integers into one (order matters).
 * @example mix32(seed, familyIndex) // a per-family seed
 */
export function mix32(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = fmix32((h ^ (p >>> 0)) + 0x6a09e667);
    // Fold in the high part of numbers above 2^32 (family indexes never are, keys may be).
    if (p > 0xffffffff) h = fmix32(h ^ Math.floor(p / 4294967296));
  }
  return h;
}

/** FNV-1a over UTF-16 code units, for turning names and codes into stream ids. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/** Reused by `choose` (single-threaded, not re-entrant across calls). */
const scratch = new Float64Array(64);

/** sfc32 (Chris Doty-Humphrey's Small Fast Counting generator), 128-bit state. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | undefined;

  constructor(seed: number, stream = 0) {
    this.a = mix32(seed, stream, 1);
    this.b = mix32(seed, stream, 2);
    this.c = mix32(seed, stream, 3);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** Uniform integer in [0, 2^32). */
  u32(): number {
    const t0 = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    const t = (t0 + this.d) | 0;
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Uniform float in [min, max). */
  range(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /**
   * Pick with a bias to the front of the list (lists are written most common first):
   * index = floor(n * u^1.5), so the first tenth of a list gets about a fifth of the picks.
   * (Multiplication and sqrt only: results of `**` are not guaranteed across V8 versions.)
   */
  pickSkewed<T>(items: readonly T[]): T {
    const u = this.next();
    const item = items[Math.floor(u * Math.sqrt(u) * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** Standard normal deviate (Marsaglia's polar method). */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    for (;;) {
      const u = this.next() * 2 - 1;
      const v = this.next() * 2 - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const f = Math.sqrt((-2 * Math.log(s)) / s);
        this.spare = v * f;
        return u * f;
      }
    }
  }

  /**
   * Choose among weighted options; the weight of option i is base_i * exp(slope_i * x),
   * so `x` (e.g. a latent welfare score) shifts the odds smoothly.
   */
  choose<T>(options: readonly (readonly [T, number, number])[], x = 0): T {
    let total = 0;
    const w = options.length <= scratch.length ? scratch : new Float64Array(options.length);
    for (let i = 0; i < options.length; i++) {
      const o = options[i]!;
      const wi = o[2] === 0 ? o[1] : o[1] * Math.exp(o[2] * x);
      w[i] = wi;
      total += wi;
    }
    let r = this.next() * total;
    for (let i = 0; i < options.length; i++) {
      r -= w[i]!;
      if (r < 0) return options[i]![0];
    }
    return options[options.length - 1]![0];
  }
}

/** Logistic function, for probabilities that depend on a score. */
export function logistic(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
