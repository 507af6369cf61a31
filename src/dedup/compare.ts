/**
 * Field comparators: turn a pair of prepared records into a comparison vector (one
 * level per field), the information carried by the agreeing name parts (for the
 * term-frequency adjustment), and family-context rule flags.
 */
import { compareDates, dateDigitDistance, DATE_LEVEL } from './dates.js';
import { R_ADDR_COUNT, R_ADDR_INFO, R_ADDR_WORDS, R_BITS, R_DOB, R_ID_AS_KK, R_ID_HI, R_ID_LO, R_KK, R_MOTHER, R_NAME, R_PAT, R_PLACE, R_REGION, ROW, type PreparedRecords } from './features.js';
import { editDistance, jaroWinkler, PairCache } from './strings.js';
import {
  F_ADDRESS, F_BPLACE, F_DOB, F_ID, F_KK, F_MOTHER, F_NAME, F_REGION, F_SEX, FIELD_COUNT, MISSING, NAME_LEVEL,
} from './types.js';

/** Kinds of agreement between two name parts. */
export const TOKEN_KIND = { none: 0, exact: 1, phonetic: 2, typo: 3, abbrev: 4, weak: 5, concat: 6 } as const;
const SIM_PLACE = 0.88;
const SIM_WEAK = 0.75;

/** Rule flags set by family context. */
export const RULE_TWIN = 1;
export const RULE_PARENT_CHILD = 2;
export const RULE_PATRONYM_DIFFERS = 4;
export const RULE_NIK_IS_KK = 8;
export const RULE_FAMILY_MEMBER = 16;
const ID_VALID = 1;

/** Details of a name comparison, filled only when explaining. */
export interface NameDetail {
  exact: number;
  phonetic: number;
  typo: number;
  abbrev: number;
  concat: number;
  unmatchedA: number;
  unmatchedB: number;
  orderChanged: boolean;
  matchedTokens: string[];
}

const MAX_T = 8;

/**
 * Stateful comparator over one {@link PreparedRecords}; reuses scratch buffers and a
 * cache of name-part similarities, so it is not safe to share between concurrent callers.
 */
/** Hash-table bits for caching similarities among `distinct` strings (at most `max`). */
function cacheBits(distinct: number, max: number): number {
  return Math.min(max, Math.max(8, Math.ceil(Math.log2(Math.max(2, distinct * distinct)))));
}

export class Comparator {
  /** Comparison vector of the last {@link compare} call. */
  readonly levels = new Uint8Array(FIELD_COUNT);
  /** Bits of information in the agreeing name parts of the last call. */
  nameInfo = 0;
  /** RULE_* flags of the last call. */
  rules = 0;
  // Sized to the record set: a few hundred records (an incremental check) need far less
  // than a million-record list, and allocating the full tables each time dominates.
  private readonly simCache: PairCache;
  /** Comparisons of two distinct name lists: (information * 1024) * 8 + level. */
  private readonly listCache: PairCache;
  private readonly placeCache: PairCache;
  /** Information of each name list (all its parts), for identical lists. */
  private readonly listInfo: Float64Array;
  private readonly sim = new Float64Array(MAX_T * MAX_T);
  private readonly kind = new Uint8Array(MAX_T * MAX_T);
  private readonly usedA = new Uint8Array(MAX_T);
  private readonly usedB = new Uint8Array(MAX_T);
  private readonly assignB = new Int8Array(MAX_T);
  private readonly assignKind = new Uint8Array(MAX_T);
  private lastInfo = 0;
  private readonly rowsF: Float32Array;

  constructor(readonly p: PreparedRecords) {
    this.rowsF = new Float32Array(p.rows.buffer, p.rows.byteOffset, p.rows.length);
    this.simCache = new PairCache(cacheBits(p.tokStr.length, 20));
    const lists = p.listStart.length - 1;
    // Distinct list pairs are bounded by the candidate pairs (a few per record).
    this.listCache = new PairCache(Math.min(22, Math.max(10, Math.ceil(Math.log2(Math.max(2, Math.min(lists * lists, p.n * 4)))))));
    this.placeCache = new PairCache(cacheBits(p.placeStr.length, 16));
    this.listInfo = new Float64Array(lists);
    for (let l = 0; l < lists; l++) {
      let info = 0;
      for (let x = p.listStart[l]!; x < p.listStart[l + 1]!; x++) info += p.tokInfo[p.listTok[x]!]!;
      this.listInfo[l] = info;
    }
  }

  /**
   * Start loading what {@link compare}(i, j) will read — record j's row, then the cached
   * comparison of the two names — a few pairs ahead: the loads overlap with the work on
   * the pairs before. Returns a value to be ignored.
   */
  prefetchRow(j: number): number {
    return this.p.rows[j * ROW]!;
  }

  prefetchNames(i: number, j: number): number {
    const rows = this.p.rows;
    const a = rows[i * ROW + R_NAME]!;
    const b = rows[j * ROW + R_NAME]!;
    if (a < 0 || b < 0 || a === b) return 0;
    return a < b ? this.listCache.touch(a, b) : this.listCache.touch(b, a);
  }

  /**
   * Compare two name lists by id (-1 = empty): a NAME_LEVEL, or MISSING when either is
   * empty; sets {@link lastNameInfo}. Cached per pair of distinct lists.
   */
  compareLists(a: number, b: number): number {
    if (a < 0 || b < 0) {
      this.lastInfo = 0;
      return MISSING;
    }
    if (a === b) {
      this.lastInfo = this.listInfo[a]!;
      return NAME_LEVEL.exact;
    }
    const lo = a < b ? a : b;
    const hi = a < b ? b : a;
    const hit = this.listCache.get(lo, hi);
    if (hit >= 0) {
      const level = hit % 8;
      this.lastInfo = (hit - level) / 8192;
      return level;
    }
    const p = this.p;
    const level = this.compareTokenLists(p.listTok, p.listStart[lo]!, p.listStart[lo + 1]!, p.listTok, p.listStart[hi]!, p.listStart[hi + 1]!);
    const q = Math.round(this.lastInfo * 1024);
    this.lastInfo = q / 1024;
    this.listCache.set(lo, hi, q * 8 + level);
    return level;
  }

  /** Similarity of two name parts (by dictionary id) packed as kind * 2 + similarity. */
  tokenSimilarity(a: number, b: number): number {
    if (a === b) return TOKEN_KIND.exact * 2 + 1;
    const p = this.p;
    if (p.tokPhon[a] === p.tokPhon[b]) return TOKEN_KIND.phonetic * 2 + 0.95;
    const lo = a < b ? a : b;
    const hi = a < b ? b : a;
    const hit = this.simCache.get(lo, hi);
    if (hit >= 0) return hit;
    const sa = p.tokStr[a]!;
    const sb = p.tokStr[b]!;
    let v: number;
    const short = sa.length <= sb.length ? sa : sb;
    const long = sa.length <= sb.length ? sb : sa;
    if (short.length === 1) {
      v = long.charCodeAt(0) === short.charCodeAt(0) ? TOKEN_KIND.abbrev * 2 + 0.8 : 0;
    } else {
      const jw = jaroWinkler(sa, sb);
      // One keying error in a part of 4–7 letters, two in a longer one.
      const allowed = long.length >= 8 ? 2 : long.length >= 4 ? 1 : 0;
      if (allowed > 0 && editDistance(sa, sb, allowed) <= allowed) v = TOKEN_KIND.typo * 2 + Math.max(jw, 0.85);
      else if (short.length >= 2 && short.length <= 4 && long.length > short.length + 1 && long.startsWith(short)) v = TOKEN_KIND.abbrev * 2 + 0.8;
      else if (jw >= SIM_WEAK) v = TOKEN_KIND.weak * 2 + jw;
      else v = 0;
    }
    this.simCache.set(lo, hi, v);
    return v;
  }

  /**
   * Compare two token lists (slices of `tok`). Returns a NAME_LEVEL; sets lastInfo
   * to the information of agreeing parts. Fills `detail` when given.
   */
  compareTokenLists(tokA: Int32Array, a0: number, a1: number, tokB: Int32Array, b0: number, b1: number, detail?: NameDetail): number {
    let na = a1 - a0;
    let nb = b1 - b0;
    this.lastInfo = 0;
    if (na === 0 || nb === 0) return MISSING;
    if (na > MAX_T) na = MAX_T;
    if (nb > MAX_T) nb = MAX_T;
    const p = this.p;
    const sim = this.sim;
    const kind = this.kind;
    // Fast path: identical lists in the same order.
    if (na === nb) {
      let same = true;
      for (let k = 0; k < na; k++) if (tokA[a0 + k] !== tokB[b0 + k]) { same = false; break; }
      if (same) {
        let info = 0;
        for (let k = 0; k < na; k++) info += p.tokInfo[tokA[a0 + k]!]!;
        this.lastInfo = info;
        if (detail) {
          detail.exact = na;
          for (let k = 0; k < na; k++) detail.matchedTokens.push(p.tokStr[tokA[a0 + k]!]!);
        }
        return NAME_LEVEL.exact;
      }
    }
    for (let x = 0; x < na; x++) {
      const ta = tokA[a0 + x]!;
      for (let y = 0; y < nb; y++) {
        const packed = this.tokenSimilarity(ta, tokB[b0 + y]!);
        const k = Math.floor(packed / 2);
        kind[x * MAX_T + y] = k;
        sim[x * MAX_T + y] = k === TOKEN_KIND.none ? 0 : packed - k * 2;
      }
    }
    const usedA = this.usedA;
    const usedB = this.usedB;
    usedA.fill(0);
    usedB.fill(0);
    this.assignB.fill(-1);
    let exact = 0, phon = 0, typo = 0, abbrev = 0, weak = 0, concat = 0;
    let info = 0;
    // Greedy best-first assignment (lists are short).
    for (;;) {
      let best = 0;
      let bx = -1;
      let by = -1;
      for (let x = 0; x < na; x++) {
        if (usedA[x]) continue;
        for (let y = 0; y < nb; y++) {
          if (usedB[y]) continue;
          const s = sim[x * MAX_T + y]!;
          if (s > best) { best = s; bx = x; by = y; }
        }
      }
      if (bx < 0) break;
      const k = kind[bx * MAX_T + by]!;
      usedA[bx] = 1;
      usedB[by] = 1;
      this.assignB[bx] = by;
      this.assignKind[bx] = k;
      const ia = p.tokInfo[tokA[a0 + bx]!]!;
      const ib = p.tokInfo[tokB[b0 + by]!]!;
      const minInfo = ia < ib ? ia : ib;
      if (k === TOKEN_KIND.exact) { exact++; info += minInfo; }
      else if (k === TOKEN_KIND.phonetic) { phon++; info += minInfo; }
      else if (k === TOKEN_KIND.typo) { typo++; info += minInfo; }
      else if (k === TOKEN_KIND.abbrev) { abbrev++; info += minInfo; }
      else weak++;
      if (detail && k !== TOKEN_KIND.weak) detail.matchedTokens.push(p.tokStr[tokA[a0 + bx]!]!);
    }
    let unA = 0;
    let unB = 0;
    for (let x = 0; x < na; x++) if (!usedA[x] || this.assignKind[x] === TOKEN_KIND.weak) unA++;
    for (let y = 0; y < nb; y++) if (!usedB[y]) unB++;
    unB += weak;
    // Parts written together or apart ("Nurhayati" / "Nur Hayati").
    if (unA > 0 && unB > 0 && (na > 1 || nb > 1)) {
      concat = this.matchConcatenations(tokA, a0, na, tokB, b0, nb) + this.matchConcatenations(tokB, b0, nb, tokA, a0, na);
      if (concat > 0) {
        info += this.concatInfo;
        unA = Math.max(0, unA - concat);
        unB = Math.max(0, unB - concat);
      }
    }
    this.lastInfo = info;
    const strong = exact + phon + typo + concat;
    if (detail) {
      detail.exact = exact;
      detail.phonetic = phon;
      detail.typo = typo;
      detail.abbrev = abbrev;
      detail.concat = concat;
      detail.unmatchedA = unA;
      detail.unmatchedB = unB;
      let last = -1;
      for (let x = 0; x < na; x++) {
        const y = this.assignB[x]!;
        if (y < 0) continue;
        if (y < last) detail.orderChanged = true;
        last = y;
      }
    }
    if (unA === 0 && unB === 0 && exact === na && na === nb) return NAME_LEVEL.exact;
    if (unA === 0 && unB === 0 && abbrev === 0) return NAME_LEVEL.strong;
    if (strong >= 1 && (unA === 0 || unB === 0)) return NAME_LEVEL.partial;
    if (strong >= 1) return NAME_LEVEL.some;
    if (weak > 0 || abbrev > 0) return NAME_LEVEL.fuzzy;
    return NAME_LEVEL.different;
  }

  private concatInfo = 0;

  /** Count unassigned parts of A equal to two adjacent unassigned parts of B joined. */
  private matchConcatenations(tokA: Int32Array, a0: number, na: number, tokB: Int32Array, b0: number, nb: number): number {
    const p = this.p;
    let count = 0;
    this.concatInfo = 0;
    for (let x = 0; x < na; x++) {
      const sa = p.tokStr[tokA[a0 + x]!]!;
      for (let y = 0; y + 1 < nb; y++) {
        const s1 = p.tokStr[tokB[b0 + y]!]!;
        if (s1.length >= sa.length) continue;
        const s2 = p.tokStr[tokB[b0 + y + 1]!]!;
        if (s1.length + s2.length === sa.length && sa.startsWith(s1) && sa.endsWith(s2)) {
          count++;
          this.concatInfo += p.tokInfo[tokA[a0 + x]!]!;
          break;
        }
      }
    }
    return count;
  }

  /** Information (bits) of the agreeing parts of the last token-list comparison. */
  get lastNameInfo(): number {
    return this.lastInfo;
  }

  private placeSimilarity(a: number, b: number): number {
    const lo = a < b ? a : b;
    const hi = a < b ? b : a;
    const hit = this.placeCache.get(lo, hi);
    if (hit >= 0) return hit;
    const sa = this.p.placeStr[a]!;
    const sb = this.p.placeStr[b]!;
    let v = 0;
    if (jaroWinkler(sa, sb) >= SIM_PLACE) v = 1;
    else {
      const wa = sa.split(' ');
      const wb = sb.split(' ');
      if (wa.some((w) => w.length >= 3 && wb.includes(w))) v = 1;
    }
    this.placeCache.set(lo, hi, v);
    return v;
  }

  /**
   * Fill {@link levels}, {@link nameInfo} and {@link rules} for records i and j.
   */
  compare(i: number, j: number, detail?: NameDetail): void {
    const p = this.p;
    const rows = p.rows;
    const ri = i * ROW;
    const rj = j * ROW;
    const L = this.levels;
    let rules = 0;
    // Name.
    const li = rows[ri + R_NAME]!;
    const lj = rows[rj + R_NAME]!;
    const nameLevel = this.compareLists(li, lj);
    L[F_NAME] = nameLevel;
    this.nameInfo = this.lastInfo;
    if (detail && nameLevel !== MISSING) {
      this.compareTokenLists(p.listTok, p.listStart[li]!, p.listStart[li + 1]!, p.listTok, p.listStart[lj]!, p.listStart[lj + 1]!, detail);
    }
    // Birth date.
    const dateI = rows[ri + R_DOB]!;
    const dateJ = rows[rj + R_DOB]!;
    let dobLevel: number = MISSING;
    const yi = (dateI / 10000) | 0;
    const yj = (dateJ / 10000) | 0;
    if (yi > 0 && yj > 0) dobLevel = dateI === dateJ ? (dateI % 10000 === 101 ? DATE_LEVEL.exactJan1 : DATE_LEVEL.exact) : compareDates(yi, ((dateI / 100) | 0) % 100, dateI % 100, yj, ((dateJ / 100) | 0) % 100, dateJ % 100);
    L[F_DOB] = dobLevel;
    // Sex.
    const bitsI = rows[ri + R_BITS]!;
    const bitsJ = rows[rj + R_BITS]!;
    const si = bitsI & 3;
    const sj = bitsJ & 3;
    L[F_SEX] = si === 0 || sj === 0 ? MISSING : si === sj ? 1 : 0;
    // NIK (or other identifier).
    let idLevel: number = MISSING;
    const kki = rows[ri + R_KK]!;
    const kkj = rows[rj + R_KK]!;
    const ai = rows[ri + R_ID_AS_KK]!;
    const aj = rows[rj + R_ID_AS_KK]!;
    const lenI = (bitsI >>> 5) & 31;
    const lenJ = (bitsJ >>> 5) & 31;
    if ((ai >= 0 && ai === kkj) || (aj >= 0 && aj === kki)) {
      rules |= RULE_NIK_IS_KK;
    } else if (lenI > 0 && lenJ > 0) {
      idLevel = compareIdNumbers(lenI, rows[ri + R_ID_HI]!, rows[ri + R_ID_LO]!, lenJ, rows[rj + R_ID_HI]!, rows[rj + R_ID_LO]!);
    }
    L[F_ID] = idLevel;
    // KK.
    const kkLevel = kki < 0 || kkj < 0 ? MISSING : kki === kkj ? 1 : 0;
    L[F_KK] = kkLevel;
    // Mother's name: strong/exact, partial, some, none.
    const ml = this.compareLists(rows[ri + R_MOTHER]!, rows[rj + R_MOTHER]!);
    L[F_MOTHER] = ml === MISSING ? MISSING : ml >= NAME_LEVEL.strong ? 3 : ml === NAME_LEVEL.partial ? 2 : ml >= NAME_LEVEL.fuzzy ? 1 : 0;
    // Birth place.
    const pi = rows[ri + R_PLACE]!;
    const pj = rows[rj + R_PLACE]!;
    L[F_BPLACE] = pi < 0 || pj < 0 ? MISSING : pi === pj ? 2 : this.placeSimilarity(pi, pj);
    // Address: information-weighted overlap of words.
    L[F_ADDRESS] = this.addressLevel(ri, rj);
    // Region: depth of the common prefix of the hierarchical code.
    const di = (bitsI >>> 10) & 7;
    const dj = (bitsJ >>> 10) & 7;
    if (di === 0 || dj === 0) L[F_REGION] = MISSING;
    else {
      let common = 0;
      while (common < 4 && rows[ri + R_REGION + common]! >= 0 && rows[ri + R_REGION + common] === rows[rj + R_REGION + common]) common++;
      L[F_REGION] = common === di && common === dj ? 4 : common > 3 ? 3 : common;
    }
    // Family context.
    // Twins: same KK and birth date, names alike but not the same. Twins never share a
    // NIK; their serials are consecutive (0417 / 0418), so a NIK differing in the
    // serial only still points to twins.
    if (kkLevel === 1 && (dobLevel === DATE_LEVEL.exact || dobLevel === DATE_LEVEL.exactJan1) && nameLevel !== MISSING && nameLevel < NAME_LEVEL.exact && idLevel !== 3) {
      let serialOnly = false;
      if (idLevel === 2 && lenI === 16) {
        const loI = rows[ri + R_ID_LO]!;
        const loJ = rows[rj + R_ID_LO]!;
        serialOnly = rows[ri + R_ID_HI] === rows[rj + R_ID_HI] && ((loI / 10000) | 0) === ((loJ / 10000) | 0) && Math.abs((loI % 10000) - (loJ % 10000)) <= 9;
      }
      if (nameLevel <= NAME_LEVEL.some || idLevel === 0 || serialOnly) rules |= RULE_TWIN;
    }
    // A KK card lists each member's NIK: two valid, clearly different NIKs on one KK
    // are two members of the family, however alike the rest looks.
    if (kkLevel === 1 && idLevel === 0 && ((bitsI >>> 2) & 7) === ID_VALID && ((bitsJ >>> 2) & 7) === ID_VALID) rules |= RULE_FAMILY_MEMBER;
    // A son named after his father: same name a generation apart. A parent and child
    // never share a NIK, so an agreeing identifier points to a wrong date instead.
    // Two keying errors can move a year by a generation (1824-11-22 / 1854-11-25), so
    // the dates must differ in three or more digits, unless both are 1 January
    // placeholders, whose day and month tell nothing.
    if (nameLevel !== MISSING && nameLevel >= NAME_LEVEL.partial && dobLevel === DATE_LEVEL.different && Math.abs(yi - yj) >= 13 && (idLevel === MISSING || idLevel === 0)) {
      const mi = ((dateI / 100) | 0) % 100, dmi = dateI % 100, mj = ((dateJ / 100) | 0) % 100, dmj = dateJ % 100;
      const bothJan1 = mi === 1 && dmi === 1 && mj === 1 && dmj === 1;
      if (bothJan1 || dateDigitDistance(yi, mi, dmi, yj, mj, dmj) >= 3) rules |= RULE_PARENT_CHILD;
    }
    const pai = rows[ri + R_PAT]!;
    const paj = rows[rj + R_PAT]!;
    if (pai >= 0 || paj >= 0) {
      if (pai >= 0 && paj >= 0 && this.compareLists(pai, paj) <= NAME_LEVEL.fuzzy) rules |= RULE_PATRONYM_DIFFERS;
      // "Ahmad bin Yusuf" and "Yusuf": the father is named in the son's record.
      if (pai >= 0 && lj >= 0 && this.compareLists(pai, lj) >= NAME_LEVEL.strong) rules |= RULE_PARENT_CHILD;
      if (paj >= 0 && li >= 0 && this.compareLists(paj, li) >= NAME_LEVEL.strong) rules |= RULE_PARENT_CHILD;
    }
    this.rules = rules;
  }

  /** Address level of rows ri and rj: information-weighted overlap (Jaccard) of their words. */
  private addressLevel(ri: number, rj: number): number {
    const rows = this.p.rows;
    const na = rows[ri + R_ADDR_COUNT]!;
    const nb = rows[rj + R_ADDR_COUNT]!;
    if (na === 0 || nb === 0) return MISSING;
    const info = this.p.addrInfo;
    const a0 = ri + R_ADDR_WORDS;
    const b0 = rj + R_ADDR_WORDS;
    let common = 0;
    for (let x = a0; x < a0 + na; x++) {
      const t = rows[x]!;
      for (let y = b0; y < b0 + nb; y++) if (rows[y] === t) { common += info[t]!; break; }
    }
    const rowsF = this.rowsF;
    const union = rowsF[ri + R_ADDR_INFO]! + rowsF[rj + R_ADDR_INFO]! - common;
    const s = union > 0 ? common / union : 0;
    return s >= 0.8 ? 3 : s >= 0.5 ? 2 : s >= 0.2 ? 1 : 0;
  }
}

/**
 * Compare two identifiers given as length and two 8-digit halves: 3 same, 2 one digit
 * different, 1 two adjacent digits swapped, 0 otherwise (or different lengths).
 */
export function compareIdNumbers(lenA: number, hiA: number, loA: number, lenB: number, hiB: number, loB: number): number {
  if (lenA !== lenB) return 0;
  if (hiA === hiB && loA === loB) return 3;
  let diffs = 0;
  let first = -1;
  let a1 = 0, b1 = 0, a2 = 0, b2 = 0;
  let pos = 0;
  for (let half = 0; half < 2; half++) {
    let a = half === 0 ? loA : hiA;
    let b = half === 0 ? loB : hiB;
    if (a === b) {
      pos += 8;
      continue;
    }
    for (let k = 0; k < 8; k++, pos++) {
      const da = a % 10;
      const db = b % 10;
      if (da !== db) {
        diffs++;
        if (diffs > 2) return 0;
        if (diffs === 1) { first = pos; a1 = da; b1 = db; } else { a2 = da; b2 = db; if (pos !== first + 1) return 0; }
      }
      a = (a - da) / 10;
      b = (b - db) / 10;
    }
  }
  if (diffs === 1) return 2;
  return a1 === b2 && a2 === b1 ? 1 : 0;
}

export function emptyNameDetail(): NameDetail {
  return { exact: 0, phonetic: 0, typo: 0, abbrev: 0, concat: 0, unmatchedA: 0, unmatchedB: 0, orderChanged: false, matchedTokens: [] };
}
