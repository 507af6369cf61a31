/**
 * Speed and memory of `tepat generate`.
 *
 *   node --import tsx bench/generate.ts [--families 250000] [--duplicate-rate 0] [--error-rate 0] [--keep DIR]
 *
 * Prints families/s, member rows/s, MB written and peak RSS. Also times the in-process
 * iterator alone (no CSV), which is what a simulator regenerating the population pays.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generatePopulation } from '../src/generate/population.js';
import { generateFiles } from '../src/generate/write-files.js';

const { values } = parseArgs({
  options: {
    families: { type: 'string', default: '250000' },
    seed: { type: 'string', default: '1' },
    'duplicate-rate': { type: 'string', default: '0' },
    'error-rate': { type: 'string', default: '0' },
    keep: { type: 'string' },
  },
});
const families = Number(values.families);
const seed = Number(values.seed);

let peakRss = 0;
const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 50);

const out = values.keep ?? (await mkdtemp(join(tmpdir(), 'tepat-bench-generate-')));
// CPU seconds as well as wall seconds: on a shared machine the wall clock says more about the neighbours.
const cpu0 = process.cpuUsage();
const s = await generateFiles({
  families, seed, out,
  duplicateRate: Number(values['duplicate-rate']), errorRate: Number(values['error-rate']),
});
const cpuFiles = cpuSeconds(cpu0);
let bytes = 0;
for (const f of await readdir(out)) bytes += (await stat(join(out, f))).size;
const filesRss = peakRss;
console.log(`files:    ${s.families} families, ${s.memberRows} member rows, ${(bytes / 1e6).toFixed(0)} MB in ${s.seconds.toFixed(1)} s`
  + ` = ${Math.round(s.families / s.seconds)} families/s, ${Math.round(s.memberRows / s.seconds)} member rows/s`
  + ` (CPU ${cpuFiles.toFixed(1)} s); peak RSS ${(filesRss / 1e6).toFixed(0)} MB`);
if (!values.keep) await rm(out, { recursive: true, force: true });

const t0 = performance.now();
const cpu1 = process.cpuUsage();
let members = 0;
for (const f of generatePopulation({ families, seed })) members += f.members.length;
const sec = (performance.now() - t0) / 1000;
clearInterval(sampler);
console.log(`iterator: ${families} families, ${members} members in ${sec.toFixed(1)} s = ${Math.round(families / sec)} families/s (CPU ${cpuSeconds(cpu1).toFixed(1)} s)`);

function cpuSeconds(from: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1e6;
}
