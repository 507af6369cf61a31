/**
 * Per-record features computed once (normalised, integer-encoded) so that the pair
 * scorer does only integer work and cached similarities. Every distinct text (name,
 * place, region code, address word, birth date) is normalised once.
 */
import { parseLooseDate } from './dates.js';
import { normalizeName, phoneticKey, modernizeSpelling, collapseDoubles } from './names.js';
import { analyseNik, type NikStatus } from './nik.js';
import { basicFold } from './strings.js';
import type { MatchModel, PersonRecord } from './types.js';

export const NAME_FLAG_OLD_SPELLING = 1;
export const NAME_FLAG_TITLES = 2;
export const NAME_FLAG_ABBREVIATED = 4;

export const ID_STATUS: readonly (NikStatus | 'shared')[] = ['missing', 'valid', 'invalid', 'placeholder', 'kk-as-nik', 'shared'];
const ID_STATUS_CODE = new Map(ID_STATUS.map((s, i) => [s, i]));
export const ID_WARN_DATE = 1;
export const ID_WARN_SEX = 2;

const MAX_TOKENS = 8;
const REGION_LEVELS = 4;
const MAX_ADDRESS_WORDS = 16;

/** An identifier shared by more records than this is treated as a placeholder. */
export const MAX_ID_SHARE = 10;

/**
 * Layout of {@link PreparedRecords.rows}: what the pair comparator reads of one record,
 * in one 128-byte row, so that comparing with a record far away in memory costs one or
 * two cache misses instead of one per field.
 */
export const ROW = 32;
export const R_NAME = 0;
export const R_MOTHER = 1;
export const R_PAT = 2;
/** Birth date as y * 10000 + m * 100 + d, 0 when missing. */
export const R_DOB = 3;
/** sex (bits 0–1) | identifier status (bits 2–4) | identifier length (bits 5–9) | region depth (bits 10–12). */
export const R_BITS = 4;
export const R_ID_HI = 5;
export const R_ID_LO = 6;
export const R_ID_AS_KK = 7;
export const R_KK = 8;
export const R_PLACE = 9;
/** Four region-prefix ids. */
export const R_REGION = 10;
/** Number of address words (at R_ADDR_WORDS …). */
export const R_ADDR_COUNT = 14;
/** Total information of the address words, as the bits of a float32. */
export const R_ADDR_INFO = 15;
export const R_ADDR_WORDS = 16;

class Dictionary {
  readonly strings: string[] = [];
  readonly counts: number[] = [];
  private readonly index = new Map<string, number>();
  id(s: string): number {
    let v = this.index.get(s);
    if (v === undefined) {
      v = this.strings.length;
      this.index.set(s, v);
      this.strings.push(s);
      this.counts.push(0);
    }
    return v;
  }
  find(s: string): number | undefined {
    return this.index.get(s);
  }
  count(id: number): void {
    this.counts[id]!++;
  }
}

/**
 * Dictionary of digit strings (KK numbers) keyed by their value, without hashing
 * strings: up to 16 digits as length and two 8-digit halves in an open-addressing
 * table; longer ones in a Map.
 */
class DigitDictionary {
  private len = new Uint8Array(1024);
  private hi = new Int32Array(1024);
  private lo = new Int32Array(1024);
  private slots = new Int32Array(2048).fill(-1);
  private count = 0;
  private readonly long = new Map<string, number>();
  private readonly longStrings: string[] = [];

  /** The digits of `s` (other characters ignored) as [length, hi, lo]; length 0 for none, 255 beyond 16. */
  static parse(s: string, out: Int32Array): void {
    let len = 0;
    let hi = 0;
    let lo = 0;
    for (let k = 0; k < s.length; k++) {
      const c = s.charCodeAt(k) - 48;
      if (c < 0 || c > 9) continue;
      len++;
      // Shift one digit from lo into hi as lo fills 8 digits.
      hi = hi * 10 + Math.floor(lo / 10000000);
      lo = (lo % 10000000) * 10 + c;
    }
    out[0] = len > 16 ? 255 : len;
    out[1] = hi;
    out[2] = lo;
  }

  private slotOf(len: number, hi: number, lo: number): number {
    const mask = this.slots.length - 1;
    let x = (Math.imul(hi ^ (len << 27), 0x9e3779b1) ^ Math.imul(lo, 0x85ebca6b)) & mask;
    for (;;) {
      const id = this.slots[x]!;
      if (id < 0 || (this.len[id] === len && this.hi[id] === hi && this.lo[id] === lo)) return x;
      x = (x + 1) & mask;
    }
  }

  private grow(): void {
    const cap = this.len.length * 2;
    const len = new Uint8Array(cap); len.set(this.len); this.len = len;
    const hi = new Int32Array(cap); hi.set(this.hi); this.hi = hi;
    const lo = new Int32Array(cap); lo.set(this.lo); this.lo = lo;
    this.slots = new Int32Array(cap * 2).fill(-1);
    for (let id = 0; id < this.count; id++) if (this.len[id] !== 255) this.slots[this.slotOf(this.len[id]!, this.hi[id]!, this.lo[id]!)] = id;
  }

  /** Id of a number given by {@link parse}; `text` is only read beyond 16 digits. */
  id(len: number, hi: number, lo: number, text: () => string, add = true): number {
    if (len === 255) {
      const t = text().replace(/\D/g, '');
      let v = this.long.get(t);
      if (v === undefined && add) {
        if (this.count === this.len.length) this.grow();
        v = this.count++;
        this.len[v] = 255;
        this.long.set(t, v);
        this.longStrings[v] = t;
      }
      return v ?? -1;
    }
    const x = this.slotOf(len, hi, lo);
    const found = this.slots[x]!;
    if (found >= 0 || !add) return found;
    if (this.count === this.len.length) {
      this.grow();
      return this.id(len, hi, lo, text, add);
    }
    const v = this.count++;
    this.len[v] = len;
    this.hi[v] = hi;
    this.lo[v] = lo;
    this.slots[x] = v;
    return v;
  }

  /** The digits of every id, in id order (for merging dictionaries). */
  strings(): string[] {
    const out: string[] = [];
    for (let v = 0; v < this.count; v++) {
      const len = this.len[v]!;
      if (len === 255) out.push(this.longStrings[v]!);
      else {
        const s = this.hi[v]! > 0 || len > 8 ? `${this.hi[v]}${String(this.lo[v]).padStart(8, '0')}` : String(this.lo[v]);
        out.push(s.padStart(len, '0'));
      }
    }
    return out;
  }
}

class IntList {
  data: Int32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Int32Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }
  /** Append `values`, each passed through `map` (ids of another dictionary) when given; -1 stays -1. */
  append(values: Int32Array, map?: Int32Array, offset = 0): void {
    for (let k = 0; k < values.length; k++) {
      const v = values[k]!;
      this.push(map ? (v < 0 ? -1 : map[v]!) : v + offset);
    }
  }
}

/**
 * A {@link FeatureBuilder}'s accumulated records as plain data (typed arrays and string
 * arrays), so that a builder filled in a worker thread can be sent to the main thread
 * and appended there with {@link FeatureBuilder.absorb}.
 */
export interface FeatureState {
  readonly n: number;
  readonly ids: readonly string[];
  readonly sources: readonly string[];
  readonly sourceIds: Int32Array;
  readonly names: readonly string[];
  readonly nameCounts: readonly number[];
  readonly listStart: Int32Array;
  readonly listTok: Int32Array;
  readonly nameList: Int32Array;
  readonly motherList: Int32Array;
  readonly patList: Int32Array;
  readonly flags: Int32Array;
  readonly dob: Int32Array;
  readonly sexes: Int32Array;
  readonly idStr: readonly string[];
  readonly idStatus: Int32Array;
  readonly idWarn: Int32Array;
  readonly kks: readonly string[];
  readonly kk: Int32Array;
  readonly places: readonly string[];
  readonly placeCounts: readonly number[];
  readonly place: Int32Array;
  readonly addrs: readonly string[];
  readonly addrCounts: readonly number[];
  readonly addrStart: Int32Array;
  readonly addrTok: Int32Array;
  readonly regions: readonly string[];
  readonly region: Int32Array;
  readonly regionDepth: Int32Array;
  readonly nameTokenTotal: number;
  readonly addrTokenTotal: number;
}

const PLACE_STOPWORDS = new Set(['kab', 'kabupaten', 'kota', 'kec', 'kecamatan', 'desa', 'kel', 'kelurahan', 'city', 'of', 'adm', 'administrasi']);
const ADDRESS_STOPWORDS = new Set([
  'jl', 'jln', 'jalan', 'gg', 'gang', 'no', 'nomor', 'dsn', 'dusun', 'kp', 'kampung', 'desa', 'kel', 'kelurahan',
  'kec', 'kecamatan', 'blok', 'komp', 'komplek', 'kompleks', 'perum', 'perumahan', 'lr', 'lorong', 'ds', 'kab', 'kota',
]);

/** Normalise a birth place ("Kab. Tjilatjap" → "cilacap"). */
export function normalizePlace(s: string | null | undefined): string {
  if (!s) return '';
  return basicFold(s)
    .replace(/[.,]/g, ' ')
    .split(/\s+/)
    .filter((w) => w !== '' && !PLACE_STOPWORDS.has(w))
    .map((w) => collapseDoubles(modernizeSpelling(w).text))
    .join(' ');
}

/** Address words before normalisation: folded, split, RT/RW numbers joined, stopwords out. */
function addressWords(s: string): string[] {
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(s)) {
    return basicFold(s)
      .replace(/[.,]/g, ' ')
      .replace(/\b(rt|rw)\s*0*(\d+)/g, ' $1$2 ')
      .split(/\s+/)
      .filter((w) => w !== '' && !ADDRESS_STOPWORDS.has(w));
  }
  // ASCII (nearly every address): one pass over the characters.
  const raw: string[] = [];
  let start = -1;
  const lower = s.toLowerCase();
  for (let k = 0; k <= lower.length; k++) {
    const c = k < lower.length ? lower.charCodeAt(k) : 32;
    if (c === 39 || c === 96) continue; // ' and ` are dropped inside words
    const word = (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
    if (word) {
      if (start < 0) start = k;
    } else if (start >= 0) {
      raw.push(lower.slice(start, k).replace(/['`]/g, ''));
      start = -1;
    }
  }
  // "RT 003" / "rt003" / "RT 5abc" → rt3 (and abc), as /\b(rt|rw)\s*0*(\d+)/ would.
  const out: string[] = [];
  for (let k = 0; k < raw.length; k++) {
    let w = raw[k]!;
    if ((w === 'rt' || w === 'rw') && k + 1 < raw.length) {
      const next = raw[k + 1]!;
      const c = next.charCodeAt(0);
      if (c >= 48 && c <= 57) {
        w += next;
        k++;
      }
    }
    if (w.length > 2 && w.charCodeAt(0) === 114 && (w.charCodeAt(1) === 116 || w.charCodeAt(1) === 119)) {
      let e = 2;
      while (e < w.length && w.charCodeAt(e) >= 48 && w.charCodeAt(e) <= 57) e++;
      if (e > 2) {
        out.push(w.slice(0, 2) + String(Number(w.slice(2, e))));
        if (e === w.length) continue;
        raw[k] = w.slice(e);
        k--;
        continue;
      }
    }
    if (!ADDRESS_STOPWORDS.has(w)) out.push(w);
  }
  return out;
}

function addressWord(w: string): string {
  return /^\d+$/.test(w) ? String(Number(w)) : collapseDoubles(modernizeSpelling(w).text);
}

/** Normalise an address into comparable words ("Jl. Mawar No.5 RT 003/RW 01" → mawar 5 rt3 rw1). */
export function addressTokens(s: string | null | undefined): string[] {
  if (!s) return [];
  return addressWords(s).map(addressWord);
}

/** Split a region code into up to four cumulative prefixes ("32.01.01.2001" → 32, 32.01, …). */
export function regionPrefixes(code: string | null | undefined): string[] {
  if (!code) return [];
  let s = code.trim().toLowerCase();
  if (s === '') return [];
  if (/^\d{10}$/.test(s)) s = `${s.slice(0, 2)}.${s.slice(2, 4)}.${s.slice(4, 6)}.${s.slice(6)}`;
  const parts = s.split('.').filter((p) => p !== '');
  const out: string[] = [];
  for (let k = 0; k < parts.length && k < REGION_LEVELS; k++) {
    out.push(k === REGION_LEVELS - 1 ? parts.join('.') : parts.slice(0, k + 1).join('.'));
  }
  return out;
}

/**
 * Integer-encoded features of a set of records. Build with {@link prepareRecords}.
 *
 * Names are stored as lists of name-part ids: each distinct list once (`listStart`,
 * `listTok`), each record pointing at its name, mother's name and father's name
 * (`bin`/`binti`) list, so that comparisons can be cached per pair of distinct lists.
 */
export interface PreparedRecords {
  readonly n: number;
  readonly ids: readonly string[];
  readonly source: Int32Array;
  /** The fields the comparator reads, {@link ROW} numbers per record (layout R_*). */
  readonly rows: Int32Array;
  /** Per record: name list id, or -1 when the name is empty. */
  readonly nameList: Int32Array;
  /** Per record: mother's name list id, or -1. */
  readonly motherList: Int32Array;
  /** Per record: father's name (after bin/binti) list id, or -1. */
  readonly patList: Int32Array;
  /** Name-part ids of list L: listTok[listStart[L] .. listStart[L + 1]). */
  readonly listStart: Int32Array;
  readonly listTok: Int32Array;
  readonly nameFlags: Uint8Array;
  readonly dobY: Int16Array;
  readonly dobM: Uint8Array;
  readonly dobD: Uint8Array;
  readonly sex: Uint8Array;
  /** Identifier digits ('' when missing, a placeholder, or shared by many records). */
  readonly idStr: readonly string[];
  /** Identifier digits as two numbers (up to 16 digits: the first and the last 8), and its length (0 = none). */
  readonly idHi: Int32Array;
  readonly idLo: Int32Array;
  readonly idLen: Uint8Array;
  readonly idStatus: Uint8Array;
  readonly idWarn: Uint8Array;
  /** Index into kk dictionary of the KK number equal to this record's NIK, or -1. */
  readonly idAsKk: Int32Array;
  readonly kk: Int32Array;
  readonly place: Int32Array;
  readonly placeStr: readonly string[];
  /** Records per birth place id (from the model when finished with one). */
  readonly placeCount: readonly number[];
  readonly placeTotal: number;
  readonly addrStart: Int32Array;
  readonly addrTok: Int32Array;
  /** Region-prefix ids, four per record (-1 beyond its depth). */
  readonly region: Int32Array;
  readonly regionDepth: Uint8Array;
  /** Region-prefix strings by id (values of `region`). */
  readonly regionStr: readonly string[];
  /** Name-part dictionary: text, phonetic class id and information in bits. */
  readonly tokStr: readonly string[];
  readonly tokPhon: Int32Array;
  readonly tokInfo: Float64Array;
  readonly tokCount: readonly number[];
  readonly nameTokenTotal: number;
  readonly addrStr: readonly string[];
  readonly addrInfo: Float64Array;
  /** Per record: total information of its address words. */
  readonly addrInfoSum: Float64Array;
  /** Phonetic key text per phonetic class id (values of `tokPhon`). */
  readonly tokPhonStr: readonly string[];
  readonly addrCount: readonly number[];
  readonly addrTokenTotal: number;
}

/** A distinct raw name, encoded once. */
interface EncodedName {
  readonly list: number;
  /** Distinct name-part ids, for counting frequencies. */
  readonly distinct: readonly number[];
  readonly pat: number;
  readonly flags: number;
}

const NO_NAME: EncodedName = { list: -1, distinct: [], pat: -1, flags: 0 };

/**
 * Accumulates records one at a time (so a CSV stream never has to be held as objects)
 * and produces {@link PreparedRecords}.
 */
export class FeatureBuilder {
  private n = 0;
  private readonly ids: string[] = [];
  private readonly sources = new Dictionary();
  private readonly sourceIds = new IntList();
  private readonly names = new Dictionary();
  private readonly lists = new Map<string, number>();
  private readonly listStart = new IntList();
  private readonly listTok = new IntList();
  private readonly nameList = new IntList();
  private readonly motherList = new IntList();
  private readonly patList = new IntList();
  private readonly flags = new IntList();
  private readonly dob = new IntList();
  private readonly sexes = new IntList();
  private readonly idStr: string[] = [];
  private readonly idStatus = new IntList();
  private readonly idWarn = new IntList();
  private readonly kks = new DigitDictionary();
  private readonly digits = new Int32Array(3);
  private readonly kk = new IntList();
  private readonly places = new Dictionary();
  private readonly place = new IntList();
  private readonly addrs = new Dictionary();
  private readonly addrStart = new IntList();
  private readonly addrTok = new IntList();
  private readonly regions = new Dictionary();
  private readonly region = new IntList();
  private readonly regionDepth = new IntList();
  private nameTokenTotal = 0;
  private addrTokenTotal = 0;
  // Names, places, region codes, dates and address words repeat a lot: each distinct
  // text is normalised once (the caches are bounded).
  private readonly nameCache = new Map<string, EncodedName>();
  private readonly placeCache = new Map<string, number>();
  private readonly regionCache = new Map<string, Int32Array>();
  private readonly dateCache = new Map<string, number>();
  private readonly wordCache = new Map<string, number>();

  constructor() {
    this.listStart.push(0);
    this.addrStart.push(0);
  }

  private listOf(tokens: readonly string[]): number {
    if (tokens.length === 0) return -1;
    const parts = tokens.length > MAX_TOKENS ? tokens.slice(0, MAX_TOKENS) : tokens;
    const key = parts.join(' ');
    let id = this.lists.get(key);
    if (id === undefined) {
      id = this.listStart.length - 1;
      this.lists.set(key, id);
      for (const t of parts) this.listTok.push(this.names.id(t));
      this.listStart.push(this.listTok.length);
    }
    return id;
  }

  private encodeName(s: string | null | undefined): EncodedName {
    if (!s) return NO_NAME;
    let v = this.nameCache.get(s);
    if (v === undefined) {
      const nm = normalizeName(s);
      const list = this.listOf(nm.tokens);
      const distinct = [...new Set(nm.tokens.slice(0, MAX_TOKENS).map((t) => this.names.id(t)))];
      v = {
        list,
        distinct,
        pat: this.listOf(nm.patronym),
        flags: (nm.oldSpelling ? NAME_FLAG_OLD_SPELLING : 0) | (nm.titles.length > 0 ? NAME_FLAG_TITLES : 0) | (nm.abbreviated ? NAME_FLAG_ABBREVIATED : 0),
      };
      if (this.nameCache.size > 500_000) this.nameCache.clear();
      this.nameCache.set(s, v);
    }
    return v;
  }

  add(r: PersonRecord): number {
    const idx = this.n++;
    this.ids.push(r.id);
    this.sourceIds.push(r.source ? this.sources.id(r.source) : 0);
    const nm = this.encodeName(r.fullName);
    this.nameList.push(nm.list);
    this.patList.push(nm.pat);
    for (const t of nm.distinct) this.names.count(t);
    this.nameTokenTotal += nm.distinct.length;
    this.flags.push(nm.flags);
    this.motherList.push(this.encodeName(r.motherName).list);
    this.dob.push(this.encodeDate(r.birthDate));
    const nik = analyseNik(r.nik, { kkNumber: r.kkNumber, birthDate: r.birthDate, sex: r.sex });
    let sex = r.sex === 'L' ? 1 : r.sex === 'P' ? 2 : 0;
    if (sex === 0 && nik.sex) sex = nik.sex === 'L' ? 1 : 2;
    this.sexes.push(sex);
    const usable = nik.status === 'valid' || nik.status === 'invalid';
    this.idStr.push(usable && nik.digits.length >= 4 ? nik.digits : '');
    this.idStatus.push(ID_STATUS_CODE.get(nik.status)!);
    this.idWarn.push((nik.warnings.includes('nik-date-mismatch') ? ID_WARN_DATE : 0) | (nik.warnings.includes('nik-sex-mismatch') ? ID_WARN_SEX : 0));
    this.kk.push(r.kkNumber ? this.kkId(r.kkNumber) : -1);
    const pid = this.encodePlace(r.birthPlace);
    this.place.push(pid);
    if (pid >= 0) this.places.count(pid);
    if (r.address) {
      const words = addressWords(r.address);
      for (let k = 0; k < words.length && k < MAX_ADDRESS_WORDS; k++) {
        const raw = words[k]!;
        let id = this.wordCache.get(raw);
        if (id === undefined) {
          id = this.addrs.id(addressWord(raw));
          if (this.wordCache.size > 500_000) this.wordCache.clear();
          this.wordCache.set(raw, id);
        }
        this.addrTok.push(id);
        this.addrs.count(id);
        this.addrTokenTotal++;
      }
    }
    this.addrStart.push(this.addrTok.length);
    const reg = this.encodeRegion(r.villageCode);
    let depth = 0;
    for (let k = 0; k < REGION_LEVELS; k++) {
      const v = reg[k]!;
      this.region.push(v);
      if (v >= 0) depth++;
    }
    this.regionDepth.push(depth);
    return idx;
  }

  /** Id of a KK number: at least 4 digits, not all the same digit; -1 otherwise. */
  private kkId(s: string): number {
    const d = this.digits;
    DigitDictionary.parse(s, d);
    const len = d[0]!;
    if (len < 4) return -1;
    if (len !== 255) {
      // All one digit (0000…, 1111…): a filler.
      let first = -1;
      let same = true;
      for (let k = 0; k < s.length && same; k++) {
        const c = s.charCodeAt(k);
        if (c < 48 || c > 57) continue;
        if (first < 0) first = c;
        else if (c !== first) same = false;
      }
      if (same) return -1;
    } else if (/^(\d)\1+$/.test(s.replace(/\D/g, ''))) return -1;
    return this.kks.id(len, d[1]!, d[2]!, () => s);
  }

  private encodeDate(s: string | null | undefined): number {
    if (!s) return 0;
    // ISO YYYY-MM-DD, nearly every date: digits read directly.
    if (s.length === 10 && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45) {
      let v = 0;
      for (let k = 0; k < 10; k++) {
        if (k === 4 || k === 7) continue;
        const c = s.charCodeAt(k) - 48;
        if (c < 0 || c > 9) { v = -1; break; }
        v = v * 10 + c;
      }
      // Year 0 is no date (as parseLooseDate); years before 1000 are kept.
      if (v >= 10000) return v;
      if (v >= 0) return 0;
    }
    let v = this.dateCache.get(s);
    if (v === undefined) {
      const d = parseLooseDate(s);
      v = d ? d.y * 10000 + Math.min(d.m, 99) * 100 + Math.min(d.d, 99) : 0;
      if (this.dateCache.size > 200_000) this.dateCache.clear();
      this.dateCache.set(s, v);
    }
    return v;
  }

  private encodePlace(s: string | null | undefined): number {
    if (!s) return -1;
    let v = this.placeCache.get(s);
    if (v === undefined) {
      const pl = normalizePlace(s);
      v = pl === '' ? -1 : this.places.id(pl);
      if (this.placeCache.size > 200_000) this.placeCache.clear();
      this.placeCache.set(s, v);
    }
    return v;
  }

  private encodeRegion(s: string | null | undefined): Int32Array {
    if (!s) return NO_REGION;
    let v = this.regionCache.get(s);
    if (v === undefined) {
      const prefixes = regionPrefixes(s);
      v = new Int32Array(REGION_LEVELS).fill(-1);
      for (let k = 0; k < prefixes.length; k++) v[k] = this.regions.id(prefixes[k]!);
      if (this.regionCache.size > 200_000) this.regionCache.clear();
      this.regionCache.set(s, v);
    }
    return v;
  }

  /** The records added so far, as plain data (see {@link absorb}). */
  state(): FeatureState {
    return {
      n: this.n, ids: this.ids, sources: this.sources.strings, sourceIds: this.sourceIds.toArray(),
      names: this.names.strings, nameCounts: this.names.counts, listStart: this.listStart.toArray(), listTok: this.listTok.toArray(),
      nameList: this.nameList.toArray(), motherList: this.motherList.toArray(), patList: this.patList.toArray(),
      flags: this.flags.toArray(), dob: this.dob.toArray(), sexes: this.sexes.toArray(),
      idStr: this.idStr, idStatus: this.idStatus.toArray(), idWarn: this.idWarn.toArray(),
      kks: this.kks.strings(), kk: this.kk.toArray(), places: this.places.strings, placeCounts: this.places.counts, place: this.place.toArray(),
      addrs: this.addrs.strings, addrCounts: this.addrs.counts, addrStart: this.addrStart.toArray(), addrTok: this.addrTok.toArray(),
      regions: this.regions.strings, region: this.region.toArray(), regionDepth: this.regionDepth.toArray(),
      nameTokenTotal: this.nameTokenTotal, addrTokenTotal: this.addrTokenTotal,
    };
  }

  /**
   * Append the records of another builder (its {@link state}) after this one's, as if
   * they had been added here: dictionaries are merged and ids translated.
   */
  absorb(o: FeatureState): void {
    const mapOf = (strings: readonly string[], into: Dictionary, counts?: readonly number[]): Int32Array =>
      Int32Array.from(strings, (str, k) => {
        const id = into.id(str);
        if (counts) into.counts[id]! += counts[k]!;
        return id;
      });
    this.n += o.n;
    for (const id of o.ids) this.ids.push(id);
    // Source 0 also means "no source" (see add): it stays 0.
    const sourceMap = mapOf(o.sources, this.sources);
    for (const v of o.sourceIds) this.sourceIds.push(o.sources.length > 0 ? sourceMap[v]! : 0);
    const nameMap = mapOf(o.names, this.names, o.nameCounts);
    const lists = o.listStart.length - 1;
    const listMap = new Int32Array(lists);
    for (let l = 0; l < lists; l++) {
      const parts: string[] = [];
      for (let x = o.listStart[l]!; x < o.listStart[l + 1]!; x++) parts.push(this.names.strings[nameMap[o.listTok[x]!]!]!);
      listMap[l] = this.listOf(parts);
    }
    this.nameList.append(o.nameList, listMap);
    this.motherList.append(o.motherList, listMap);
    this.patList.append(o.patList, listMap);
    this.flags.append(o.flags);
    this.dob.append(o.dob);
    this.sexes.append(o.sexes);
    for (const s of o.idStr) this.idStr.push(s);
    this.idStatus.append(o.idStatus);
    this.idWarn.append(o.idWarn);
    this.kk.append(o.kk, Int32Array.from(o.kks, (str) => this.kkId(str)));
    this.place.append(o.place, mapOf(o.places, this.places, o.placeCounts));
    const addrMap = mapOf(o.addrs, this.addrs, o.addrCounts);
    const base = this.addrTok.length;
    this.addrTok.append(o.addrTok, addrMap);
    for (let k = 1; k < o.addrStart.length; k++) this.addrStart.push(o.addrStart[k]! + base);
    this.region.append(o.region, mapOf(o.regions, this.regions));
    this.regionDepth.append(o.regionDepth);
    this.nameTokenTotal += o.nameTokenTotal;
    this.addrTokenTotal += o.addrTokenTotal;
  }

  /** Finish; term frequencies come from `model` when given (scoring new records against a registry). */
  finish(model?: MatchModel): PreparedRecords {
    const n = this.n;
    // Identifiers used by many records are fillers, whatever they look like.
    const idStatus = Uint8Array.from(this.idStatus.toArray());
    const idStr = this.idStr.slice();
    const idAsKk = new Int32Array(n).fill(-1);
    const idHi = new Int32Array(n);
    const idLo = new Int32Array(n);
    const idLen = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const s = idStr[i]!;
      if (s === '') continue;
      // Longer identifiers are compared by their last 16 digits.
      const L = Math.min(s.length, 16);
      const t = s.length > 16 ? s.slice(s.length - 16) : s;
      idLen[i] = L;
      idHi[i] = L > 8 ? Number(t.slice(0, L - 8)) : 0;
      idLo[i] = Number(t.slice(Math.max(0, L - 8)));
    }
    const shared = countShared(idLen, idHi, idLo, MAX_ID_SHARE);
    const sharedCode = ID_STATUS_CODE.get('shared')!;
    for (let i = 0; i < n; i++) {
      const s = idStr[i]!;
      if (s === '') continue;
      if (shared[i] === 1) {
        idStr[i] = '';
        idStatus[i] = sharedCode;
        idLen[i] = 0;
        idHi[i] = 0;
        idLo[i] = 0;
        continue;
      }
      DigitDictionary.parse(s, this.digits);
      const k = this.kks.id(this.digits[0]!, this.digits[1]!, this.digits[2]!, () => s, false);
      if (k >= 0) idAsKk[i] = k;
    }
    const dobRaw = this.dob.toArray();
    const dobY = new Int16Array(n);
    const dobM = new Uint8Array(n);
    const dobD = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const v = dobRaw[i]!;
      dobY[i] = Math.floor(v / 10000);
      dobM[i] = Math.floor(v / 100) % 100;
      dobD[i] = v % 100;
    }
    const tokStr = this.names.strings;
    const phon = new Dictionary();
    const tokPhon = new Int32Array(tokStr.length);
    for (let t = 0; t < tokStr.length; t++) tokPhon[t] = phon.id(phoneticKey(tokStr[t]!));
    const tokCount = this.names.counts.slice();
    let nameTotal = this.nameTokenTotal;
    const addrCount = this.addrs.counts.slice();
    let addrTotal = this.addrTokenTotal;
    const placeCount = this.places.counts.slice();
    let placeTotal = 0;
    for (const c of placeCount) placeTotal += c;
    if (model) {
      nameTotal = model.nameFrequencies.total;
      for (let t = 0; t < tokStr.length; t++) tokCount[t] = model.nameFrequencies.counts[tokStr[t]!] ?? 1;
      addrTotal = model.addressFrequencies.total;
      for (let t = 0; t < addrCount.length; t++) addrCount[t] = model.addressFrequencies.counts[this.addrs.strings[t]!] ?? 1;
      if (model.placeFrequencies) {
        placeTotal = model.placeFrequencies.total;
        for (let t = 0; t < placeCount.length; t++) placeCount[t] = model.placeFrequencies.counts[this.places.strings[t]!] ?? 1;
      }
    }
    const tokInfo = new Float64Array(tokStr.length);
    for (let t = 0; t < tokStr.length; t++) tokInfo[t] = Math.log2(Math.max(nameTotal, 1) / Math.max(tokCount[t]!, 1));
    const addrInfo = new Float64Array(addrCount.length);
    for (let t = 0; t < addrCount.length; t++) addrInfo[t] = Math.log2(Math.max(addrTotal, 1) / Math.max(addrCount[t]!, 1));
    const addrStartArr = this.addrStart.toArray();
    const addrTokArr = this.addrTok.toArray();
    const addrInfoSum = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let x = addrStartArr[i]!; x < addrStartArr[i + 1]!; x++) sum += addrInfo[addrTokArr[x]!]!;
      addrInfoSum[i] = sum;
    }
    const nameList = this.nameList.toArray();
    const motherList = this.motherList.toArray();
    const patList = this.patList.toArray();
    const sex = Uint8Array.from(this.sexes.toArray());
    const kk = this.kk.toArray();
    const place = this.place.toArray();
    const region = this.region.toArray();
    const regionDepth = Uint8Array.from(this.regionDepth.toArray());
    const rows = new Int32Array(n * ROW);
    const rowsF = new Float32Array(rows.buffer);
    for (let i = 0; i < n; i++) {
      const r = i * ROW;
      rows[r + R_NAME] = nameList[i]!;
      rows[r + R_MOTHER] = motherList[i]!;
      rows[r + R_PAT] = patList[i]!;
      rows[r + R_DOB] = dobRaw[i]!;
      rows[r + R_BITS] = sex[i]! | (idStatus[i]! << 2) | (idLen[i]! << 5) | (regionDepth[i]! << 10);
      rows[r + R_ID_HI] = idHi[i]!;
      rows[r + R_ID_LO] = idLo[i]!;
      rows[r + R_ID_AS_KK] = idAsKk[i]!;
      rows[r + R_KK] = kk[i]!;
      rows[r + R_PLACE] = place[i]!;
      for (let k = 0; k < REGION_LEVELS; k++) rows[r + R_REGION + k] = region[i * REGION_LEVELS + k]!;
      const a0 = addrStartArr[i]!;
      const count = Math.min(addrStartArr[i + 1]! - a0, MAX_ADDRESS_WORDS);
      rows[r + R_ADDR_COUNT] = count;
      rowsF[r + R_ADDR_INFO] = addrInfoSum[i]!;
      for (let k = 0; k < count; k++) rows[r + R_ADDR_WORDS + k] = addrTokArr[a0 + k]!;
    }
    return {
      n,
      ids: this.ids,
      source: this.sourceIds.toArray(),
      rows,
      nameList,
      motherList,
      patList,
      listStart: this.listStart.toArray(),
      listTok: this.listTok.toArray(),
      nameFlags: Uint8Array.from(this.flags.toArray()),
      dobY,
      dobM,
      dobD,
      sex,
      idStr,
      idHi,
      idLo,
      idLen,
      idStatus,
      idWarn: Uint8Array.from(this.idWarn.toArray()),
      idAsKk,
      kk,
      place,
      placeStr: this.places.strings,
      placeCount,
      placeTotal,
      addrStart: addrStartArr,
      addrTok: addrTokArr,
      addrInfoSum,
      tokPhonStr: phon.strings,
      region,
      regionDepth,
      regionStr: this.regions.strings,
      tokStr,
      tokPhon,
      tokInfo,
      tokCount,
      nameTokenTotal: nameTotal,
      addrStr: this.addrs.strings,
      addrInfo,
      addrCount,
      addrTokenTotal: addrTotal,
    };
  }
}

const NO_REGION = new Int32Array(REGION_LEVELS).fill(-1);

/** 1 for each record whose identifier (length, high, low part) is held by more than `max` records. */
function countShared(len: Uint8Array, hi: Int32Array, lo: Int32Array, max: number): Uint8Array {
  const n = len.length;
  let bits = 10;
  while (1 << bits < n * 2) bits++;
  const size = 1 << bits;
  const mask = size - 1;
  const slotOf = new Int32Array(n).fill(-1);
  const owner = new Int32Array(size).fill(-1);
  const count = new Int32Array(size);
  for (let i = 0; i < n; i++) {
    if (len[i] === 0) continue;
    let x = (Math.imul(hi[i]! ^ (len[i]! << 27), 0x9e3779b1) ^ Math.imul(lo[i]!, 0x85ebca6b)) & mask;
    for (;;) {
      const o = owner[x]!;
      if (o < 0) { owner[x] = i; break; }
      if (len[o] === len[i] && hi[o] === hi[i] && lo[o] === lo[i]) break;
      x = (x + 1) & mask;
    }
    count[x]!++;
    slotOf[i] = x;
  }
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (slotOf[i]! >= 0 && count[slotOf[i]!]! > max) out[i] = 1;
  return out;
}

/** Name-part ids of a record's name (a view, no copy). */
export function nameTokens(p: PreparedRecords, list: number): Int32Array {
  return list < 0 ? EMPTY : p.listTok.subarray(p.listStart[list]!, p.listStart[list + 1]!);
}
const EMPTY = new Int32Array(0);

/**
 * Normalise and encode records once.
 *
 * @example const prepared = prepareRecords([{ id: '1', fullName: 'Hj. Siti Aminah' }]);
 */
export function prepareRecords(records: Iterable<PersonRecord>, model?: MatchModel): PreparedRecords {
  const b = new FeatureBuilder();
  for (const r of records) b.add(r);
  return b.finish(model);
}
