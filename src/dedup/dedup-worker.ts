/**
 * Long-lived worker thread of the dedup command (see {@link DedupHelper} in
 * parallel.ts): reads and encodes the second half of a large input file, and scores a
 * share of the candidate pairs, answering each request by id.
 */
import { createReadStream } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { collectCandidatePairs } from './blocking.js';
import { InputRows, TooManyProblems } from './cli-input.js';
import { CsvSyntaxError, readCsvRows } from './csv-read.js';
import { scoreCandidates } from './dedup.js';
import { FeatureBuilder } from './features.js';
import { scoringRecords, type FeaturesAnswer, type HelperRequest, type ScoreAnswer } from './parallel.js';
import { PairScorer } from './score.js';

async function handle(req: HelperRequest): Promise<{ answer: unknown; transfer: ArrayBuffer[] }> {
  if (req.kind === 'features') {
    const builder = new FeatureBuilder();
    const rows = new InputRows(builder, req.index, req.width);
    try {
      await readCsvRows(createReadStream(req.path, { start: req.start, highWaterMark: 1 << 20 }), (row, line) => rows.row(row, line), req.line);
    } catch (e) {
      if (!(e instanceof TooManyProblems)) throw e;
    }
    const state = builder.state();
    const answer: FeaturesAnswer = { state, problems: rows.problems, lines: Int32Array.from(rows.lines) };
    return { answer, transfer: [] };
  }
  if (req.kind === 'collect') {
    const pairs = collectCandidatePairs({ n: req.n, source: req.source }, req.index, { linkOnly: req.linkOnly, from: req.from, to: req.to });
    return { answer: pairs, transfer: [pairs.i.buffer, pairs.j.buffer, pairs.families.buffer] as ArrayBuffer[] };
  }
  const p = scoringRecords(req.data);
  const scorer = new PairScorer(p, req.model);
  const answer: ScoreAnswer = scoreCandidates(p, { count: req.i.length, i: req.i, j: req.j, families: new Uint8Array(0) }, scorer);
  const s = answer.pairs;
  return { answer, transfer: [s.i.buffer, s.j.buffer, s.weight.buffer, s.cannotLink.buffer] as ArrayBuffer[] };
}

parentPort!.on('message', (msg: { id: number; req: HelperRequest } | 'exit') => {
  if (msg === 'exit') {
    parentPort!.close();
    return;
  }
  handle(msg.req).then(
    ({ answer, transfer }) => parentPort!.postMessage({ id: msg.id, answer }, transfer),
    (e: unknown) => parentPort!.postMessage({
      id: msg.id,
      error: e instanceof Error ? e.message : String(e),
      csv: e instanceof CsvSyntaxError ? { line: e.line, detail: e.detail } : undefined,
    }),
  );
});
