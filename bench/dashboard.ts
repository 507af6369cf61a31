/**
 * Dashboard benchmark (issue #8: "dashboard queries read rollups maintained incrementally,
 * not full scans: ≤ 200 ms at 1,000,000 families"). On PostgreSQL, with N families loaded
 * through the real import: times the full rebuild, then measures GET /api/v1/dashboard
 * (full HTTP stack through Fastify inject: session, scope, RLS transaction, bounded fold,
 * rollup read) at national, province, regency and district level, first idle, then while
 * another process imports E further families, with a live dashboard (the SSE hub's
 * once-a-second fold) open as in the console. Checks at the end that the rollups agree
 * with a direct count.
 *
 *   DATABASE_URL=postgres://tepat:tepat@127.0.0.1:5432/tepat \
 *     npx tsx bench/dashboard.ts [--families 1000000] [--extra 50000] [--seed 7] [--requests 300]
 *       [--template DB] [--reuse] [--upto 0012]
 *
 * The population is generated under .bench/ and imported into a database of its own
 * (tepat_bench_dash_N); `--template DB` copies an already loaded database instead (e.g. the
 * eligibility benchmark's tepat_bench_elig_1000000), `--reuse` keeps an existing one.
 * `--upto NNNN` applies migrations only up to that number (to measure a given schema).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadavg, tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { pino } from 'pino';
import { openDb, type Actor, type Db } from '../src/platform/db.js';
import { migrate, migrationsDir } from '../src/platform/migrate.js';
import { loadRegions } from '../src/regions/load.js';
import { openKeyring } from '../src/platform/keyring.js';
import { DEV_INDEX_KEY, DEV_MASTER_KEY, loadConfig } from '../src/platform/config.js';
import type { AppContext } from '../src/platform/context.js';
import { importFile } from '../src/registry/import/import-file.js';
import { generateFiles } from '../src/generate/write-files.js';
import { buildServer } from '../src/server/app.js';
import { rebuildDashboard } from '../src/dashboard/rebuild-rollups.js';
import { foldAll } from '../src/dashboard/fold-deltas.js';
import { createDashboardHub } from '../src/dashboard/dashboard-hub.js';
import { readDashboard } from '../src/dashboard/read-dashboard.js';
import { loginAs } from '../test/support/app.js';

const { values } = parseArgs({
  options: {
    families: { type: 'string', default: '1000000' }, extra: { type: 'string' }, seed: { type: 'string', default: '7' },
    requests: { type: 'string', default: '300' }, template: { type: 'string' }, reuse: { type: 'boolean', default: false },
    upto: { type: 'string' },
    // internal: the concurrent importer, in a process of its own
    'import-child': { type: 'string' }, 'db-url': { type: 'string' },
  },
});
const actor: Actor = { id: 'bench', role: 'pusat', scope: 'ID', channel: 'cli' };
const log = (s: string): void => { process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${s}\n`); };
const load = (): string => loadavg().map((x) => x.toFixed(1)).join(' ');

if (values['import-child']) {
  // Child: import families then members of a generated folder; print the timings.
  const db = await openDb({ databaseUrl: values['db-url']! });
  const keyring = await openKeyring(db, { masterKey: DEV_MASTER_KEY, indexKey: DEV_INDEX_KEY });
  const out: Record<string, number> = {};
  for (const kind of ['families', 'members']) {
    const t0 = performance.now();
    const s = await importFile({ db, keyring, actor }, join(values['import-child'], `${kind}.csv`));
    out[`${kind}Rows`] = s.imported;
    out[`${kind}Seconds`] = Number(((performance.now() - t0) / 1000).toFixed(1));
  }
  await db.close();
  process.stdout.write(JSON.stringify(out) + '\n');
  process.exit(0);
}

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL (PostgreSQL) is required');
const N = Number(values.families);
const E = Number(values.extra ?? Math.max(1000, Math.round(N / 20)));
const seed = Number(values.seed);
const name = `tepat_bench_dash_${N}`;
const root = resolve(import.meta.dirname, '..');
const figures: Record<string, unknown> = { families: N, extraFamilies: E, loadBefore: load() };

const admin = new pg.Client({ connectionString: url });
await admin.connect();
const exists = (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
const loaded = values.reuse && exists;
if (!loaded) {
  await admin.query(`drop database if exists ${name} with (force)`);
  if (values.template) {
    log(`copying ${values.template} → ${name}…`);
    await admin.query(`create database ${name} template ${values.template}`);
  } else {
    await admin.query(`create database ${name}`);
  }
}
await admin.end();
const u = new URL(url);
u.pathname = `/${name}`;
const dbUrl = u.toString();
const db = await openDb({ databaseUrl: dbUrl });

let dir = migrationsDir();
if (values.upto) {
  dir = mkdtempSync(join(tmpdir(), 'tepat-migrations-'));
  for (const f of readdirSync(migrationsDir())) if (f === 'grants.sql' || f.slice(0, 4) <= values.upto) copyFileSync(join(migrationsDir(), f), join(dir, f));
}
let t0 = performance.now();
const applied = await migrate(db, dir);
figures.migrate = { applied: applied.applied, seconds: Number(((performance.now() - t0) / 1000).toFixed(1)) };
log(`migrations ${applied.applied.join(', ') || '(none)'} in ${(figures.migrate as { seconds: number }).seconds} s (0012 counts the existing registry)`);
await loadRegions(db);
const keyring = await openKeyring(db, { masterKey: DEV_MASTER_KEY, indexKey: DEV_INDEX_KEY });

if (!loaded && !values.template) {
  const popDir = join(root, '.bench', `dashboard-${N}-${seed}`);
  if (!existsSync(join(popDir, 'members.csv'))) await generateFiles({ families: N, seed, out: popDir });
  for (const kind of ['families', 'members']) {
    t0 = performance.now();
    await importFile({ db, keyring, actor }, join(popDir, `${kind}.csv`));
    log(`import ${kind}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
}

const sql = async <R>(text: string, params: unknown[] = []): Promise<R[]> => db.withConnection(async (c) => (await c.query<R>(text, params)).rows);

// Something in every indicator: civil statuses for a fifth of the members and public
// submissions spread over the villages, if the loaded registry has none.
if (Number((await sql<{ n: number }>('select count(*)::int as n from civil_member_status'))[0]!.n) === 0) {
  await sql(`insert into civil_member_status (member_id, regency_code, village_code, member_version, outcome, verification_id, checked_at)
    select id, regency_code, village_code, version, case when id % 10 < 7 then 'verified' else 'mismatch' end, 0, now() from member where id % 5 = 0`);
}
if (Number((await sql<{ n: number }>('select count(*)::int as n from portal_submission'))[0]!.n) === 0) {
  await sql(`insert into portal_submission (regency_code, village_code, tracking_code, kind, category, status, description, sla_due_at, closed_at)
    select f.regency_code, f.village_code, 'P' || lpad(upper(to_hex(f.id)), 12, '0'), 'pengaduan', (array['pungli', 'tidak_diterima', 'lainnya'])[1 + f.id % 3],
           case when f.id % 4 = 0 then 'selesai' else 'diterima' end, 'bench', now() + make_interval(hours => (f.id % 480)::int - 240),
           case when f.id % 4 = 0 then now() end
      from family f where f.id % 50 = 0`);
}
t0 = performance.now();
const rebuilt = await rebuildDashboard(db, actor);
figures.rebuild = { seconds: rebuilt.seconds, rollupRows: rebuilt.rows, families: rebuilt.families };
log(`rebuild: ${rebuilt.seconds} s, ${rebuilt.rows} rollup rows`);
await sql('vacuum analyze dashboard_rollup, dashboard_delta, dashboard_verified, dashboard_verified_dirty, dashboard_state');

// Targets: the largest province, regency and district.
const biggest = async (level: number): Promise<string> => (await sql<{ code: string }>(
  `select region_code as code from dashboard_rollup where level = $1 and metric = 'families' order by n desc limit 1`, [level]))[0]!.code;
const targets: Array<[string, string]> = [['national', 'ID'], ['province', await biggest(1)], ['regency', await biggest(2)], ['district', await biggest(3)]];
figures.targets = Object.fromEntries(targets);

const ctx: AppContext = { config: loadConfig({ NODE_ENV: 'test' }), db, keyring, logger: pino({ level: 'silent' }), close: async () => {} };
const app = await buildServer(ctx);
// Several officers, round-robin: the API allows each account 50 requests a second.
const sessions: Array<{ cookie: string }> = [];
for (let i = 0; i < 8; i++) sessions.push(await loginAs(app, ctx, `bench.dash.${Date.now()}.${i}`, 'pusat', 'ID'));
let k = 0;
const slow: Array<{ at: string; region: string; ms: number }> = [];
async function request(region: string): Promise<number> {
  const t = performance.now();
  const res = await app.inject({ method: 'GET', url: `/api/v1/dashboard?region=${region}`, headers: { cookie: sessions[k++ % sessions.length]!.cookie } });
  const ms = performance.now() - t;
  if (res.statusCode !== 200) throw new Error(`GET dashboard ${region}: ${res.statusCode} ${res.body}`);
  if (ms > 1000) slow.push({ at: new Date().toISOString().slice(11, 23), region, ms: Math.round(ms) });
  return ms;
}
const q = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return Number(s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!.toFixed(1));
};
const summary = (lat: Record<string, number[]>) => Object.fromEntries(Object.entries(lat).map(([level, xs]) =>
  [level, { requests: xs.length, p50: q(xs, 0.5), p99: q(xs, 0.99), max: q(xs, 1) }]));

// Idle.
for (const [, region] of targets) for (let i = 0; i < 10; i++) await request(region);
const idle: Record<string, number[]> = Object.fromEntries(targets.map(([l]) => [l, []]));
for (let i = 0; i < Number(values.requests); i++) for (const [level, region] of targets) idle[level]!.push(await request(region));
figures.idleMs = summary(idle);
log(`idle: ${JSON.stringify(figures.idleMs)}`);

// While importing: another process imports E families; a live dashboard is open (hub folding once a second).
const extraDir = join(root, '.bench', `dashboard-extra-${E}-${seed + 1}`);
if (!existsSync(join(extraDir, 'members.csv'))) await generateFiles({ families: E, seed: seed + 1, out: extraDir });
const familiesBefore = rebuilt.families;
const hub = createDashboardHub({ db });
const stopHub = hub.subscribe('ID', await readDashboard({ db }, actor, 'ID'), () => {});
const busy: Record<string, number[]> = Object.fromEntries(targets.map(([l]) => [l, []]));
let maxPending = 0;
let importDone = false;
const child = spawn(process.execPath, ['--import', 'tsx', 'bench/dashboard.ts', '--import-child', extraDir, '--db-url', dbUrl], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
let childOut = '';
child.stdout.on('data', (d: Buffer) => { childOut += d.toString(); });
const childDone = new Promise<void>((res, rej) => child.on('exit', (code) => (code === 0 ? res() : rej(new Error(`import child exited ${code}`)))));
void childDone.then(() => { importDone = true; }, () => { importDone = true; });
const loadDuring: string[] = [];
const sampler = setInterval(() => {
  void sql<{ n: number }>('select count(*)::int as n from dashboard_delta').then((r) => { maxPending = Math.max(maxPending, Number(r[0]!.n)); });
  loadDuring.push(loadavg()[0]!.toFixed(1));
}, 5000);
t0 = performance.now();
while (!importDone) for (const [level, region] of targets) busy[level]!.push(await request(region));
await childDone;
clearInterval(sampler);
stopHub();
hub.close();
figures.importWhileMeasuring = { ...JSON.parse(childOut.trim().split('\n').pop()!), wallSeconds: Number(((performance.now() - t0) / 1000).toFixed(1)) };
figures.duringImportMs = summary(busy);
figures.maxPendingDeltaRows = maxPending;
figures.requestsOver1s = slow;
figures.loadDuring = loadDuring.join(' ');
log(`during import: ${JSON.stringify(figures.duringImportMs)}; max pending delta rows ${maxPending}`);

// Consistency: everything folded, the national rollup equals a direct count.
t0 = performance.now();
const rest = await foldAll(db);
const [check] = await sql<{ rolled: number; counted: number }>(
  `select (select n from dashboard_rollup where region_code = 'ID' and metric = 'families')::bigint as rolled, (select count(*) from family)::bigint as counted`);
figures.finalFold = { deltaRows: rest, seconds: Number(((performance.now() - t0) / 1000).toFixed(1)) };
figures.consistency = { rollupFamilies: Number(check!.rolled), countedFamilies: Number(check!.counted), familiesBefore };
if (Number(check!.rolled) !== Number(check!.counted)) throw new Error(`rollup ${check!.rolled} ≠ count ${check!.counted}`);
await app.close();
await db.close();
figures.loadAfter = load();
figures.maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
process.stdout.write(JSON.stringify(figures, null, 2) + '\n');
