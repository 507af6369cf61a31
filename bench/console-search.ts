/**
 * The console's member search at registry scale (src/registry/search-members.ts), on PostgreSQL.
 *   npx tsx bench/console-search.ts [--families 260000] [--seed 7] [--key-regency 32.01] [--queries 30] [--pg-url URL] [--reuse]
 * Generates the population once under .bench/ (about 3.85 members per family), imports it
 * into a fresh database `tepat_bench_console` (`--reuse` keeps an existing one), stores the
 * identity keys of one regency's people (refreshKeys, pages of 2,000), then times searches
 * as an officer makes them (each in its own scoped transaction, access log included):
 * by NIK; by name in the person's village and district (area candidates); in the keyed
 * regency and nationally (identity keys). Each name query is a sampled member's name with
 * one spelling changed; recall = that member is among the first 20 results.
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openDb, type Actor } from '../src/platform/db.js';
import { migrate } from '../src/platform/migrate.js';
import { loadRegions } from '../src/regions/load.js';
import { CIPHER_CONTEXT, openKeyring } from '../src/platform/keyring.js';
import { DEV_INDEX_KEY, DEV_MASTER_KEY } from '../src/platform/config.js';
import { generateFiles } from '../src/generate/write-files.js';
import { importFile } from '../src/registry/import/import-file.js';
import { refreshKeys } from '../src/identity/refresh-keys.js';
import { searchMembersByName, searchMembersByNik } from '../src/registry/search-members.js';

const { values } = parseArgs({ options: {
  families: { type: 'string', default: '260000' }, seed: { type: 'string', default: '7' },
  'key-regency': { type: 'string', default: '32.01' }, queries: { type: 'string', default: '30' },
  'pg-url': { type: 'string', default: process.env.DATABASE_URL ?? 'postgres://tepat:tepat@127.0.0.1:5432/tepat' },
  reuse: { type: 'boolean', default: false },
} });
const families = Number(values.families);
const seed = Number(values.seed);
const keyRegency = values['key-regency']!;
const queries = Number(values.queries);
const dir = join('.bench', `console-${families}-${seed}`);
const dbName = 'tepat_bench_console';
const actor: Actor = { id: 'bench', role: 'pusat', scope: 'ID', channel: 'api' };
const log = (s: string) => process.stderr.write(`${s}\n`);
const ms = (t: number) => Math.round((performance.now() - t) * 10) / 10;
const load = () => loadavg().map((x) => Math.round(x * 10) / 10);

if (!existsSync(join(dir, 'members.csv'))) {
  log(`generating ${families} families into ${dir}…`);
  await generateFiles({ families, seed, out: dir });
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
const figures: Record<string, unknown> = { families, seed, node: process.version, cpus: cpus().length, loadBefore: load() };

const rowsIn = async (table: 'family' | 'member') => Number((await db.withConnection((c) => c.query<{ n: number }>(`select count(*)::int as n from ${table}`))).rows[0]!.n);
for (const [f, table] of [['families.csv', 'family'], ['members.csv', 'member']] as const) {
  if ((await rowsIn(table)) > 0) continue;
  const t = performance.now();
  // Staged in this process: the bench measures search, not the import.
  const s = await importFile({ db, keyring, actor }, join(dir, f), { workers: 0 });
  log(`${f}: ${s.rows} rows, ${s.imported} imported, in ${ms(t) / 1000} s`);
}
if ((await db.withConnection((c) => c.query('select 1 from identity_keyed limit 1'))).rows.length === 0) {
  const t = performance.now();
  let after = 0;
  let keyed = 0;
  for (;;) {
    const ids = (await db.transaction((tx) => tx.raw.query<{ id: number }>(
      `select id from member where village_code >= $1 and village_code < $2 and id > $3 order by id limit 2000`,
      [`${keyRegency}.`, `${keyRegency}/`, after]), actor)).rows.map((r) => Number(r.id));
    if (ids.length === 0) break;
    await db.transaction((tx) => refreshKeys(tx, keyring, ids), actor);
    keyed += ids.length;
    after = ids[ids.length - 1]!;
    if (keyed % 20_000 === 0) log(`keyed ${keyed}…`);
  }
  figures.keying = { regency: keyRegency, members: keyed, seconds: ms(t) / 1000 };
}
const counts = await db.transaction((tx) => tx.raw.query<{ members: number; keys: number; regency: number }>(
  `select (select count(*) from member)::int as members, (select count(*) from identity_key)::int as keys,
          (select count(*) from member where village_code >= $1 and village_code < $2)::int as regency`, [`${keyRegency}.`, `${keyRegency}/`]), actor);
figures.registry = counts.rows[0];
await db.withConnection((c) => c.query('analyze'));

/** One spelling changed the way registers differ: old spelling, y/i, a doubled or dropped letter. */
function misspell(name: string): string {
  if (name.includes('U')) return name.replace('U', 'OE');
  if (/I\b/.test(name)) return name.replace(/I\b/, 'Y');
  if (name.includes('J')) return name.replace('J', 'DJ');
  const words = name.split(' ');
  const longest = words.reduce((a, b) => (b.length > a.length ? b : a));
  return name.replace(longest, longest.slice(0, 2) + longest.slice(3));
}

const sample = (await db.transaction((tx) => tx.raw.query<{ id: number; full_name: string; village_code: string; nik_enc: Uint8Array | null }>(
  `select id, full_name, village_code, nik_enc from member
    where village_code >= $1 and village_code < $2 and nik_enc is not null and full_name like '% %'
    order by md5(id::text) limit $3`, [`${keyRegency}.`, `${keyRegency}/`, queries]), actor)).rows;

function summary(times: number[], found: number[]): Record<string, number> {
  const s = [...times].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { n: s.length, p50ms: at(0.5), p95ms: at(0.95), maxMs: s[s.length - 1]!, recallAt20: Math.round((found.filter(Boolean).length / found.length) * 100) / 100 };
}

const results: Record<string, unknown> = {};
{
  const times: number[] = [];
  const found: number[] = [];
  for (const m of sample) {
    const nik = keyring.cipher.decrypt(m.nik_enc!, CIPHER_CONTEXT.nik);
    const t = performance.now();
    const r = await db.transaction((tx) => searchMembersByNik(tx, keyring, nik, 'ID'), actor);
    times.push(ms(t));
    found.push(r.items.some((i) => i.memberId === Number(m.id)) ? 1 : 0);
  }
  results.nik = summary(times, found);
}
const levels: Array<[string, (village: string) => string]> = [
  ['village', (v) => v], ['district', (v) => v.slice(0, 8)], ['regency (keys)', (v) => v.slice(0, 5)], ['national (keys)', () => 'ID'],
];
for (const [label, regionOf] of levels) {
  const times: number[] = [];
  const found: number[] = [];
  let truncated = 0;
  for (const m of sample) {
    const t = performance.now();
    const r = await db.transaction((tx) => searchMembersByName(tx, keyring, { name: misspell(m.full_name), region: regionOf(m.village_code), limit: 20 }), actor);
    times.push(ms(t));
    const items = r.ok ? r.result.items : [];
    if (r.ok && r.result.truncated) truncated++;
    found.push(items.some((i) => i.memberId === Number(m.id)) ? 1 : 0);
  }
  results[label] = { ...summary(times, found), truncated };
}
figures.search = results;
figures.loadAfter = load();
process.stdout.write(JSON.stringify(figures, null, 2) + '\n');
await db.close();
