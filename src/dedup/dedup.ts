/**
 * Whole-list deduplication: block, estimate (unless a model is given), score,
 * cluster. Pure: takes prepared records, returns typed arrays.
 */
import { buildCandidateIndex, forEachCandidatePair, DEFAULT_MAX_BLOCK_SIZE, type CandidateIndex } from './blocking.js';
import { clusterPairs, type ScoredPairs } from './cluster.js';
import type { PreparedRecords } from './features.js';
import { estimateModel, type EstimateOptions } from './model.js';
import { PairScorer, RULE_PENALTY } from './score.js';
import type { MatchModel, MatchThresholds } from './types.js';

export interface DedupOptions {
  /** Use this model instead of estimating one from the records. */
  readonly model?: MatchModel;
  readonly thresholds?: MatchThresholds;
  readonly maxBlockSize?: number;
  /** Record linkage between sources: never pair two records of the same source. */
  readonly linkOnly?: boolean;
  /** See {@link clusterPairs}. */
  readonly minCohesion?: number;
  readonly estimate?: EstimateOptions;
}

export interface DedupResult {
  readonly model: MatchModel;
  /** Per record: index of the first record of its cluster. */
  readonly clusterOf: Int32Array;
  /** Pairs scored at or above the review threshold (and cannot-link pairs that would be). */
  readonly pairs: ScoredPairs;
  readonly scorer: PairScorer;
  readonly stats: {
    readonly candidatePairs: number;
    readonly keptPairs: number;
    readonly blockingKeys: number;
    readonly blocks: number;
    readonly stopKeys: number;
    readonly millis: { readonly block: number; readonly estimate: number; readonly score: number; readonly cluster: number };
  };
}

class PairBuffer {
  count = 0;
  i = new Int32Array(1 << 16);
  j = new Int32Array(1 << 16);
  weight = new Float32Array(1 << 16);
  cannotLink = new Uint8Array(1 << 16);
  push(a: number, b: number, w: number, c: number): void {
    if (this.count === this.i.length) {
      const size = this.i.length * 2;
      const grow = <T extends Int32Array | Float32Array | Uint8Array>(x: T, make: (s: number) => T): T => {
        const y = make(size);
        y.set(x);
        return y;
      };
      this.i = grow(this.i, (s) => new Int32Array(s));
      this.j = grow(this.j, (s) => new Int32Array(s));
      this.weight = grow(this.weight, (s) => new Float32Array(s));
      this.cannotLink = grow(this.cannotLink, (s) => new Uint8Array(s));
    }
    this.i[this.count] = a;
    this.j[this.count] = b;
    this.weight[this.count] = w;
    this.cannotLink[this.count] = c;
    this.count++;
  }
  freeze(): ScoredPairs {
    const n = this.count;
    return { count: n, i: this.i.subarray(0, n), j: this.j.subarray(0, n), weight: this.weight.subarray(0, n), cannotLink: this.cannotLink.subarray(0, n) };
  }
}

/**
 * Score the candidate pairs of `p` with `scorer`, keeping those worth linking or
 * reviewing. Exposed separately so a caller can split the work (e.g. by record range).
 */
export function scoreCandidates(
  p: PreparedRecords,
  index: CandidateIndex,
  scorer: PairScorer,
  options: { linkOnly?: boolean; from?: number; to?: number } = {},
): { pairs: ScoredPairs; candidates: number } {
  const buf = new PairBuffer();
  const review = scorer.reviewWeight;
  const candidates = forEachCandidatePair(p, index, (i, j) => {
    const w = scorer.score(i, j);
    if (w >= review) buf.push(i, j, w, scorer.lastCannotLink ? 1 : 0);
    else if (scorer.rules !== 0 && scorer.lastCannotLink && w + RULE_PENALTY.twin >= review) buf.push(i, j, w, 1);
  }, options);
  return { pairs: buf.freeze(), candidates };
}

/**
 * Deduplicate a prepared record set.
 *
 * @example
 * const p = prepareRecords(records);
 * const { clusterOf, pairs, model } = deduplicate(p);
 */
export function deduplicate(p: PreparedRecords, options: DedupOptions = {}): DedupResult {
  const t0 = performance.now();
  const index = buildCandidateIndex(p, { maxBlockSize: options.maxBlockSize ?? DEFAULT_MAX_BLOCK_SIZE });
  const t1 = performance.now();
  const estimated = options.model ?? estimateModel(p, index, { ...options.estimate, linkOnly: options.linkOnly, thresholds: options.thresholds });
  const model = options.thresholds ? { ...estimated, thresholds: options.thresholds } : estimated;
  const t2 = performance.now();
  const scorer = new PairScorer(p, model);
  const { pairs, candidates } = scoreCandidates(p, index, scorer, { linkOnly: options.linkOnly });
  const t3 = performance.now();
  const side = new PairScorer(p, model);
  const clusterOf = clusterPairs(
    p.n,
    pairs,
    (i, j) => {
      if (options.linkOnly && p.source[i] === p.source[j]) return -Infinity;
      const w = side.score(i, j);
      return side.lastCannotLink ? -Infinity : w;
    },
    { linkWeight: scorer.linkWeight, minCohesion: options.minCohesion, priorWeight: scorer.priorWeight },
  );
  const t4 = performance.now();
  return {
    model,
    clusterOf,
    pairs,
    scorer,
    stats: {
      candidatePairs: candidates,
      keptPairs: pairs.count,
      blockingKeys: index.stats.keys,
      blocks: index.stats.blocks,
      stopKeys: index.stats.stopKeys,
      millis: { block: t1 - t0, estimate: t2 - t1, score: t3 - t2, cluster: t4 - t3 },
    },
  };
}
