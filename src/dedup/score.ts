/**
 * Pair scoring (sum of Fellegi–Sunter log2 Bayes factors, term-frequency adjustment of
 * the name, family-context rules) and explanations in Bahasa Indonesia.
 */
import {
  Comparator, emptyNameDetail, RULE_FAMILY_MEMBER, RULE_NIK_IS_KK, RULE_PARENT_CHILD, RULE_PATRONYM_DIFFERS, RULE_TWIN,
} from './compare.js';
import {
  ROW, R_PLACE, ID_STATUS, ID_WARN_DATE, ID_WARN_SEX, NAME_FLAG_ABBREVIATED, NAME_FLAG_OLD_SPELLING, NAME_FLAG_TITLES, type PreparedRecords,
} from './features.js';
import { MAX_FIELD_WEIGHT, MIN_FIELD_WEIGHT } from './model.js';
import { F_ADDRESS, F_BPLACE, F_KK, F_NAME, F_REGION, FIELD_COUNT, FIELDS, LEVEL_COUNTS, MISSING, NAME_LEVEL, type FieldName, type MatchModel } from './types.js';

/** Fixed penalties (bits) for family-context rules: domain knowledge, not estimated. */
export const RULE_PENALTY = { twin: 14, parentChild: 14, familyMember: 14, patronymDiffers: 6 } as const;
/** Rules that forbid an automatic link. */
const CANNOT_LINK = RULE_TWIN | RULE_PARENT_CHILD | RULE_FAMILY_MEMBER;
/**
 * Share of the weaker agreeing household and locality fields (KK, address, region,
 * birth place) that counts: members of one family agree on all of them at once, and
 * people mostly live where they were born, so summing them as if independent would make
 * siblings and neighbours look like duplicates.
 */
export const HOUSEHOLD_OVERLAP = 0.25;
const LOCALITY = (1 << F_KK) | (1 << F_ADDRESS) | (1 << F_REGION) | (1 << F_BPLACE);
/** Bounds of the name term-frequency adjustment (bits). */
export const TF_MIN = -8;
export const TF_MAX = 8;

export type Decision = 'link' | 'review' | 'distinct';

export interface FieldExplanation {
  readonly field: FieldName;
  /** Comparison level (0 = disagree), or null when a side is missing. */
  readonly level: number | null;
  /** Contribution in bits (log2 Bayes factor), term-frequency adjustment included. */
  readonly weight: number;
  /** What was seen, in Bahasa Indonesia. */
  readonly note: string;
}

export interface PairExplanation {
  readonly weight: number;
  readonly probability: number;
  readonly decision: Decision;
  /** Family rules that forbid linking the pair automatically. */
  readonly cannotLink: boolean;
  readonly fields: readonly FieldExplanation[];
  /** Family-context and identifier notes. */
  readonly notes: readonly string[];
  /** One line: the notes of the fields that weighed most, strongest first. */
  readonly summary: string;
}

/** log2-odds → probability. */
export function weightToProbability(w: number): number {
  return 1 / (1 + Math.pow(2, -w));
}

/** probability → log2-odds. */
export function probabilityToWeight(p: number): number {
  return Math.log2(p / (1 - p));
}

/**
 * Scores pairs of one prepared record set with one model. `score` is the hot path
 * (no allocation); `explain` builds the per-field account.
 *
 * @example
 * const scorer = new PairScorer(prepared, model);
 * scorer.score(0, 1);           // log2 odds
 * scorer.explain(0, 1).summary; // "NIK sama; nama mirip (ejaan lama); …"
 */
export class PairScorer {
  readonly comparator: Comparator;
  /** weights[f * 8 + level], bits. */
  private readonly weights = new Float64Array(FIELD_COUNT * 8);
  /** log2 prior odds of a match, included in every weight. */
  readonly priorWeight: number;
  private readonly tfBase: Float64Array;
  private readonly placeAdj: Float64Array;
  /** RULE_* flags of the last score() call. */
  rules = 0;
  readonly linkWeight: number;
  readonly reviewWeight: number;

  constructor(readonly p: PreparedRecords, readonly model: MatchModel) {
    this.comparator = new Comparator(p);
    FIELDS.forEach((name, f) => {
      const { m, u } = model.fields[name];
      for (let l = 0; l < LEVEL_COUNTS[f]!; l++) {
        const w = Math.log2(m[l]! / u[l]!);
        this.weights[f * 8 + l] = Math.min(MAX_FIELD_WEIGHT, Math.max(MIN_FIELD_WEIGHT, w));
      }
    });
    this.priorWeight = Math.log2(model.lambda / (1 - model.lambda));
    this.tfBase = Float64Array.from(model.nameTfBaseline);
    // Birth places: a shared rare place ("Barnham Broom") says more than a shared
    // common one ("Jakarta"), as for names (Splink's term-frequency adjustment).
    const uExact = model.fields.birthPlace.u[2]!;
    const placeTotal = Math.max(p.placeTotal, 1);
    this.placeAdj = Float64Array.from(p.placeCount, (c) => {
      const d = model.placeFrequencies ? Math.log2((uExact * placeTotal) / Math.max(c, 1)) : 0;
      return d < TF_MIN ? TF_MIN : d > TF_MAX ? TF_MAX : d;
    });
    this.linkWeight = probabilityToWeight(model.thresholds.autoLink);
    this.reviewWeight = probabilityToWeight(model.thresholds.review);
  }

  /** Term-frequency adjustment of the name for the last comparison. */
  private tfAdjustment(level: number, info: number): number {
    if (level === MISSING || level < NAME_LEVEL.some) return 0;
    const base = this.tfBase[level]!;
    if (base <= 0) return 0;
    const d = info - base;
    return d < TF_MIN ? TF_MIN : d > TF_MAX ? TF_MAX : d;
  }

  /** Weight (bits) of field `f` at level `l` for records i and j, term frequencies included. */
  private fieldWeight(f: number, l: number, i: number): number {
    let x = this.weights[f * 8 + l]!;
    if (f === F_NAME) x += this.tfAdjustment(l, this.comparator.nameInfo);
    else if (f === F_BPLACE && l === 2) x += this.placeAdj[this.p.rows[i * ROW + R_PLACE]!]!;
    return x;
  }

  /** Match weight (log2 odds) of records i and j. Sets {@link rules}. */
  score(i: number, j: number): number {
    const c = this.comparator;
    c.compare(i, j);
    const L = c.levels;
    const weights = this.weights;
    let w = this.priorWeight;
    let houseMax = 0;
    let houseSum = 0;
    for (let f = 0; f < FIELD_COUNT; f++) {
      const l = L[f]!;
      if (l === MISSING) continue;
      let x = weights[f * 8 + l]!;
      if (f === F_NAME) x += this.tfAdjustment(l, c.nameInfo);
      else if (f === F_BPLACE && l === 2) x += this.placeAdj[this.p.rows[i * ROW + R_PLACE]!]!;
      if (x > 0 && ((LOCALITY >>> f) & 1) === 1) {
        houseSum += x;
        if (x > houseMax) houseMax = x;
      } else w += x;
    }
    w += houseMax + HOUSEHOLD_OVERLAP * (houseSum - houseMax);
    const r = c.rules;
    this.rules = r;
    if (r !== 0) {
      if (r & RULE_TWIN) w -= RULE_PENALTY.twin;
      if (r & RULE_PARENT_CHILD) w -= RULE_PENALTY.parentChild;
      if (r & RULE_PATRONYM_DIFFERS) w -= RULE_PENALTY.patronymDiffers;
      if (r & RULE_FAMILY_MEMBER) w -= RULE_PENALTY.familyMember;
    }
    return w;
  }

  /** True when the last scored pair must never be linked automatically. */
  get lastCannotLink(): boolean {
    return (this.rules & CANNOT_LINK) !== 0;
  }

  decide(weight: number, cannotLink: boolean): Decision {
    if (weight >= this.linkWeight && !cannotLink) return 'link';
    if (weight >= this.reviewWeight || (cannotLink && weight + RULE_PENALTY.twin >= this.linkWeight)) return 'review';
    return 'distinct';
  }

  /** Per-field explanation of records i and j, in Bahasa Indonesia. */
  explain(i: number, j: number): PairExplanation {
    const weight = this.score(i, j);
    const cannotLink = this.lastCannotLink;
    const c = this.comparator;
    const detail = emptyNameDetail();
    c.compare(i, j, detail);
    const L = Uint8Array.from(c.levels);
    const p = this.p;
    const fields: FieldExplanation[] = [];
    const raw = FIELDS.map((_, f) => (L[f] === MISSING ? 0 : this.fieldWeight(f, L[f]!, i)));
    let houseTop = -1;
    for (let f = 0; f < FIELD_COUNT; f++) {
      if (((LOCALITY >>> f) & 1) === 0 || raw[f]! <= 0) continue;
      if (houseTop < 0 || raw[f]! > raw[houseTop]!) houseTop = f;
    }
    FIELDS.forEach((name, f) => {
      const l = L[f]!;
      let w = raw[f]!;
      if (w > 0 && f !== houseTop && ((LOCALITY >>> f) & 1) === 1) w *= HOUSEHOLD_OVERLAP;
      fields.push({ field: name, level: l === MISSING ? null : l, weight: round2(w), note: this.fieldNote(f, l, i, j, detail, c.nameInfo) });
    });
    const notes: string[] = [];
    const r = c.rules;
    if (r & RULE_TWIN) notes.push('kemungkinan kembar: KK sama, tanggal lahir sama, nama/NIK berbeda');
    if (r & RULE_PARENT_CHILD) {
      const gap = Math.abs(p.dobY[i]! - p.dobY[j]!);
      notes.push(gap >= 13 ? `kemungkinan ayah/ibu dan anak senama (selisih umur ${gap} tahun)` : 'nama ayah (bin/binti) sama dengan nama orang lain: kemungkinan ayah dan anak');
    }
    if (r & RULE_PATRONYM_DIFFERS) notes.push('nama ayah (bin/binti) berbeda');
    if (r & RULE_NIK_IS_KK) notes.push('NIK salah satu berisi nomor KK');
    if (r & RULE_FAMILY_MEMBER) notes.push('anggota lain dalam KK yang sama (NIK berbeda)');
    for (const k of [i, j]) {
      const st = ID_STATUS[p.idStatus[k]!]!;
      const who = k === i ? 'A' : 'B';
      if (st === 'placeholder') notes.push(`NIK ${who} berisi angka pengisi (placeholder), diabaikan`);
      else if (st === 'kk-as-nik') notes.push(`NIK ${who} sama dengan nomor KK-nya, diabaikan`);
      else if (st === 'invalid') notes.push(`NIK ${who} tidak valid (format/tanggal)`);
      else if (st === 'shared') notes.push(`NIK ${who} dipakai banyak orang, diabaikan`);
      if (p.idWarn[k]! & ID_WARN_DATE) notes.push(`tanggal di NIK ${who} tidak sama dengan tanggal lahir tercatat`);
      if (p.idWarn[k]! & ID_WARN_SEX) notes.push(`jenis kelamin di NIK ${who} tidak sama dengan yang tercatat`);
    }
    const strongest = fields
      .filter((f) => f.level !== null && f.note !== '')
      .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))
      .map((f) => f.note);
    const summary = [...notes.filter((_, k) => k < 3), ...strongest].slice(0, 6).join('; ');
    return {
      weight: round2(weight),
      probability: weightToProbability(weight),
      decision: this.decide(weight, cannotLink),
      cannotLink,
      fields,
      notes,
      summary,
    };
  }

  private fieldNote(f: number, l: number, i: number, j: number, d: ReturnType<typeof emptyNameDetail>, info: number): string {
    const p = this.p;
    if (l === MISSING) return '';
    switch (FIELDS[f]) {
      case 'name': {
        const flags = p.nameFlags[i]! | p.nameFlags[j]!;
        const why: string[] = [];
        if (flags & NAME_FLAG_OLD_SPELLING) why.push('ejaan lama');
        if (flags & NAME_FLAG_TITLES) why.push('gelar dihapus');
        if (flags & NAME_FLAG_ABBREVIATED) why.push('singkatan');
        if (d.phonetic > 0) why.push('bunyi sama');
        if (d.typo > 0) why.push('salah ketik');
        if (d.abbrev > 0) why.push('bagian disingkat');
        if (d.concat > 0) why.push('ditulis sambung/terpisah');
        if (d.orderChanged) why.push('urutan berbeda');
        if ((d.unmatchedA > 0 || d.unmatchedB > 0) && l >= NAME_LEVEL.partial) why.push('sebagian nama hilang');
        const base = this.tfBase[l] ?? 0;
        if (l >= NAME_LEVEL.some && base > 0 && info - base <= -2) why.push(`nama umum (${d.matchedTokens.slice(0, 3).join(' ')}): bobot dikurangi`);
        if (l >= NAME_LEVEL.some && base > 0 && info - base >= 2) why.push('nama jarang: bobot ditambah');
        const suffix = why.length > 0 ? ` (${why.join(', ')})` : '';
        const label = ['nama berbeda', 'nama agak mirip', 'sebagian nama sama', 'nama sebagian cocok', 'nama mirip', 'nama sama'][l]!;
        return label + suffix;
      }
      case 'birthDate':
        return [
          'tanggal lahir berbeda',
          'tanggal lahir berdekatan (tahun sama atau selisih 1)',
          'tahun lahir sama, satu tanggal 1 Januari (pengisi)',
          'tanggal lahir sama, tahun selisih 1',
          'tanggal lahir beda 1 digit (salah ketik)',
          'tanggal lahir hari/bulan tertukar',
          'tanggal lahir sama (1 Januari, mungkin pengisi)',
          'tanggal lahir sama',
        ][l]!;
      case 'sex':
        return l === 1 ? 'jenis kelamin sama' : 'jenis kelamin berbeda';
      case 'nik':
        return ['NIK berbeda', 'NIK tertukar 2 digit', 'NIK beda 1 digit', 'NIK sama'][l]!;
      case 'kk':
        return l === 1 ? 'KK sama' : 'KK berbeda';
      case 'mother':
        return ['nama ibu berbeda', 'nama ibu agak mirip', 'nama ibu sebagian sama', 'nama ibu sama/mirip'][l]!;
      case 'birthPlace':
        return ['tempat lahir berbeda', 'tempat lahir mirip', 'tempat lahir sama'][l]!;
      case 'address':
        return ['alamat berbeda', 'alamat sedikit mirip', 'alamat mirip', 'alamat sama'][l]!;
      case 'region': {
        const di = p.regionDepth[i]!;
        if (l === 4) return di >= 4 ? 'desa/kelurahan sama' : 'wilayah sama';
        return ['provinsi berbeda', 'provinsi sama, kabupaten/kota berbeda', 'kabupaten/kota sama, kecamatan berbeda', 'kecamatan sama, desa berbeda'][l]!;
      }
      default:
        return '';
    }
  }
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
