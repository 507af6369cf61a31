/**
 * The bulk run on hand-computed families imported through the registry import:
 * exact amounts per tahap and per year, reasons, exits at the next cycle with a
 * notice, resumption of an interrupted job, and region scope.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, nationalActor, actorFor, type TestDb } from '../support/db.js';
import { buildFamilyRow, buildMemberRow, kkFor, type Row } from '../support/builders.js';
import { openKeyring, type Keyring } from '../../src/platform/keyring.js';
import { DEV_INDEX_KEY, DEV_MASTER_KEY } from '../../src/platform/config.js';
import { runEligibility } from '../../src/eligibility/run-eligibility.js';
import { importRows, setRanking } from './support.js';

let t: TestDb;
let keyring: Keyring;
const dir = mkdtempSync(join(tmpdir(), 'tepat-elig-'));
const DESA = '32.01.02.2001';
const KOTA = '73.71.01.1001';

// Families by index (the builders derive the No. KK from it); members by a running index.
const families: Row[] = [];
const members: Row[] = [];
let m = 1000;
function fam(i: number, village: string, over: Row, people: Row[]): void {
  families.push(buildFamilyRow(i, { kode_desa: village, program_diterima: '', ...over }));
  for (const p of people) {
    m++;
    members.push({ ...buildMemberRow(m, i, p), no_kk: kkFor(i, village) });
  }
}
const head = (birth = '1980-05-05'): Row => ({ hubungan_keluarga: 'kepala', jenis_kelamin: 'L', tanggal_lahir: birth, pekerjaan: 'buruh' });
const wife = (over: Row = {}): Row => ({ hubungan_keluarga: 'istri_suami', jenis_kelamin: 'P', tanggal_lahir: '1987-02-02', pekerjaan: 'mengurus_rumah_tangga', ...over });
const pupil = (level: string, birth: string): Row => ({ hubungan_keluarga: 'anak', jenis_kelamin: 'L', tanggal_lahir: birth, status_perkawinan: 'belum_kawin', pekerjaan: 'pelajar', partisipasi_sekolah: 'masih_sekolah', jenjang_pendidikan: level });
const grandma = (birth: string, over: Row = {}): Row => ({ hubungan_keluarga: 'orang_tua', jenis_kelamin: 'P', tanggal_lahir: birth, status_perkawinan: 'cerai_mati', pekerjaan: 'tidak_bekerja', ...over });

fam(0, DESA, {}, [head(), wife({ hamil: 'ya' }), pupil('sd', '2016-03-01'), pupil('smp', '2012-09-01'), pupil('sma', '2009-01-20'), grandma('1956-04-04')]);
fam(1, DESA, {}, [head('1975-01-01'), grandma('1945-01-01', { status_keberadaan: 'meninggal' })]);
fam(2, DESA, {}, [head('1982-01-01'), wife({ hamil: 'ya', pekerjaan: 'asn' }), pupil('sd', '2017-01-01')]);
fam(3, DESA, { program_diterima: 'pkh:2025-04' }, [head('1970-01-01')]);
fam(4, KOTA, {}, [wife({ hubungan_keluarga: 'kepala', tanggal_lahir: '1990-01-01' }), { hubungan_keluarga: 'anak', jenis_kelamin: 'P', tanggal_lahir: '2019-07-01', status_perkawinan: 'belum_kawin', pekerjaan: '' }]);
fam(5, KOTA, {}, [head('1990-01-01'), grandma('1965-07-02')]);
fam(6, KOTA, {}, [head('1990-01-01'), grandma('1965-07-01')]);
fam(7, '33.74.01.1001', {}, [head('1985-01-01'), wife({ hamil: 'ya' })]);

const desil: Record<number, number> = { 0: 2, 1: 3, 2: 1, 3: 1, 4: 4, 5: 4, 6: 5, 7: 3 };
const ids = new Map<number, number>();

async function decision(i: number, program: string, cycle = '2025-07') {
  return t.db.transaction(async (tx) => (await tx.raw.query<{ result: string; status: string; amount_per_tahap: number; amount_per_year: number; reasons: string[]; rule_version: string; input_hash: Uint8Array; components: unknown }>(
    'select * from eligibility_decision where family_id = $1 and program = $2 and cycle = $3', [ids.get(i), program, cycle])).rows[0], nationalActor);
}

beforeAll(async () => {
  t = await openTestDb();
  keyring = await openKeyring(t.db, { masterKey: DEV_MASTER_KEY, indexKey: DEV_INDEX_KEY });
  for (const [i, id] of await importRows(t.db, keyring, dir, families, members, new Date('2025-07-01T00:00:00Z'))) ids.set(i, id);
  await setRanking(t.db, [...ids].map(([i, id]) => ({ familyId: id, desil: desil[i]!, pmtScore: 13 + i / 10, bps14Count: 3 })));
}, 180_000);
afterAll(async () => { await t.drop(); });

describe('eligibility run on hand-computed families', () => {
  it('decides every program for every family, with exact amounts and reasons', async () => {
    const s = await runEligibility({ db: t.db, actor: nationalActor }, { cycle: '2025-07' });
    expect(s).toMatchObject({ families: 8, regencies: 3, resumed: false });

    // Pregnant mother, SD/SMP/SMA children and a grandmother: four components, highest first.
    const pkh0 = await decision(0, 'pkh');
    expect(pkh0).toMatchObject({ result: 'layak', status: 'masuk', amount_per_year: 8_900_000, amount_per_tahap: 2_225_000, rule_version: '2024.1' });
    expect(pkh0!.reasons).toEqual(['1 ibu hamil, 1 anak SMP, 1 anak SMA, 1 lansia; tidak dihitung: 1 anak SD (dibatasi 4 komponen)']);
    expect(pkh0!.input_hash).toHaveLength(16);
    expect(await decision(0, 'pip')).toMatchObject({ result: 'layak', amount_per_year: 450_000 + 750_000 + 1_000_000 });
    expect(await decision(0, 'pbi_jk')).toMatchObject({ result: 'layak', amount_per_year: 6 * 504_000, amount_per_tahap: 6 * 42_000 });
    expect(await decision(0, 'bpnt')).toMatchObject({ result: 'layak', amount_per_year: 2_400_000, amount_per_tahap: 600_000 });
    // A BLT Dana Desa candidate already in PKH (and BPNT) this cycle
    expect((await decision(0, 'blt_dd'))!.reasons).toEqual(['sudah menerima PKH', 'sudah menerima Program Sembako/BPNT']);

    // The only eligible member (the grandmother) has died.
    expect(await decision(1, 'pkh')).toMatchObject({ result: 'tidak_layak', amount_per_year: 0, reasons: ['tidak ada anggota keluarga yang memenuhi komponen PKH (ibu hamil, anak, disabilitas berat, lansia)'] });
    expect(await decision(1, 'pbi_jk')).toMatchObject({ result: 'layak', amount_per_year: 504_000 });

    // A civil servant in the family: nothing, anywhere.
    for (const p of ['pkh', 'bpnt', 'blt_dd', 'pbi_jk', 'pip']) {
      expect((await decision(2, p))!.reasons, p).toContain('ada anggota keluarga ASN, TNI, Polri, pejabat negara atau pegawai BUMN/BUMD');
    }

    // Reports receiving PKH already: no BLT Dana Desa.
    expect((await decision(3, 'blt_dd'))!.reasons).toContain('sudah menerima PKH');

    // Boundary ages on 2025-07-01: a girl turning 6 today counts; a grandmother turning 60 tomorrow does not, one turning 60 today does.
    expect(await decision(4, 'pkh')).toMatchObject({ result: 'layak', amount_per_year: 3_000_000, reasons: ['1 anak usia dini'] });
    expect(await decision(5, 'pkh')).toMatchObject({ result: 'tidak_layak' });
    // Desil edges: family 6 has an elder but is in desil 5 (PKH stops at 4; PBI-JK goes to 5)
    expect((await decision(6, 'pkh'))!.reasons).toEqual(['desil kesejahteraan di atas 4']);
    expect(await decision(6, 'pbi_jk')).toMatchObject({ result: 'layak', amount_per_year: 2 * 504_000 });
    expect(await decision(4, 'pkh')).toMatchObject({ result: 'layak' });
    // BLT Dana Desa is for desa only: family 4 lives in a kelurahan.
    expect((await decision(4, 'blt_dd'))!.reasons).toContain('BLT Dana Desa hanya untuk keluarga di desa, bukan kelurahan');

    const pkh = s.programs.find((p) => p.program === 'pkh')!;
    expect(pkh.paidFamilies).toBe(3);
    expect(pkh.budgetPerYear).toBe(8_900_000 + 3_000_000 + 3_000_000);
  });

  it('lets a family that stops qualifying exit at the next cycle, with the reason and a notice', async () => {
    // Family 0 is re-ranked into desil 6.
    await setRanking(t.db, [...ids].map(([i, id]) => ({ familyId: id, desil: i === 0 ? 6 : desil[i]!, pmtScore: 13 + i / 10, bps14Count: 3 })));
    await runEligibility({ db: t.db, actor: nationalActor }, { cycle: '2025-10' });
    expect(await decision(0, 'pkh', '2025-10')).toMatchObject({
      result: 'tidak_layak', status: 'keluar_berikutnya', amount_per_year: 8_900_000, amount_per_tahap: 2_225_000, reasons: ['desil kesejahteraan di atas 4'],
    });
    const notices = await t.db.transaction(async (tx) => (await tx.raw.query<{ program: string; message: string }>(
      'select program, message from eligibility_notice where family_id = $1 and cycle = $2 order by program', [ids.get(0), '2025-10'])).rows, nationalActor);
    expect(notices.map((n) => n.program)).toEqual(['bpnt', 'pbi_jk', 'pip', 'pkh']);
    expect(notices.find((n) => n.program === 'pkh')!.message)
      .toBe('Keluarga tidak lagi memenuhi syarat PKH: desil kesejahteraan di atas 4. Bantuan siklus 2025-10 tetap dibayar; keluarga keluar dari program pada siklus berikutnya.');
    // Running the same cycle again changes nothing and adds no notice.
    await runEligibility({ db: t.db, actor: nationalActor }, { cycle: '2025-10' });
    const again = await t.db.transaction(async (tx) => (await tx.raw.query<{ n: number }>('select count(*)::int as n from eligibility_notice')).rows[0]!.n, nationalActor);
    expect(again).toBe(notices.length);

    await runEligibility({ db: t.db, actor: nationalActor }, { cycle: '2026-01' });
    expect(await decision(0, 'pkh', '2026-01')).toMatchObject({ status: 'keluar', amount_per_year: 0, amount_per_tahap: 0 });
    expect(await decision(4, 'pkh', '2026-01')).toMatchObject({ status: 'tetap', amount_per_year: 3_000_000 });
  });

  it('resumes an interrupted run after the last committed regency', async () => {
    let calls = 0;
    await expect(runEligibility({ db: t.db, actor: nationalActor }, {
      cycle: '2026-04', afterChunk: async () => { if (++calls === 1) throw new Error('mati listrik'); },
    })).rejects.toThrow(/mati listrik/);
    const job = await t.db.transaction(async (tx) => (await tx.raw.query<{ status: string; cursor: string; progress_done: number }>(
      `select status, cursor, progress_done from job where kind = 'eligibility.run' order by id desc limit 1`)).rows[0]!, nationalActor);
    expect(job.status).toBe('failed');
    const committed = JSON.parse(job.cursor) as string[];
    expect(committed.length).toBeGreaterThanOrEqual(1);
    expect(committed.length).toBeLessThan(3);
    const seen: string[] = [];
    const s = await runEligibility({ db: t.db, actor: nationalActor }, { cycle: '2026-04', afterChunk: async (r) => { seen.push(r); } });
    expect(s.resumed).toBe(true);
    // Exactly the regencies not committed before are done now, none twice.
    expect([...seen, ...committed].sort()).toEqual(['32.01', '33.74', '73.71']);
    const n = await t.db.transaction(async (tx) => (await tx.raw.query<{ n: number }>(`select count(*)::int as n from eligibility_decision where cycle = '2026-04'`)).rows[0]!.n, nationalActor);
    expect(n).toBe(8 * 5);
    const finished = await t.db.transaction(async (tx) => (await tx.raw.query<{ status: string; progress_done: number }>(
      `select status, progress_done from job where kind = 'eligibility.run' order by id desc limit 1`)).rows[0]!, nationalActor);
    expect(finished).toMatchObject({ status: 'done', progress_done: 8 });
  });

  it('runs for one region only, as an officer of that region sees it', async () => {
    const s = await runEligibility({ db: t.db, actor: actorFor('73.71', 'dinsos') }, { cycle: '2026-07', programs: ['pkh'] });
    expect(s).toMatchObject({ region: '73.71', families: 3, regencies: 1 });
    const rows = await t.db.transaction(async (tx) => (await tx.raw.query<{ village_code: string }>(`select village_code from eligibility_decision where cycle = '2026-07'`)).rows, nationalActor);
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(r.village_code.startsWith('73.71')).toBe(true);
    await expect(runEligibility({ db: t.db, actor: actorFor('73.71', 'dinsos') }, { cycle: '2026-07', region: '32.01' })).rejects.toThrow(/di luar cakupan/);
  });

  it('takes each program\'s prior decision from the stored facts exactly as from the decision history', async () => {
    const q = <R>(sql: string) => t.db.transaction(async (tx) => (await tx.raw.query<R>(sql)).rows, nationalActor);
    // Full runs stored facts; the PKH-only run of 73.71 made its facts unusable.
    expect((await q<{ regency_code: string; cycle: string }>('select regency_code, cycle from eligibility_facts_regency order by 1')))
      .toEqual([{ regency_code: '32.01', cycle: '2026-04' }, { regency_code: '33.74', cycle: '2026-04' }]);
    // Family 7 (33.74, facts of 2026-04) drops out of PKH: it leaves at the next cycle only if its prior says tetap.
    await setRanking(t.db, [...ids].map(([i, id]) => ({ familyId: id, desil: i === 7 ? 7 : desil[i]!, pmtScore: 13 + i / 10, bps14Count: 3 })));
    const decisions = () => q<Record<string, unknown>>(`select program, family_id, result, status, amount_per_year, amount_per_tahap, reasons, components,
      recipient_member_id, input_hash from eligibility_decision where cycle = '2026-10' order by family_id, program`);
    await runEligibility({ db: t.db, actor: nationalActor }, { cycle: '2026-10' });
    const fromFacts = await decisions();
    expect(fromFacts.find((d) => d.family_id === ids.get(7) && d.program === 'pkh')).toMatchObject({ status: 'keluar_berikutnya', amount_per_year: 3_000_000 });
    await q('delete from eligibility_facts_regency');
    await runEligibility({ db: t.db, actor: nationalActor }, { cycle: '2026-10', restart: true });
    expect(await decisions()).toEqual(fromFacts);
  });
});
