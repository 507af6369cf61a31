/**
 * Quality benchmark: pairwise precision, recall and F1 of the deduplication engine on
 * public datasets and on Indonesian synthetic data, with one configuration for all.
 * Parameters are estimated from each dataset's own records (no truth).
 *
 *   npx tsx bench/dedup.ts [--only febrl3,febrl4,historical,indonesian] [--verbose]
 */
import { resolve } from 'node:path';
import { deduplicate } from '../src/dedup/dedup.js';
import { prepareRecords } from '../src/dedup/features.js';
import { clusterMetrics, loadFebrl3, loadFebrl4, loadHistorical, pairListMetrics, type LabelledRecords, type PairMetrics } from './dedup-adapters.js';
import { generateIndonesianCorpus } from './dedup-corpus.js';

const DATA = resolve(import.meta.dirname, '../../shared/data/linkage');
const args = process.argv.slice(2);
const onlyArg = args.indexOf('--only');
const only = onlyArg >= 0 ? new Set(args[onlyArg + 1]!.split(',')) : undefined;
const verbose = args.includes('--verbose');

interface Case {
  readonly name: string;
  readonly target: number;
  readonly linkOnly: boolean;
  readonly load: () => LabelledRecords;
}

const cases: Case[] = [
  { name: 'febrl3', target: 0.99, linkOnly: false, load: () => loadFebrl3(DATA) },
  { name: 'febrl4', target: 0.99, linkOnly: true, load: () => loadFebrl4(DATA) },
  { name: 'historical', target: 0.9, linkOnly: false, load: () => loadHistorical(DATA) },
  { name: 'indonesian', target: 0.97, linkOnly: false, load: () => generateIndonesianCorpus({ people: 20_000, duplicateRate: 0.15, seed: 7 }) },
];

const fmt = (m: PairMetrics): string =>
  `P=${m.precision.toFixed(4)} R=${m.recall.toFixed(4)} F1=${m.f1.toFixed(4)} (true ${m.truePairs}, predicted ${m.predictedPairs}, tp ${m.truePositives})`;

let failed = 0;
for (const c of cases) {
  if (only && !only.has(c.name)) continue;
  const data = c.load();
  const t0 = performance.now();
  const prepared = prepareRecords(data.records);
  const result = deduplicate(prepared, { linkOnly: c.linkOnly });
  const ms = performance.now() - t0;
  const cm = clusterMetrics(result.clusterOf, data.truth);
  const link = result.scorer.linkWeight;
  const li: number[] = [];
  const lj: number[] = [];
  for (let e = 0; e < result.pairs.count; e++) {
    if (result.pairs.weight[e]! >= link && !result.pairs.cannotLink[e]) { li.push(result.pairs.i[e]!); lj.push(result.pairs.j[e]!); }
  }
  const pm = pairListMetrics(li, lj, li.length, data.truth);
  const ok = cm.f1 >= c.target;
  if (!ok) failed++;
  console.log(`${c.name.padEnd(11)} records=${data.records.length} clusters: ${fmt(cm)} target F1≥${c.target} ${ok ? 'OK' : 'BELOW'}`);
  console.log(`${''.padEnd(11)} links≥auto (before clustering): ${fmt(pm)}`);
  console.log(`${''.padEnd(11)} candidates=${result.stats.candidatePairs} kept=${result.stats.keptPairs} λ=${result.model.lambda} time=${(ms / 1000).toFixed(2)}s ${JSON.stringify(result.stats.millis, (_, v: unknown) => (typeof v === 'number' ? Math.round(v) : v))}`);
  if (verbose) {
    for (const [f, prm] of Object.entries(result.model.fields)) {
      console.log(`   ${f.padEnd(10)} w=${prm.m.map((m, l) => Math.log2(m / prm.u[l]!).toFixed(1)).join(' ')}`);
    }
    console.log(`   tf baseline ${result.model.nameTfBaseline.map((x) => x.toFixed(1)).join(' ')}`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
