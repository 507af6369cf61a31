/**
 * Per-record features computed once (normalised, integer-encoded) so that the pair
 * scorer does only integer work and cached token similarities.
 */
import { parseLooseDate } from './dates.js';
import { normalizeName, phoneticKey, modernizeSpelling, collapseDoubles, type NormalizedName } from './names.js';
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

/** An identifier shared by more records than this is treated as a placeholder. */
export const MAX_ID_SHARE = 10;

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

/** Normalise an address into comparable words ("Jl. Mawar No.5 RT 003/RW 01" → mawar 5 rt3 rw1). */
export function addressTokens(s: string | null | undefined): string[] {
  if (!s) return [];
  const words = basicFold(s)
    .replace(/[.,]/g, ' ')
    .replace(/\b(rt|rw)\s*0*(\d+)/g, ' $1$2 ')
    .split(/\s+/)
    .filter((w) => w !== '' && !ADDRESS_STOPWORDS.has(w));
  const out: string[] = [];
  for (const w of words) {
    if (/^\d+$/.test(w)) out.push(String(Number(w)));
    else out.push(collapseDoubles(modernizeSpelling(w).text));
  }
  return out;
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

/** Integer-encoded features of a set of records. Build with {@link prepareRecords}. */
export interface PreparedRecords {
  readonly n: number;
  readonly ids: readonly string[];
  readonly source: Int32Array;
  readonly nameStart: Int32Array;
  readonly nameTok: Int32Array;
  readonly patStart: Int32Array;
  readonly patTok: Int32Array;
  readonly motherStart: Int32Array;
  readonly motherTok: Int32Array;
  readonly nameFlags: Uint8Array;
  readonly dobY: Int16Array;
  readonly dobM: Uint8Array;
  readonly dobD: Uint8Array;
  readonly sex: Uint8Array;
  readonly idStr: readonly string[];
  readonly idStatus: Uint8Array;
  readonly idWarn: Uint8Array;
  /** Index into kk dictionary of the KK number equal to this record's NIK, or -1. */
  readonly idAsKk: Int32Array;
  readonly kk: Int32Array;
  readonly place: Int32Array;
  readonly placeStr: readonly string[];
  readonly addrStart: Int32Array;
  readonly addrTok: Int32Array;
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
  /** Phonetic key text per name-part id. */
  readonly tokPhonStr: readonly string[];
  readonly addrCount: readonly number[];
  readonly addrTokenTotal: number;
}

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
  private readonly nameStart = new IntList();
  private readonly nameTok = new IntList();
  private readonly patStart = new IntList();
  private readonly patTok = new IntList();
  private readonly motherStart = new IntList();
  private readonly motherTok = new IntList();
  private readonly flags: number[] = [];
  private readonly dob = new IntList();
  private readonly sexes: number[] = [];
  private readonly idStr: string[] = [];
  private readonly idStatus: number[] = [];
  private readonly idWarn: number[] = [];
  private readonly kks = new Dictionary();
  private readonly kk = new IntList();
  private readonly places = new Dictionary();
  private readonly place = new IntList();
  private readonly addrs = new Dictionary();
  private readonly addrStart = new IntList();
  private readonly addrTok = new IntList();
  private readonly regions = new Dictionary();
  private readonly region = new IntList();
  private readonly regionDepth: number[] = [];
  private nameTokenTotal = 0;
  private addrTokenTotal = 0;
  // Names, places and region codes repeat a lot: normalise each distinct text once.
  private readonly nameCache = new Map<string, NormalizedName>();
  private readonly placeCache = new Map<string, string>();
  private readonly regionCache = new Map<string, string[]>();

  private normName(s: string | null | undefined): NormalizedName {
    if (!s) return normalizeName(s);
    let v = this.nameCache.get(s);
    if (v === undefined) {
      v = normalizeName(s);
      if (this.nameCache.size > 500_000) this.nameCache.clear();
      this.nameCache.set(s, v);
    }
    return v;
  }

  constructor() {
    this.nameStart.push(0);
    this.patStart.push(0);
    this.motherStart.push(0);
    this.addrStart.push(0);
  }

  add(r: PersonRecord): number {
    const idx = this.n++;
    this.ids.push(r.id);
    this.sourceIds.push(r.source ? this.sources.id(r.source) : 0);
    const nm = this.normName(r.fullName);
    const seen = new Set<string>();
    for (const t of nm.tokens.slice(0, MAX_TOKENS)) {
      const id = this.names.id(t);
      this.nameTok.push(id);
      if (!seen.has(t)) {
        this.names.count(id);
        this.nameTokenTotal++;
        seen.add(t);
      }
    }
    this.nameStart.push(this.nameTok.length);
    for (const t of nm.patronym.slice(0, MAX_TOKENS)) this.patTok.push(this.names.id(t));
    this.patStart.push(this.patTok.length);
    const mother = this.normName(r.motherName);
    for (const t of mother.tokens.slice(0, MAX_TOKENS)) this.motherTok.push(this.names.id(t));
    this.motherStart.push(this.motherTok.length);
    this.flags.push(
      (nm.oldSpelling ? NAME_FLAG_OLD_SPELLING : 0) | (nm.titles.length > 0 ? NAME_FLAG_TITLES : 0) | (nm.abbreviated ? NAME_FLAG_ABBREVIATED : 0),
    );
    const d = parseLooseDate(r.birthDate);
    this.dob.push(d ? d.y * 10000 + Math.min(d.m, 99) * 100 + Math.min(d.d, 99) : 0);
    const nik = analyseNik(r.nik, { kkNumber: r.kkNumber, birthDate: r.birthDate, sex: r.sex });
    let sex = r.sex === 'L' ? 1 : r.sex === 'P' ? 2 : 0;
    if (sex === 0 && nik.sex) sex = nik.sex === 'L' ? 1 : 2;
    this.sexes.push(sex);
    const usable = nik.status === 'valid' || nik.status === 'invalid';
    this.idStr.push(usable && nik.digits.length >= 4 ? nik.digits : '');
    this.idStatus.push(ID_STATUS_CODE.get(nik.status)!);
    this.idWarn.push((nik.warnings.includes('nik-date-mismatch') ? ID_WARN_DATE : 0) | (nik.warnings.includes('nik-sex-mismatch') ? ID_WARN_SEX : 0));
    const kkDigits = r.kkNumber ? r.kkNumber.replace(/\D/g, '') : '';
    this.kk.push(kkDigits.length >= 4 && !/^(\d)\1+$/.test(kkDigits) ? this.kks.id(kkDigits) : -1);
    let pl = r.birthPlace ? this.placeCache.get(r.birthPlace) : '';
    if (pl === undefined) {
      pl = normalizePlace(r.birthPlace);
      if (this.placeCache.size > 200_000) this.placeCache.clear();
      this.placeCache.set(r.birthPlace!, pl);
    }
    this.place.push(pl === '' ? -1 : this.places.id(pl));
    for (const t of addressTokens(r.address).slice(0, 16)) {
      const id = this.addrs.id(t);
      this.addrTok.push(id);
      this.addrs.count(id);
      this.addrTokenTotal++;
    }
    this.addrStart.push(this.addrTok.length);
    let reg = r.villageCode ? this.regionCache.get(r.villageCode) : [];
    if (reg === undefined) {
      reg = regionPrefixes(r.villageCode);
      if (this.regionCache.size > 200_000) this.regionCache.clear();
      this.regionCache.set(r.villageCode!, reg);
    }
    for (let k = 0; k < REGION_LEVELS; k++) this.region.push(k < reg.length ? this.regions.id(reg[k]!) : -1);
    this.regionDepth.push(reg.length);
    return idx;
  }

  /** Finish; term frequencies come from `model` when given (scoring new records against a registry). */
  finish(model?: MatchModel): PreparedRecords {
    const n = this.n;
    // Identifiers used by many records are fillers, whatever they look like.
    const idCounts = new Map<string, number>();
    for (const s of this.idStr) if (s !== '') idCounts.set(s, (idCounts.get(s) ?? 0) + 1);
    const idStatus = Uint8Array.from(this.idStatus);
    const idStr = this.idStr.slice();
    const idAsKk = new Int32Array(n).fill(-1);
    const sharedCode = ID_STATUS_CODE.get('shared')!;
    for (let i = 0; i < n; i++) {
      const s = idStr[i]!;
      if (s === '') continue;
      if (idCounts.get(s)! > MAX_ID_SHARE) {
        idStr[i] = '';
        idStatus[i] = sharedCode;
        continue;
      }
      const k = this.kks.find(s);
      if (k !== undefined) idAsKk[i] = k;
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
    if (model) {
      nameTotal = model.nameFrequencies.total;
      for (let t = 0; t < tokStr.length; t++) tokCount[t] = model.nameFrequencies.counts[tokStr[t]!] ?? 1;
      addrTotal = model.addressFrequencies.total;
      for (let t = 0; t < addrCount.length; t++) addrCount[t] = model.addressFrequencies.counts[this.addrs.strings[t]!] ?? 1;
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
    return {
      n,
      ids: this.ids,
      source: this.sourceIds.toArray(),
      nameStart: this.nameStart.toArray(),
      nameTok: this.nameTok.toArray(),
      patStart: this.patStart.toArray(),
      patTok: this.patTok.toArray(),
      motherStart: this.motherStart.toArray(),
      motherTok: this.motherTok.toArray(),
      nameFlags: Uint8Array.from(this.flags),
      dobY,
      dobM,
      dobD,
      sex: Uint8Array.from(this.sexes),
      idStr,
      idStatus,
      idWarn: Uint8Array.from(this.idWarn),
      idAsKk,
      kk: this.kk.toArray(),
      place: this.place.toArray(),
      placeStr: this.places.strings,
      addrStart: addrStartArr,
      addrTok: addrTokArr,
      addrInfoSum,
      tokPhonStr: phon.strings,
      region: this.region.toArray(),
      regionDepth: Uint8Array.from(this.regionDepth),
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
