/**
 * Field comparators: turn a pair of prepared records into a comparison vector (one
 * level per field), the information carried by the agreeing name parts (for the
 * term-frequency adjustment), and family-context rule flags.
 */
import { compareDates, DATE_LEVEL } from './dates.js';
import type { PreparedRecords } from './features.js';
import { compareIds } from './nik.js';
import { jaroWinkler, PairCache } from './strings.js';
import {
  F_ADDRESS, F_BPLACE, F_DOB, F_ID, F_KK, F_MOTHER, F_NAME, F_REGION, F_SEX, FIELD_COUNT, MISSING, NAME_LEVEL,
} from './types.js';

/** Kinds of agreement between two name parts. */
export const TOKEN_KIND = { none: 0, exact: 1, phonetic: 2, typo: 3, abbrev: 4, weak: 5, concat: 6 } as const;
const SIM_TYPO = 0.88;
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
  private readonly placeCache: PairCache;
  private readonly sim = new Float64Array(MAX_T * MAX_T);
  private readonly kind = new Uint8Array(MAX_T * MAX_T);
  private readonly usedA = new Uint8Array(MAX_T);
  private readonly usedB = new Uint8Array(MAX_T);
  private readonly assignB = new Int8Array(MAX_T);
  private readonly assignKind = new Uint8Array(MAX_T);
  private lastInfo = 0;

  constructor(readonly p: PreparedRecords) {
    this.simCache = new PairCache(cacheBits(p.tokStr.length, 20));
    this.placeCache = new PairCache(cacheBits(p.placeStr.length, 16));
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
      if (jw >= SIM_TYPO) v = TOKEN_KIND.typo * 2 + jw;
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
    if (jaroWinkler(sa, sb) >= SIM_TYPO) v = 1;
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
    const L = this.levels;
    let rules = 0;
    // Name.
    const nameLevel = this.compareTokenLists(p.nameTok, p.nameStart[i]!, p.nameStart[i + 1]!, p.nameTok, p.nameStart[j]!, p.nameStart[j + 1]!, detail);
    L[F_NAME] = nameLevel;
    this.nameInfo = this.lastInfo;
    // Birth date.
    const yi = p.dobY[i]!;
    const yj = p.dobY[j]!;
    let dobLevel: number = MISSING;
    if (yi > 0 && yj > 0) dobLevel = compareDates(yi, p.dobM[i]!, p.dobD[i]!, yj, p.dobM[j]!, p.dobD[j]!);
    L[F_DOB] = dobLevel;
    // Sex.
    const si = p.sex[i]!;
    const sj = p.sex[j]!;
    L[F_SEX] = si === 0 || sj === 0 ? MISSING : si === sj ? 1 : 0;
    // NIK (or other identifier).
    const ii = p.idStr[i]!;
    const ij = p.idStr[j]!;
    let idLevel: number = MISSING;
    const kki = p.kk[i]!;
    const kkj = p.kk[j]!;
    if ((p.idAsKk[i]! >= 0 && p.idAsKk[i] === kkj) || (p.idAsKk[j]! >= 0 && p.idAsKk[j] === kki)) {
      rules |= RULE_NIK_IS_KK;
    } else if (ii !== '' && ij !== '') {
      const d = compareIds(ii, ij);
      idLevel = d === 'exact' ? 3 : d === 'one-digit' ? 2 : d === 'transposed' ? 1 : 0;
    }
    L[F_ID] = idLevel;
    // KK.
    const kkLevel = kki < 0 || kkj < 0 ? MISSING : kki === kkj ? 1 : 0;
    L[F_KK] = kkLevel;
    // Mother's name: strong/exact, partial, some, none.
    const ml = this.compareTokenLists(p.motherTok, p.motherStart[i]!, p.motherStart[i + 1]!, p.motherTok, p.motherStart[j]!, p.motherStart[j + 1]!);
    L[F_MOTHER] = ml === MISSING ? MISSING : ml >= NAME_LEVEL.strong ? 3 : ml === NAME_LEVEL.partial ? 2 : ml >= NAME_LEVEL.fuzzy ? 1 : 0;
    // Birth place.
    const pi = p.place[i]!;
    const pj = p.place[j]!;
    L[F_BPLACE] = pi < 0 || pj < 0 ? MISSING : pi === pj ? 2 : this.placeSimilarity(pi, pj);
    // Address: information-weighted overlap of words.
    L[F_ADDRESS] = this.addressLevel(i, j);
    // Region: depth of the common prefix of the hierarchical code.
    const di = p.regionDepth[i]!;
    const dj = p.regionDepth[j]!;
    if (di === 0 || dj === 0) L[F_REGION] = MISSING;
    else {
      let common = 0;
      while (common < 4 && p.region[i * 4 + common]! >= 0 && p.region[i * 4 + common] === p.region[j * 4 + common]) common++;
      L[F_REGION] = common === di && common === dj ? 4 : common > 3 ? 3 : common;
    }
    // Family context.
    // Twins: same KK and birth date, names alike but not the same. NIK serials are
    // issued in sequence, so twins' NIKs often differ in the last digit only.
    if (kkLevel === 1 && (dobLevel === DATE_LEVEL.exact || dobLevel === DATE_LEVEL.exactJan1) && nameLevel !== MISSING && nameLevel < NAME_LEVEL.exact) {
      const serialOnly = idLevel === 2 && ii.length === 16 && ii.slice(0, 12) === ij.slice(0, 12);
      if (nameLevel <= NAME_LEVEL.some || idLevel === 0 || serialOnly) rules |= RULE_TWIN;
    }
    // A KK card lists each member's NIK: two valid, clearly different NIKs on one KK
    // are two members of the family, however alike the rest looks.
    if (kkLevel === 1 && idLevel === 0 && p.idStatus[i] === ID_VALID && p.idStatus[j] === ID_VALID) rules |= RULE_FAMILY_MEMBER;
    // A son named after his father: same name a generation apart. A parent and child
    // never share a NIK, so an agreeing identifier points to a wrong date instead.
    if (nameLevel !== MISSING && nameLevel >= NAME_LEVEL.partial && dobLevel === DATE_LEVEL.different && Math.abs(yi - yj) >= 13 && (idLevel === MISSING || idLevel === 0)) {
      rules |= RULE_PARENT_CHILD;
    }
    const pa0 = p.patStart[i]!, pa1 = p.patStart[i + 1]!, pb0 = p.patStart[j]!, pb1 = p.patStart[j + 1]!;
    if (pa1 > pa0 || pb1 > pb0) {
      if (pa1 > pa0 && pb1 > pb0) {
        const pl = this.compareTokenLists(p.patTok, pa0, pa1, p.patTok, pb0, pb1);
        if (pl <= NAME_LEVEL.fuzzy) rules |= RULE_PATRONYM_DIFFERS;
      }
      // "Ahmad bin Yusuf" and "Yusuf": the father is named in the son's record.
      if (pa1 > pa0 && this.compareTokenLists(p.patTok, pa0, pa1, p.nameTok, p.nameStart[j]!, p.nameStart[j + 1]!) >= NAME_LEVEL.strong) rules |= RULE_PARENT_CHILD;
      if (pb1 > pb0 && this.compareTokenLists(p.patTok, pb0, pb1, p.nameTok, p.nameStart[i]!, p.nameStart[i + 1]!) >= NAME_LEVEL.strong) rules |= RULE_PARENT_CHILD;
    }
    this.rules = rules;
  }

  private addressLevel(i: number, j: number): number {
    const p = this.p;
    const a0 = p.addrStart[i]!, a1 = p.addrStart[i + 1]!, b0 = p.addrStart[j]!, b1 = p.addrStart[j + 1]!;
    if (a0 === a1 || b0 === b1) return MISSING;
    const ia = p.addrInfoSum[i]!;
    const ib = p.addrInfoSum[j]!;
    let common = 0;
    for (let x = a0; x < a1; x++) {
      const t = p.addrTok[x]!;
      for (let y = b0; y < b1; y++) if (p.addrTok[y] === t) { common += p.addrInfo[t]!; break; }
    }
    const union = ia + ib - common;
    const s = union > 0 ? common / union : 0;
    return s >= 0.8 ? 3 : s >= 0.5 ? 2 : s >= 0.2 ? 1 : 0;
  }
}

export function emptyNameDetail(): NameDetail {
  return { exact: 0, phonetic: 0, typo: 0, abbrev: 0, concat: 0, unmatchedA: 0, unmatchedB: 0, orderChanged: false, matchedTokens: [] };
}
