/**
 * Scoring candidate pairs on several cores: worker threads each score a contiguous
 * share of the pair list with their own comparator and similarity caches, and the
 * caller scores the last share meanwhile. Only what the comparator reads travels to a
 * worker (the packed record rows, the name lists and the dictionaries it compares);
 * kept pairs come back as transferred typed arrays.
 */
import { cpus } from 'node:os';
import { balancedSplit, collectCandidatePairs, type CandidateIndex, type CandidatePairs } from './blocking.js';
import type { ScoredPairs } from './cluster.js';
import { scoreCandidates } from './dedup.js';
import type { PreparedRecords } from './features.js';
import { PairScorer } from './score.js';
import type { MatchModel } from './types.js';
import type { Worker } from 'node:worker_threads';
import { siblingModule, startWorker } from '../platform/worker.js';
import type { RowProblem } from './cli-input.js';
import { CsvSyntaxError } from './csv-read.js';
import type { FeatureState } from './features.js';

/** The fields of {@link PreparedRecords} that scoring reads. */
export type ScoringData = Pick<
  PreparedRecords,
  'n' | 'rows' | 'listStart' | 'listTok' | 'tokStr' | 'tokPhon' | 'tokInfo' | 'placeStr' | 'placeCount' | 'placeTotal' | 'addrInfo'
>;

/** What a helper needs to score a share of the pairs. */
export interface ScoreTask {
  readonly data: ScoringData;
  readonly model: MatchModel;
  readonly i: Int32Array;
  readonly j: Int32Array;
}

/** What a helper answers to a score request. */
export interface ScoreAnswer {
  readonly pairs: ScoredPairs;
  readonly candidates: number;
}

/** Requests to a {@link DedupHelper}. */
export type HelperRequest =
  | { readonly kind: 'features'; readonly path: string; readonly start: number; readonly line: number; readonly index: Record<string, number>; readonly width: number }
  | { readonly kind: 'collect'; readonly n: number; readonly source: Int32Array; readonly index: CandidateIndex; readonly from: number; readonly to: number; readonly linkOnly: boolean }
  | ({ readonly kind: 'score' } & ScoreTask);

/** Answer to a 'features' request: the encoded records, the problems found, the line of each record. */
export interface FeaturesAnswer {
  readonly state: FeatureState;
  readonly problems: readonly RowProblem[];
  readonly lines: Int32Array;
}

/**
 * A long-lived worker thread for the dedup command: started once, early (its start-up
 * overlaps the main thread's work), then asked to read half of the input and to score a
 * share of the pairs.
 *
 * @example
 * const helper = DedupHelper.start();
 * try { await helper.request<FeaturesAnswer>({ kind: 'features', … }); } finally { helper.close(); }
 */
export class DedupHelper {
  private next = 0;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private failure: Error | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (msg: { id: number; answer?: unknown; error?: string; csv?: { line: number; detail: string } }) => {
      const w = this.waiting.get(msg.id);
      if (!w) return;
      this.waiting.delete(msg.id);
      if (msg.csv) w.reject(new CsvSyntaxError(msg.csv.line, msg.csv.detail));
      else if (msg.error !== undefined) w.reject(new Error(msg.error));
      else w.resolve(msg.answer);
    });
    const fail = (e: Error): void => {
      this.failure = e;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`dedup worker exited with code ${code}`)));
  }

  static start(): DedupHelper {
    return new DedupHelper(startWorker(siblingModule(import.meta.url, 'dedup-worker'), null));
  }

  request<T>(req: HelperRequest): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, req });
    });
  }

  /** Stop the worker (pending requests fail). */
  close(): void {
    this.worker.removeAllListeners('exit');
    void this.worker.terminate();
  }
}

/** Pair lists shorter than this are scored on the calling thread (a worker costs ~0.1–1 s to start). */
export const MIN_PARALLEL_PAIRS = 2_000_000;

/**
 * A {@link PreparedRecords} that holds only the scoring fields (the rest empty): enough
 * for {@link PairScorer.score}, not for explanations.
 */
export function scoringRecords(d: ScoringData): PreparedRecords {
  const none = new Int32Array(0);
  return {
    ...d,
    ids: [], source: none, nameList: none, motherList: none, patList: none, nameFlags: new Uint8Array(0),
    dobY: new Int16Array(0), dobM: new Uint8Array(0), dobD: new Uint8Array(0), sex: new Uint8Array(0),
    idStr: [], idHi: none, idLo: none, idLen: new Uint8Array(0), idStatus: new Uint8Array(0), idWarn: new Uint8Array(0),
    idAsKk: none, kk: none, place: none, addrStart: none, addrTok: none, region: none, regionDepth: new Uint8Array(0),
    regionStr: [], tokCount: [], nameTokenTotal: 0, addrStr: [], addrInfoSum: new Float64Array(0), tokPhonStr: [],
    addrCount: [], addrTokenTotal: 0,
  };
}

/** Concatenate scored pair lists in order. */
export function concatScored(parts: readonly ScoredPairs[]): ScoredPairs {
  const count = parts.reduce((a, p) => a + p.count, 0);
  const out = { count, i: new Int32Array(count), j: new Int32Array(count), weight: new Float32Array(count), cannotLink: new Uint8Array(count) };
  let at = 0;
  for (const p of parts) {
    out.i.set(p.i.subarray(0, p.count), at);
    out.j.set(p.j.subarray(0, p.count), at);
    out.weight.set(p.weight.subarray(0, p.count), at);
    out.cannotLink.set(p.cannotLink.subarray(0, p.count), at);
    at += p.count;
  }
  return out;
}

/**
 * Score all candidate pairs with `threads` threads (default: the machine's cores, at
 * most 4; or the given helpers and the calling thread), keeping those worth linking or
 * reviewing, in pair-list order: the same result as {@link scoreCandidates} on one
 * thread.
 *
 * @example const { pairs } = await scoreCandidatesParallel(p, candidatePairs, model);
 */
export async function scoreCandidatesParallel(
  p: PreparedRecords,
  candidates: CandidatePairs,
  model: MatchModel,
  threads = Math.min(4, cpus().length),
  minPairs = MIN_PARALLEL_PAIRS,
  helpers: readonly DedupHelper[] = [],
): Promise<ScoreAnswer> {
  const scorer = new PairScorer(p, model);
  const total = candidates.count;
  if (helpers.length > 0) threads = helpers.length + 1;
  if (threads <= 1 || total < minPairs) return scoreCandidates(p, candidates, scorer);
  const data: ScoringData = {
    n: p.n, rows: p.rows, listStart: p.listStart, listTok: p.listTok, tokStr: p.tokStr, tokPhon: p.tokPhon, tokInfo: p.tokInfo,
    placeStr: p.placeStr, placeCount: p.placeCount, placeTotal: p.placeTotal, addrInfo: p.addrInfo,
  };
  const share = Math.ceil(total / threads);
  // Helpers the caller started are reused; others are started here and stopped after.
  const started: DedupHelper[] = [];
  while (helpers.length + started.length < threads - 1) started.push(DedupHelper.start());
  const all = [...helpers, ...started];
  try {
    const workers: Promise<ScoreAnswer>[] = [];
    for (let t = 0; t < threads - 1; t++) {
      const from = t * share;
      const to = Math.min(total, from + share);
      workers.push(all[t]!.request<ScoreAnswer>({ kind: 'score', data, model, i: candidates.i.slice(from, to), j: candidates.j.slice(from, to) }));
    }
    // Settled even if scoring here throws, so no rejection goes unhandled.
    for (const w of workers) w.catch(() => undefined);
    // The calling thread takes the last share while the workers run.
    const own = scoreCandidates(p, candidates, scorer, { from: (threads - 1) * share, to: total });
    const answers = await Promise.all(workers);
    return { pairs: concatScored([...answers.map((a) => a.pairs), own.pairs]), candidates: total };
  } finally {
    for (const h of started) h.close();
  }
}

/**
 * {@link collectCandidatePairs} with the first records (about half the work, see
 * {@link balancedSplit}) enumerated by `helper` meanwhile. Same pairs, same order.
 */
export async function collectCandidatePairsParallel(
  p: PreparedRecords,
  index: CandidateIndex,
  helper: DedupHelper,
  options: { linkOnly?: boolean } = {},
): Promise<CandidatePairs> {
  const split = balancedSplit(index, p.n);
  const linkOnly = options.linkOnly === true;
  const first = helper.request<CandidatePairs>({ kind: 'collect', n: p.n, source: p.source, index, from: 0, to: split, linkOnly });
  first.catch(() => undefined);
  const second = collectCandidatePairs(p, index, { linkOnly, from: split });
  const a = await first;
  const count = a.count + second.count;
  const out = { count, i: new Int32Array(count), j: new Int32Array(count), families: new Uint8Array(count) };
  out.i.set(a.i);
  out.i.set(second.i, a.count);
  out.j.set(a.j);
  out.j.set(second.j, a.count);
  out.families.set(a.families);
  out.families.set(second.families, a.count);
  return out;
}
