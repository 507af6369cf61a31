/**
 * Identity resolution in the registry: the full job, then the incremental check
 * (`checkPeople`) per person and per batch, on a generated registry in PostgreSQL.
 *   npx tsx bench/identity.ts [--families 25000] [--seed 1] [--sample 300] [--batch 1000] [--pg-url URL] [--reuse]
 * Generates the data once (cached under .bench/), imports it into a fresh database
 * (`--reuse` keeps an existing one), runs `tepat identity run`, then times checks of
 * people already in the registry (as after an edit: keys rewritten, candidates looked up
 * and scored, pairs upserted, audited; each call its own transaction, committed).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openDb, type Actor } from '../src/platform/db.js';
import { migrate } from '../src/platform/migrate.js';
import { loadRegions } from '../src/regions/load.js';
import { openKeyring } from '../src/platform/keyring.js';
import { DEV_INDEX_KEY, DEV_MASTER_KEY } from '../src/platform/config.js';
import { generateFiles } from '../src/generate/write-files.js';
import { importFile } from '../src/registry/import/import-file.js';
import { runIdentityJob, type IdentityProgress } from '../src/identity/run-identity-job.js';
import { checkPeople } from '../src/identity/check-people.js';

const { values } = parseArgs({ options: {
  families: { type: 'string', default: '25000' }, seed: { type: 'string', default: '1' },
  sample: { type: 'string', default: '300' }, batch: { type: 'string', default: '1000' },
  'pg-url': { type: 'string', default: process.env.DATABASE_URL ?? 'postgres://tepat:tepat@127.0.0.1:5432/tepat' },
  reuse: { type: 'boolean', default: false },
} });
const families = Number(values.families);
const seed = Number(values.seed);
const sample = Number(values.sample);
const batch = Number(values.batch);
const dir = join('.bench', `identity-${families}-${seed}`);
const dbName = `tepat_bench_identity_${families}`;
const actor: Actor = { id: 'bench', role: 'pusat', scope: 'ID', channel: 'cli' };
const log = (s: string) => process.stderr.write(`${s}\n`);
const secs = (t: number) => Math.round((performance.now() - t) / 100) / 10;

if (!existsSync(join(dir, 'members.csv'))) {
  log(`generating ${families} families into ${dir}…`);
  await generateFiles({ families, seed, out: dir, duplicateRate: 0.15, errorRate: 0.05 });
}

const admin = new pg.Client({ connectionString: values['pg-url'] });
await admin.connect();
const exists = (await admin.query('select 1 from pg_database where datname = $1', [dbName])).rowCount === 1;
const fresh = !(values.reuse && exists);
if (fresh) {
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.query(`create database ${dbName}`);
}
await admin.end();
const url = new URL(values['pg-url']!);
url.pathname = `/${dbName}`;
const db = await openDb({ databaseUrl: url.toString() });
await migrate(db);
await loadRegions(db);
const keyring = await openKeyring(db, { masterKey: DEV_MASTER_KEY, indexKey: DEV_INDEX_KEY });
const figures: Record<string, unknown> = { families, seed, node: process.version, cpus: (await import('node:os')).cpus().length, load: (await import('node:os')).loadavg().map((x) => Math.round(x * 10) / 10) };

if (fresh) {
  let t = performance.now();
  const f = await importFile({ db, keyring, actor }, join(dir, 'families.csv'));
  const m = await importFile({ db, keyring, actor }, join(dir, 'members.csv'));
  figures.importSeconds = secs(t);
  log(`imported ${f.imported} families, ${m.imported} members in ${figures.importSeconds}s`);
  t = performance.now();
  const phases: Record<string, number> = {};
  let phase = '';
  let phaseStart = performance.now();
  const job = await runIdentityJob({ db, keyring }, actor, {
    onProgress: (p: IdentityProgress) => {
      if (p.phase !== phase) {
        if (phase) phases[phase] = secs(phaseStart);
        phase = p.phase;
        phaseStart = performance.now();
      }
    },
  });
  phases[phase] = secs(phaseStart);
  figures.job = { seconds: secs(t), phases, people: job.people, candidatePairs: job.candidatePairs, pairs: job.pairs, autoAccepted: job.autoAccepted, pending: job.pending, groups: job.groups };
  log(`job: ${JSON.stringify(figures.job)}`);
}

const sizes = await db.withConnection((c) => c.query<{ people: number; keys: number; key_bytes: number; pair_bytes: number }>(
  `select (select count(*) from member)::int as people, (select count(*) from identity_key)::bigint as keys,
          pg_total_relation_size('identity_key') as key_bytes, pg_total_relation_size('identity_pair') as pair_bytes`));
const s = sizes.rows[0]!;
figures.registry = { people: s.people, keyRows: Number(s.keys), keysPerPerson: Math.round((Number(s.keys) / s.people) * 10) / 10,
  keyTableMB: Math.round(Number(s.key_bytes) / 1e6), keyBytesPerPerson: Math.round(Number(s.key_bytes) / s.people), pairTableMB: Math.round(Number(s.pair_bytes) / 1e6) };
log(`registry: ${JSON.stringify(figures.registry)}`);

// People to check: a deterministic spread over the registry.
const ids = (await db.withConnection((c) => c.query<{ id: number }>(
  `select id from member order by md5(id::text) limit $1`, [sample + 3 * batch]))).rows.map((r) => Number(r.id));

const percentile = (xs: number[], q: number) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const single: number[] = [];
let candidates = 0;
for (const id of ids.slice(0, sample)) {
  const t = performance.now();
  const r = await db.transaction((tx) => checkPeople(tx, keyring, [id]), actor);
  single.push(performance.now() - t);
  candidates += r.candidates;
}
single.sort((a, b) => a - b);
const mean = single.reduce((a, b) => a + b, 0) / single.length;
figures.checkOne = {
  calls: single.length, meanMs: Math.round(mean * 100) / 100, p50Ms: Math.round(percentile(single, 0.5) * 100) / 100,
  p95Ms: Math.round(percentile(single, 0.95) * 100) / 100, p99Ms: Math.round(percentile(single, 0.99) * 100) / 100,
  candidatesPerPerson: Math.round((candidates / single.length) * 10) / 10,
};
log(`check, one person per call: ${JSON.stringify(figures.checkOne)}`);

const perPerson: number[] = [];
for (let k = 0; k < 3; k++) {
  const chunk = ids.slice(sample + k * batch, sample + (k + 1) * batch);
  const t = performance.now();
  await db.transaction((tx) => checkPeople(tx, keyring, chunk), actor);
  perPerson.push((performance.now() - t) / chunk.length);
}
figures.checkBatch = { batch, msPerPerson: perPerson.map((x) => Math.round(x * 100) / 100) };
log(`check, ${batch} people per call: ${JSON.stringify(figures.checkBatch)}`);

await db.close();
process.stdout.write(`${JSON.stringify(figures)}\n`);
