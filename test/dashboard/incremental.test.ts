/**
 * Property test: after a random sequence of imports, edits, moves, deletes, merges and
 * unmerges, pair decisions, identity runs, rankings, eligibility runs, civil statuses and
 * public submissions (with partial folds in between), the incrementally maintained rollups
 * are exactly what a full rebuild computes. Then: folds racing each other and writers.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, nationalActor, actorFor, type TestDb } from '../support/db.js';
import type { Keyring } from '../../src/platform/keyring.js';
import { importFile } from '../../src/registry/import/import-file.js';
import { runIdentityJob } from '../../src/identity/run-identity-job.js';
import { mergeMembers } from '../../src/identity/merge-members.js';
import { unmergeMembers } from '../../src/identity/unmerge-members.js';
import { decidePair } from '../../src/identity/decide-pair.js';
import { rankFamilies } from '../../src/eligibility/pmt/rank-families.js';
import { runEligibility } from '../../src/eligibility/run-eligibility.js';
import { foldAll, foldDashboard } from '../../src/dashboard/fold-deltas.js';
import { rebuildDashboard } from '../../src/dashboard/rebuild-rollups.js';
import { readDashboard } from '../../src/dashboard/read-dashboard.js';
import { asApp, devKeyring, directIndicators, importGenerated, insertSubmission, rollupContents, seeded, setCivilStatus } from './support.js';

let t: TestDb;
let keyring: Keyring;
const batches: string[] = [];
const STEPS = Number(process.env.DASHBOARD_STEPS ?? 60);

beforeAll(async () => {
  t = await openTestDb();
  keyring = await devKeyring(t.db);
  // The first batch is imported now; the others wait for the random sequence.
  batches.push(await importGenerated(t.db, keyring, { families: 60, seed: 101, regions: ['32.01', '73.71'] }));
  for (const seed of [102, 103]) {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { generateFiles } = await import('../../src/generate/write-files.js');
    const out = mkdtempSync(join(tmpdir(), 'tepat-dash-b-'));
    await generateFiles({ families: 30, seed, out, duplicateRate: 0.15, errorRate: 0.02, regions: ['32.01', '33.74'] });
    batches.push(out);
  }
  await runIdentityJob({ db: t.db, keyring }, nationalActor, { batchSize: 400 });
});
afterAll(async () => { await t.drop(); });

type Q = (sql: string, params?: unknown[]) => Promise<Array<Record<string, unknown>>>;
const ids = async (q: Q, sql: string, params: unknown[] = []): Promise<number[]> => (await q(sql, params)).map((r) => Number(Object.values(r)[0]));

describe('incremental rollups', () => {
  it('capture every table that holds counted rows', async () => {
    const rels = (await t.db.transaction(({ raw }) => raw.query<{ relname: string; relkind: string; triggers: string[] | null }>(
      `select c.relname::text as relname, c.relkind::text as relkind, array_agg(g.tgname::text order by g.tgname) filter (where g.tgname like 'dashboard%') as triggers
         from pg_class c left join pg_trigger g on g.tgrelid = c.oid
        where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'v', 'p')
        group by c.relname, c.relkind`))).rows;
    const byName = new Map(rels.map((x) => [x.relname, x]));
    // Decisions are counted from whichever table stores them (a view over another table does not fire triggers).
    const decisions = byName.get('eligibility_decision')?.relkind === 'v' ? 'eligibility_decision_set' : 'eligibility_decision';
    for (const table of ['family', 'member', 'identity_pair', 'portal_submission', 'welfare_rank', decisions]) {
      expect(byName.get(table)?.triggers ?? [], `${table} needs the dashboard capture triggers (docs/dashboard.md, "Changing a source table")`)
        .toEqual(expect.arrayContaining(['dashboard_delete', 'dashboard_insert', 'dashboard_update']));
    }
    expect(byName.get('civil_member_status')?.triggers).toEqual(['dashboard_verified_delete', 'dashboard_verified_insert', 'dashboard_verified_update']);
  });

  it('equal a full rebuild after a random sequence of changes', async () => {
    const r = seeded(20251128);
    const done: Record<string, number> = {};
    let imported = 1;
    const ops: Array<[string, number, () => Promise<unknown>]> = [
      ['import', 1, async () => {
        if (imported >= batches.length) return;
        const dir = batches[imported++]!;
        for (const f of ['families.csv', 'members.csv']) await importFile({ db: t.db, keyring, actor: nationalActor }, join(dir, f));
      }],
      ['reimport', 1, async () => importFile({ db: t.db, keyring, actor: nationalActor }, join(batches[0]!, 'members.csv'))],
      ['edit member', 4, () => asApp(t.db, async (q) => {
        const [id] = await ids(q, 'select id from member order by random() limit 1');
        const change = r.pick([
          `presence_status = 'meninggal'`, `presence_status = 'baru'`, `presence_status = 'pindah'`, `presence_status = 'tinggal'`,
          `nik_warnings = array['NIK_PLACEHOLDER']`, `nik_warnings = '{}'`, `nik_bidx = null, nik_enc = null`, `full_name = full_name || ' X'`,
        ]);
        await q(`update member set ${change}, version = version + 1 where id = $1`, [id]);
      })],
      // A regency officer edits in its own region: the triggers run under row-level security.
      ['scoped edit', 2, () => asApp(t.db, (q) => q(`update member set presence_status = 'tidak_ditemukan', version = version + 1
        where id = (select min(id) from member where presence_status = 'tinggal')`), actorFor('32.01', 'dinsos'))],
      ['move family', 2, () => asApp(t.db, async (q) => {
        const [id] = await ids(q, `select id from family where regency_code = '32.01' order by random() limit 1`);
        const [to] = (await q(`select code from region where level = 4 and code like '32.01.%' order by random() limit 1`)).map((x) => String(x.code));
        await q('update family set village_code = $2, version = version + 1 where id = $1', [id, to]);
      })],
      ['delete member', 2, () => asApp(t.db, async (q) => {
        const [id] = await ids(q, `select m.id from member m where not exists (select 1 from identity_merge_member x where x.member_id = m.id)
          and not exists (select 1 from identity_merge g where g.survivor_id = m.id) order by random() limit 1`);
        await q('delete from member where id = $1', [id]);
      })],
      ['delete family', 1, () => asApp(t.db, async (q) => {
        const [id] = await ids(q, `select f.id from family f where not exists (select 1 from member m join identity_merge_member x on x.member_id = m.id where m.family_id = f.id)
          and not exists (select 1 from member m join identity_merge g on g.survivor_id = m.id where m.family_id = f.id) order by random() limit 1`);
        await q('delete from member where family_id = $1', [id]);
        await q('delete from family where id = $1', [id]);
      })],
      ['merge', 3, () => t.db.transaction(async (tx) => {
        const pair = (await tx.raw.query<{ a: number; b: number }>(
          `select p.member_a as a, p.member_b as b from identity_pair p
            where p.status <> 'rejected' and exists (select 1 from member where id = p.member_a) and exists (select 1 from member where id = p.member_b)
            order by random() limit 1`)).rows[0];
        if (pair) await mergeMembers(tx, keyring, { survivorId: Number(pair.a), mergedIds: [Number(pair.b)], reason: 'uji dasbor', fields: { nik: Number(pair.b) } });
      }, nationalActor)],
      ['unmerge', 1, () => t.db.transaction(async (tx) => {
        const m = (await tx.raw.query<{ id: number }>(`select id from identity_merge where status = 'merged' order by random() limit 1`)).rows[0];
        if (m) await unmergeMembers(tx, keyring, Number(m.id), 'uji dasbor: batal');
      }, nationalActor)],
      ['decide pair', 2, () => t.db.transaction(async (tx) => {
        const p = (await tx.raw.query<{ id: number }>('select id from identity_pair order by random() limit 1')).rows[0];
        if (p) await decidePair(tx, Number(p.id), r.pick(['accepted', 'rejected'] as const), 'uji');
      }, nationalActor)],
      ['identity run', 1, () => runIdentityJob({ db: t.db, keyring }, nationalActor, { batchSize: 400 })],
      ['rank', 1, () => rankFamilies({ db: t.db, actor: nationalActor }, { method: 'bps14', refDate: '2025-07-01', keep: 2 })],
      ['eligibility', 2, async () => {
        const has = await asApp(t.db, (q) => q('select 1 from welfare_ranking where is_current'));
        if (has.length > 0) await runEligibility({ db: t.db, actor: nationalActor }, { cycle: r.pick(['2025-04', '2025-07', '2025-10']), restart: true });
      }],
      ['civil', 3, async () => {
        const members = await asApp(t.db, (q) => ids(q, 'select id from member order by random() limit 6'));
        await setCivilStatus(t.db, members.slice(0, 3), 'verified');
        await setCivilStatus(t.db, members.slice(3, 4), 'mismatch');
        await setCivilStatus(t.db, members.slice(4), 'verified', { stale: true });
      }],
      ['recheck', 1, () => asApp(t.db, (q) => q(`update civil_member_status set needs_recheck = true where member_id = (select member_id from civil_member_status order by random() limit 1)`))],
      ['submit', 3, async () => {
        const [v] = await asApp(t.db, (q) => q('select village_code from family order by random() limit 1'));
        if (v) await insertSubmission(t.db, { village: String(v.village_code), kind: r.pick(['usul', 'sanggah', 'pengaduan'] as const), category: r.pick(['pungli', 'lainnya', 'keluarga']), dueHours: r.int(-200, 200), closed: r.chance(0.2) });
      }],
      ['close submission', 2, () => asApp(t.db, (q) => q(`update portal_submission set status = 'selesai', closed_at = now()
        where id = (select id from portal_submission where closed_at is null order by random() limit 1)`))],
      ['reopen late', 1, () => asApp(t.db, (q) => q(`update portal_submission set status = 'diproses', closed_at = null, sla_due_at = now() - interval '3 days'
        where id = (select id from portal_submission where closed_at is not null order by random() limit 1)`))],
      ['fold some', 3, () => foldDashboard(t.db, { maxRows: r.int(1, 40) })],
    ];
    // Every kind of change at least once, the rest drawn by weight, in a random order.
    const weighted = ops.flatMap((op) => Array.from({ length: op[1] }, () => op));
    const sequence = [...ops, ...Array.from({ length: Math.max(0, STEPS - ops.length) }, () => r.pick(weighted))]
      .map((op) => ({ op, key: r.next() })).sort((a, b) => a.key - b.key).map((x) => x.op);
    for (const [name, , run] of sequence) {
      await run();
      done[name] = (done[name] ?? 0) + 1;
    }
    expect(Object.keys(done).sort()).toEqual(ops.map((o) => o[0]).sort());

    await foldAll(t.db);
    const incremental = await rollupContents(t.db);
    expect(Object.keys(incremental).length).toBeGreaterThan(100);
    await rebuildDashboard(t.db, nationalActor);
    const rebuilt = await rollupContents(t.db);
    expect(incremental).toEqual(rebuilt);
    // And both equal a direct count.
    const snap = await readDashboard({ db: t.db }, nationalActor, 'ID');
    expect(snap.totals).toEqual(await directIndicators(t.db, 'ID'));
  });

  it('stays exact when folds race each other and writers, and a fold runs twice', async () => {
    const [v] = await asApp(t.db, (q) => q('select village_code from family order by id limit 1'));
    const village = String(v!.village_code);
    const writers = Array.from({ length: 4 }, (_, w) => (async () => {
      for (let i = 0; i < 5; i++) {
        await asApp(t.db, (q) => q(`update member set presence_status = case when presence_status = 'tinggal' then 'meninggal' else 'tinggal' end,
          version = version + 1 where id in (select id from member order by id offset $1 limit 3)`, [w * 15 + i * 3]));
        await insertSubmission(t.db, { village, kind: 'pengaduan', category: 'pungli', dueHours: -2 });
      }
    })());
    const folders = Array.from({ length: 3 }, () => (async () => {
      for (let i = 0; i < 6; i++) await foldDashboard(t.db, { maxRows: 5, wait: i % 2 === 0 });
    })());
    await Promise.all([...writers, ...folders]);
    await foldAll(t.db);
    const again = await foldDashboard(t.db, { maxRows: null, wait: true });
    expect(again).toEqual({ skipped: false, applied: 0 });
    const incremental = await rollupContents(t.db);
    await rebuildDashboard(t.db, nationalActor);
    expect(incremental).toEqual(await rollupContents(t.db));
  });
});
