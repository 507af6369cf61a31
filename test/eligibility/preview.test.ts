/**
 * The preview over a cycle's stored facts must say exactly what deciding the cycle with
 * the changed rules would decide: the same families and budgets per program and region,
 * the same families entering and leaving, as the preview gathered from the registry and
 * as a real run with the changed params. Random families in two regencies, with earlier
 * decisions (exits at the next cycle count as paid for `receives`) and small village funds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, nationalActor, actorFor, type TestDb } from '../support/db.js';
import { runEligibility } from '../../src/eligibility/run-eligibility.js';
import { previewEligibility, type PreviewResult } from '../../src/eligibility/preview-eligibility.js';
import { loadRuleDefinitions } from '../../src/eligibility/rules/rule-set.js';
import type { ParamValue, RuleDefinition } from '../../src/eligibility/rules/schema.js';
import { insertFamilies, insertPriorDecisions, seeded, setRanking, type FamilySpec, type MemberSpec } from './support.js';

const CYCLE = '2025-07';
let t: TestDb;
const definitions = loadRuleDefinitions();

function randomFamilies(n: number, villages: string[]): FamilySpec[] {
  const r = seeded(777);
  const member = (i: number): MemberSpec => {
    const sex = r.chance(0.5) ? 'P' : 'L';
    const level = r.pick([null, 'sd', 'smp', 'sma', 'sd']);
    return {
      presenceStatus: r.pick(['tinggal', 'tinggal', 'tinggal', 'tinggal', 'baru', 'meninggal']),
      birthDate: `${r.int(1935, 2024)}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`,
      sex, relationship: i === 0 ? 'kepala' : r.pick(['istri_suami', 'anak', 'anak', 'orang_tua', 'cucu']),
      isPregnant: sex === 'P' && r.chance(0.1), educationLevel: level, schoolParticipation: level ? r.pick(['masih_sekolah', 'masih_sekolah', 'tidak_lagi']) : null,
      severeDisability: r.chance(0.05), disabilities: [], occupation: r.chance(0.03) ? 'asn' : r.pick(['petani', 'buruh', null]),
      workStatus: null, healthInsurance: r.pick(['pbi_jkn', 'jkn_pekerja', null]), chronicIllness: r.pick(['tidak_ada', 'tidak_ada', 'hipertensi']),
    };
  };
  return Array.from({ length: n }, () => ({
    villageCode: r.pick(villages),
    programsReceived: ['pkh', 'bpnt', 'prakerja'].filter(() => r.chance(0.05)),
    members: Array.from({ length: r.int(1, 7) }, (_, i) => member(i)),
    rank: r.chance(0.05) ? null : { desil: r.int(1, 10), pmtScore: r.next() * 3 + 12, bps14Count: r.int(0, 10) },
  }));
}

beforeAll(async () => {
  t = await openTestDb();
  const villages = await t.db.transaction(async (tx) => (await tx.raw.query<{ code: string }>(
    `(select code from region where level = 4 and code like '32.01.%' and substr(code, 10, 1) = '2' order by code limit 4)
     union all (select code from region where level = 4 and code like '32.01.%' and substr(code, 10, 1) = '1' order by code limit 1)
     union all (select code from region where level = 4 and code like '33.01.%' order by code limit 3)`)).rows.map((x) => x.code), nationalActor);
  const families = await insertFamilies(t.db, randomFamilies(1200, villages));
  await setRanking(t.db, families.filter((f) => f.desil !== null).map((f) => ({ familyId: f.familyId, desil: f.desil!, pmtScore: f.pmtScore, bps14Count: f.bps14Count! })));
  const r = seeded(5);
  await insertPriorDecisions(t.db, families.flatMap((f) => ['pkh', 'bpnt', 'blt_dd', 'pbi_jk', 'pip'].filter(() => r.chance(0.3)).map((program) => {
    const status = r.pick(['masuk', 'tetap', 'keluar_berikutnya', 'tidak_layak']);
    return { familyId: f.familyId, program, cycle: '2025-04', status, amountPerYear: status === 'tidak_layak' ? 0 : 2_400_000, amountPerTahap: status === 'tidak_layak' ? 0 : 600_000 };
  })));
  await t.db.transaction(async (tx) => {
    for (const v of villages.slice(0, 3)) await tx.raw.query('insert into village_fund (village_code, year, amount) values ($1, 2025, 30000000)', [v]);
  }, nationalActor);
  await runEligibility({ db: t.db, actor: nationalActor }, { cycle: CYCLE });
}, 240_000);
afterAll(async () => { await t.drop(); });

/** The decisions a run with the changed params stores: families layak and their yearly amounts, per program. */
async function truth(changes: Record<string, Record<string, ParamValue>>): Promise<Record<string, { families: number; budgetPerYear: number }>> {
  const changed: RuleDefinition[] = definitions.map((d) => ({ ...d, params: { ...d.params, ...(changes[d.program] ?? {}) } }));
  await runEligibility({ db: t.db, actor: nationalActor, definitions: changed }, { cycle: CYCLE });
  const rows = await t.db.transaction(async (tx) => (await tx.raw.query<{ program: string; n: number; s: number }>(
    `select program, count(*)::int as n, coalesce(sum(amount_per_year), 0)::bigint as s from eligibility_decision
     where cycle = $1 and result = 'layak' group by program`, [CYCLE])).rows, nationalActor);
  await runEligibility({ db: t.db, actor: nationalActor }, { cycle: CYCLE });
  return Object.fromEntries(rows.map((x) => [x.program, { families: Number(x.n), budgetPerYear: Number(x.s) }]));
}

async function fromRegistry(run: () => Promise<PreviewResult>): Promise<PreviewResult> {
  // Without the regencies' facts records the preview gathers the facts from the registry.
  const kept = await t.db.transaction(async (tx) => (await tx.raw.query('delete from eligibility_facts_regency returning *')).rows, nationalActor);
  try {
    return await run();
  } finally {
    await t.db.transaction(async (tx) => {
      for (const k of kept) {
        await tx.raw.query(`insert into eligibility_facts_regency (regency_code, cycle, ranking_id, rules, layout, families, job_id, built_at)
          values ($1, $2, $3, $4, $5, $6, $7, $8)`, [k.regency_code, k.cycle, k.ranking_id, JSON.stringify(k.rules), JSON.stringify(k.layout), k.families, k.job_id, k.built_at]);
      }
    }, nationalActor);
  }
}

const strip = (p: PreviewResult) => ({ ...p, source: undefined });

describe('preview over stored facts', () => {
  const scenarios: Array<[string, Record<string, Record<string, ParamValue>>]> = [
    ['a PKH desil threshold (BLT Dana Desa depends on PKH)', { pkh: { maxDesil: 3 } }],
    ['a wider BPNT threshold', { bpnt: { maxDesil: 6 } }],
    ['BLT Dana Desa open to desil 9 with a small default fund (quotas bind)', { blt_dd: { maxDesil: 9, vulnerableMaxDesil: 10, defaultVillageFund: 50_000_000 } }],
    ['an amount per person', { pbi_jk: { amountPerPerson: 600_000 } }],
    ['a component amount that keeps the order', { pip: { amountSma: 1_200_000 } }],
  ];
  for (const [name, changes] of scenarios) {
    it(`agrees with the registry and with a real run: ${name}`, async () => {
      const preview = () => previewEligibility({ db: t.db, actor: nationalActor }, { cycle: CYCLE, changes, listLimit: 30 });
      const fast = await preview();
      expect(fast.source).toBe('facts');
      const slow = await fromRegistry(preview);
      expect(slow.source).toBe('registry');
      expect(strip(fast)).toEqual(strip(slow));
      const expected = await truth(changes);
      for (const p of fast.programs) expect(p.preview, p.program).toEqual(expected[p.program] ?? { families: 0, budgetPerYear: 0 });
      expect(fast.programs.some((p) => p.entering + p.leaving + p.amountChanged > 0)).toBe(true);
    });
  }

  it('reads stored facts and the registry side by side when one regency\'s facts are out of date, counting each family once', async () => {
    const changes = { pkh: { maxDesil: 3 } };
    const preview = () => previewEligibility({ db: t.db, actor: nationalActor }, { cycle: CYCLE, changes, listLimit: 30 });
    const fast = await preview();
    expect(fast.source).toBe('facts');
    // 33.01's record says its facts were gathered under other rules (as after a change of the
    // rules in force, before 33.01 is run again): its rows stay in the table and must not be read.
    const kept = await t.db.transaction(async (tx) => (await tx.raw.query<{ rules: unknown }>(
      `select rules from eligibility_facts_regency where regency_code = '33.01'`)).rows, nationalActor);
    expect(kept).toHaveLength(1);
    await t.db.transaction((tx) => tx.raw.query(`update eligibility_facts_regency set rules = '[]' where regency_code = '33.01'`), nationalActor);
    try {
      const mixed = await preview();
      expect(mixed.source).toBe('both');
      expect(strip(mixed)).toEqual(strip(fast));
    } finally {
      await t.db.transaction((tx) => tx.raw.query(`update eligibility_facts_regency set rules = $1 where regency_code = '33.01'`, [JSON.stringify(kept[0]!.rules)]), nationalActor);
    }
  });

  it('gathers from the registry what stored facts cannot answer (an age threshold, a changed component order)', async () => {
    const age = await previewEligibility({ db: t.db, actor: nationalActor }, { cycle: CYCLE, changes: { pkh: { elderlyMinAge: 70 } } });
    expect(age.source).toBe('registry');
    const order = await previewEligibility({ db: t.db, actor: nationalActor }, { cycle: CYCLE, changes: { pkh: { amountElderly: 3_500_000 } } });
    expect(order.source).toBe('registry');
    expect(order.programs[0]!.preview).toEqual((await truth({ pkh: { amountElderly: 3_500_000 } })).pkh);
  });

  it('reads only the facts of the caller\'s region', async () => {
    const p = await previewEligibility({ db: t.db, actor: actorFor('33.01', 'dinsos') }, { cycle: CYCLE, changes: { pkh: { maxDesil: 3 } } });
    expect(p.source).toBe('facts');
    const all = await previewEligibility({ db: t.db, actor: nationalActor }, { cycle: CYCLE, changes: { pkh: { maxDesil: 3 } }, groupBy: 'regency' });
    const pkh = all.programs.find((x) => x.program === 'pkh')!.byRegion.find((r) => r.region === '33.01')!;
    expect(p.programs.find((x) => x.program === 'pkh')!.baseline).toEqual(pkh.baseline);
    expect(p.programs.find((x) => x.program === 'pkh')!.preview).toEqual(pkh.preview);
  });
});
