/**
 * The public check reports the eligibility engine's decisions and the desil band, and
 * what the family reports receiving for programs the engine has not decided.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, nationalActor, type TestDb } from '../support/db.js';
import { buildFamilyRow, buildMemberRow, kkFor, type Row } from '../support/builders.js';
import { openKeyring, type Keyring } from '../../src/platform/keyring.js';
import { DEV_INDEX_KEY, DEV_MASTER_KEY } from '../../src/platform/config.js';
import { runEligibility } from '../../src/eligibility/run-eligibility.js';
import { checkNiks, type CheckResult } from '../../src/portal/check-status.js';
import { eligibilityStatusSource, desilBand, combineStatus } from '../../src/portal/eligibility-status.js';
import { createRefSigner } from '../../src/portal/refs.js';
import { portalActor } from '../../src/portal/actor.js';
import { importRows, setRanking } from '../eligibility/support.js';

let t: TestDb;
let keyring: Keyring;
const dir = mkdtempSync(join(tmpdir(), 'tepat-portal-elig-'));
const DESA = '32.01.02.2001';
const families: Row[] = [];
const members: Row[] = [];
const nikOf: Record<number, { nik: string; name: string }> = {};

function fam(i: number, over: Row, people: Row[]): void {
  families.push(buildFamilyRow(i, { kode_desa: DESA, program_diterima: '', ...over }));
  people.forEach((p, k) => {
    const row: Row = { ...buildMemberRow(100 + i * 10 + k, i, p), no_kk: kkFor(i, DESA) };
    if (k === 0) nikOf[i] = { nik: row.nik!, name: row.nama!.toUpperCase() };
    members.push(row);
  });
}
const head = (birth = '1980-05-05'): Row => ({ hubungan_keluarga: 'kepala', jenis_kelamin: 'L', tanggal_lahir: birth, pekerjaan: 'buruh' });
const wife = (over: Row = {}): Row => ({ hubungan_keluarga: 'istri_suami', jenis_kelamin: 'P', tanggal_lahir: '1987-02-02', pekerjaan: 'mengurus_rumah_tangga', ...over });
const pupil = (birth: string): Row => ({ hubungan_keluarga: 'anak', jenis_kelamin: 'L', tanggal_lahir: birth, status_perkawinan: 'belum_kawin', pekerjaan: 'pelajar', partisipasi_sekolah: 'masih_sekolah', jenjang_pendidikan: 'sd' });

// 0: PKH components (pregnant mother, pupil), desil 2, receives nothing yet.
fam(0, {}, [head(), wife({ hamil: 'ya' }), pupil('2016-03-01')]);
// 1: the same, and reports receiving PKH since 2025-04.
fam(1, { program_diterima: 'pkh:2025-04' }, [head('1979-01-01'), wife({ hamil: 'ya' }), pupil('2015-03-01')]);
// 2: desil 9: outside every program; reports receiving BPNT.
fam(2, { program_diterima: 'bpnt:2025-01' }, [head('1975-01-01'), wife()]);

const ids = new Map<number, number>();
const refs = createRefSigner(() => Buffer.alloc(32, 1));

async function check(i: number): Promise<CheckResult> {
  const [r] = await t.db.transaction((tx) => checkNiks(tx, { keyring, source: eligibilityStatusSource, refs }, [nikOf[i]!]), portalActor());
  return r!;
}
const statusOf = (r: CheckResult, program: string) => r.matches[0]!.programs.find((p) => p.program === program);

beforeAll(async () => {
  t = await openTestDb();
  keyring = await openKeyring(t.db, { masterKey: DEV_MASTER_KEY, indexKey: DEV_INDEX_KEY });
  for (const [i, id] of await importRows(t.db, keyring, dir, families, members, new Date('2025-07-01T00:00:00Z'))) ids.set(i, id);
}, 180_000);
afterAll(async () => { await t.drop(); });

describe('public check backed by eligibility decisions', () => {
  it('before any decision, reports what the family says it receives, without a desil', async () => {
    const r1 = await check(1);
    expect(r1.found).toBe(true);
    expect(statusOf(r1, 'pkh')).toEqual({ program: 'pkh', status: 'menerima', period: '2025-04' });
    expect(statusOf(r1, 'bpnt')!.status).toBe('tidak_menerima');
    expect(r1.matches[0]!.desilBand).toBeNull();
  });

  it('after a run, shows decided-in programs as in process or received, decided-out as not received, and the desil band', async () => {
    const desil: Record<number, number> = { 0: 2, 1: 2, 2: 9 };
    await setRanking(t.db, [...ids].map(([i, id]) => ({ familyId: id, desil: desil[i]!, pmtScore: 13 + i / 10, bps14Count: 3 })));
    await runEligibility({ db: t.db, actor: nationalActor }, { cycle: '2025-07' });
    const decided = async (i: number, program: string) => t.db.transaction(async (tx) => (await tx.raw.query<{ status: string }>(
      'select status from eligibility_decision where family_id = $1 and program = $2 and cycle = $3', [ids.get(i), program, '2025-07'])).rows[0]?.status, nationalActor);

    const r0 = await check(0);
    expect(await decided(0, 'pkh')).toBe('masuk');
    expect(statusOf(r0, 'pkh')).toEqual({ program: 'pkh', status: 'diproses', period: '2025-07' });
    expect(r0.matches[0]!.desilBand).toEqual({ from: 1, to: 4 });

    const r1 = await check(1);
    expect(['masuk', 'tetap']).toContain(await decided(1, 'pkh'));
    expect(statusOf(r1, 'pkh')).toEqual({ program: 'pkh', status: 'menerima', period: '2025-04' });

    // Desil 9: the engine decides BPNT out, whatever the family reports.
    const r2 = await check(2);
    expect(['tidak_layak', 'keluar', 'keluar_berikutnya']).toContain(await decided(2, 'bpnt'));
    const bpnt = statusOf(r2, 'bpnt')!;
    expect(bpnt.status).toBe((await decided(2, 'bpnt')) === 'keluar_berikutnya' ? 'menerima' : 'tidak_menerima');
    expect(r2.matches[0]!.desilBand).toEqual({ from: 6, to: 10 });
    // Every program of every family follows its decision.
    for (const i of [0, 1, 2]) {
      const r = await check(i);
      for (const p of r.matches[0]!.programs) {
        const d = await decided(i, p.program);
        if (d === undefined) continue;
        expect(p.status === 'tidak_menerima', `${i} ${p.program} ${d}`).toBe(!['masuk', 'tetap', 'keluar_berikutnya'].includes(d));
      }
    }
  });

  it('answers a not-found check with no matches', async () => {
    const [r] = await t.db.transaction((tx) => checkNiks(tx, { keyring, source: eligibilityStatusSource, refs }, [{ nik: nikOf[0]!.nik, name: 'NAMA LAIN' }]), portalActor());
    expect(r).toEqual({ found: false, matches: [] });
  });
});

describe('desil bands and status combination', () => {
  it('shows desil as 1–4, 5 or 6–10, and nothing for a missing or impossible desil', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((d) => `${desilBand(d)?.from}-${desilBand(d)?.to}`))
      .toEqual(['1-4', '1-4', '1-4', '1-4', '5-5', '6-10', '6-10', '6-10', '6-10', '6-10']);
    expect(desilBand(null)).toBeNull();
    expect(desilBand(11)).toBeNull();
  });

  it('combines a decision with the family report', () => {
    const s = combineStatus({ programsReceived: ['bpnt', 'pip'], programsReceivedPeriods: ['', '2025-02'] }, '2026-01',
      new Map([['pkh', 'masuk'], ['bpnt', 'tetap'], ['pip', 'keluar']]), null);
    expect(s.programs).toEqual([
      { program: 'pkh', status: 'diproses', period: '2026-01' },
      { program: 'bpnt', status: 'menerima', period: '2026-01' },
      { program: 'pbi_jk', status: 'tidak_menerima', period: null },
      { program: 'blt_dd', status: 'tidak_menerima', period: null },
      { program: 'pip', status: 'tidak_menerima', period: null },
    ]);
  });
});
