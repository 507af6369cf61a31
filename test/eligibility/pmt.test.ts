/**
 * The proxy means test end to end on a generated population: import, measured
 * consumption from truth.csv matched by No. KK, ridge fit with held-out evaluation,
 * national ranking into desil, and the 14-criteria score side by side.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, nationalActor, actorFor, type TestDb } from '../support/db.js';
import { openKeyring, type Keyring } from '../../src/platform/keyring.js';
import { DEV_INDEX_KEY, DEV_MASTER_KEY } from '../../src/platform/config.js';
import { importFile } from '../../src/registry/import/import-file.js';
import { generateFiles } from '../../src/generate/write-files.js';
import { loadSurvey } from '../../src/eligibility/pmt/load-survey.js';
import { fitPmtModel, type FitReport } from '../../src/eligibility/pmt/fit-pmt.js';
import { rankFamilies } from '../../src/eligibility/pmt/rank-families.js';
import { findModel } from '../../src/eligibility/pmt/model.js';

const FAMILIES = 2000;
let t: TestDb;
let keyring: Keyring;
let report: FitReport;
const dir = mkdtempSync(join(tmpdir(), 'tepat-pmt-'));

beforeAll(async () => {
  t = await openTestDb();
  keyring = await openKeyring(t.db, { masterKey: DEV_MASTER_KEY, indexKey: DEV_INDEX_KEY });
  await generateFiles({ families: FAMILIES, seed: 17, out: dir, referenceDate: '2025-07-01' });
  const deps = { db: t.db, keyring, actor: nationalActor, today: new Date('2025-07-01T00:00:00Z') };
  await importFile(deps, join(dir, 'families.csv'));
  await importFile(deps, join(dir, 'members.csv'));
}, 300_000);
afterAll(async () => { await t.drop(); });

describe('proxy means test', () => {
  it('loads measured consumption by No. KK, and only a sample when asked', async () => {
    const half = await loadSurvey({ db: t.db, keyring, actor: nationalActor }, join(dir, 'truth.csv'), { sample: 0.5 });
    expect(half.rows).toBe(FAMILIES);
    expect(half.loaded + half.sampledOut).toBe(FAMILIES);
    expect(half.loaded / FAMILIES).toBeGreaterThan(0.4);
    expect(half.loaded / FAMILIES).toBeLessThan(0.6);
    const all = await loadSurvey({ db: t.db, keyring, actor: nationalActor }, join(dir, 'truth.csv'));
    expect(all).toMatchObject({ rows: FAMILIES, loaded: FAMILIES, unmatched: 0, invalid: 0 });
    const truthLine = readFileSync(join(dir, 'truth.csv'), 'utf8').split('\n')[1]!.split(',');
    const stored = await t.db.transaction(async (tx) => (await tx.raw.query<{ c: number }>(
      'select s.consumption_per_capita as c from consumption_survey s join family f on f.id = s.family_id where f.kk_bidx = $1',
      [keyring.index.compute('kk', truthLine[1]!)])).rows[0]!, nationalActor);
    expect(stored.c).toBe(Number(truthLine[4]));
  });

  it('fits weights, reporting R² and targeting errors on held-out families', async () => {
    report = await fitPmtModel({ db: t.db, actor: nationalActor }, { quota: 0.4, refDate: '2025-07-01', version: 'uji-1', pageSize: 700 });
    if (process.env.SHOW_PMT) console.log(JSON.stringify(report, null, 1));
    expect(report.families.train + report.families.test).toBe(FAMILIES);
    expect(report.families.test / FAMILIES).toBeGreaterThan(0.15);
    // The generator hides noise a PMT cannot see: R² near what BPS/World Bank report (~0.5).
    expect(report.r2.test).toBeGreaterThan(0.3);
    expect(report.r2.test).toBeLessThan(0.9);
    expect(report.pmt.atQuota.inclusionError).toBeLessThan(0.4);
    expect(report.pmt.atQuota.inclusionError).toBeLessThan(report.bps14.atQuota.inclusionError);
    expect(report.pmt.poor).not.toBeNull();
    expect(report.pmt.poor!.exclusionError).toBeLessThan(report.bps14.poor!.exclusionError);
    const model = await t.db.transaction((tx) => findModel(tx), nationalActor);
    expect(model).toMatchObject({ version: 'uji-1', isActive: true });
    expect(Object.keys(model!.weights.regency).length).toBeGreaterThan(3);
    // More assets, better floor: richer. Features keep their expected signs.
    expect(model!.weights.features.has_car).toBeGreaterThan(0);
    expect(model!.weights.features.floor_poor).toBeLessThan(0);
  });

  it('ranks every family into ten equal desil nationally, PMT or 14 criteria', async () => {
    await expect(rankFamilies({ db: t.db, actor: actorFor('32.01', 'dinsos') }, {})).rejects.toThrow(/nasional/);
    const pmt = await rankFamilies({ db: t.db, actor: nationalActor }, { refDate: '2025-07-01' });
    expect(pmt).toMatchObject({ method: 'pmt', modelVersion: 'uji-1', families: FAMILIES });
    for (const n of pmt.desil) expect(n).toBe(FAMILIES / 10);
    // Poorer desil consume less, on average.
    const byDesil = await t.db.transaction(async (tx) => (await tx.raw.query<{ desil: number; c: number; bps: number }>(
      `select r.desil, avg(s.consumption_per_capita)::float8 as c, avg(r.bps14_count)::float8 as bps from welfare_rank r
       join consumption_survey s on s.family_id = r.family_id where r.ranking_id = $1 group by r.desil order by r.desil`, [pmt.rankingId])).rows, nationalActor);
    expect(byDesil[0]!.c).toBeLessThan(byDesil[4]!.c);
    expect(byDesil[4]!.c).toBeLessThan(byDesil[9]!.c);
    expect(byDesil[0]!.bps).toBeGreaterThan(byDesil[9]!.bps);

    const bps = await rankFamilies({ db: t.db, actor: nationalActor }, { method: 'bps14', refDate: '2025-07-01' });
    expect(bps.method).toBe('bps14');
    for (const n of bps.desil) expect(n).toBe(FAMILIES / 10);
    const current = await t.db.transaction(async (tx) => (await tx.raw.query<{ id: number }>('select id from welfare_ranking where is_current')).rows, nationalActor);
    expect(current.map((r) => Number(r.id))).toEqual([bps.rankingId]);
  });
});
