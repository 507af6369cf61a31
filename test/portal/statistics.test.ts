import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPortal, type PortalFixture } from './support.js';
import { nationalActor } from '../support/db.js';
import { setRanking } from '../eligibility/support.js';
import { runEligibility } from '../../src/eligibility/run-eligibility.js';
import { foldAll } from '../../src/dashboard/fold-deltas.js';

let f: PortalFixture;
beforeAll(async () => { f = await openPortal(); });
afterAll(async () => { await f.close(); });

/** Expected counts per village, from the rows the fixture imported. */
function expected() {
  const byVillage = new Map<string, { families: number; people: number; pkh: number; bpnt: number; pbi_jk: number }>();
  f.families.forEach((fam) => {
    const v = byVillage.get(fam.kode_desa!) ?? { families: 0, people: 0, pkh: 0, bpnt: 0, pbi_jk: 0 };
    v.families++;
    for (const p of ['pkh', 'bpnt', 'pbi_jk'] as const) if (fam.program_diterima!.split(';').some((x) => x.split(':')[0] === p)) v[p]++;
    byVillage.set(fam.kode_desa!, v);
  });
  for (const p of f.people) byVillage.get(p.village)!.people++;
  return byVillage;
}

describe('transparency statistics', () => {
  it('counts families, people and recipients per child region, in JSON and CSV', async () => {
    const exp = expected();
    const res = await f.app.inject({ method: 'GET', url: '/api/v1/public/statistics?region=32.01.01' });
    expect(res.statusCode).toBe(200);
    const s = res.json<{ region: string; rows: Array<{ code: string; families: number; people: number; recipients: Record<string, number> }>; total: { families: number; people: number } }>();
    expect(s.region).toBe('32.01.01');
    for (const code of ['32.01.01.1001', '32.01.01.1002']) {
      const row = s.rows.find((r) => r.code === code)!;
      const e = exp.get(code)!;
      expect({ families: row.families, people: row.people, pkh: row.recipients.pkh, bpnt: row.recipients.bpnt, pbi_jk: row.recipients.pbi_jk }).toEqual(e);
    }
    expect(s.rows.length).toBeGreaterThan(2); // every village of the district is listed, with zeros
    expect(s.total.families).toBe(exp.get('32.01.01.1001')!.families + exp.get('32.01.01.1002')!.families);

    const national = (await f.app.inject({ method: 'GET', url: '/api/v1/public/statistics' })).json<{ rows: unknown[]; total: { families: number; people: number } }>();
    expect(national.rows).toHaveLength(38);
    expect(national.total).toMatchObject({ families: f.families.length, people: f.people.length });

    const csv = await f.app.inject({ method: 'GET', url: '/statistik.csv?wilayah=32.01.01' });
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.headers['content-disposition']).toContain('statistik-32.01.01.csv');
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe('kode_wilayah,nama_wilayah,keluarga_terdaftar,jiwa_terdaftar,keluarga_penerima_pkh,keluarga_penerima_bpnt,keluarga_penerima_pbi_jk,keluarga_penerima_blt_dd,keluarga_penerima_pip,'
      + 'keluarga_ditetapkan_pkh,anggaran_per_tahun_pkh,keluarga_ditetapkan_bpnt,anggaran_per_tahun_bpnt,keluarga_ditetapkan_pbi_jk,anggaran_per_tahun_pbi_jk,keluarga_ditetapkan_blt_dd,anggaran_per_tahun_blt_dd,keluarga_ditetapkan_pip,anggaran_per_tahun_pip');
    const e = exp.get('32.01.01.1001')!;
    // No eligibility run yet: nothing decided.
    expect(lines.find((l) => l.startsWith('32.01.01.1001,'))!.split(',').slice(2).map(Number)).toEqual([e.families, e.people, e.pkh, e.bpnt, e.pbi_jk, 0, 0, ...Array(10).fill(0)]);
    expect(lines[lines.length - 1]).toMatch(/^32\.01\.01,TOTAL /);
  });

  it('shows the families decided per program and their yearly amounts, as the decisions count them', async () => {
    const ids = await f.t.db.transaction(async (tx) => (await tx.raw.query<{ id: number }>('select id from family order by id')).rows.map((r) => Number(r.id)), nationalActor);
    await setRanking(f.t.db, ids.map((id, k) => ({ familyId: id, desil: (k % 5) + 1, pmtScore: 13 + k / 10, bps14Count: 3 })));
    await runEligibility({ db: f.t.db, actor: nationalActor }, { cycle: '2025-07' });
    await foldAll(f.t.db); // what the server's background fold does within seconds
    const direct = await f.t.db.transaction(async (tx) => (await tx.raw.query<{ code: string; program: string; n: number; amount: number }>(
      `select left(village_code, 5) as code, program, count(*)::int as n, sum(amount_per_year)::bigint as amount from eligibility_decision
        where cycle = '2025-07' and status in ('masuk', 'tetap', 'keluar_berikutnya') group by 1, 2`)).rows, nationalActor);
    expect(direct.reduce((a, r) => a + r.n, 0)).toBeGreaterThan(0);

    // Province 32 (not read before, so not cached): one row per regency.
    type Decided = Record<string, { families: number; amount_per_year: number }>;
    const s = (await f.app.inject({ method: 'GET', url: '/api/v1/public/statistics?region=32' })).json<{ cycles: Record<string, string | null>; rows: Array<{ code: string; decided: Decided }>; total: { decided: Decided } }>();
    for (const row of s.rows) {
      for (const p of ['pkh', 'bpnt', 'pbi_jk', 'blt_dd', 'pip']) {
        const d = direct.find((r) => r.code === row.code && r.program === p);
        expect(row.decided[p], `${row.code} ${p}`).toEqual({ families: d?.n ?? 0, amount_per_year: Number(d?.amount ?? 0) });
      }
    }
    const pkh = direct.filter((r) => r.program === 'pkh' && r.code.startsWith('32.'));
    expect(s.total.decided.pkh).toEqual({ families: pkh.reduce((a, r) => a + r.n, 0), amount_per_year: pkh.reduce((a, r) => a + Number(r.amount), 0) });
    expect(s.cycles.pkh).toBe('2025-07');

    const page = await f.app.inject({ method: 'GET', url: '/statistik?wilayah=32' });
    expect(page.body).toContain('Keluarga ditetapkan');
    expect(page.body).toContain(`Rp${new Intl.NumberFormat('id-ID').format(s.total.decided.pkh!.amount_per_year)}`);
    expect(page.rawPayload.length).toBeLessThan(50 * 1024);
  });

  it('renders a drill-down table page under 50 KB and 404s an unknown region', async () => {
    const page = await f.app.inject({ method: 'GET', url: '/statistik?wilayah=32.01' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('href="/statistik?wilayah=32.01.01"');
    expect(page.body).toContain('<caption');
    expect(page.rawPayload.length).toBeLessThan(50 * 1024);
    const unknown = await f.app.inject({ method: 'GET', url: '/statistik?wilayah=99.99' });
    expect(unknown.statusCode).toBe(404);
    const bad = await f.app.inject({ method: 'GET', url: '/api/v1/public/statistics?region=abc' });
    expect(bad.statusCode).toBe(400);
  });

  it('publishes the public and officer routes in the OpenAPI document', async () => {
    const doc = (await f.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json<{ paths: Record<string, Record<string, { requestBody?: unknown }>> }>();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining([
      '/api/v1/public/check', '/api/v1/public/check/region', '/api/v1/public/usul', '/api/v1/public/sanggah', '/api/v1/public/pengaduan',
      '/api/v1/public/lacak', '/api/v1/public/challenge', '/api/v1/public/regions', '/api/v1/public/statistics',
      '/api/v1/portal/submissions', '/api/v1/portal/submissions/{id}', '/api/v1/portal/submissions/{id}/reply',
    ]));
    expect(JSON.stringify(doc.paths['/api/v1/public/check']!.post)).toContain('name_masked');
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/cek') || p === '/usul')).toBe(false);
  });
});
