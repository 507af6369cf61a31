/**
 * Speed benchmark of deduplication.
 *
 *   npx tsx bench/dedup-speed.ts [--records 1000000] [--skip-end-to-end]
 *
 * 1. End-to-end: generates an Indonesian CSV (15% duplicates; cached in .bench/), then
 *    runs the dedup command (read, normalise, block, estimate, score, cluster, write)
 *    in a child process and reports wall time and peak RSS (resourceUsage().maxRSS).
 * 2. Scorer alone: scores every candidate pair of the same records on one core and
 *    reports pairs per second.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { buildCandidateIndex, forEachCandidatePair } from '../src/dedup/blocking.js';
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

if (!existsSync(input)) {
  const t0 = performance.now();
  const tmp = `${input}.tmp`;
  const out = createWriteStream(tmp);
  out.write('record_id,nik,kk_number,full_name,sex,birth_place,birth_date,mother_name,address,village_code\n');
  let buf = '';
  for (const r of generateIndonesianRecords({ people, duplicateRate: 0.15, seed: 11 })) {
    buf += `${r.id},${csv(r.nik)},${csv(r.kkNumber)},${csv(r.fullName)},${r.sex ?? ''},${csv(r.birthPlace)},${r.birthDate ?? ''},${csv(r.motherName)},${csv(r.address)},${r.villageCode ?? ''}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((ok) => out.once("drain", () => ok()));
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
  const t0 = performance.now();
  const child = spawnSync(
    process.execPath,
    ['--max-old-space-size=4096', '--import', 'tsx', resolve(root, 'bench/dedup-cli.ts'), input, '--out', resolve(dir, 'clusters.csv'), '--pairs', resolve(dir, 'pairs.csv')],
    { cwd: root, env: { ...process.env, DEDUP_REPORT_RSS: '1' }, encoding: 'utf8' },
  );
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(child.stdout);
  process.stderr.write(child.stderr);
  const rss = /maxRSS=(\d+)/.exec(child.stderr)?.[1];
  console.log(`end-to-end: ${records} records in ${seconds.toFixed(1)} s (${Math.round(records / seconds)} records/s), exit ${child.status}, peak RSS ${rss ? (Number(rss) / 1024).toFixed(0) : '?'} MB`);
}

// Scorer alone, one core.
{
  const { parse } = await import('csv-parse');
  const { createReadStream } = await import('node:fs');
  const builder = new FeatureBuilder();
  const parser = createReadStream(input).pipe(parse({ from_line: 2 }));
  for await (const row of parser as AsyncIterable<string[]>) {
    builder.add({ id: row[0]!, nik: row[1], kkNumber: row[2], fullName: row[3], sex: row[4], birthPlace: row[5], birthDate: row[6], motherName: row[7], address: row[8], villageCode: row[9] });
  }
  const p = builder.finish();
  const index = buildCandidateIndex(p);
  const model = estimateModel(p, index);
  const scorer = new PairScorer(p, model);
  let sink = 0;
  // Warm-up pass (JIT, token-similarity cache), then the measured pass.
  forEachCandidatePair(p, index, (i, j) => { sink += scorer.score(i, j); }, { to: Math.min(p.n, 50_000) });
  const t0 = performance.now();
  const pairs = forEachCandidatePair(p, index, (i, j) => { sink += scorer.score(i, j); });
  const s = (performance.now() - t0) / 1000;
  console.log(`scorer: ${pairs} candidate pairs in ${s.toFixed(2)} s = ${Math.round(pairs / s)} pairs/s on one core (enumeration included) [${sink > 0 ? '' : ' '}]`);
}
