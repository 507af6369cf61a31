/**
 * Diagnostics for the quality benchmark: blocking recall and a sample of missed and
 * false pairs with their explanations (to improve the method, not to fit rows).
 *
 *   npx tsx bench/dedup-diagnose.ts febrl3|febrl4|historical|indonesian [samples]
 */
import { resolve } from 'node:path';
import { buildCandidateIndex, forEachCandidatePair } from '../src/dedup/blocking.js';
import { deduplicate } from '../src/dedup/dedup.js';
import { prepareRecords } from '../src/dedup/features.js';
import { loadFebrl3, loadFebrl4, loadHistorical, type LabelledRecords } from './dedup-adapters.js';
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
const index = buildCandidateIndex(p);
const byTruth = new Map<string, number[]>();
data.truth.forEach((t, i) => byTruth.set(t, [...(byTruth.get(t) ?? []), i]));
const trueSet = new Set<number>();
for (const members of byTruth.values()) {
  for (let a = 0; a < members.length; a++) for (let b = a + 1; b < members.length; b++) {
    if (linkOnly && p.source[members[a]!] === p.source[members[b]!]) continue;
    trueSet.add(members[a]! * p.n + members[b]!);
  }
}
let found = 0;
const candidates = forEachCandidatePair(p, index, (i, j) => { if (trueSet.has(i * p.n + j)) found++; }, { linkOnly });
console.log(`blocking: ${candidates} candidates, recall ${(found / trueSet.size).toFixed(4)} (${found}/${trueSet.size}), stop keys ${index.stats.stopKeys}`);
const result = deduplicate(p, { linkOnly });
const scorer = result.scorer;
const show = (i: number, j: number, label: string): void => {
  const e = scorer.explain(i, j);
  const r = (k: number): string => JSON.stringify(data.records[k]);
  console.log(`-- ${label} w=${e.weight} p=${e.probability.toFixed(3)} same-cluster=${result.clusterOf[i] === result.clusterOf[j]}\n   ${r(i)}\n   ${r(j)}\n   ${e.fields.filter((f) => f.level !== null).map((f) => `${f.field}:${f.level}(${f.weight})`).join(' ')} | ${e.notes.join('; ')}`);
};
let shown = 0;
const missed = [...trueSet].filter((k) => result.clusterOf[Math.floor(k / p.n)] !== result.clusterOf[k % p.n]);
console.log(`missed true pairs after clustering: ${missed.length}`);
for (let x = 0; x < missed.length && shown < samples; x += Math.max(1, Math.floor(missed.length / samples))) {
  const k = missed[x]!;
  show(Math.floor(k / p.n), k % p.n, 'MISSED');
  shown++;
}
shown = 0;
const clusters = new Map<number, number[]>();
result.clusterOf.forEach((c, i) => clusters.set(c, [...(clusters.get(c) ?? []), i]));
for (const members of clusters.values()) {
  if (shown >= samples) break;
  for (let a = 0; a < members.length && shown < samples; a++) for (let b = a + 1; b < members.length; b++) {
    if (data.truth[members[a]!] !== data.truth[members[b]!]) { show(members[a]!, members[b]!, 'FALSE'); shown++; break; }
  }
}
