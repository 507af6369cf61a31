/**
 * Import benchmark (issue: registry foundation).
 *   npx tsx bench/import.ts [--families 250000] [--seed 1] [--pg-url URL] [--skip-pglite]
 * Generates the data once (cached under .bench/), then in separate processes imports it into
 * a fresh PostgreSQL database and a fresh PGlite, with encryption on and off, and times a raw
 * COPY of the same member rows into an unindexed all-text table on each engine.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { memberColumns } from '../src/registry/import-columns.js';

const { values } = parseArgs({ options: {
  families: { type: 'string', default: '250000' }, seed: { type: 'string', default: '1' },
  'pg-url': { type: 'string', default: process.env.DATABASE_URL ?? 'postgres://tepat:tepat@127.0.0.1:5432/tepat' },
  'skip-pglite': { type: 'boolean', default: false },
} });
const families = Number(values.families);
const dir = join('.bench', `import-${families}-${values.seed}`);
const tsx = ['--import', 'tsx'];

if (!existsSync(join(dir, 'members.csv'))) {
  process.stderr.write(`generating ${families} families into ${dir}…\n`);
  execFileSync(process.execPath, [...tsx, 'src/cli/main.ts', 'generate', '--families', String(families), '--seed', values.seed!, '--out', dir], { stdio: 'inherit' });
}
const memberRows = readFileSync(join(dir, 'members.csv'), 'utf8').split('\n').length - 2;

function freshPgDatabase(name: string): string {
  const admin = new URL(values['pg-url']!);
  execFileSync('psql', [admin.toString(), '-qc', `drop database if exists ${name}`, '-c', `create database ${name}`], { stdio: 'inherit' });
  admin.pathname = `/${name}`;
  return admin.toString();
}

function scenario(target: 'pg' | 'pglite', plaintext: boolean): Record<string, unknown> {
  const args = [...tsx, 'bench/import-run.ts', '--dir', dir, '--target', target];
  if (target === 'pg') args.push('--pg-url', freshPgDatabase('tepat_bench_import'));
  if (plaintext) args.push('--plaintext');
  process.stderr.write(`import → ${target}${plaintext ? ' (encryption off)' : ''}…\n`);
  const out = execFileSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'warn' } });
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
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
  const db = await PGlite.create();
  await db.exec(textTable);
  const blob = new Blob([readFileSync(join(dir, 'members.csv'))]);
  const t = performance.now();
  await db.query(`copy raw_member from '/dev/blob' with (format csv, header true)`, [], { blob });
  const seconds = (performance.now() - t) / 1000;
  await db.close();
  return memberRows / seconds;
}

const results: Array<Record<string, unknown>> = [];
const pgRaw = await rawCopyPg();
results.push({ ...scenario('pg', false), rawCopyRowsPerSecond: Math.round(pgRaw) });
results.push(scenario('pg', true));
if (!values['skip-pglite']) {
  const liteRaw = await rawCopyPglite();
  results.push({ ...scenario('pglite', false), rawCopyRowsPerSecond: Math.round(liteRaw) });
}
process.stdout.write(`\nmembers: ${memberRows}, families: ${families}, machine: ${execFileSync('nproc').toString().trim()} cores\n`);
for (const r of results) {
  const raw = r.rawCopyRowsPerSecond as number | undefined;
  process.stdout.write(`${String(r.target).padEnd(7)} ${r.plaintext ? 'plain ' : 'enc   '} members ${String(r.memberRowsPerSecond).padStart(8)} rows/s` +
    ` · all ${String(r.allRowsPerSecond).padStart(8)} rows/s · peak RSS ${r.maxRssMb} MB` +
    (raw ? ` · raw COPY ${Math.round(raw)} rows/s · ratio ${((r.memberRowsPerSecond as number) / raw).toFixed(3)}` : '') + '\n');
}
const enc = results.find((r) => r.target === 'pg' && !r.plaintext)!;
const plain = results.find((r) => r.target === 'pg' && r.plaintext)!;
process.stdout.write(`encryption on/off (PostgreSQL): ${((enc.memberRowsPerSecond as number) / (plain.memberRowsPerSecond as number) * 100).toFixed(1)}%\n`);
process.stdout.write(JSON.stringify(results) + '\n');
