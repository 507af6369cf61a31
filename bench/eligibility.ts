/**
 * Eligibility benchmark on PostgreSQL: ranking plus all programs, a preview, and
 * `GET /api/v1/families/:id/eligibility` latency, on a generated population loaded
 * through the real import; and targeting quality (PMT against the 14 BPS criteria at
 * the desil-4 quota, on held-out families).
 *
 *   DATABASE_URL=postgres://tepat:tepat@127.0.0.1:5432/tepat \
 *     npx tsx bench/eligibility.ts [--families 1000000] [--seed 7] [--sample 0.2] [--gets 2000] [--reuse] [--load-only]
 *       [--phases fit,rank,run,preview,get]
 *
 * The run phase deletes the cycle's decisions and stored facts first (a first run of the
 * cycle); the previews then read the facts that run stored, except the last (an age
 * threshold), which gathers them from the registry.
 *
 * The population is generated under .bench/ and imported into a database of its own
 * (tepat_bench_elig_N); `--reuse` skips generation and import when that database exists.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { pino } from 'pino';
import { openDb, type Actor } from '../src/platform/db.js';
import { migrate } from '../src/platform/migrate.js';
import { loadRegions } from '../src/regions/load.js';
import { openKeyring } from '../src/platform/keyring.js';
import { DEV_INDEX_KEY, DEV_MASTER_KEY, loadConfig } from '../src/platform/config.js';
import type { AppContext } from '../src/platform/context.js';
import { importFile } from '../src/registry/import/import-file.js';
import { generateFiles } from '../src/generate/write-files.js';
import { buildServer } from '../src/server/app.js';
import { loadSurvey } from '../src/eligibility/pmt/load-survey.js';
import { fitPmtModel } from '../src/eligibility/pmt/fit-pmt.js';
import { rankFamilies } from '../src/eligibility/pmt/rank-families.js';
import { runEligibility } from '../src/eligibility/run-eligibility.js';
import { previewEligibility } from '../src/eligibility/preview-eligibility.js';
import { loginAs } from '../test/support/app.js';

const { values } = parseArgs({
  options: {
    families: { type: 'string', default: '1000000' }, seed: { type: 'string', default: '7' }, sample: { type: 'string', default: '0.2' },
    gets: { type: 'string', default: '2000' }, reuse: { type: 'boolean', default: false }, 'load-only': { type: 'boolean', default: false }, phases: { type: 'string', default: 'fit,rank,run,preview,get' }, cycle: { type: 'string', default: '2025-07' },
  },
});
const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL (PostgreSQL) is required');
const N = Number(values.families);
const cycle = values.cycle!;
const refDate = `${cycle}-01`;
const name = `tepat_bench_elig_${N}`;
const dir = resolve(import.meta.dirname, '..', '.bench', `eligibility-${N}`);
const actor: Actor = { id: 'bench', role: 'pusat', scope: 'ID', channel: 'cli' };
const figures: Record<string, unknown> = { families: N, loadBefore: loadavg().map((x) => x.toFixed(1)).join(' ') };
const log = (s: string): void => { process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${s}\n`); };

// CPU seconds of the PostgreSQL backends serving this database, from /proc: on a shared,
// loaded machine the wall clock mostly measures the neighbours; CPU time is steadier.
let dbForCpu: { withConnection<T>(fn: (c: { query<R>(sql: string): Promise<{ rows: R[] }> }) => Promise<T>): Promise<T> } | undefined;
async function backendCpu(): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (!dbForCpu) return out;
  const pids = await dbForCpu.withConnection(async (c) => (await c.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database()')).rows);
  for (const { pid } of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      out.set(pid, (Number(fields[11]) + Number(fields[12])) / 100);
    } catch { /* not visible (another host) or gone */ }
  }
  return out;
}
const time = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
  const before = await backendCpu();
  const node0 = process.cpuUsage();
  const t0 = performance.now();
  const out = await fn();
  const s = (performance.now() - t0) / 1000;
  const after = await backendCpu();
  const node = process.cpuUsage(node0);
  let pgCpu = 0;
  for (const [pid, v] of after) pgCpu += v - (before.get(pid) ?? 0);
  const nodeCpu = (node.user + node.system) / 1e6;
  figures[`${label}Seconds`] = Number(s.toFixed(2));
  figures[`${label}CpuSeconds`] = { postgres: Number(pgCpu.toFixed(2)), node: Number(nodeCpu.toFixed(2)) };
  log(`${label}: ${s.toFixed(2)} s wall; CPU ${pgCpu.toFixed(2)} s PostgreSQL + ${nodeCpu.toFixed(2)} s Node`);
  return out;
};

const admin = new pg.Client({ connectionString: url });
await admin.connect();
const exists = (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
const reuse = values.reuse && exists;
if (!reuse) {
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
}
await admin.end();
const u = new URL(url);
u.pathname = `/${name}`;
const db = await openDb({ databaseUrl: u.toString() });
await migrate(db);
await loadRegions(db);
const keyring = await openKeyring(db, { masterKey: DEV_MASTER_KEY, indexKey: DEV_INDEX_KEY });
dbForCpu = db;

if (!reuse) {
  if (!existsSync(join(dir, 'truth.csv'))) {
    await time('generate', () => generateFiles({ families: N, seed: Number(values.seed), out: dir, referenceDate: refDate }));
  }
  const deps = { db, keyring, actor, today: new Date(`${refDate}T00:00:00Z`) };
  await time('importFamilies', () => importFile(deps, join(dir, 'families.csv')));
  await time('importMembers', () => importFile(deps, join(dir, 'members.csv')));
  const survey = await time('loadSurvey', () => loadSurvey({ db, keyring, actor }, join(dir, 'truth.csv'), { sample: Number(values.sample) }));
  figures.surveyFamilies = survey.loaded;
  await db.withConnection((c) => c.exec('vacuum analyze'));
}
if (values['load-only']) {
  await db.close();
  process.stdout.write(JSON.stringify(figures, null, 2) + '\n');
  process.exit(0);
}
const counts = await db.withConnection(async (c) => (await c.query<{ f: number; m: number }>('select (select count(*) from family)::int as f, (select count(*) from member)::int as m')).rows[0]!);
figures.registry = counts;
log(`registry: ${counts.f} families, ${counts.m} members`);

const phases = new Set(values.phases!.split(','));
if (phases.has('fit')) {
  const fit = await time('fit', () => fitPmtModel({ db, actor }, { quota: 0.4, refDate, version: `bench-${Date.now()}` }));
  figures.pmt = { r2: fit.r2, lambda: fit.lambda, families: fit.families, atQuota: fit.pmt.atQuota, poor: fit.pmt.poor };
  figures.bps14 = { atQuota: fit.bps14.atQuota, poor: fit.bps14.poor };
}

if (phases.has('rank')) {
  const rank = await time('rank', () => rankFamilies({ db, actor }, { refDate }));
  figures.desil = rank.desil;
}
if (phases.has('run')) {
  // Time the first run of the cycle, as in production: earlier bench runs' decisions go first.
  await db.withConnection(async (c) => {
    await c.query('delete from eligibility_notice where cycle = $1', [cycle]);
    await c.query('delete from eligibility_decision_set where cycle = $1', [cycle]);
    await c.query(`delete from job where kind = 'eligibility.run' and params->>'cycle' = $1`, [cycle]);
    await c.exec('truncate eligibility_facts, eligibility_facts_regency');
    await c.exec('vacuum analyze eligibility_decision_set');
  });
  const run = await time('run', () => runEligibility({ db, actor }, { cycle }));
  if (figures.rankSeconds !== undefined) figures.rankPlusRunSeconds = Number(((figures.rankSeconds as number) + (figures.runSeconds as number)).toFixed(2));
  figures.programs = run.programs.map((p) => ({ program: p.program, paid: p.paidFamilies, budgetPerYear: p.budgetPerYear }));
}

if (phases.has('preview')) {
  // From the run's stored facts (a threshold, an amount), then one that needs the registry (an age).
  const preview = await time('previewNational', () => previewEligibility({ db, actor }, { cycle, changes: { pkh: { maxDesil: 3 } }, listLimit: 20 }));
  figures.previewPkh = preview.programs.map((p) => ({ program: p.program, baseline: p.baseline.families, preview: p.preview.families, entering: p.entering, leaving: p.leaving }));
  const amount = await time('previewNationalAmount', () => previewEligibility({ db, actor }, { cycle, changes: { pbi_jk: { amountPerPerson: 600_000 } }, listLimit: 20 }));
  const regency = await db.withConnection(async (c) => (await c.query<{ r: string }>('select regency_code as r from family group by 1 order by count(*) desc limit 1')).rows[0]!.r);
  const one = await time('previewRegency', () => previewEligibility({ db, actor: { ...actor, scope: regency } }, { cycle, changes: { pkh: { maxDesil: 3 } }, listLimit: 20 }));
  const age = await time('previewNationalRegistry', () => previewEligibility({ db, actor }, { cycle, changes: { pkh: { elderlyMinAge: 65 } }, listLimit: 20 }));
  figures.previewSources = { national: preview.source, amount: amount.source, regency: one.source, age: age.source };
}

if (phases.has('get')) {
  // GET latency through the full HTTP stack (Fastify inject: routing, session, RLS transaction, audit append).
  const ctx: AppContext = { config: loadConfig({ NODE_ENV: 'test' }), db, keyring, logger: pino({ level: 'silent' }), close: async () => {} };
  const app = await buildServer(ctx);
  // Several officers, round-robin: the API allows each account 50 requests a second.
  const sessions = [];
  for (let i = 0; i < 8; i++) sessions.push(await loginAs(app, ctx, `bench.${Date.now()}.${i}`, 'pusat', 'ID'));
  const ids = await db.withConnection(async (c) => (await c.query<{ id: number }>(`select id from family tablesample system (1) limit $1`, [Number(values.gets)])).rows.map((r) => Number(r.id)));
  for (const [k, id] of ids.slice(0, 50).entries()) await app.inject({ method: 'GET', url: `/api/v1/families/${id}/eligibility?cycle=${cycle}`, headers: { cookie: sessions[k % 8]!.cookie } });
  const latencies: number[] = [];
  for (const [k, id] of ids.entries()) {
    const t0 = performance.now();
    const res = await app.inject({ method: 'GET', url: `/api/v1/families/${id}/eligibility?cycle=${cycle}`, headers: { cookie: sessions[k % 8]!.cookie } });
    latencies.push(performance.now() - t0);
    if (res.statusCode !== 200) throw new Error(`GET ${id}: ${res.statusCode} ${res.body}`);
}
latencies.sort((a, b) => a - b);
const q = (p: number): number => Number(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(1));
figures.getMs = { requests: latencies.length, p50: q(0.5), p95: q(0.95), p99: q(0.99), max: q(1) };
log(`GET …/eligibility: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms over ${latencies.length}`);
await app.close();
}
await db.close();
figures.loadAfter = loadavg().map((x) => x.toFixed(1)).join(' ');
figures.maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
process.stdout.write(JSON.stringify(figures, null, 2) + '\n');
