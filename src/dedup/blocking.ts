/**
 * Multi-pass blocking. Every record gets a set of keys from independent field
 * combinations (NIK and its halves, name parts with the birth date, pairs of name parts
 * with or without year/regency, birth date with village, mother's name with birth
 * date), so a single wrong field never hides a true pair. Two records are candidates
 * when they share any key. Keys shared by more than `maxBlockSize` records carry
 * little information and are ignored ("stop keys"): the finer keys cover them.
 */
import { parseLooseDate } from './dates.js';
import { normalizePlace, regionPrefixes, type PreparedRecords } from './features.js';
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
  for (let k = p.nameStart[i]!; k < p.nameStart[i + 1]!; k++) {
    const t = p.nameTok[k]!;
    nameTokens.push(p.tokStr[t]!);
    nameCodes.push(p.tokPhonStr[p.tokPhon[t]!]!);
  }
  const motherTokens: string[] = [];
  for (let k = p.motherStart[i]!; k < p.motherStart[i + 1]!; k++) motherTokens.push(p.tokStr[p.motherTok[k]!]!);
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
  readonly blockMembers: Int32Array;
  readonly recordBlockStart: Int32Array;
  readonly recordBlocks: Int32Array;
  /** KEY_FAMILY of each block. */
  readonly blockFamily: Uint8Array;
  readonly stats: { readonly keys: number; readonly blocks: number; readonly stopKeys: number };
}

function radixSortPairs(keys: Uint32Array, vals: Int32Array, n: number): void {
  const k2 = new Uint32Array(n);
  const v2 = new Int32Array(n);
  const count = new Int32Array(65537);
  let srcK: Uint32Array = keys, srcV: Int32Array = vals, dstK: Uint32Array = k2, dstV: Int32Array = v2;
  for (let shift = 0; shift < 32; shift += 16) {
    count.fill(0);
    for (let x = 0; x < n; x++) count[((srcK[x]! >>> shift) & 0xffff) + 1]!++;
    for (let b = 0; b < 65536; b++) count[b + 1]! += count[b]!;
    for (let x = 0; x < n; x++) {
      const key = srcK[x]!;
      const pos = count[(key >>> shift) & 0xffff]!++;
      dstK[pos] = key;
      dstV[pos] = srcV[x]!;
    }
    const tk = srcK; srcK = dstK; dstK = tk;
    const tv = srcV; srcV = dstV; dstV = tv;
  }
  // Two passes: the sorted data is back in the original arrays.
}

/** Build the candidate index of a prepared record set. */
export function buildCandidateIndex(p: PreparedRecords, options: { maxBlockSize?: number } = {}): CandidateIndex {
  const cap = options.maxBlockSize ?? DEFAULT_MAX_BLOCK_SIZE;
  const n = p.n;
  let keys = new Uint32Array(Math.max(16, n * 16));
  let recs = new Int32Array(keys.length);
  let len = 0;
  const buf: string[] = [];
  const regionStr = p.regionStr;
  for (let i = 0; i < n; i++) {
    buf.length = 0;
    preparedKeys(p, i, regionStr, buf);
    if (len + buf.length > keys.length) {
      const nk = new Uint32Array(keys.length * 2);
      nk.set(keys);
      keys = nk;
      const nr = new Int32Array(keys.length);
      nr.set(recs);
      recs = nr;
    }
    for (const s of buf) {
      keys[len] = keyHash(s);
      recs[len++] = i;
    }
  }
  radixSortPairs(keys, recs, len);
  // Group runs of equal keys; keep blocks of 2..cap distinct records.
  const blockStartList: number[] = [0];
  const familyList: number[] = [];
  const members = new Int32Array(len);
  let m = 0;
  let stopKeys = 0;
  const perRecord = new Int32Array(n + 1);
  for (let s = 0; s < len; ) {
    let e = s + 1;
    while (e < len && keys[e] === keys[s]) e++;
    const size = e - s;
    const limit = COARSE_FAMILIES.has(keys[s]! >>> 29) ? Math.max(2, cap >> 2) : cap;
    if (size >= 2 && size <= limit * 2) {
      const start = m;
      for (let x = s; x < e; x++) {
        const r = recs[x]!;
        if (m > start && members[m - 1] === r) continue;
        members[m++] = r;
      }
      const distinct = m - start;
      if (distinct >= 2 && distinct <= limit) {
        blockStartList.push(m);
        familyList.push(keys[s]! >>> 29);
        for (let x = start; x < m; x++) perRecord[members[x]! + 1]!++;
      } else {
        if (distinct > limit) stopKeys++;
        m = start;
      }
    } else if (size > limit * 2) stopKeys++;
    s = e;
  }
  const blockStart = Int32Array.from(blockStartList);
  const blocks = blockStart.length - 1;
  for (let i = 0; i < n; i++) perRecord[i + 1]! += perRecord[i]!;
  const recordBlocks = new Int32Array(perRecord[n]!);
  const fill = perRecord.slice(0, n);
  for (let b = 0; b < blocks; b++) {
    for (let x = blockStart[b]!; x < blockStart[b + 1]!; x++) recordBlocks[fill[members[x]!]!++] = b;
  }
  return {
    blockStart,
    blockMembers: members.slice(0, m),
    recordBlockStart: perRecord,
    recordBlocks,
    blockFamily: Uint8Array.from(familyList),
    stats: { keys: len, blocks, stopKeys },
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
  const blockFamily = index.blockFamily;
  const n = p.n;
  const mark = new Int32Array(n).fill(-1);
  const { blockStart, blockMembers, recordBlockStart, recordBlocks } = index;
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
