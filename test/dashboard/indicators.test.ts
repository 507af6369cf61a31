/**
 * Every indicator read from the rollups equals a direct count over the source tables,
 * at every level (national, province, regency, district, village) and for each child,
 * on a generated registry that went through the real import, identity job, ranking and
 * eligibility run, plus civil statuses and public submissions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, nationalActor, actorFor, type TestDb } from '../support/db.js';
import type { Keyring } from '../../src/platform/keyring.js';
import { runIdentityJob } from '../../src/identity/run-identity-job.js';
import { rankFamilies } from '../../src/eligibility/pmt/rank-families.js';
import { runEligibility } from '../../src/eligibility/run-eligibility.js';
import { readDashboard } from '../../src/dashboard/read-dashboard.js';
import { foldAll } from '../../src/dashboard/fold-deltas.js';
import type { DashboardSnapshot } from '../../src/dashboard/schemas.js';
import { asApp, devKeyring, directIndicators, importGenerated, insertSubmission, setCivilStatus } from './support.js';

let t: TestDb;
let keyring: Keyring;
let village: string;

beforeAll(async () => {
  t = await openTestDb();
  keyring = await devKeyring(t.db);
  await importGenerated(t.db, keyring, { families: 120, seed: 11, regions: ['32.01', '73.71'] });
  await runIdentityJob({ db: t.db, keyring }, nationalActor, { batchSize: 400 });
  await rankFamilies({ db: t.db, actor: nationalActor }, { method: 'bps14', refDate: '2025-07-01' });
  await runEligibility({ db: t.db, actor: nationalActor }, { cycle: '2025-07' });
  const members = await asApp(t.db, (q) => q('select id, village_code from member order by id'));
  village = String(members[0]!.village_code);
  const ids = members.map((m) => Number(m.id));
  await setCivilStatus(t.db, ids.filter((_, i) => i % 3 === 0), 'verified');
  await setCivilStatus(t.db, ids.filter((_, i) => i % 3 === 1), 'mismatch');
  await setCivilStatus(t.db, ids.filter((_, i) => i % 7 === 2), 'verified', { stale: true });
  await asApp(t.db, (q) => q(`update civil_member_status set needs_recheck = true where member_id = any($1::bigint[])`, [ids.filter((_, i) => i % 9 === 0)]));
  // Pairs in every review state: pending, accepted, rejected.
  await asApp(t.db, (q) => q(`update identity_pair set status = case id % 3 when 0 then 'rejected' when 1 then 'pending' else 'accepted' end,
    decided_by = case when id % 3 = 1 then null else 'uji' end`));
  const villages = [...new Set(members.map((m) => String(m.village_code)))];
  for (let i = 0; i < 24; i++) {
    await insertSubmission(t.db, {
      village: i % 4 === 0 ? village : villages[i % villages.length]!, kind: (['usul', 'sanggah', 'pengaduan'] as const)[i % 3]!,
      category: (['diri_sendiri', 'meninggal', 'pungli'] as const)[i % 3]!, dueHours: i % 2 === 0 ? -30 - i : 48 + i, closed: i % 5 === 0,
    });
  }
});
afterAll(async () => { await t.drop(); });

function expectSnapshotMatches(snap: DashboardSnapshot, expected: Map<string, Awaited<ReturnType<typeof directIndicators>>>): void {
  expect(snap.totals, snap.region.code).toEqual(expected.get(snap.region.code));
  for (const c of snap.children) expect(c.indicators, c.code).toEqual(expected.get(c.code));
}

async function directFor(snap: DashboardSnapshot): Promise<Map<string, Awaited<ReturnType<typeof directIndicators>>>> {
  const out = new Map<string, Awaited<ReturnType<typeof directIndicators>>>();
  for (const code of [snap.region.code, ...snap.children.map((c) => c.code)]) {
    out.set(code, await directIndicators(t.db, code));
  }
  return out;
}

describe('dashboard indicators', () => {
  it('has something to count in every indicator (so equality below means something)', async () => {
    await foldAll(t.db);
    const snap = await readDashboard({ db: t.db }, nationalActor, 'ID');
    const x = snap.totals;
    expect(x.families).toBeGreaterThan(100);
    expect(x.people).toBeGreaterThan(x.families);
    expect(x.nikValid).toBeGreaterThan(0);
    expect(x.nikInvalid + x.nikMissing).toBeGreaterThan(0);
    expect(x.nikValid + x.nikInvalid + x.nikMissing).toBe(x.people);
    expect(x.verified).toBeGreaterThan(0);
    expect(x.duplicatesFound).toBeGreaterThan(x.duplicatesResolved);
    expect(x.duplicatesResolved).toBeGreaterThan(0);
    expect(x.estimatedPoor).toBeGreaterThan(0);
    expect(Object.values(x.recipients).some((r) => r.families > 0 && r.amountYear > 0 && r.cycle === '2025-07')).toBe(true);
    const subs = Object.values(x.submissions);
    expect(subs.reduce((a, s) => a + s.overdue, 0)).toBeGreaterThan(0);
    expect(subs.reduce((a, s) => a + s.closed, 0)).toBeGreaterThan(0);
    expect(snap.children).toHaveLength(38);
  });

  it('equals a direct count at every level, for the region and each child', async () => {
    const codes = ['ID', village.slice(0, 2), village.slice(0, 5), village.slice(0, 8), village];
    for (const code of codes) {
      const snap = await readDashboard({ db: t.db }, nationalActor, code);
      expect(snap.region.level).toBe(codes.indexOf(code));
      expectSnapshotMatches(snap, await directFor(snap));
    }
  });

  it('follows later changes once folded, without a rebuild', async () => {
    const before = (await readDashboard({ db: t.db }, nationalActor, village)).totals;
    await asApp(t.db, (q) => q(`update member set presence_status = 'meninggal', version = version + 1 where id = (select min(id) from member where village_code = $1 and presence_status = 'tinggal')`, [village]));
    await insertSubmission(t.db, { village, kind: 'pengaduan', category: 'pungli', dueHours: -5 });
    const snap = await readDashboard({ db: t.db }, nationalActor, village);
    expect(snap.totals.people).toBe(before.people - 1);
    expect(snap.totals.submissions['pengaduan.pungli']!.overdue).toBe(before.submissions['pengaduan.pungli']!.overdue + 1);
    expectSnapshotMatches(snap, await directFor(snap));
  });

  it('reads under the account scope: a regency account sees its region and children', async () => {
    const regency = village.slice(0, 5);
    const snap = await readDashboard({ db: t.db }, actorFor(regency, 'dinsos'));
    expect(snap.region).toMatchObject({ code: regency, level: 2 });
    expect(snap.children.length).toBeGreaterThan(5);
    expectSnapshotMatches(snap, await directFor(snap));
  });
});
