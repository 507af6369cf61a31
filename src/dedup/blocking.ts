/**
 * Multi-pass blocking. Every record gets a set of keys from independent field
 * combinations (NIK and its halves, name parts with the birth date, pairs of name parts
 * with or without year/regency, birth date with village, mother's name with birth
 * date), so a single wrong field never hides a true pair. Two records are candidates
 * when they share any key. Keys shared by more than `maxBlockSize` records carry
 * little information and are ignored ("stop keys"): the finer keys cover them; a pair
 * of name parts held by a few times its cap is kept as a sorted neighbourhood instead
 * (see {@link WINDOW}). Key strings ({@link blockingKeys}) are what the registry stores;
 * the batch index computes the same keys as integers from the prepared features.
 */
import { parseLooseDate } from './dates.js';
import { nameTokens as nameTokens_, normalizePlace, regionPrefixes, type PreparedRecords } from './features.js';
import { normalizeName, phoneticKey } from './names.js';
import { analyseNik } from './nik.js';
import { hashString } from './strings.js';
import type { PersonRecord } from './types.js';

export const DEFAULT_MAX_BLOCK_SIZE = 50;
/**
 * Families whose keys are coarse (one name part with a year, a place or a letter
 * pattern) get a quarter of the block-size cap, to bound the pairs they add.
 */
const COARSE_FAMILIES = new Set<number>([3, 4, 5]);

interface KeyInput {
  nameTokens: readonly string[];
  /** Phonetic keys of nameTokens (same order), when already known. */
  nameCodes?: readonly string[];
  motherTokens: readonly string[];
  dob: { y: number; m: number; d: number } | undefined;
  id: string;
  region: readonly string[];
  place: string;
}

/**
 * Key families (the prefix before ':'), so that parameter estimation can look at the
 * pairs found by one family alone (whose fields are then known to agree).
 */
export const KEY_FAMILY = { id: 0, idPart: 1, dateName: 2, yearName: 3, namePair: 4, namePairPlus: 5, dateRegion: 6, mother: 7 } as const;
const FAMILY_OF_PREFIX: Record<string, number> = {
  i: 0, ia: 1, ib: 1, ic: 1, id: 1, ie: 1, dn: 2, ny: 3, nm: 3, nn: 4, nny: 5, nnr: 5, n1r: 5, nd: 5, nv: 5, np: 5, dl: 2, del: 4, dr: 6, mo: 7,
};

/** Integer form of a key: 29 bits of hash, 3 bits of family. */
export function keyHash(key: string): number {
  const prefix = key.slice(0, key.indexOf(':'));
  const family = FAMILY_OF_PREFIX[prefix] ?? 7;
  return ((hashString(key) & 0x1fffffff) | (family << 29)) >>> 0;
}

function keysFrom(k: KeyInput, out: string[]): void {
  const id = k.id;
  if (id.length >= 6) {
    out.push(`i:${id}`);
    // Split into quarters A|B|C|D: one wrong digit, or two swapped inside a quarter,
    // leaves three quarters intact; two swapped across a boundary leave the key
    // without those two digits intact.
    const q1 = Math.floor(id.length / 4);
    const q2 = Math.floor(id.length / 2);
    const q3 = Math.floor((3 * id.length) / 4);
    const A = id.slice(0, q1), B = id.slice(q1, q2), C = id.slice(q2, q3), D = id.slice(q3);
    out.push(`ia:${B}${C}${D}`, `ib:${A}-${C}${D}`, `ic:${A}${B}-${D}`, `id:${A}${B}${C}-`);
    for (const q of [q1, q2, q3]) out.push(`ie:${q}:${id.slice(0, q - 1)}${id.slice(q + 1)}`);
  }
  const codes: string[] = [];
  const seen = new Set<string>();
  // The longest parts are the rarest, and this choice needs no statistics.
  const byLength = k.nameTokens.map((t, i) => ({ t, i })).filter((x) => x.t.length >= 2).sort((a, b) => b.t.length - a.t.length || a.i - b.i);
  for (const { t, i } of byLength) {
    const c = k.nameCodes ? k.nameCodes[i]! : phoneticKey(t);
    if (c.length < 2 || seen.has(c)) continue;
    seen.add(c);
    codes.push(c);
    if (codes.length === 3) break;
  }
  codes.sort();
  const dob = k.dob;
  const regency = k.region.length >= 2 ? k.region[1]! : '';
  const village = k.region.length > 0 ? k.region[k.region.length - 1]! : '';
  const dateKey = dob ? `${dob.y}:${Math.min(dob.m, dob.d)}-${Math.max(dob.m, dob.d)}` : '';
  const district = k.region.length >= 3 ? k.region[2]! : '';
  for (const c of codes) {
    if (dob) out.push(`dn:${dateKey}:${c}`, `ny:${dob.y}:${c}`, `nm:${dateKey.slice(dateKey.indexOf(':') + 1)}:${c}`);
    // One name part with where the person lives or was born.
    if (district) out.push(`nd:${c}:${district}`);
    if (village) out.push(`nv:${c.slice(0, 3)}:${village}`);
    if (k.place) out.push(`np:${c}:${k.place}`);
  }
  for (let a = 0; a < codes.length; a++) {
    for (let b = a + 1; b < codes.length; b++) {
      const pair = `${codes[a]}|${codes[b]}`;
      out.push(`nn:${pair}`);
      if (dob) out.push(`nny:${pair}:${dob.y}`);
      if (regency) out.push(`nnr:${pair}:${regency}`);
    }
  }
  if (codes.length === 1 && village) out.push(`n1r:${codes[0]}:${village}`);
  // Birth date with the initials of the name parts: survives a typo in every part.
  if (dob && codes.length > 0) out.push(`dl:${dateKey}:${codes.map((c) => c[0]).sort().join('')}`);
  // Deletion neighbourhood of the longest part: one wrong, missing or extra letter
  // still leaves a shared variant.
  const longest = codes.length > 0 ? codes.reduce((a, b) => (b.length > a.length ? b : a)) : '';
  if (longest.length >= 5) {
    const del = new Set<string>([longest]);
    for (let x = 0; x < longest.length; x++) del.add(longest.slice(0, x) + longest.slice(x + 1));
    for (const v of del) out.push(`del:${v}`);
  }
  if (dob && village) out.push(`dr:${dateKey}:${village}`);
  if (dob && k.motherTokens.length > 0) {
    const longest = k.motherTokens.reduce((a, b) => (b.length > a.length ? b : a));
    out.push(`mo:${dateKey}:${phoneticKey(longest)}`);
  }
}

/**
 * Blocking keys of one record, as strings that a registry can store in an indexed
 * table: candidates for a person are the records sharing any key (ignore keys held by
 * more than {@link DEFAULT_MAX_BLOCK_SIZE} records).
 *
 * @example blockingKeys({ id: '1', fullName: 'Siti Aminah', birthDate: '1980-05-01' })
 * // ['dn:1980:1-5:aminah', 'ny:1980:aminah', …]
 */
export function blockingKeys(record: PersonRecord): string[] {
  const nik = analyseNik(record.nik, { kkNumber: record.kkNumber });
  const id = nik.status === 'valid' || nik.status === 'invalid' ? nik.digits : '';
  const d = parseLooseDate(record.birthDate);
  const out: string[] = [];
  keysFrom(
    {
      nameTokens: normalizeName(record.fullName).tokens.slice(0, 8),
      motherTokens: normalizeName(record.motherName).tokens.slice(0, 8),
      dob: d ? { y: d.y, m: Math.min(d.m, 99), d: Math.min(d.d, 99) } : undefined,
      id: id.length >= 4 ? id : '',
      region: regionPrefixes(record.villageCode),
      place: normalizePlace(record.birthPlace),
    },
    out,
  );
  return out;
}

function preparedKeys(p: PreparedRecords, i: number, regionStr: readonly string[], out: string[]): void {
  const nameTokens: string[] = [];
  const nameCodes: string[] = [];
  for (const t of nameTokens_(p, p.nameList[i]!)) {
    nameTokens.push(p.tokStr[t]!);
    nameCodes.push(p.tokPhonStr[p.tokPhon[t]!]!);
  }
  const motherTokens: string[] = [];
  for (const t of nameTokens_(p, p.motherList[i]!)) motherTokens.push(p.tokStr[t]!);
  const region: string[] = [];
  for (let k = 0; k < p.regionDepth[i]!; k++) region.push(regionStr[p.region[i * 4 + k]!]!);
  const y = p.dobY[i]!;
  // Identifiers nulled as "shared" by many records are left out, like placeholders.
  const pl = p.place[i]!;
  keysFrom({ nameTokens, nameCodes, motherTokens, dob: y > 0 ? { y, m: p.dobM[i]!, d: p.dobD[i]! } : undefined, id: p.idStr[i]!, region, place: pl >= 0 ? p.placeStr[pl]! : '' }, out);
}

/**
 * Blocking keys of record `i` of a prepared set: the keys {@link blockingKeys} gives for
 * the record, from features already normalised (identifiers shared by many records of the
 * set are left out, as in {@link buildCandidateIndex}).
 *
 * @example preparedBlockingKeys(prepareRecords([{ id: '1', fullName: 'Siti Aminah' }]), 0)
 */
export function preparedBlockingKeys(p: PreparedRecords, i: number): string[] {
  const out: string[] = [];
  preparedKeys(p, i, p.regionStr, out);
  return out;
}

/**
 * Most distinct records a block of `key` may hold before it is a stop key, as applied by
 * {@link buildCandidateIndex} (coarse key families get a quarter of the cap).
 *
 * @example blockLimit('dn:1980:1-5:aminah') // 50
 */
export function blockLimit(key: string, maxBlockSize = DEFAULT_MAX_BLOCK_SIZE): number {
  return COARSE_FAMILIES.has(keyHash(key) >>> 29) ? Math.max(2, maxBlockSize >> 2) : maxBlockSize;
}

/** Blocks (records sharing a key) and, per record, the blocks it belongs to. */
export interface CandidateIndex {
  readonly blockStart: Int32Array;
  /**
   * Members of each block: ascending record index for an ordinary block; for a windowed
   * block (more members than its cap), sorted so that similar records sit together.
   */
  readonly blockMembers: Int32Array;
  readonly recordBlockStart: Int32Array;
  readonly recordBlocks: Int32Array;
  /** Position of the record inside each of its blocks (parallel to recordBlocks). */
  readonly recordBlockPos: Int32Array;
  /** KEY_FAMILY of each block. */
  readonly blockFamily: Uint8Array;
  /** 1 for a windowed block: only members within {@link WINDOW} positions are paired. */
  readonly blockWindowed: Uint8Array;
  readonly stats: { readonly keys: number; readonly blocks: number; readonly stopKeys: number; readonly windowedBlocks: number };
}

/**
 * Neighbours on each side that a member of a windowed block is paired with. A pair-of-
 * name-parts key held by more records than its cap (twenty copies of one person, or a
 * common name) is not dropped at once: up to {@link WINDOWED_FACTOR} times the cap, its
 * members are sorted by birth date, village and name, and each is compared with its
 * neighbours, as in sorted-neighbourhood blocking. Beyond that it is a stop key.
 */
export const WINDOW = 4;
/** A windowed key held by more than this many times its cap is a stop key. */
export const WINDOWED_FACTOR = 4;
/** Key families whose oversized blocks are windowed rather than dropped. */
const WINDOWED_FAMILIES = 1 << KEY_FAMILY.namePair;

/**
 * Sort (key, value) pairs by key: least-significant-digit radix sort, three passes of
 * 11 bits (the counts fit in the L1 cache). Stable, so equal keys keep their order.
 * Returns the sorted arrays (one of them the input's storage reused).
 */
function radixSortPairs(keys: Uint32Array<ArrayBuffer>, vals: Int32Array<ArrayBuffer>, n: number): { keys: Uint32Array<ArrayBuffer>; vals: Int32Array<ArrayBuffer> } {
  const k2 = new Uint32Array(n);
  const v2 = new Int32Array(n);
  const c0 = new Int32Array(2049);
  const c1 = new Int32Array(2049);
  const c2 = new Int32Array(1025);
  for (let x = 0; x < n; x++) {
    const k = keys[x]!;
    c0[(k & 2047) + 1]!++;
    c1[((k >>> 11) & 2047) + 1]!++;
    c2[(k >>> 22) + 1]!++;
  }
  for (let b = 0; b < 2048; b++) {
    c0[b + 1]! += c0[b]!;
    c1[b + 1]! += c1[b]!;
  }
  for (let b = 0; b < 1024; b++) c2[b + 1]! += c2[b]!;
  for (let x = 0; x < n; x++) {
    const k = keys[x]!;
    const at = c0[k & 2047]!++;
    k2[at] = k;
    v2[at] = vals[x]!;
  }
  for (let x = 0; x < n; x++) {
    const k = k2[x]!;
    const at = c1[(k >>> 11) & 2047]!++;
    keys[at] = k;
    vals[at] = v2[x]!;
  }
  for (let x = 0; x < n; x++) {
    const k = keys[x]!;
    const at = c2[k >>> 22]!++;
    k2[at] = k;
    v2[at] = vals[x]!;
  }
  return { keys: k2, vals: v2 };
}

const TAG = { i: 1, ia: 2, ib: 3, ic: 4, id: 5, ie: 6, dn: 7, ny: 8, nm: 9, nd: 10, nv: 11, np: 12, nn: 13, nny: 14, nnr: 15, n1r: 16, dl: 17, del: 18, dr: 19, mo: 20 } as const;

/** One MurmurHash3 (x86, 32-bit) round: `v` mixed into the running hash `h`. */
function mix(h: number, v: number): number {
  let k = Math.imul(v, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function mixChars(h: number, s: string, from: number, to: number): number {
  for (let x = from; x < to; x++) h = mix(h, s.charCodeAt(x));
  return h;
}

function finish(h: number, family: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return ((h & 0x1fffffff) | (family << 29)) >>> 0;
}

/**
 * The keys of {@link keysFrom} as integers, computed from a prepared record set without
 * building strings: name parts by phonetic-class id, dates as numbers, regions and
 * places by dictionary id. Two records share an integer key exactly when they share the
 * key string (up to hash collisions). Work that depends on the name alone is done once
 * per distinct name.
 */
class KeyGenerator {
  /** Per name list: up to three phonetic class ids (in key order), their count, extra data. */
  private readonly codes: Int32Array;
  private readonly codeCount: Uint8Array;
  private readonly initials: Int32Array;
  private readonly delStart: Int32Array;
  private readonly delHash: Int32Array;
  /** Per mother list: phonetic class of its longest part. */
  private readonly motherCode: Int32Array;
  /** Per phonetic class: hash of its first three letters. */
  private readonly prefix3: Int32Array;
  /** Most keys one record can get. */
  readonly maxKeys: number;

  constructor(private readonly p: PreparedRecords) {
    const lists = p.listStart.length - 1;
    this.codes = new Int32Array(lists * 3).fill(-1);
    this.codeCount = new Uint8Array(lists);
    this.initials = new Int32Array(lists);
    this.motherCode = new Int32Array(lists).fill(-1);
    const delStart = [0];
    const delHash: number[] = [];
    const phonStr = p.tokPhonStr;
    for (let l = 0; l < lists; l++) {
      const toks = p.listTok.subarray(p.listStart[l]!, p.listStart[l + 1]!);
      // As keysFrom: the three longest parts (ties: first written), by distinct key.
      const order = Array.from(toks.keys()).filter((x) => p.tokStr[toks[x]!]!.length >= 2)
        .sort((a, b) => p.tokStr[toks[b]!]!.length - p.tokStr[toks[a]!]!.length || a - b);
      const chosen: number[] = [];
      for (const x of order) {
        const c = p.tokPhon[toks[x]!]!;
        if (phonStr[c]!.length < 2 || chosen.includes(c)) continue;
        chosen.push(c);
        if (chosen.length === 3) break;
      }
      chosen.sort((a, b) => (phonStr[a]! < phonStr[b]! ? -1 : phonStr[a]! > phonStr[b]! ? 1 : 0));
      chosen.forEach((c, k) => (this.codes[l * 3 + k] = c));
      this.codeCount[l] = chosen.length;
      const firsts = chosen.map((c) => phonStr[c]!.charCodeAt(0)).sort((a, b) => a - b);
      let h: number = TAG.dl;
      for (const c of firsts) h = mix(h, c);
      this.initials[l] = h;
      let longest = '';
      for (const c of chosen) if (phonStr[c]!.length > longest.length) longest = phonStr[c]!;
      if (longest.length >= 5) {
        const seen = new Set<string>([longest]);
        for (let x = 0; x < longest.length; x++) seen.add(longest.slice(0, x) + longest.slice(x + 1));
        for (const v of seen) delHash.push(mixChars(TAG.del, v, 0, v.length));
      }
      delStart.push(delHash.length);
      let best = -1;
      for (const t of toks) if (best < 0 || p.tokStr[t]!.length > p.tokStr[best]!.length) best = t;
      if (best >= 0) this.motherCode[l] = p.tokPhon[best]!;
    }
    this.delStart = Int32Array.from(delStart);
    let maxDel = 0;
    for (let l = 0; l < lists; l++) maxDel = Math.max(maxDel, delStart[l + 1]! - delStart[l]!);
    // 8 identifier keys, 6 per name part (3), 3 per pair of parts (3), n1r, dl, dr, mo.
    this.maxKeys = 8 + 18 + 9 + 4 + maxDel;
    this.delHash = Int32Array.from(delHash);
    this.prefix3 = Int32Array.from(phonStr, (c) => mixChars(0x5bd1e995, c, 0, Math.min(3, c.length)));
  }

  /** Write the keys of record i into `out` from position `at`; returns how many. */
  keys(i: number, out: Uint32Array, at: number): number {
    const p = this.p;
    let k = at;
    const id = p.idStr[i]!;
    if (id.length >= 6) {
      const L = id.length;
      const q1 = Math.floor(L / 4);
      const q2 = Math.floor(L / 2);
      const q3 = Math.floor((3 * L) / 4);
      out[k++] = finish(mixChars(TAG.i, id, 0, L), KEY_FAMILY.id);
      out[k++] = finish(mixChars(TAG.ia, id, q1, L), KEY_FAMILY.idPart);
      out[k++] = finish(mixChars(mix(mixChars(TAG.ib, id, 0, q1), 45), id, q2, L), KEY_FAMILY.idPart);
      out[k++] = finish(mixChars(mix(mixChars(TAG.ic, id, 0, q2), 45), id, q3, L), KEY_FAMILY.idPart);
      out[k++] = finish(mix(mixChars(TAG.id, id, 0, q3), 45), KEY_FAMILY.idPart);
      for (const q of [q1, q2, q3]) out[k++] = finish(mixChars(mixChars(mix(TAG.ie, q), id, 0, q - 1), id, q + 1, L), KEY_FAMILY.idPart);
    }
    const list = p.nameList[i]!;
    const nc = list >= 0 ? this.codeCount[list]! : 0;
    const c0 = nc > 0 ? this.codes[list * 3]! : -1;
    const y = p.dobY[i]!;
    const hasDob = y > 0;
    const m = p.dobM[i]!;
    const d = p.dobD[i]!;
    const lo = m < d ? m : d;
    const hi = m < d ? d : m;
    const depth = p.regionDepth[i]!;
    const regency = depth >= 2 ? p.region[i * 4 + 1]! : -1;
    const district = depth >= 3 ? p.region[i * 4 + 2]! : -1;
    const village = depth > 0 ? p.region[i * 4 + depth - 1]! : -1;
    const place = p.place[i]!;
    for (let a = 0; a < nc; a++) {
      const c = this.codes[list * 3 + a]!;
      if (hasDob) {
        out[k++] = finish(mix(mix(mix(mix(TAG.dn, y), lo), hi), c), KEY_FAMILY.dateName);
        out[k++] = finish(mix(mix(TAG.ny, y), c), KEY_FAMILY.yearName);
        out[k++] = finish(mix(mix(mix(TAG.nm, lo), hi), c), KEY_FAMILY.yearName);
      }
      if (district >= 0) out[k++] = finish(mix(mix(TAG.nd, c), district), KEY_FAMILY.namePairPlus);
      if (village >= 0) out[k++] = finish(mix(mix(TAG.nv, this.prefix3[c]!), village), KEY_FAMILY.namePairPlus);
      if (place >= 0) out[k++] = finish(mix(mix(TAG.np, c), place), KEY_FAMILY.namePairPlus);
    }
    for (let a = 0; a < nc; a++) {
      for (let b = a + 1; b < nc; b++) {
        const pair = mix(mix(0x27d4eb2d, this.codes[list * 3 + a]!), this.codes[list * 3 + b]!);
        out[k++] = finish(mix(TAG.nn, pair), KEY_FAMILY.namePair);
        if (hasDob) out[k++] = finish(mix(mix(TAG.nny, pair), y), KEY_FAMILY.namePairPlus);
        if (regency >= 0) out[k++] = finish(mix(mix(TAG.nnr, pair), regency), KEY_FAMILY.namePairPlus);
      }
    }
    if (nc === 1 && village >= 0) out[k++] = finish(mix(mix(TAG.n1r, c0), village), KEY_FAMILY.namePairPlus);
    if (hasDob && nc > 0) out[k++] = finish(mix(mix(mix(this.initials[list]!, y), lo), hi), KEY_FAMILY.dateName);
    if (list >= 0) for (let x = this.delStart[list]!; x < this.delStart[list + 1]!; x++) out[k++] = finish(this.delHash[x]!, KEY_FAMILY.namePair);
    if (hasDob && village >= 0) out[k++] = finish(mix(mix(mix(mix(TAG.dr, y), lo), hi), village), KEY_FAMILY.dateRegion);
    const mother = p.motherList[i]!;
    if (hasDob && mother >= 0) out[k++] = finish(mix(mix(mix(mix(TAG.mo, y), lo), hi), this.motherCode[mother]!), KEY_FAMILY.mother);
    return k - at;
  }
}

/** Build the candidate index of a prepared record set. */
export function buildCandidateIndex(p: PreparedRecords, options: { maxBlockSize?: number } = {}): CandidateIndex {
  const cap = options.maxBlockSize ?? DEFAULT_MAX_BLOCK_SIZE;
  const n = p.n;
  const gen = new KeyGenerator(p);
  let keys = new Uint32Array(Math.max(1024, n * 36));
  let recs = new Int32Array(keys.length);
  let len = 0;
  for (let i = 0; i < n; i++) {
    if (len + gen.maxKeys > keys.length) {
      const nk = new Uint32Array(keys.length * 2);
      nk.set(keys);
      keys = nk;
      const nr = new Int32Array(keys.length);
      nr.set(recs);
      recs = nr;
    }
    const count = gen.keys(i, keys, len);
    for (let x = len; x < len + count; x++) recs[x] = i;
    len += count;
  }
  ({ keys, vals: recs } = radixSortPairs(keys, recs, len));
  // Windowed blocks (keys built from the name alone) are ordered by what the key lacks:
  // birth date, then village, then the name itself.
  const byDateVillageName = (a: number, b: number): number =>
    p.dobY[a]! - p.dobY[b]! || p.dobM[a]! - p.dobM[b]! || p.dobD[a]! - p.dobD[b]! ||
    p.region[a * 4 + 3]! - p.region[b * 4 + 3]! || p.region[a * 4 + 2]! - p.region[b * 4 + 2]! || p.nameList[a]! - p.nameList[b]! || a - b;
  // Group runs of equal keys: blocks of 2..cap distinct records are ordinary, larger
  // ones are windowed.
  const blockStartList: number[] = [0];
  const familyList: number[] = [];
  const windowedList: number[] = [];
  const members = new Int32Array(len);
  let m = 0;
  let windowed = 0;
  let stopKeys = 0;
  const perRecord = new Int32Array(n + 1);
  for (let s = 0; s < len; ) {
    let e = s + 1;
    while (e < len && keys[e] === keys[s]) e++;
    const family = keys[s]! >>> 29;
    const limit = COARSE_FAMILIES.has(family) ? Math.max(2, cap >> 2) : cap;
    if (e - s >= 2) {
      const start = m;
      for (let x = s; x < e; x++) {
        const r = recs[x]!;
        if (m > start && members[m - 1] === r) continue;
        members[m++] = r;
      }
      const distinct = m - start;
      if (distinct >= 2 && distinct <= (((WINDOWED_FAMILIES >>> family) & 1) === 1 ? limit * WINDOWED_FACTOR : limit)) {
        const big = distinct > limit;
        if (big) {
          members.subarray(start, m).sort(byDateVillageName);
          windowed++;
        }
        blockStartList.push(m);
        familyList.push(family);
        windowedList.push(big ? 1 : 0);
        for (let x = start; x < m; x++) perRecord[members[x]! + 1]!++;
      } else {
        if (distinct > limit) stopKeys++;
        m = start;
      }
    }
    s = e;
  }
  const blockStart = Int32Array.from(blockStartList);
  const blocks = blockStart.length - 1;
  for (let i = 0; i < n; i++) perRecord[i + 1]! += perRecord[i]!;
  const recordBlocks = new Int32Array(perRecord[n]!);
  const recordBlockPos = new Int32Array(perRecord[n]!);
  const fill = perRecord.slice(0, n);
  for (let b = 0; b < blocks; b++) {
    const s0 = blockStart[b]!;
    for (let x = s0; x < blockStart[b + 1]!; x++) {
      const at = fill[members[x]!]!++;
      recordBlocks[at] = b;
      recordBlockPos[at] = x - s0;
    }
  }
  return {
    blockStart,
    blockMembers: members.slice(0, m),
    recordBlockStart: perRecord,
    recordBlocks,
    recordBlockPos,
    blockFamily: Uint8Array.from(familyList),
    blockWindowed: Uint8Array.from(windowedList),
    stats: { keys: len, blocks, stopKeys, windowedBlocks: windowed },
  };
}

/**
 * Call `fn(i, j)` once for every candidate pair i < j with `from <= i < to`.
 * With `linkOnly`, pairs from the same source are skipped; `families` is a bit mask
 * of KEY_FAMILY values to use (default all). Returns the pair count.
 */
export function forEachCandidatePair(
  p: PreparedRecords,
  index: CandidateIndex,
  fn: (i: number, j: number) => void,
  options: { linkOnly?: boolean; from?: number; to?: number; families?: number } = {},
): number {
  const familyMask = options.families ?? 0xff;
  const { blockFamily, blockWindowed } = index;
  const n = p.n;
  const mark = new Int32Array(n).fill(-1);
  const { blockStart, blockMembers, recordBlockStart, recordBlocks, recordBlockPos } = index;
  const linkOnly = options.linkOnly === true;
  const src = p.source;
  let count = 0;
  const to = Math.min(options.to ?? n, n);
  for (let i = options.from ?? 0; i < to; i++) {
    const si = src[i]!;
    for (let x = recordBlockStart[i]!; x < recordBlockStart[i + 1]!; x++) {
      const b = recordBlocks[x]!;
      if (((familyMask >>> blockFamily[b]!) & 1) === 0) continue;
      const s = blockStart[b]!;
      if (blockWindowed[b] === 1) {
        const at = s + recordBlockPos[x]!;
        const lo = Math.max(s, at - WINDOW);
        const hi = Math.min(blockStart[b + 1]! - 1, at + WINDOW);
        for (let k = lo; k <= hi; k++) {
          const j = blockMembers[k]!;
          if (j <= i || mark[j] === i) continue;
          mark[j] = i;
          if (linkOnly && src[j] === si) continue;
          count++;
          fn(i, j);
        }
        continue;
      }
      for (let k = blockStart[b + 1]! - 1; k >= s; k--) {
        const j = blockMembers[k]!;
        if (j <= i) break;
        if (mark[j] === i) continue;
        mark[j] = i;
        if (linkOnly && src[j] === si) continue;
        count++;
        fn(i, j);
      }
    }
  }
  return count;
}

/** Candidate pairs (i < j, each once), with the key families that produced each. */
export interface CandidatePairs {
  readonly count: number;
  readonly i: Int32Array;
  readonly j: Int32Array;
  /** Bit mask of KEY_FAMILY values of the blocks the pair shares. */
  readonly families: Uint8Array;
}

/**
 * Enumerate the candidate pairs of an index once into arrays (ordered by i, then by
 * first appearance), so that estimation and scoring read them sequentially instead of
 * walking the blocks again. With `linkOnly`, pairs from the same source are left out;
 * `from`/`to` limit i (pairs of disjoint ranges, concatenated in order, are the whole).
 *
 * @example const pairs = collectCandidatePairs(p, buildCandidateIndex(p));
 */
export function collectCandidatePairs(
  p: Pick<PreparedRecords, 'n' | 'source'>,
  index: CandidateIndex,
  options: { linkOnly?: boolean; from?: number; to?: number } = {},
): CandidatePairs {
  const n = p.n;
  const from = options.from ?? 0;
  const to = Math.min(options.to ?? n, n);
  const { blockStart, blockMembers, recordBlockStart, recordBlocks, recordBlockPos, blockFamily, blockWindowed } = index;
  const linkOnly = options.linkOnly === true;
  const src = p.source;
  const mark = new Int32Array(n).fill(-1);
  const at = new Int32Array(n);
  let cap = Math.max(1024, (to - from) * 8);
  let pi = new Int32Array(cap);
  let pj = new Int32Array(cap);
  let fam = new Uint8Array(cap);
  let count = 0;
  const add = (i: number, j: number, bit: number): void => {
    if (mark[j] === i) {
      const k = at[j]!;
      if (k >= 0) fam[k]! |= bit;
      return;
    }
    mark[j] = i;
    if (linkOnly && src[j] === src[i]) {
      at[j] = -1;
      return;
    }
    if (count === cap) {
      cap *= 2;
      const ni = new Int32Array(cap); ni.set(pi); pi = ni;
      const nj = new Int32Array(cap); nj.set(pj); pj = nj;
      const nf = new Uint8Array(cap); nf.set(fam); fam = nf;
    }
    at[j] = count;
    pi[count] = i;
    pj[count] = j;
    fam[count] = bit;
    count++;
  };
  for (let i = from; i < to; i++) {
    for (let x = recordBlockStart[i]!; x < recordBlockStart[i + 1]!; x++) {
      const b = recordBlocks[x]!;
      const bit = 1 << blockFamily[b]!;
      const s = blockStart[b]!;
      if (blockWindowed[b] === 1) {
        const pos = s + recordBlockPos[x]!;
        const hi = Math.min(blockStart[b + 1]! - 1, pos + WINDOW);
        for (let k = Math.max(s, pos - WINDOW); k <= hi; k++) {
          const j = blockMembers[k]!;
          if (j > i) add(i, j, bit);
        }
        continue;
      }
      for (let k = blockStart[b + 1]! - 1; k >= s; k--) {
        const j = blockMembers[k]!;
        if (j <= i) break;
        add(i, j, bit);
      }
    }
  }
  return { count, i: pi.slice(0, count), j: pj.slice(0, count), families: fam.slice(0, count) };
}

/**
 * The record index that splits the work of {@link collectCandidatePairs} in two halves:
 * a record meets the later members of its blocks (up to {@link WINDOW} in a windowed
 * block), so early records carry more of it.
 */
export function balancedSplit(index: CandidateIndex, n: number): number {
  const { blockStart, blockMembers, blockWindowed } = index;
  const work = new Float64Array(n);
  let total = 0;
  for (let b = 0; b + 1 < blockStart.length; b++) {
    const s = blockStart[b]!;
    const size = blockStart[b + 1]! - s;
    for (let q = 0; q < size; q++) {
      // Windowed blocks are not in record order; each member meets about WINDOW others.
      const w = blockWindowed[b] === 1 ? WINDOW : size - 1 - q;
      work[blockMembers[s + q]!]! += w + 1;
      total += w + 1;
    }
  }
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc += work[i]!;
    if (acc >= total / 2) return i + 1;
  }
  return n;
}
