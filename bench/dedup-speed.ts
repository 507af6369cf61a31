/**
 * Speed benchmark of deduplication.
 *
 *   npx tsx bench/dedup-speed.ts [--records 1000000] [--skip-end-to-end] [--skip-scorer]
 *
 * 1. End-to-end: generates an Indonesian CSV (15% duplicates; cached in .bench/), then
 *    runs the dedup command (read, normalise, block, estimate, score, cluster, write)
 *    in a child process and reports wall time, its phases, CPU time and peak RSS.
 * 2. Scorer alone, one core: collects the candidate pairs once, then scores them all
 *    twice with one scorer: a cold pass (empty similarity caches, as in a real run) and
 *    a warm pass; pairs per CPU-second of each.
 * The machine is shared: the load average is printed with every figure.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { buildCandidateIndex, collectCandidatePairs } from '../src/dedup/blocking.js';
import { scoreCandidates } from '../src/dedup/dedup.js';
import { readCsvRows } from '../src/dedup/csv-read.js';
import { FeatureBuilder } from '../src/dedup/features.js';
import { estimateModel } from '../src/dedup/model.js';
import { PairScorer } from '../src/dedup/score.js';
import { generateIndonesianRecords } from './dedup-corpus.js';

const args = process.argv.slice(2);
const recArg = args.indexOf('--records');
const records = recArg >= 0 ? Number(args[recArg + 1]) : 1_000_000;
const root = resolve(import.meta.dirname, '..');
const dir = resolve(root, '.bench');
mkdirSync(dir, { recursive: true });
const input = resolve(dir, `dedup-${records}.csv`);
const people = Math.round(records * 0.85);

const csv = (v: string | null | undefined): string => (v && /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : (v ?? ''));
const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');

if (!existsSync(input)) {
  const t0 = performance.now();
  const tmp = `${input}.tmp`;
  const out = createWriteStream(tmp);
  out.write('record_id,nik,kk_number,full_name,sex,birth_place,birth_date,mother_name,address,village_code\n');
  let buf = '';
  for (const r of generateIndonesianRecords({ people, duplicateRate: 0.15, seed: 11 })) {
    buf += `${r.id},${csv(r.nik)},${csv(r.kkNumber)},${csv(r.fullName)},${r.sex ?? ''},${csv(r.birthPlace)},${r.birthDate ?? ''},${csv(r.motherName)},${csv(r.address)},${r.villageCode ?? ''}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((ok) => out.once('drain', () => ok()));
      buf = '';
    }
  }
  out.end(buf);
  await finished(out);
  renameSync(tmp, input);
  console.log(`generated ${input} (${(statSync(input).size / 1e6).toFixed(0)} MB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);

if (!args.includes('--skip-end-to-end')) {
  const before = load();
  const t0 = performance.now();
  const child = spawnSync(
    process.execPath,
    ['--max-old-space-size=4096', '--import', 'tsx', resolve(root, 'bench/dedup-cli.ts'), input, '--out', resolve(dir, 'clusters.csv'), '--pairs', resolve(dir, 'pairs.csv')],
    { cwd: root, env: { ...process.env, DEDUP_REPORT_RSS: '1', TEPAT_DEDUP_TIMINGS: '1' }, encoding: 'utf8' },
  );
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(child.stdout);
  process.stderr.write(child.stderr);
  const rss = /maxRSS=(\d+)/.exec(child.stderr)?.[1];
  const cpu = /cpu=([\d.]+)/.exec(child.stderr)?.[1];
  console.log(
    `end-to-end: ${records} records in ${seconds.toFixed(1)} s (${Math.round(records / seconds)} records/s), exit ${child.status}, ` +
    `CPU ${cpu ?? '?'} s (both threads), peak RSS ${rss ? (Number(rss) / 1024).toFixed(0) : '?'} MB; load average before ${before}, after ${load()}`,
  );
}

// Scorer alone, one core.
if (!args.includes('--skip-scorer')) {
  const builder = new FeatureBuilder();
  await readCsvRows(createReadStream(input, { highWaterMark: 1 << 20 }), (row, line) => {
    if (line === 1) return;
    builder.add({ id: row[0]!, nik: row[1], kkNumber: row[2], fullName: row[3], sex: row[4], birthPlace: row[5], birthDate: row[6], motherName: row[7], address: row[8], villageCode: row[9] });
  });
  const p = builder.finish();
  const t0 = performance.now();
  const pairs = collectCandidatePairs(p, buildCandidateIndex(p));
  const collect = (performance.now() - t0) / 1000;
  const model = estimateModel(p, pairs);
  const scorer = new PairScorer(p, model);
  let sink = 0;
  // The production loop (scoreCandidates: prefetching, keeping pairs worth a review).
  const pass = (): number => {
    const c0 = process.cpuUsage();
    sink += scoreCandidates(p, pairs, scorer).pairs.count;
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1e6;
  };
  const cold = pass();
  const warm = pass();
  console.log(
    `scorer, one core: ${pairs.count} candidate pairs (${(pairs.count / p.n).toFixed(1)} per record, blocked and collected in ${collect.toFixed(1)} s); ` +
    `cold pass ${cold.toFixed(2)} CPU-s = ${Math.round(pairs.count / cold)} pairs/s, warm pass ${warm.toFixed(2)} CPU-s = ${Math.round(pairs.count / warm)} pairs/s; load average ${load()} [${sink > 0 ? '' : ' '}]`,
  );
}
