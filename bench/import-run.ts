/**
 * One import scenario in its own process (so its peak memory is its own):
 *   npx tsx bench/import-run.ts --dir D --target pg|pglite [--pg-url URL] [--pglite-dir P]
 *     [--setup-only] [--workers N] [--batch-size N] [--plaintext]
 * Prints one JSON line.
 *
 * `--setup-only` migrates and loads the regions, then exits: with `--pglite-dir` the
 * import then runs in a second process on the existing data directory, as `tepat import`
 * does on an installation (a fresh PGlite's initdb alone leaves ~800 MB resident).
 * `--plaintext` swaps the field cipher for an identity function, to measure what
 * encryption costs; it exists only here, never in the product (a keyring without
 * shareable keys is staged on the main thread, so it also runs without workers).
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { openDb } from '../src/platform/db.js';
import { migrate } from '../src/platform/migrate.js';
import { loadRegions } from '../src/regions/load.js';
import { openKeyring, type Keyring } from '../src/platform/keyring.js';
import { DEV_INDEX_KEY, DEV_MASTER_KEY } from '../src/platform/config.js';
import { importFile, type FileSummary } from '../src/registry/import/import-file.js';
import type { FieldCipher } from '../src/platform/crypto.js';

const { values } = parseArgs({ options: {
  dir: { type: 'string' }, target: { type: 'string' }, 'pg-url': { type: 'string' }, 'pglite-dir': { type: 'string' },
  'setup-only': { type: 'boolean', default: false }, workers: { type: 'string' }, 'batch-size': { type: 'string' },
  plaintext: { type: 'boolean', default: false },
} });
const ownDir = values.target === 'pglite' && !values['pglite-dir'];
const pgliteDir = values['pglite-dir'] ?? (values.target === 'pglite' ? mkdtempSync(join(tmpdir(), 'tepat-bench-pglite-')) : undefined);
const db = await openDb(values.target === 'pg' ? { databaseUrl: values['pg-url'] } : { dataDir: pgliteDir });
if (values['setup-only'] || ownDir) {
  await migrate(db);
  await loadRegions(db);
}
let keyring: Keyring = await openKeyring(db, { masterKey: DEV_MASTER_KEY, indexKey: DEV_INDEX_KEY });
if (values['setup-only']) {
  await db.close();
  process.stdout.write(JSON.stringify({ setup: true, maxRssMb: peakRssMb() }) + '\n');
  process.exit(0);
}
if (values.plaintext) {
  const identity = { encrypt: (s: string) => Buffer.from(s), decrypt: (b: Uint8Array) => Buffer.from(b).toString(), keyIdOf: () => 0, currentKeyId: 0 };
  keyring = { ...keyring, cipher: identity as unknown as FieldCipher };
}
const actor = { id: 'bench', role: 'pusat', scope: 'ID', channel: 'cli' } as const;
const opts = {
  ...(values.workers !== undefined ? { workers: Number(values.workers) } : {}),
  ...(values['batch-size'] ? { batchSize: Number(values['batch-size']) } : {}),
};
/**
 * CPU seconds used so far by the PostgreSQL server processes serving this database
 * (Linux /proc; undefined elsewhere): with this process's own CPU time it tells what a
 * row costs on each side, which wall-clock rates on a shared machine do not.
 */
function serverCpuSeconds(): number | undefined {
  if (values.target !== 'pg') return undefined;
  const dbName = new URL(values['pg-url']!).pathname.slice(1);
  try {
    let ticks = 0;
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(` ${dbName} `)) continue;
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
      } catch { /* process ended */ }
    }
    return ticks / 100; // USER_HZ
  } catch {
    return undefined;
  }
}

const run = async (file: string): Promise<{ summary: FileSummary; timings: Record<string, number>; cpuSeconds: number; serverCpuSeconds?: number }> => {
  const timings: Record<string, number> = {};
  const cpu = process.cpuUsage();
  const server = serverCpuSeconds();
  const summary = await importFile({ db, keyring, actor }, join(values.dir!, file), { ...opts, timings });
  const used = process.cpuUsage(cpu);
  const serverAfter = serverCpuSeconds();
  return {
    summary, timings, cpuSeconds: (used.user + used.system) / 1e6,
    ...(server !== undefined && serverAfter !== undefined ? { serverCpuSeconds: serverAfter - server } : {}),
  };
};
/**
 * Peak resident memory of this process in MB. Linux's VmHWM belongs to this program only;
 * getrusage's maxRSS also carries the high-water mark of the process that forked it (the
 * benchmark driver, which has loaded a whole CSV for the raw COPY).
 */
function peakRssMb(): number {
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Math.round(Number(hwm[1]) / 1024);
  } catch { /* not Linux */ }
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

// The largest value of each memory figure, sampled between batches while importing.
const peaks: Record<string, number> = {};
const sampler = setInterval(() => {
  for (const [k, v] of Object.entries(process.memoryUsage())) peaks[k] = Math.max(peaks[k] ?? 0, Math.round(v / 1048576));
}, 250);
const families = await run('families.csv');
const members = await run('members.csv');
clearInterval(sampler);
const maxRssBeforeCloseMb = peakRssMb();
const beforeClose = { rssMb: Math.round(process.memoryUsage().rss / 1048576), externalMb: Math.round(process.memoryUsage().external / 1048576) };
await db.close();
if (ownDir && pgliteDir) rmSync(pgliteDir, { recursive: true, force: true });
const maxRssMb = peakRssMb();
const mb = (n: number) => Math.round(n / 1048576);
const memoryAtEnd = { rssMb: mb(process.memoryUsage().rss), heapUsedMb: mb(process.memoryUsage().heapUsed), externalMb: mb(process.memoryUsage().external), arrayBuffersMb: mb(process.memoryUsage().arrayBuffers) };
const brief = (r: typeof families) => ({
  rows: r.summary.rows, rejected: r.summary.rejected, seconds: r.summary.seconds,
  // CPU of this process (main thread and workers), and of the PostgreSQL server for it.
  cpuSeconds: Math.round(r.cpuSeconds * 10) / 10,
  cpuMicrosPerRow: Math.round(r.cpuSeconds * 1e6 / r.summary.rows),
  ...(r.serverCpuSeconds !== undefined ? { serverCpuSeconds: Math.round(r.serverCpuSeconds * 10) / 10, serverCpuMicrosPerRow: Math.round(r.serverCpuSeconds * 1e6 / r.summary.rows) } : {}),
  timings: Object.fromEntries(Object.entries(r.timings).map(([k, v]) => [k, Math.round(v) / 1000])),
});
process.stdout.write(JSON.stringify({
  target: values.target, plaintext: values.plaintext, ...opts,
  families: brief(families), members: brief(members),
  memberRowsPerSecond: Math.round(members.summary.rows / members.summary.seconds),
  allRowsPerSecond: Math.round((families.summary.rows + members.summary.rows) / (families.summary.seconds + members.summary.seconds)),
  maxRssMb, maxRssBeforeCloseMb, peakMemoryMb: peaks, beforeClose, memoryAtEnd,
}) + '\n');
