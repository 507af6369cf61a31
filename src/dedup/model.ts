/**
 * Fellegi–Sunter parameter estimation from the data itself (no labels):
 * u from random record pairs (almost all non-matches), m and the match prior λ by
 * expectation–maximisation over a sample of blocked candidate pairs, with u held
 * fixed (the approach of Splink and of Winkler 1988). Name-part frequencies give the
 * term-frequency adjustment.
 */
import { collectCandidatePairs, KEY_FAMILY, type CandidateIndex, type CandidatePairs } from './blocking.js';
import { DATE_LEVEL } from './dates.js';
import { Comparator } from './compare.js';
import type { PreparedRecords } from './features.js';
import {
  DEFAULT_THRESHOLDS, F_ADDRESS, F_DOB, F_ID, F_NAME, F_REGION, FIELD_COUNT, NAME_LEVEL, FIELDS, LEVEL_COUNTS, MISSING,
  type FieldName, type FieldParameters, type MatchModel, type MatchThresholds,
} from './types.js';

/** Starting m (and Dirichlet prior) per field, weakest level first. */
const M_PRIOR: readonly (readonly number[])[] = [
  [0.02, 0.03, 0.05, 0.1, 0.2, 0.6],
  [0.03, 0.03, 0.02, 0.03, 0.05, 0.04, 0.05, 0.75],
  [0.05, 0.95],
  [0.08, 0.02, 0.03, 0.87],
  [0.3, 0.7],
  [0.05, 0.1, 0.15, 0.7],
  [0.1, 0.2, 0.7],
  [0.15, 0.15, 0.2, 0.5],
  [0.1, 0.05, 0.05, 0.1, 0.7],
];

/** u used when the data are too few to estimate it (small lists). */
const U_PRIOR: readonly (readonly number[])[] = [
  [0.9, 0.07, 0.025, 0.004, 0.0008, 0.0002],
  [0.95, 0.04, 0.005, 0.002, 0.002, 0.0002, 0.0002, 0.0006],
  [0.5, 0.5],
  [0.99997, 0.00001, 0.00001, 0.00001],
  [0.9999, 0.0001],
  [0.9, 0.08, 0.015, 0.005],
  [0.9, 0.05, 0.05],
  [0.9, 0.08, 0.015, 0.005],
  [0.5, 0.3, 0.15, 0.04, 0.01],
];

/** Pseudo-counts of the priors above. */
const M_PRIOR_WEIGHT = 20;
const U_PRIOR_WEIGHT = 200;


/** Bayes-factor bounds per field, in bits: no single field decides alone. */
export const MAX_FIELD_WEIGHT = 20;
export const MIN_FIELD_WEIGHT = -16;

export interface EstimateOptions {
  /** Random pairs sampled for u (default 1,000,000, or all pairs of a small list). */
  readonly randomPairs?: number;
  /** Candidate pairs sampled for EM (default 400,000). */
  readonly emPairs?: number;
  readonly maxIterations?: number;
  readonly seed?: number;
  readonly linkOnly?: boolean;
  readonly thresholds?: MatchThresholds;
}

/** Small deterministic PRNG (mulberry32), so estimates are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function levelIndex(field: number, level: number): number {
  return level === MISSING ? LEVEL_COUNTS[field]! : level;
}

const RADIX = LEVEL_COUNTS.map((c) => c + 1);

function patternKey(levels: Uint8Array): number {
  let key = 0;
  for (let f = 0; f < FIELD_COUNT; f++) key = key * RADIX[f]! + levelIndex(f, levels[f]!);
  return key;
}

function decodePattern(key: number, out: Uint8Array): void {
  for (let f = FIELD_COUNT - 1; f >= 0; f--) {
    const r = RADIX[f]!;
    const v = key % r;
    out[f] = v === LEVEL_COUNTS[f]! ? MISSING : v;
    key = Math.floor(key / r);
  }
}

function frequencyTable(strings: readonly string[], counts: readonly number[], total: number): { total: number; counts: Record<string, number> } {
  const out: Record<string, number> = {};
  for (let t = 0; t < strings.length; t++) if (counts[t]! >= 2) out[strings[t]!] = counts[t]!;
  return { total, counts: out };
}

/**
 * Estimate a {@link MatchModel} from a prepared record set and its candidate index.
 * No ground truth is used.
 *
 * @example
 * const p = prepareRecords(records);
 * const index = buildCandidateIndex(p);
 * const model = estimateModel(p, index);
 * JSON.stringify(model); // store and reuse
 */
export function estimateModel(p: PreparedRecords, candidates: CandidateIndex | CandidatePairs, options: EstimateOptions = {}): MatchModel {
  const n = p.n;
  const linkOnly = options.linkOnly === true;
  const pairs = 'families' in candidates ? candidates : collectCandidatePairs(p, candidates, { linkOnly });
  const cmp = new Comparator(p);
  const random = rng(options.seed ?? 20240601);
  // u: random pairs (or every pair of a small list).
  const uCounts = LEVEL_COUNTS.map((c) => new Float64Array(c));
  const totalPairs = (n * (n - 1)) / 2;
  const wanted = options.randomPairs ?? 300_000;
  let sampled = 0;
  const addU = (): void => {
    for (let f = 0; f < FIELD_COUNT; f++) {
      const l = cmp.levels[f]!;
      if (l !== MISSING) uCounts[f]![l]!++;
    }
    sampled++;
  };
  if (n >= 2 && totalPairs <= wanted) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
      if (linkOnly && p.source[i] === p.source[j]) continue;
      cmp.compare(i, j);
      addU();
    }
  } else if (n >= 2) {
    for (let s = 0; s < wanted; s++) {
      const i = Math.floor(random() * n);
      let j = Math.floor(random() * (n - 1));
      if (j >= i) j++;
      if (linkOnly && p.source[i] === p.source[j]) continue;
      cmp.compare(i, j);
      addU();
    }
  }
  const u = uCounts.map((counts, f) => {
    const prior = U_PRIOR[f]!;
    let total = 0;
    for (const c of counts) total += c;
    // Prior weight shrinks as data grow; unobserved levels keep a small floor.
    const w = Math.min(U_PRIOR_WEIGHT, U_PRIOR_WEIGHT * 1000 / Math.max(total, 1));
    const floor = 0.5 / Math.max(total, 1);
    const out = Array.from(counts, (c, l) => Math.max((c + w * prior[l]!) / (total + w), floor));
    const sum = out.reduce((a, b) => a + b, 0);
    return out.map((x) => x / sum);
  });

  // m by EM, one session per blocking family (as Splink does per blocking rule): within
  // the pairs found by one family, the fields that family's keys are built from are
  // known to agree and are left out; on the other fields non-matching pairs behave like
  // random pairs, so random-pair u holds and only m and the session's match share are
  // estimated.
  const sessions = SESSIONS.map((s) => runSession(pairs, cmp, u, s, options, random));
  const m = M_PRIOR.map((prior, f) => {
    const acc = new Float64Array(prior.length);
    let weight = 0;
    for (const s of sessions) {
      if (s.excluded.includes(f) || s.expectedMatches < 20 || !s.observed[f] || !s.plausible) continue;
      for (let l = 0; l < prior.length; l++) acc[l]! += s.expectedMatches * s.m[f]![l]!;
      weight += s.expectedMatches;
    }
    return weight > 0 ? Array.from(acc, (v) => v / weight) : prior.slice();
  });
  // Prior probability that two random records match: expected matches found by a
  // session divided by that session's recall (from m and field presence).
  const present = presence(p);
  const estimates: number[] = [];
  const byName = new Map(sessions.map((s) => [s.name, s]));
  const dn = byName.get('dateName')!;
  const recallDn = present[F_DOB]! ** 2 * (m[F_DOB]![DATE_LEVEL.exact]! + m[F_DOB]![DATE_LEVEL.exactJan1]! + m[F_DOB]![DATE_LEVEL.swapped]!)
    * present[F_NAME]! ** 2 * (m[F_NAME]![NAME_LEVEL.some]! + m[F_NAME]![NAME_LEVEL.partial]! + m[F_NAME]![NAME_LEVEL.strong]! + m[F_NAME]![NAME_LEVEL.exact]!);
  if (dn.plausible && dn.expectedMatches >= 20 && recallDn > 0.01) estimates.push(dn.expectedMatches / recallDn);
  const id = byName.get('id')!;
  const recallId = present[F_ID]! ** 2 * (m[F_ID]![1]! + m[F_ID]![2]! + m[F_ID]![3]!);
  if (id.plausible && id.expectedMatches >= 20 && recallId > 0.01) estimates.push(id.expectedMatches / recallId);
  const pairsTotal = linkOnly ? crossPairs(p) : (n * (n - 1)) / 2;
  const expectedMatches = estimates.length > 0 ? estimates.reduce((a, b) => a + b, 0) / estimates.length : Math.max(1, 0.1 * n);
  const lambda = Math.min(0.5, Math.max(1e-12, expectedMatches / Math.max(pairsTotal, 1)));

  // Term-frequency baseline: mean information of agreeing name parts among likely
  // matches, per name level, over a sample of all candidates.
  const nameLevels = LEVEL_COUNTS[F_NAME]!;
  const num = new Float64Array(nameLevels);
  const den = new Float64Array(nameLevels);
  const logBf = m.map((mr, f) => mr.map((v, l) => Math.log2(v / u[f]![l]!)));
  const prior = Math.log2(lambda / (1 - lambda));
  const keepAll = Math.min(1, (options.emPairs ?? 200_000) / Math.max(pairs.count, 1));
  for (let k = 0; k < pairs.count; k++) {
    if (keepAll < 1 && random() >= keepAll) continue;
    cmp.compare(pairs.i[k]!, pairs.j[k]!);
    const nl = cmp.levels[F_NAME]!;
    if (nl === MISSING) continue;
    let w = prior;
    for (let f = 0; f < FIELD_COUNT; f++) {
      const l = cmp.levels[f]!;
      if (l !== MISSING) w += Math.min(MAX_FIELD_WEIGHT, Math.max(MIN_FIELD_WEIGHT, logBf[f]![l]!));
    }
    const post = 1 / (1 + Math.pow(2, -w));
    // Rényi (order 2) information: the baseline is -log2 E[2^-info] over matches, so
    // that the adjustment info - baseline is log2 of P(these parts | match) /
    // P(these parts | agreeing non-match) when parts are drawn by their frequency.
    num[nl]! += post * Math.pow(2, -cmp.nameInfo);
    den[nl]! += post;
  }
  const baseline = Array.from(num, (v, l) => (den[l]! > 5 && v > 0 ? -Math.log2(v / den[l]!) : 0));
  const emPairs = sessions.reduce((a, s) => a + s.sampled, 0);
  const iterations = Math.max(0, ...sessions.map((s) => s.iterations));
  const uc = u;

  const fields = {} as Record<FieldName, FieldParameters>;
  FIELDS.forEach((name, f) => {
    fields[name] = { m: m[f]!.map(round6), u: uc[f]!.map(round9) };
  });
  return {
    version: 1,
    lambda: round9(lambda),
    fields,
    nameTfBaseline: baseline.map(round6),
    nameFrequencies: frequencyTable(p.tokStr, p.tokCount, p.nameTokenTotal),
    addressFrequencies: frequencyTable(p.addrStr, p.addrCount, p.addrTokenTotal),
    placeFrequencies: frequencyTable(p.placeStr, p.placeCount, p.placeTotal),
    thresholds: options.thresholds ?? DEFAULT_THRESHOLDS,
    estimatedFrom: { records: n, randomPairs: sampled, candidatePairs: emPairs, emIterations: iterations },
  };
}

interface SessionSpec {
  readonly name: string;
  readonly families: number;
  readonly excluded: readonly number[];
}

const SESSIONS: readonly SessionSpec[] = [
  { name: 'id', families: 1 << KEY_FAMILY.id, excluded: [F_ID] },
  { name: 'dateName', families: 1 << KEY_FAMILY.dateName, excluded: [F_NAME, F_DOB] },
  { name: 'namePair', families: 1 << KEY_FAMILY.namePair, excluded: [F_NAME] },
  { name: 'dateRegion', families: 1 << KEY_FAMILY.dateRegion, excluded: [F_DOB, F_REGION, F_ADDRESS] },
];

interface SessionResult {
  readonly name: string;
  readonly excluded: readonly number[];
  readonly m: number[][];
  /** Whether the field was observed (non-missing) in enough pairs to estimate it. */
  readonly observed: boolean[];
  readonly expectedMatches: number;
  /**
   * False when EM settled on a latent class that is not "same person" (e.g. "same
   * household": agreeing address and KK but differing birth dates): a match class
   * must agree more often than disagree on every identifying field it observes.
   */
  readonly plausible: boolean;
  readonly sampled: number;
  readonly iterations: number;
}

function runSession(
  pairs: CandidatePairs,
  cmp: Comparator,
  u: readonly (readonly number[])[],
  spec: SessionSpec,
  options: EstimateOptions,
  random: () => number,
): SessionResult {
  let total = 0;
  const fam = pairs.families;
  for (let k = 0; k < pairs.count; k++) if ((fam[k]! & spec.families) !== 0) total++;
  const wanted = options.emPairs ?? 200_000;
  const keep = total <= wanted ? 1 : wanted / total;
  const patterns = new Map<number, number>();
  let sampled = 0;
  const levels = new Uint8Array(FIELD_COUNT);
  for (let k = 0; k < pairs.count; k++) {
    if ((fam[k]! & spec.families) === 0) continue;
    if (keep < 1 && random() >= keep) continue;
    cmp.compare(pairs.i[k]!, pairs.j[k]!);
    levels.set(cmp.levels);
    for (const f of spec.excluded) levels[f] = MISSING;
    const key = patternKey(levels);
    patterns.set(key, (patterns.get(key) ?? 0) + 1);
    sampled++;
  }
  const P = patterns.size;
  const pat = new Uint8Array(P * FIELD_COUNT);
  const cnt = new Float64Array(P);
  const observedCount = new Float64Array(FIELD_COUNT);
  let x = 0;
  for (const [k, c] of patterns) {
    decodePattern(k, levels);
    pat.set(levels, x * FIELD_COUNT);
    cnt[x] = c;
    for (let f = 0; f < FIELD_COUNT; f++) if (levels[f] !== MISSING) observedCount[f]! += c;
    x++;
  }
  let m = M_PRIOR.map((r) => r.slice());
  let lambda = 0.2;
  const logU = u.map((r) => r.map(Math.log));
  const maxIter = options.maxIterations ?? 100;
  let iterations = 0;
  let matchMass = 0;
  for (let it = 0; it < maxIter && P > 0; it++) {
    iterations = it + 1;
    const logM = m.map((r) => r.map(Math.log));
    const priorLogit = Math.log(lambda / (1 - lambda));
    const acc = LEVEL_COUNTS.map((c) => new Float64Array(c));
    matchMass = 0;
    for (let q = 0; q < P; q++) {
      let s = priorLogit;
      for (let f = 0; f < FIELD_COUNT; f++) {
        const l = pat[q * FIELD_COUNT + f]!;
        if (l !== MISSING) s += logM[f]![l]! - logU[f]![l]!;
      }
      const w = cnt[q]! / (1 + Math.exp(-s));
      matchMass += w;
      for (let f = 0; f < FIELD_COUNT; f++) {
        const l = pat[q * FIELD_COUNT + f]!;
        if (l !== MISSING) acc[f]![l]! += w;
      }
    }
    const next = acc.map((a, f) => {
      let sum = 0;
      for (const v of a) sum += v;
      return Array.from(a, (v, l) => Math.max((v + M_PRIOR_WEIGHT * M_PRIOR[f]![l]!) / (sum + M_PRIOR_WEIGHT), 1e-6));
    });
    const nextLambda = Math.min(Math.max(matchMass / Math.max(sampled, 1), 1e-6), 0.999);
    let delta = Math.abs(nextLambda - lambda);
    for (let f = 0; f < FIELD_COUNT; f++) for (let l = 0; l < next[f]!.length; l++) delta = Math.max(delta, Math.abs(next[f]![l]! - m[f]![l]!));
    m = next;
    lambda = nextLambda;
    if (delta < 1e-5) break;
  }
  const observed = Array.from(observedCount, (c) => c >= 50);
  const identifying = [F_NAME, F_DOB, F_ID];
  const plausible = identifying.every((f) => spec.excluded.includes(f) || !observed[f] || m[f]![m[f]!.length - 1]! > m[f]![0]!);
  return {
    name: spec.name,
    excluded: spec.excluded,
    plausible,
    m,
    observed,
    expectedMatches: sampled > 0 ? (matchMass / sampled) * total : 0,
    sampled,
    iterations,
  };
}

/** Share of records with each field present. */
function presence(p: PreparedRecords): number[] {
  const n = Math.max(p.n, 1);
  const out = new Array<number>(FIELD_COUNT).fill(0);
  for (let i = 0; i < p.n; i++) {
    if (p.nameList[i]! >= 0) out[F_NAME]!++;
    if (p.dobY[i]! > 0) out[F_DOB]!++;
    if (p.idLen[i]! > 0) out[F_ID]!++;
  }
  return out.map((c) => c / n);
}

function crossPairs(p: PreparedRecords): number {
  const bySource = new Map<number, number>();
  for (let i = 0; i < p.n; i++) bySource.set(p.source[i]!, (bySource.get(p.source[i]!) ?? 0) + 1);
  let same = 0;
  for (const c of bySource.values()) same += (c * (c - 1)) / 2;
  return (p.n * (p.n - 1)) / 2 - same;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
function round9(x: number): number {
  return Number(x.toPrecision(6));
}

/** Parse a model read back from JSON (e.g. from the database), checking its shape. */
export function parseModel(json: unknown): MatchModel {
  const m = json as MatchModel;
  if (!m || typeof m !== 'object' || m.version !== 1 || typeof m.lambda !== 'number' || !m.fields) {
    throw new Error('not a dedup model (version 1)');
  }
  FIELDS.forEach((name, f) => {
    const fp = m.fields[name];
    if (!fp || fp.m.length !== LEVEL_COUNTS[f] || fp.u.length !== LEVEL_COUNTS[f]) throw new Error(`dedup model: bad parameters for ${name}`);
  });
  return m;
}
