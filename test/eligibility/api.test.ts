/**
 * The eligibility API through Fastify's inject: one family's decisions and reasons,
 * previews that write nothing, region scope, roles, and the audit trail.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, nationalActor, type TestDb } from '../support/db.js';
import { buildFamilyRow, buildMemberRow, kkFor, writeCsv, type Row } from '../support/builders.js';
import { loginAs, testContext, type Session } from '../support/app.js';
import type { AppContext } from '../../src/platform/context.js';
import { buildServer } from '../../src/server/app.js';
import { importFile } from '../../src/registry/import/import-file.js';
import { eligibilityRoutes } from '../../src/eligibility/routes.js';
import { runEligibility } from '../../src/eligibility/run-eligibility.js';
import { previewEligibility } from '../../src/eligibility/preview-eligibility.js';
import { setRanking } from './support.js';

let t: TestDb;
let ctx: AppContext;
let app: FastifyInstance;
let operator: Session;
let dinsos: Session;
const ids: number[] = [];
const CYCLE = '2025-07';
const KEL = '32.01.01.1001';

const families: Row[] = [];
const members: Row[] = [];
function fam(i: number, village: string, people: Row[]): void {
  families.push(buildFamilyRow(i, { kode_desa: village, program_diterima: '' }));
  people.forEach((p, k) => members.push({ ...buildMemberRow(100 + i * 10 + k, i, p), no_kk: kkFor(i, village) }));
}
const adult: Row = { hubungan_keluarga: 'kepala', jenis_kelamin: 'L', tanggal_lahir: '1985-01-01', pekerjaan: 'buruh' };
const elder: Row = { hubungan_keluarga: 'orang_tua', jenis_kelamin: 'P', tanggal_lahir: '1950-01-01', pekerjaan: 'tidak_bekerja', status_perkawinan: 'cerai_mati' };
const pregnant: Row = { hubungan_keluarga: 'istri_suami', jenis_kelamin: 'P', tanggal_lahir: '1990-01-01', pekerjaan: 'mengurus_rumah_tangga', hamil: 'ya' };
fam(0, KEL, [adult, elder]);           // desil 2: PKH lansia
fam(1, KEL, [adult, pregnant]);        // desil 3: PKH ibu hamil
fam(2, KEL, [adult, elder]);           // desil 4: PKH lansia
fam(3, '73.71.01.1001', [adult, elder]); // desil 1, another regency
const desil = [2, 3, 4, 1];

const get = (url: string, s?: Session) => app.inject({ method: 'GET', url, headers: s ? { cookie: s.cookie } : {} });
const post = (url: string, payload: unknown, s: Session) => app.inject({ method: 'POST', url, payload: payload as object, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });
const count = async (sql: string): Promise<number> => t.db.transaction(async (tx) => Number((await tx.raw.query<{ n: number }>(sql)).rows[0]!.n), nationalActor);

beforeAll(async () => {
  t = await openTestDb();
  ctx = await testContext(t);
  app = await buildServer(ctx);
  const dir = mkdtempSync(join(tmpdir(), 'tepat-elig-api-'));
  writeCsv(join(dir, 'k.csv'), 'families', families);
  writeCsv(join(dir, 'a.csv'), 'members', members);
  const deps = { db: t.db, keyring: ctx.keyring, actor: nationalActor, today: new Date('2025-07-01T00:00:00Z') };
  await importFile(deps, join(dir, 'k.csv'));
  expect(await importFile(deps, join(dir, 'a.csv'))).toMatchObject({ rejected: 0 });
  for (const f of families) {
    ids.push(await t.db.transaction(async (tx) => Number((await tx.raw.query<{ id: number }>('select id from family where kk_bidx = $1', [ctx.keyring.index.compute('kk', f.no_kk!)])).rows[0]!.id), nationalActor));
  }
  await setRanking(t.db, ids.map((id, i) => ({ familyId: id, desil: desil[i]!, pmtScore: 13, bps14Count: 4 })));
  await runEligibility({ db: t.db, actor: nationalActor }, { cycle: CYCLE });
  operator = await loginAs(app, ctx, 'operator.kel1001', 'operator', KEL);
  dinsos = await loginAs(app, ctx, 'dinsos.bogor', 'dinsos', '32.01');
}, 180_000);
afterAll(async () => { await app.close(); await t.drop(); });

describe('GET /api/v1/families/:id/eligibility', () => {
  it('answers with the stored decision and an explained evaluation for every program, and audits the view', async () => {
    const before = await count(`select count(*)::int as n from audit_log where action = 'eligibility.view'`);
    const res = await get(`/api/v1/families/${ids[1]}/eligibility?cycle=${CYCLE}`, operator);
    expect(res.statusCode).toBe(200);
    const body = res.json<{ ranking: { desil: number }; programs: Array<{ program: string; decision: { status: string; amountPerTahap: number; summary: string; cycle: string } | null; evaluation: { result: string; summary: string; conditions: Array<{ id: string; passed: boolean | null }> } }> }>();
    expect(body.ranking.desil).toBe(3);
    expect(body.programs.map((p) => p.program).sort()).toEqual(['blt_dd', 'bpnt', 'pbi_jk', 'pip', 'pkh']);
    const pkh = body.programs.find((p) => p.program === 'pkh')!;
    expect(pkh.decision).toMatchObject({ cycle: CYCLE, status: 'masuk', amountPerTahap: 750_000, summary: 'Layak PKH: 1 ibu hamil' });
    expect(pkh.evaluation.summary).toBe('Layak PKH: 1 ibu hamil');
    expect(pkh.evaluation.conditions.every((c) => c.passed === true)).toBe(true);
    const blt = body.programs.find((p) => p.program === 'blt_dd')!;
    expect(blt.decision!.summary).toMatch(/^Tidak layak BLT Dana Desa: BLT Dana Desa hanya untuk keluarga di desa/);
    expect(await count(`select count(*)::int as n from audit_log where action = 'eligibility.view' and actor = 'operator.kel1001'`)).toBe(before + 1);
  });

  it('hides families outside the region and refuses anonymous callers', async () => {
    const other = await get(`/api/v1/families/${ids[3]}/eligibility`, operator);
    expect(other.statusCode).toBe(404);
    expect(other.body).not.toContain('73.71');
    expect((await get(`/api/v1/families/${ids[0]}/eligibility`)).statusCode).toBe(401);
    expect((await get(`/api/v1/families/${ids[0]}/eligibility?cycle=2025-13`, operator)).statusCode).toBe(400);
  });
});

describe('preview', () => {
  it('shows counts, budget and who would leave when the desil threshold drops, writing nothing', async () => {
    const decisions = await count('select count(*)::int as n from eligibility_decision');
    const res = await post('/api/v1/eligibility/preview', { cycle: CYCLE, changes: { pkh: { maxDesil: 2 } } }, dinsos);
    expect(res.statusCode).toBe(200);
    const body = res.json<{ region: string; programs: Array<{ program: string; baseline: { families: number; budgetPerYear: number }; preview: { families: number; budgetPerYear: number }; entering: number; leaving: number; leavingFamilies: Array<{ familyId: number }>; byRegion: Array<{ region: string; name: string }>; changedParams: unknown }> }>();
    expect(body.region).toBe('32.01');
    const pkh = body.programs.find((p) => p.program === 'pkh')!;
    expect(pkh).toMatchObject({
      baseline: { families: 3, budgetPerYear: 2_400_000 + 3_000_000 + 2_400_000 },
      preview: { families: 1, budgetPerYear: 2_400_000 },
      entering: 0, leaving: 2, changedParams: { maxDesil: { from: 4, to: 2 } },
    });
    expect(pkh.leavingFamilies.map((f) => f.familyId)).toEqual([ids[1], ids[2]]);
    expect(pkh.byRegion.map((r) => r.region)).toEqual(['32.01.01']);
    // BLT Dana Desa depends on PKH, so it is re-evaluated too.
    expect(body.programs.map((p) => p.program)).toEqual(['pkh', 'blt_dd']);
    expect(await count('select count(*)::int as n from eligibility_decision')).toBe(decisions);
    expect(await count(`select count(*)::int as n from audit_log where action = 'eligibility.preview' and actor = 'dinsos.bogor'`)).toBe(1);
  });

  it('shows the budget of a changed amount', async () => {
    const p = await previewEligibility({ db: t.db, actor: nationalActor }, { cycle: CYCLE, changes: { pkh: { amountElderly: 3_000_000 } } });
    const pkh = p.programs.find((x) => x.program === 'pkh')!;
    expect(pkh.baseline.budgetPerYear).toBe(3 * 2_400_000 + 3_000_000);
    expect(pkh.preview.budgetPerYear).toBe(3 * 3_000_000 + 3_000_000);
    expect(pkh).toMatchObject({ entering: 0, leaving: 0, amountChanged: 3 });
    expect(p.programs.find((x) => x.program === 'pkh')!.byRegion.map((r) => r.region)).toEqual(['32.01', '73.71']);
  });

  it('is for planners only, and refuses unknown params', async () => {
    expect((await post('/api/v1/eligibility/preview', { changes: { pkh: { maxDesil: 2 } } }, operator)).statusCode).toBe(403);
    const bad = await post('/api/v1/eligibility/preview', { changes: { pkh: { tidakAda: 2 } } }, dinsos);
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { message: string } }>().error.message).toMatch(/tidakAda/);
    const odd = await post('/api/v1/eligibility/preview', { changes: { pkh: { amountSd: 900_001 } } }, dinsos);
    expect(odd.statusCode).toBe(400);
  });
});
