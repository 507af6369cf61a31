/**
 * Import benchmark (issue: registry foundation).
 *   npx tsx bench/import.ts [--families 260000] [--seed 1] [--pg-url URL] [--skip-pglite] [--skip-pg]
 *     [--workers N] [--batch-size N] [--plaintext] [--from-source]
 * Generates the data once (cached under .bench/; 260,000 families are about 1,000,000
 * members), then in separate processes imports it into a fresh PostgreSQL database and a
 * fresh PGlite (migrated and loaded with regions by a setup process first, so the import
 * process opens an existing database as `tepat import` does), and times a raw COPY of the
 * same member rows into an unindexed all-text table on each engine. `--plaintext` adds a
 * PostgreSQL run with encryption off (staged on the main thread: see import-run.ts).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { memberColumns } from '../src/registry/import-columns.js';

const { values } = parseArgs({ options: {
  families: { type: 'string', default: '260000' }, seed: { type: 'string', default: '1' },
  'pg-url': { type: 'string', default: process.env.DATABASE_URL ?? 'postgres://tepat:tepat@127.0.0.1:5432/tepat' },
  'skip-pglite': { type: 'boolean', default: false }, 'skip-pg': { type: 'boolean', default: false },
  workers: { type: 'string' }, 'batch-size': { type: 'string' }, plaintext: { type: 'boolean', default: false },
  'from-source': { type: 'boolean', default: false },
} });
const families = Number(values.families);
const dir = join('.bench', `import-${families}-${values.seed}`);
const tsx = ['--import', 'tsx'];
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

if (!existsSync(join(dir, 'members.csv'))) {
  process.stderr.write(`generating ${families} families into ${dir}…\n`);
  execFileSync(process.execPath, [...tsx, 'src/cli/main.ts', 'generate', '--families', String(families), '--seed', values.seed!, '--out', dir], { stdio: 'inherit' });
}
// Data lines (one member per line in generated files), without reading the file at once.
let memberRows = -1;
for await (const chunk of createReadStream(join(dir, 'members.csv'))) {
  for (let i = (chunk as Buffer).indexOf(10); i !== -1; i = (chunk as Buffer).indexOf(10, i + 1)) memberRows++;
}

function freshPgDatabase(name: string): string {
  const admin = new URL(values['pg-url']!);
  execFileSync('psql', [admin.toString(), '-qc', `drop database if exists ${name}`, '-c', `create database ${name}`], { stdio: 'inherit' });
  admin.pathname = `/${name}`;
  return admin.toString();
}

/**
 * The import processes run the compiled JavaScript, as `tepat` does once built: under tsx
 * each thread also carries the TypeScript loader (~70 MB more in the main thread alone).
 * `--from-source` runs them under tsx instead.
 */
function compiledHarness(): string[] {
  if (values['from-source']) return [...tsx, 'bench/import-run.ts'];
  const out = join('.bench', 'import-js');
  process.stderr.write(`compiling into ${out}…\n`);
  // Emits even when files other work has in progress do not type-check (exit code ignored).
  spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--noEmit', 'false', '--outDir', out, '--rootDir', '.'], { stdio: 'ignore' });
  if (!existsSync(join(out, 'bench', 'import-run.js'))) throw new Error('tsc produced no bench/import-run.js');
  // migrate.ts finds migrations/ two levels above itself.
  if (!existsSync(join(out, 'migrations'))) symlinkSync(join(process.cwd(), 'migrations'), join(out, 'migrations'));
  return [join(out, 'bench', 'import-run.js')];
}
const harness = compiledHarness();

function runScenario(args: string[]): Record<string, unknown> {
  const out = execFileSync(process.execPath, [...harness, '--dir', dir, ...args], {
    encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'warn' }, maxBuffer: 1 << 24,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
}

function scenario(target: 'pg' | 'pglite', plaintext: boolean): Record<string, unknown> {
  const tuning = [
    ...(values.workers !== undefined ? ['--workers', values.workers] : []),
    ...(values['batch-size'] ? ['--batch-size', values['batch-size']] : []),
    ...(plaintext ? ['--plaintext'] : []),
  ];
  const loadBefore = load();
  process.stderr.write(`import → ${target}${plaintext ? ' (encryption off)' : ''} (load ${loadBefore})…\n`);
  if (target === 'pg') {
    const url = freshPgDatabase('tepat_bench_import');
    runScenario(['--target', 'pg', '--pg-url', url, '--setup-only']);
    return { ...runScenario(['--target', 'pg', '--pg-url', url, ...tuning]), loadBefore, loadAfter: load() };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'tepat-bench-pglite-'));
  try {
    runScenario(['--target', 'pglite', '--pglite-dir', dataDir, '--setup-only']);
    return { ...runScenario(['--target', 'pglite', '--pglite-dir', dataDir, ...tuning]), loadBefore, loadAfter: load() };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const textTable = `create table raw_member (${memberColumns.map((c) => `${c.name} text`).join(', ')})`;

async function rawCopyPg(): Promise<number> {
  const client = new pg.Client({ connectionString: freshPgDatabase('tepat_bench_raw') });
  await client.connect();
  await client.query(textTable);
  const t = performance.now();
  await pipeline(createReadStream(join(dir, 'members.csv')), client.query(copyFrom('copy raw_member from stdin with (format csv, header true)')));
  const seconds = (performance.now() - t) / 1000;
  await client.end();
  return memberRows / seconds;
}

async function rawCopyPglite(): Promise<number> {
  const { PGlite } = await import('@electric-sql/pglite');
  // On disk like the import's database (in memory, PGlite's file system slows down as the table grows).
  const dataDir = mkdtempSync(join(tmpdir(), 'tepat-bench-raw-'));
  try {
    const db = await PGlite.create({ dataDir });
    await db.exec(textTable);
    const blob = new Blob([readFileSync(join(dir, 'members.csv'))]);
    const t = performance.now();
    await db.query(`copy raw_member from '/dev/blob' with (format csv, header true)`, [], { blob });
    const seconds = (performance.now() - t) / 1000;
    await db.close();
    return memberRows / seconds;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const results: Array<Record<string, unknown>> = [];
if (!values['skip-pg']) {
  const pgRaw = await rawCopyPg();
  results.push({ ...scenario('pg', false), rawCopyRowsPerSecond: Math.round(pgRaw) });
  if (values.plaintext) results.push(scenario('pg', true));
}
if (!values['skip-pglite']) {
  // The raw COPY after the import: it loads the whole CSV into this process, and a child
  // forked from a large process would start out large.
  const imported = scenario('pglite', false);
  results.push({ ...imported, rawCopyRowsPerSecond: Math.round(await rawCopyPglite()) });
}
process.stdout.write(`\nmembers: ${memberRows}, families: ${families}, machine: ${execFileSync('nproc').toString().trim()} cores\n`);
for (const r of results) {
  const raw = r.rawCopyRowsPerSecond as number | undefined;
  process.stdout.write(`${String(r.target).padEnd(7)} ${r.plaintext ? 'plain ' : 'enc   '} members ${String(r.memberRowsPerSecond).padStart(8)} rows/s` +
    ` · all ${String(r.allRowsPerSecond).padStart(8)} rows/s · peak RSS ${r.maxRssMb} MB` +
    (raw ? ` · raw COPY ${Math.round(raw)} rows/s · ratio ${((r.memberRowsPerSecond as number) / raw).toFixed(3)}` : '') +
    ` · load ${r.loadBefore} → ${r.loadAfter}\n`);
  const m = r.members as { cpuMicrosPerRow: number; serverCpuMicrosPerRow?: number };
  process.stdout.write(`        CPU per member row: ${m.cpuMicrosPerRow} µs in this process` +
    (m.serverCpuMicrosPerRow !== undefined ? `, ${m.serverCpuMicrosPerRow} µs in PostgreSQL` : ' (database included)') + '\n');
}
const enc = results.find((r) => r.target === 'pg' && !r.plaintext);
const plain = results.find((r) => r.target === 'pg' && r.plaintext);
if (enc && plain) {
  process.stdout.write(`encryption on/off (PostgreSQL): ${((enc.memberRowsPerSecond as number) / (plain.memberRowsPerSecond as number) * 100).toFixed(1)}%\n`);
}
process.stdout.write(JSON.stringify(results) + '\n');
