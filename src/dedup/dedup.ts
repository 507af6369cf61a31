/**
 * Whole-list deduplication: block, estimate (unless a model is given), score,
 * cluster. Pure: takes prepared records, returns typed arrays.
 */
import { buildCandidateIndex, collectCandidatePairs, DEFAULT_MAX_BLOCK_SIZE, type CandidateIndex, type CandidatePairs } from './blocking.js';
import { clusterPairs, type ScoredPairs } from './cluster.js';
import type { PreparedRecords } from './features.js';
import { estimateModel, type EstimateOptions } from './model.js';
import { collectCandidatePairsParallel, scoreCandidatesParallel, type DedupHelper } from './parallel.js';
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
    /** Keys held by more records than their cap whose records are paired with their neighbours only. */
    readonly windowedBlocks: number;
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

let prefetched = 0;

/**
 * Score candidate pairs `from`..`to` (indexes into `pairs`) with `scorer`, keeping those
 * worth linking or reviewing. Exposed separately so a caller can split the work.
 */
export function scoreCandidates(
  p: PreparedRecords,
  pairs: CandidatePairs,
  scorer: PairScorer,
  options: { from?: number; to?: number } = {},
): { pairs: ScoredPairs; candidates: number } {
  void p;
  const buf = new PairBuffer();
  const review = scorer.reviewWeight;
  const from = options.from ?? 0;
  const to = Math.min(options.to ?? pairs.count, pairs.count);
  const pi = pairs.i;
  const pj = pairs.j;
  const cmp = scorer.comparator;
  let touched = 0;
  for (let k = from; k < to; k++) {
    // Software prefetch: the row of the pair 6 ahead, the names of the pair 3 ahead.
    if (k + 6 < to) touched += cmp.prefetchRow(pj[k + 6]!);
    if (k + 3 < to) touched += cmp.prefetchNames(pi[k + 3]!, pj[k + 3]!);
    const i = pi[k]!;
    const j = pj[k]!;
    const w = scorer.score(i, j);
    if (w >= review) buf.push(i, j, w, scorer.lastCannotLink ? 1 : 0);
    else if (scorer.rules !== 0 && scorer.lastCannotLink && w + RULE_PENALTY.twin >= review) buf.push(i, j, w, 1);
  }
  prefetched = touched; // an observable use, so the prefetch loads are not optimised away
  return { pairs: buf.freeze(), candidates: Math.max(0, to - from) };
}

/**
 * Deduplicate a prepared record set.
 *
 * @example
 * const p = prepareRecords(records);
 * const { clusterOf, pairs, model } = deduplicate(p);
 */
export function deduplicate(p: PreparedRecords, options: DedupOptions = {}): DedupResult {
  const stage = blockAndEstimate(p, options);
  const t2 = performance.now();
  const scored = scoreCandidates(p, stage.candidatePairs, new PairScorer(p, stage.model));
  return clusterScored(p, options, stage, scored.pairs, performance.now() - t2);
}

/**
 * {@link deduplicate} with the pair scoring spread over `threads` threads (worker
 * threads; default the machine's cores, at most 4). Same result.
 *
 * @example const { clusterOf } = await deduplicateParallel(p, { threads: 2 });
 */
export async function deduplicateParallel(
  p: PreparedRecords,
  options: DedupOptions & { readonly threads?: number; readonly minParallelPairs?: number; readonly helpers?: readonly DedupHelper[] } = {},
): Promise<DedupResult> {
  const helper = options.helpers?.[0];
  const stage = helper ? await blockAndEstimateWith(p, options, helper) : blockAndEstimate(p, options);
  const t2 = performance.now();
  const scored = await scoreCandidatesParallel(p, stage.candidatePairs, stage.model, options.threads, options.minParallelPairs, options.helpers);
  return clusterScored(p, options, stage, scored.pairs, performance.now() - t2);
}

/** {@link blockAndEstimate}, with the candidate pairs enumerated on two threads. */
async function blockAndEstimateWith(p: PreparedRecords, options: DedupOptions, helper: DedupHelper): Promise<Stage> {
  const t0 = performance.now();
  const index = buildCandidateIndex(p, { maxBlockSize: options.maxBlockSize ?? DEFAULT_MAX_BLOCK_SIZE });
  const candidatePairs = await collectCandidatePairsParallel(p, index, helper, { linkOnly: options.linkOnly });
  return estimateStage(p, options, index, candidatePairs, t0);
}

interface Stage {
  readonly index: CandidateIndex;
  readonly candidatePairs: CandidatePairs;
  readonly model: MatchModel;
  readonly millis: { readonly block: number; readonly estimate: number };
}

function blockAndEstimate(p: PreparedRecords, options: DedupOptions): Stage {
  const t0 = performance.now();
  const index = buildCandidateIndex(p, { maxBlockSize: options.maxBlockSize ?? DEFAULT_MAX_BLOCK_SIZE });
  const candidatePairs = collectCandidatePairs(p, index, { linkOnly: options.linkOnly });
  return estimateStage(p, options, index, candidatePairs, t0);
}

function estimateStage(p: PreparedRecords, options: DedupOptions, index: CandidateIndex, candidatePairs: CandidatePairs, t0: number): Stage {
  const t1 = performance.now();
  const estimated = options.model ?? estimateModel(p, candidatePairs, { ...options.estimate, linkOnly: options.linkOnly, thresholds: options.thresholds });
  const model = options.thresholds ? { ...estimated, thresholds: options.thresholds } : estimated;
  return { index, candidatePairs, model, millis: { block: t1 - t0, estimate: performance.now() - t1 } };
}

function clusterScored(p: PreparedRecords, options: DedupOptions, stage: Stage, pairs: ScoredPairs, scoreMillis: number): DedupResult {
  const t3 = performance.now();
  // One scorer for clustering and for the caller's explanations (sequential use).
  const scorer = new PairScorer(p, stage.model);
  const clusterOf = clusterPairs(
    p.n,
    pairs,
    (i, j) => {
      if (options.linkOnly && p.source[i] === p.source[j]) return -Infinity;
      const w = scorer.score(i, j);
      return scorer.lastCannotLink ? -Infinity : w;
    },
    { linkWeight: scorer.linkWeight, minCohesion: options.minCohesion, priorWeight: scorer.priorWeight },
  );
  const t4 = performance.now();
  const { index } = stage;
  return {
    model: stage.model,
    clusterOf,
    pairs,
    scorer,
    stats: {
      candidatePairs: stage.candidatePairs.count,
      keptPairs: pairs.count,
      blockingKeys: index.stats.keys,
      blocks: index.stats.blocks,
      stopKeys: index.stats.stopKeys,
      windowedBlocks: index.stats.windowedBlocks,
      millis: { ...stage.millis, score: scoreMillis, cluster: t4 - t3 },
    },
  };
}
