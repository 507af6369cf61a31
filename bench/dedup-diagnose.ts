/**
 * Diagnostics for the quality benchmark (to improve the method, not to fit rows):
 * where true pairs are lost — never blocked, blocked but scored below the link
 * threshold, or linked and then kept apart by clustering — with the recall each stage
 * allows once transitivity is counted, and a sample of missed and false pairs with their
 * explanations.
 *
 *   npx tsx bench/dedup-diagnose.ts febrl3|febrl4|historical|indonesian [samples]
 */
import { resolve } from 'node:path';
import { buildCandidateIndex, collectCandidatePairs } from '../src/dedup/blocking.js';
import { deduplicate } from '../src/dedup/dedup.js';
import { prepareRecords } from '../src/dedup/features.js';
import { clusterMetrics, loadFebrl3, loadFebrl4, loadHistorical, type LabelledRecords } from './dedup-adapters.js';
import { generateIndonesianCorpus } from './dedup-corpus.js';

const DATA = resolve(import.meta.dirname, '../../shared/data/linkage');
const which = process.argv[2] ?? 'febrl3';
const samples = Number(process.argv[3] ?? 15);
const loaders: Record<string, () => LabelledRecords> = {
  febrl3: () => loadFebrl3(DATA),
  febrl4: () => loadFebrl4(DATA),
  historical: () => loadHistorical(DATA),
  indonesian: () => generateIndonesianCorpus({ people: 20_000, duplicateRate: 0.15, seed: 7 }),
};
const data = loaders[which]!();
const linkOnly = which === 'febrl4';
const p = prepareRecords(data.records);
const result = deduplicate(p, { linkOnly });
const scorer = result.scorer;
const candidates = collectCandidatePairs(p, buildCandidateIndex(p), { linkOnly });
const truth = data.truth;

// Union-find over true pairs: what recall each stage would allow with perfect transitivity.
function components(link: (k: number) => boolean): Int32Array {
  const parent = Int32Array.from({ length: p.n }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]!]!;
    return x;
  };
  for (let k = 0; k < candidates.count; k++) {
    const i = candidates.i[k]!;
    const j = candidates.j[k]!;
    if (truth[i] === truth[j] && link(k)) parent[find(i)] = find(j);
  }
  return Int32Array.from({ length: p.n }, (_, i) => find(i));
}
let trueCandidates = 0;
let trueLinks = 0;
const linked = new Uint8Array(candidates.count);
for (let k = 0; k < candidates.count; k++) {
  const i = candidates.i[k]!;
  const j = candidates.j[k]!;
  if (truth[i] !== truth[j]) continue;
  trueCandidates++;
  const w = scorer.score(i, j);
  if (w >= scorer.linkWeight && !scorer.lastCannotLink) {
    linked[k] = 1;
    trueLinks++;
  }
}
const final = clusterMetrics(result.clusterOf, truth);
const blockedBound = clusterMetrics(components(() => true), truth);
const linkedBound = clusterMetrics(components((k) => linked[k] === 1), truth);
console.log(`${which}: ${p.n} records, ${final.truePairs} true pairs, ${candidates.count} candidate pairs (${result.stats.windowedBlocks} windowed blocks, ${result.stats.stopKeys} stop keys)`);
console.log(`  true pairs blocked: ${trueCandidates} (${(trueCandidates / final.truePairs).toFixed(4)}); scored ≥ link: ${trueLinks}`);
console.log(`  recall allowed by blocking (transitive): ${blockedBound.recall.toFixed(4)}`);
console.log(`  recall allowed by links ≥ threshold (transitive): ${linkedBound.recall.toFixed(4)}`);
console.log(`  final clusters: P=${final.precision.toFixed(4)} R=${final.recall.toFixed(4)} F1=${final.f1.toFixed(4)}`);

const show = (i: number, j: number, label: string): void => {
  const e = scorer.explain(i, j);
  const r = (k: number): string => JSON.stringify(data.records[k]);
  console.log(`-- ${label} w=${e.weight} p=${e.probability.toFixed(3)} same-cluster=${result.clusterOf[i] === result.clusterOf[j]}\n   ${r(i)}\n   ${r(j)}\n   ${e.fields.filter((f) => f.level !== null).map((f) => `${f.field}:${f.level}(${f.weight})`).join(' ')} | ${e.notes.join('; ')}`);
};
const byTruth = new Map<string, number[]>();
truth.forEach((t, i) => byTruth.set(t, [...(byTruth.get(t) ?? []), i]));
const missed: [number, number][] = [];
for (const members of byTruth.values()) {
  for (let a = 0; a < members.length; a++) for (let b = a + 1; b < members.length; b++) {
    const i = members[a]!;
    const j = members[b]!;
    if (linkOnly && p.source[i] === p.source[j]) continue;
    if (result.clusterOf[i] !== result.clusterOf[j]) missed.push([i, j]);
  }
}
console.log(`missed true pairs after clustering: ${missed.length}`);
for (let x = 0, shown = 0; x < missed.length && shown < samples; x += Math.max(1, Math.floor(missed.length / samples)), shown++) show(missed[x]![0], missed[x]![1], 'MISSED');
const clusters = new Map<number, number[]>();
result.clusterOf.forEach((c, i) => clusters.set(c, [...(clusters.get(c) ?? []), i]));
let shown = 0;
for (const members of clusters.values()) {
  if (shown >= samples) break;
  for (let a = 0; a < members.length && shown < samples; a++) for (let b = a + 1; b < members.length; b++) {
    if (truth[members[a]!] !== truth[members[b]!]) { show(members[a]!, members[b]!, 'FALSE'); shown++; break; }
  }
}
