/** Shapes shared by the deduplication engine. */

/** One person as the engine sees it. Every field but `id` may be missing. */
export interface PersonRecord {
  readonly id: string;
  readonly nik?: string | null;
  readonly kkNumber?: string | null;
  readonly fullName?: string | null;
  /** 'L' (laki-laki) or 'P' (perempuan). */
  readonly sex?: string | null;
  readonly birthPlace?: string | null;
  /** ISO `YYYY-MM-DD`. */
  readonly birthDate?: string | null;
  readonly motherName?: string | null;
  readonly address?: string | null;
  /**
   * Hierarchical region code, most general part first, parts separated by dots:
   * Kemendagri village code `PP.KK.CC.DDDD` (32.01.01.2001). Other datasets may
   * map any hierarchy of up to four levels onto it.
   */
  readonly villageCode?: string | null;
  /** Linkage only: pairs from the same source are not compared when `linkOnly` is set. */
  readonly source?: string | null;
}

/** Fields compared between two records, in the order of the comparison vector. */
export const FIELDS = ['name', 'birthDate', 'sex', 'nik', 'kk', 'mother', 'birthPlace', 'address', 'region'] as const;
export type FieldName = (typeof FIELDS)[number];
export const FIELD_COUNT = FIELDS.length;
export const F_NAME = 0;
export const F_DOB = 1;
export const F_SEX = 2;
export const F_ID = 3;
export const F_KK = 4;
export const F_MOTHER = 5;
export const F_BPLACE = 6;
export const F_ADDRESS = 7;
export const F_REGION = 8;

/** Number of comparison levels per field (level 0 = disagree, highest = exact). */
export const LEVEL_COUNTS: readonly number[] = [6, 8, 2, 4, 2, 4, 3, 4, 5];

/** Level value meaning "one side is missing": contributes nothing to the score. */
export const MISSING = 255;

export const NAME_LEVEL = { different: 0, fuzzy: 1, some: 2, partial: 3, strong: 4, exact: 5 } as const;

/** Fellegi–Sunter parameters of one field: P(level | match) and P(level | non-match). */
export interface FieldParameters {
  readonly m: readonly number[];
  readonly u: readonly number[];
}

/** Everything needed to score pairs, estimated once from data and stored as JSON. */
export interface MatchModel {
  readonly version: 1;
  /** Prior probability that a candidate pair is a match (estimated by EM). */
  readonly lambda: number;
  readonly fields: Readonly<Record<FieldName, FieldParameters>>;
  /** Mean information (bits) of the matched name parts among matches, per name level. */
  readonly nameTfBaseline: readonly number[];
  /** Name-part frequencies: parts seen at least twice, with the total count. */
  readonly nameFrequencies: { readonly total: number; readonly counts: Readonly<Record<string, number>> };
  /** Address-word frequencies, same format. */
  readonly addressFrequencies: { readonly total: number; readonly counts: Readonly<Record<string, number>> };
  /** Birth-place frequencies, same format (absent in models stored before it existed: no adjustment). */
  readonly placeFrequencies?: { readonly total: number; readonly counts: Readonly<Record<string, number>> };
  readonly thresholds: MatchThresholds;
  /** Records and pairs the parameters were estimated from. */
  readonly estimatedFrom: { readonly records: number; readonly randomPairs: number; readonly candidatePairs: number; readonly emIterations: number };
}

/** Decision thresholds on the match probability. */
export interface MatchThresholds {
  /** At or above: link automatically. */
  readonly autoLink: number;
  /** At or above (and below autoLink): send to the review queue. */
  readonly review: number;
}

export const DEFAULT_THRESHOLDS: MatchThresholds = { autoLink: 0.9, review: 0.4 };
