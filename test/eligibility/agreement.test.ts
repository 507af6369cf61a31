/**
 * Property test: one rule definition, two evaluators. Thousands of random families
 * (boundary ages, deceased and moved members, never-eligible jobs, unranked families,
 * reported programs, earlier decisions, small village funds) are decided by the SQL
 * compiled from the rules and by the TypeScript interpreter; both must agree exactly
 * on result, status, amounts, reasons, components and recipient.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, nationalActor, type TestDb } from '../support/db.js';
import { buildFacts, evaluateFacts, readDecisions } from '../../src/eligibility/evaluate-sql.js';
import { FactsLayout } from '../../src/eligibility/rules/compile-sql.js';
import { decideFamilies } from '../../src/eligibility/rules/decide.js';
import { toComponentColumns } from '../../src/eligibility/rules/interpret.js';
import type { FamilyFacts, PriorDecision } from '../../src/eligibility/rules/facts.js';
import { loadRuleDefinitions, rulesInForce } from '../../src/eligibility/rules/rule-set.js';
import { canonicalJson, type Rule } from '../../src/eligibility/rules/resolve.js';
import { insertFamilies, insertPriorDecisions, seeded, setRanking, type FamilySpec, type MemberSpec, type PriorSpec } from './support.js';

const CYCLE = '2025-07';
const REF = '2025-07-01';
const FAMILIES = Number(process.env.AGREEMENT_FAMILIES ?? 3000);

let t: TestDb;
let families: FamilyFacts[];
const priors: PriorSpec[] = [];
const funds = new Map<string, number>();

function shiftYears(date: string, years: number, days = 0): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function randomFamilies(n: number, villages: string[]): FamilySpec[] {
  const r = seeded(20250701);
  const boundary = [0, 5, 6, 7, 15, 17, 21, 22, 59, 60, 61, 70];
  const birthDate = (): string | null => {
    const x = r.next();
    if (x < 0.03) return null;
    if (x < 0.05) return r.pick(['2024-02-29', '2020-02-29', '1960-02-29', '2025-07-02', '2025-08-15']);
    if (x < 0.3) return shiftYears(REF, r.pick(boundary), r.pick([-1, 0, 0, 1]));
    return `${r.int(1925, 2025)}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`;
  };
  const member = (i: number): MemberSpec => {
    const sex = r.chance(0.5) ? 'P' : 'L';
    return {
      presenceStatus: r.pick(['tinggal', 'tinggal', 'tinggal', 'tinggal', 'tinggal', 'tinggal', 'tinggal', 'baru', 'meninggal', 'pindah', 'tidak_ditemukan']),
      birthDate: birthDate(),
      sex,
      relationship: i === 0 && r.chance(0.9) ? 'kepala' : r.pick(['istri_suami', 'anak', 'anak', 'anak', 'cucu', 'orang_tua', 'menantu', 'famili_lain', 'lainnya']),
      isPregnant: sex === 'P' && r.chance(0.12),
      educationLevel: r.pick([null, 'tidak_sekolah', 'paud', 'sd', 'sd', 'smp', 'smp', 'sma', 'sma', 'diploma', 's1']),
      schoolParticipation: r.pick([null, 'masih_sekolah', 'masih_sekolah', 'tidak_lagi', 'tidak_pernah']),
      severeDisability: r.chance(0.06),
      disabilities: r.chance(0.1) ? [r.pick(['melihat', 'berjalan', 'mendengar'])] : [],
      occupation: r.chance(0.04) ? r.pick(['asn', 'tni', 'polri', 'pejabat_negara', 'bumn_bumd']) : r.pick([null, 'petani', 'buruh', 'pedagang', 'tidak_bekerja', 'pelajar', 'karyawan_swasta']),
      workStatus: r.pick([null, 'tidak_bekerja', 'berusaha_sendiri', 'buruh_karyawan']),
      healthInsurance: r.pick([null, 'pbi_jkn', 'jkn_mandiri', 'jkn_pekerja', 'tidak_ada']),
      chronicIllness: r.pick([null, 'tidak_ada', 'tidak_ada', 'tidak_ada', 'hipertensi', 'diabetes']),
    };
  };
  // Few distinct PMT scores, so that priority ties fall through to the family id.
  return Array.from({ length: n }, () => ({
    villageCode: r.pick(villages),
    programsReceived: ['pkh', 'bpnt', 'prakerja', 'pip', 'blt_dd'].filter(() => r.chance(0.08)),
    members: Array.from({ length: r.pick([0, 1, 1, 2, 3, 3, 4, 4, 5, 6, 7, 9]) }, (_, i) => member(i)),
    rank: r.chance(0.06) ? null : { desil: r.int(1, 10), pmtScore: r.pick([13.2, 13.5, 13.75, 14, 14.125, r.next() * 3 + 12]), bps14Count: r.int(0, 10) },
  }));
}

beforeAll(async () => {
  t = await openTestDb();
  // Desa and kelurahan in two regencies (a regency is the bulk run's unit of work).
  const villages = await t.db.transaction(async (tx) => (await tx.raw.query<{ code: string }>(
    `(select code from region where level = 4 and code like '32.01.%' and substr(code, 10, 1) = '2' order by code limit 5)
     union all (select code from region where level = 4 and code like '32.01.%' and substr(code, 10, 1) = '1' order by code limit 2)
     union all (select code from region where level = 4 and code like '33.01.%' order by code limit 3)`)).rows.map((x) => x.code), nationalActor);
  expect(villages.length).toBeGreaterThanOrEqual(8);
  families = await insertFamilies(t.db, randomFamilies(FAMILIES, villages));
  await setRanking(t.db, families.filter((f) => f.desil !== null).map((f) => ({ familyId: f.familyId, desil: f.desil!, pmtScore: f.pmtScore, bps14Count: f.bps14Count! })));
  const r = seeded(99);
  const programs = ['pkh', 'bpnt', 'blt_dd', 'pbi_jk', 'pip'];
  for (const f of families) {
    for (const program of programs) {
      if (r.chance(0.35)) {
        const status = r.pick(['masuk', 'tetap', 'tetap', 'keluar_berikutnya', 'keluar', 'tidak_layak', 'di_luar_kuota']);
        const perTahap = ['masuk', 'tetap', 'keluar_berikutnya'].includes(status) ? r.pick([225_000, 600_000, 1_200_000]) : 0;
        // an older decision first, which the newer one must override
        if (r.chance(0.3)) priors.push({ familyId: f.familyId, program, cycle: '2025-01', status: 'tetap', amountPerYear: 999_996, amountPerTahap: 249_999 });
        priors.push({ familyId: f.familyId, program, cycle: r.pick(['2025-04', '2025-06']), status, amountPerYear: perTahap * 4, amountPerTahap: perTahap });
      }
    }
  }
  // Decisions of this very cycle and later ones must not count as "prior".
  priors.push(...families.slice(0, 50).map((f) => ({ familyId: f.familyId, program: 'pkh', cycle: CYCLE, status: 'tetap', amountPerYear: 4, amountPerTahap: 1 })));
  await insertPriorDecisions(t.db, priors);
  // Some villages have a small Dana Desa, so quotas bind.
  for (const [i, v] of villages.entries()) if (i % 2 === 0) funds.set(v, [40_000_000, 90_000_000, 900_000_000, 1_500_000_000][i % 4]!);
  await t.db.transaction(async (tx) => {
    for (const [v, amount] of funds) await tx.raw.query('insert into village_fund (village_code, year, amount) values ($1, 2025, $2)', [v, amount]);
  }, nationalActor);
}, 240_000);
afterAll(async () => { await t.drop(); });

interface SqlRow {
  program: string; family_id: number; result: string; status: string; amount_per_year: number; amount_per_tahap: number;
  reasons: string[]; components: unknown; recipient_member_id: number | null;
}

async function sqlDecisions(rules: Rule[]): Promise<SqlRow[]> {
  return t.db.transaction(async (tx) => {
    const layout = FactsLayout.of(rules);
    const rankingId = (await tx.raw.query<{ id: number }>('select id from welfare_ranking where is_current')).rows[0]!.id;
    await buildFacts(tx, rules, layout, { refDate: REF, cycle: CYCLE, rankingId, scope: { regencyCode: null, region: null } });
    await evaluateFacts(tx, rules, layout, { fundYear: 2025, reasons: true });
    return readDecisions(tx, rules, layout);
  }, nationalActor);
}

function priorOf(familyId: number, program: string): PriorDecision | undefined {
  const mine = priors.filter((p) => p.familyId === familyId && p.program === program && p.cycle < CYCLE).sort((a, b) => (a.cycle < b.cycle ? 1 : -1));
  const p = mine[0];
  return p ? { cycle: p.cycle, status: p.status as PriorDecision['status'], amountPerYear: p.amountPerYear, amountPerTahap: p.amountPerTahap } : undefined;
}

async function compare(rules: Rule[]): Promise<{ compared: number; byResult: Record<string, number> }> {
  const priorIndex = new Map<string, PriorDecision | undefined>();
  const ts = decideFamilies(rules, families, {
    refDate: REF,
    prior: (id, p) => {
      const key = `${id}:${p}`;
      if (!priorIndex.has(key)) priorIndex.set(key, priorOf(id, p));
      return priorIndex.get(key);
    },
    villageFund: (v) => funds.get(v),
    applyQuota: true,
  });
  const sql = new Map((await sqlDecisions(rules)).map((r) => [`${r.program}:${r.family_id}`, r]));
  expect(sql.size).toBe(ts.length);
  const byResult: Record<string, number> = {};
  const mismatches: string[] = [];
  for (const d of ts) {
    const s = sql.get(`${d.program}:${d.familyId}`)!;
    const got = {
      result: s.result, status: s.status, amountPerYear: Number(s.amount_per_year), amountPerTahap: Number(s.amount_per_tahap),
      reasons: s.reasons, components: s.components ?? null, recipientMemberId: s.recipient_member_id === null ? null : Number(s.recipient_member_id),
    };
    const want = {
      result: d.result, status: d.status, amountPerYear: d.amountPerYear, amountPerTahap: d.amountPerTahap,
      reasons: d.reasons, components: toComponentColumns(d.components), recipientMemberId: d.recipientMemberId,
    };
    if (canonicalJson(got) !== canonicalJson(want) && mismatches.length < 5) mismatches.push(`${d.program} family ${d.familyId}\n  sql ${canonicalJson(got)}\n  ts  ${canonicalJson(want)}`);
    byResult[`${d.program}:${d.status}`] = (byResult[`${d.program}:${d.status}`] ?? 0) + 1;
  }
  expect(mismatches).toEqual([]);
  return { compared: ts.length, byResult };
}

describe('SQL and TypeScript evaluations of the same rules agree', () => {
  const definitions = loadRuleDefinitions();

  it('with the rules as configured', async () => {
    const { compared, byResult } = await compare(rulesInForce(definitions, REF));
    expect(compared).toBe(FAMILIES * 5);
    // The random families reach every outcome that matters.
    for (const k of ['pkh:masuk', 'pkh:tetap', 'pkh:keluar_berikutnya', 'pkh:keluar', 'pkh:tidak_layak', 'pbi_jk:masuk', 'pip:masuk', 'bpnt:masuk', 'blt_dd:tidak_layak']) {
      expect(byResult[k], k).toBeGreaterThan(0);
    }
  });

  it('with tight caps, BLT Dana Desa open to all desil and binding village quotas', async () => {
    const rules = rulesInForce(definitions, REF, {
      overrides: {
        pkh: { maxComponents: 2, maxChildren: 2, maxEarlyChildren: 1, elderlyMinAge: 59 },
        bpnt: { maxDesil: 2 },
        blt_dd: { maxDesil: 9, vulnerableMaxDesil: 10, defaultVillageFund: 60_000_000 },
        pip: { minAge: 7, amountSma: 900_000 },
      },
    });
    const { byResult } = await compare(rules);
    expect(byResult['blt_dd:di_luar_kuota']).toBeGreaterThan(0);
    expect(byResult['blt_dd:masuk']).toBeGreaterThan(0);
  });
});
