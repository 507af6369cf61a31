/**
 * Desil edges: with weights that score by floor area alone, twenty families fall two
 * per desil in a known order (ties broken by family id), and PKH stops exactly
 * between the 8th and the 9th poorest (desil 4 and 5).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, nationalActor, type TestDb } from '../support/db.js';
import { rankFamilies } from '../../src/eligibility/pmt/rank-families.js';
import { FEATURE_SET } from '../../src/eligibility/pmt/features.js';
import { runEligibility } from '../../src/eligibility/run-eligibility.js';
import { insertFamilies, type MemberSpec } from './support.js';

let t: TestDb;
let ids: number[];
const elder: MemberSpec = {
  presenceStatus: 'tinggal', birthDate: '1950-01-01', sex: 'P', relationship: 'kepala', isPregnant: false, educationLevel: 'sd',
  schoolParticipation: 'tidak_lagi', severeDisability: false, disabilities: [], occupation: 'tidak_bekerja', workStatus: 'tidak_bekerja',
  healthInsurance: 'pbi_jkn', chronicIllness: 'tidak_ada',
};

beforeAll(async () => {
  t = await openTestDb();
  const facts = await insertFamilies(t.db, Array.from({ length: 20 }, () => ({ villageCode: '32.01.02.2001', programsReceived: [], members: [elder], rank: null })));
  ids = facts.map((f) => f.familyId);
  // Floor area rises with k, except that families 6 and 7 have the same area.
  const area = (k: number): number => 10 + 5 * (k === 7 ? 6 : k);
  await t.db.transaction((tx) => tx.raw.query('update family set floor_area_m2 = a from unnest($1::bigint[], $2::int[]) t(id, a) where family.id = t.id',
    [ids, ids.map((_, k) => area(k))]), nationalActor);
}, 120_000);
afterAll(async () => { await t.drop(); });

describe('desil edges', () => {
  it('puts two families in each desil, ties broken by family id, and PKH stops between desil 4 and 5', async () => {
    const s = await rankFamilies({ db: t.db, actor: nationalActor }, {
      refDate: '2025-07-01',
      weights: { featureSet: FEATURE_SET, referenceDate: '2025-07-01', lambda: 0, intercept: 0, features: { ln_floor_per_person: 1 }, province: {}, regency: {} },
    });
    expect(s.desil).toEqual([2, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
    const ranks = await t.db.transaction(async (tx) => (await tx.raw.query<{ family_id: number; desil: number; pmt_score: number; percentile: number }>(
      'select family_id, desil, pmt_score, percentile from welfare_rank where ranking_id = $1 order by family_id', [s.rankingId])).rows, nationalActor);
    expect(ranks.map((r) => r.desil)).toEqual(ids.map((_, k) => Math.floor(k / 2) + 1));
    expect(ranks[6]!.pmt_score).toBe(ranks[7]!.pmt_score);
    expect(ranks[3]!.pmt_score).toBeCloseTo(Math.log(25), 10);
    expect(ranks[0]!.percentile).toBe(0);
    expect(ranks[19]!.percentile).toBe(1);

    await runEligibility({ db: t.db, actor: nationalActor }, { cycle: '2025-07', programs: ['pkh'] });
    const pkh = await t.db.transaction(async (tx) => (await tx.raw.query<{ family_id: number; result: string; reasons: string[] }>(
      `select family_id, result, reasons from eligibility_decision where program = 'pkh' order by family_id`)).rows, nationalActor);
    expect(pkh.map((d) => d.result)).toEqual(ids.map((_, k) => (k < 8 ? 'layak' : 'tidak_layak')));
    expect(pkh[8]!.reasons).toEqual(['desil kesejahteraan di atas 4']);
  });
});
