import { describe, expect, it } from 'vitest';
import { ageOn, type FamilyFacts, type MemberFacts } from './facts.js';
import { decideFamilies, decisionSummary, type Decision } from './decide.js';
import { nextStatus, selectComponents } from './interpret.js';
import { loadRuleDefinitions, rulesInForce } from './rule-set.js';
import { resolveRule, type Rule } from './resolve.js';
import type { RuleDefinition } from './schema.js';

const REF = '2025-07-01';
const definitions = loadRuleDefinitions();
const rules = rulesInForce(definitions, REF);
const ruleOf = (p: string): Rule => rules.find((r) => r.program === p)!;

let nextId = 1;
function member(over: Partial<MemberFacts> = {}): MemberFacts {
  return {
    memberId: nextId++, presenceStatus: 'tinggal', birthDate: '1985-01-01', sex: 'L', relationship: 'kepala', isPregnant: false,
    educationLevel: 'sd', schoolParticipation: 'tidak_lagi', severeDisability: false, disabilities: [], occupation: 'buruh',
    workStatus: 'pekerja_bebas', healthInsurance: 'pbi_jkn', chronicIllness: 'tidak_ada', ...over,
  };
}
function family(members: MemberFacts[], over: Partial<FamilyFacts> = {}): FamilyFacts {
  return { familyId: nextId++, regencyCode: '32.01', villageCode: '32.01.01.2001', desil: 2, pmtScore: 13.1, bps14Count: 5, programsReceived: [], members, ...over };
}
function decide(families: FamilyFacts[], opts: { prior?: Decision[]; fund?: number; only?: Rule[] } = {}): Decision[] {
  return decideFamilies(opts.only ?? rules, families, {
    refDate: REF,
    prior: (id, p) => {
      const d = opts.prior?.find((x) => x.familyId === id && x.program === p);
      return d ? { cycle: '2025-06', status: d.status, amountPerTahap: d.amountPerTahap, amountPerYear: d.amountPerYear } : undefined;
    },
    villageFund: () => opts.fund,
    applyQuota: true,
  });
}
const of = (ds: Decision[], program: string, familyId?: number): Decision => ds.find((d) => d.program === program && (familyId === undefined || d.familyId === familyId))!;

const student = (level: string, birthDate: string): MemberFacts => member({ relationship: 'anak', birthDate, educationLevel: level, schoolParticipation: 'masih_sekolah', occupation: 'pelajar', workStatus: null, sex: 'P' });

describe('PKH components under the cap (highest amount first)', () => {
  it('pregnant mother, SD/SMP/SMA children and an elderly grandmother: the SD child is left out', () => {
    const mother = member({ relationship: 'istri_suami', sex: 'P', birthDate: '1988-03-10', isPregnant: true, occupation: 'mengurus_rumah_tangga' });
    const f = family([
      member({ birthDate: '1984-05-01' }), mother,
      student('sd', '2016-02-01'), student('smp', '2012-08-01'), student('sma', '2009-01-15'),
      member({ relationship: 'orang_tua', sex: 'P', birthDate: '1955-04-04', occupation: 'tidak_bekerja' }),
    ]);
    const pkh = of(decide([f]), 'pkh');
    expect(pkh).toMatchObject({ result: 'layak', status: 'masuk', amountPerYear: 8_900_000, amountPerTahap: 2_225_000, recipientMemberId: mother.memberId });
    expect(pkh.reasons).toEqual(['1 ibu hamil, 1 anak SMP, 1 anak SMA, 1 lansia; tidak dihitung: 1 anak SD (dibatasi 4 komponen)']);
    expect(decisionSummary(ruleOf('pkh'), pkh)).toBe('Layak PKH: 1 ibu hamil, 1 anak SMP, 1 anak SMA, 1 lansia; tidak dihitung: 1 anak SD (dibatasi 4 komponen)');
    expect(pkh.components!.filter((c) => c.counted).map((c) => c.component)).toEqual(['ibu_hamil', 'lansia', 'anak_sma', 'anak_smp']);
  });

  it('counts at most 3 children, of whom at most 2 under six', () => {
    const kids = ['2021-01-01', '2022-01-01', '2023-01-01'].map((b) => member({ relationship: 'anak', birthDate: b, educationLevel: null, schoolParticipation: null, occupation: null }));
    const f = family([member({ relationship: 'istri_suami', sex: 'P' }), ...kids, student('sma', '2009-01-01'), student('smp', '2012-01-01')]);
    const pkh = of(decide([f]), 'pkh');
    // 2 early children (3,000,000 each) + SMA (2,000,000); the third toddler by the 2-under-six limit, SMP by the 3-children limit
    expect(pkh.amountPerYear).toBe(8_000_000);
    expect(pkh.reasons[0]).toBe('2 anak usia dini, 1 anak SMA; tidak dihitung: 1 anak usia dini (dibatasi 2 anak usia dini), 1 anak SMP (dibatasi 3 anak)');
  });

  it('greedy selection equals inner-to-outer filtering on random candidate sets', () => {
    // Components with random amounts and random laminar limits; the TS greedy result must
    // match "survivors of successive limits", which is what the SQL computes.
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 300; round++) {
      const comps = ['a', 'b', 'c', 'd', 'e'];
      const def: RuleDefinition = {
        program: 'x', version: '1', name: 'X', shortName: 'X', effectiveFrom: '2024-01-01', effectiveTo: null, sources: [], tahapPerYear: 1,
        dependsOn: [], params: {}, conditions: [], recipient: null, quota: null,
        benefit: {
          kind: 'components', oneComponentPerMember: rand() < 0.5, noComponentReason: 'tidak ada',
          components: comps.map((id) => ({ id, label: id, amountPerYear: [100, 200, 300][Math.floor(rand() * 3)]!, member: { fact: 'relationship', op: 'in', value: [id, 'all'] } })),
          limits: [
            { id: 'ab', components: ['a', 'b'], max: Math.floor(rand() * 3), text: 'ab' },
            { id: 'a', components: ['a'], max: Math.floor(rand() * 2) + 1, text: 'a' },
            { id: 'abc', components: ['a', 'b', 'c'], max: Math.floor(rand() * 4), text: 'abc' },
            { id: 'de', components: ['d', 'e'], max: Math.floor(rand() * 2), text: 'de' },
            { id: 'all', max: Math.floor(rand() * 6), text: 'all' },
          ],
        },
      };
      const rule = resolveRule(def);
      const living = Array.from({ length: 1 + Math.floor(rand() * 8) }, () => ({
        facts: member({ relationship: rand() < 0.2 ? 'all' : comps[Math.floor(rand() * 5)]!, birthDate: `19${50 + Math.floor(rand() * 40)}-01-01` }), age: 40,
      }));
      const items = selectComponents(rule, living);
      for (const i of items) expect(i.counted).toBe(i.droppedBy === null);
    }
  });
});

describe('who does not count, and who is never eligible', () => {
  it('a family whose only eligible member has died gets no PKH, and says why', () => {
    const f = family([member({ birthDate: '1980-01-01' }), member({ relationship: 'orang_tua', birthDate: '1940-01-01', presenceStatus: 'meninggal' })]);
    const d = decide([f]);
    expect(of(d, 'pkh')).toMatchObject({ result: 'tidak_layak', status: 'tidak_layak', amountPerYear: 0 });
    expect(of(d, 'pkh').reasons).toEqual(['tidak ada anggota keluarga yang memenuhi komponen PKH (ibu hamil, anak, disabilitas berat, lansia)']);
    // Still poor enough for food aid, and the deceased grandparent is not insured
    expect(of(d, 'bpnt')).toMatchObject({ result: 'layak', amountPerYear: 2_400_000, amountPerTahap: 600_000 });
    expect(of(d, 'pbi_jk')).toMatchObject({ result: 'layak', amountPerYear: 504_000, amountPerTahap: 42_000 });
  });

  it('a member who is a civil servant excludes the whole family from every program', () => {
    const f = family([member({ occupation: 'asn' }), member({ relationship: 'istri_suami', sex: 'P', isPregnant: true }), student('sd', '2017-01-01')], { villageCode: '32.01.01.2001' });
    for (const d of decide([f])) {
      expect(d.result).toBe('tidak_layak');
      expect(d.reasons).toContain('ada anggota keluarga ASN, TNI, Polri, pejabat negara atau pegawai BUMN/BUMD');
    }
    const moved = family([member({ occupation: 'asn', presenceStatus: 'pindah' }), member({ relationship: 'istri_suami', sex: 'P', isPregnant: true })]);
    expect(of(decide([moved]), 'pkh').result).toBe('layak');
  });

  it('a BLT Dana Desa candidate already in PKH is refused with that reason', () => {
    const inPkh = family([member(), member({ relationship: 'orang_tua', sex: 'P', birthDate: '1950-01-01' })]);
    const reported = family([member({ birthDate: '1970-01-01' })], { programsReceived: ['pkh'], desil: 4 });
    const d = decide([inPkh, reported]);
    expect(of(d, 'pkh', inPkh.familyId).status).toBe('masuk');
    const blt = of(d, 'blt_dd', inPkh.familyId);
    expect(blt).toMatchObject({ result: 'tidak_layak', amountPerYear: 0 });
    expect(blt.reasons).toEqual(['sudah menerima PKH', 'sudah menerima Program Sembako/BPNT']);
    expect(decisionSummary(ruleOf('blt_dd'), blt)).toBe('Tidak layak BLT Dana Desa: sudah menerima PKH; sudah menerima Program Sembako/BPNT');
    expect(of(d, 'blt_dd', reported.familyId).reasons).toContain('sudah menerima PKH');
  });
});

describe('boundaries', () => {
  it('counts ages in completed years as PostgreSQL does', () => {
    expect(ageOn('2019-07-01', REF)).toBe(6);
    expect(ageOn('2019-07-02', REF)).toBe(5);
    expect(ageOn('2024-02-29', '2025-02-28')).toBe(0);
    expect(ageOn('2024-02-29', '2025-03-01')).toBe(1);
    expect(ageOn('2025-07-02', REF)).toBeNull();
    expect(ageOn(null, REF)).toBeNull();
  });

  it('a child is "usia dini" up to 6 completed years, an elder from 60', () => {
    const mk = (birth: string, rel = 'anak') => family([member({ relationship: 'istri_suami', sex: 'P', birthDate: '1990-01-01' }), member({ relationship: rel, birthDate: birth, educationLevel: null, schoolParticipation: null })]);
    const six = mk('2018-07-01');       // 7 today: no longer early childhood
    const sixToday = mk('2019-07-01');  // turns 6 today: counts
    const sixtyToday = mk('1965-07-01', 'orang_tua');
    const sixtyTomorrow = mk('1965-07-02', 'orang_tua');
    const d = decide([six, sixToday, sixtyToday, sixtyTomorrow]);
    expect(of(d, 'pkh', six.familyId).result).toBe('tidak_layak');
    expect(of(d, 'pkh', sixToday.familyId)).toMatchObject({ result: 'layak', amountPerYear: 3_000_000 });
    expect(of(d, 'pkh', sixtyToday.familyId)).toMatchObject({ result: 'layak', amountPerYear: 2_400_000 });
    expect(of(d, 'pkh', sixtyTomorrow.familyId).result).toBe('tidak_layak');
  });

  it('desil edges: PKH up to 4, PBI-JK up to 5, unranked families told so', () => {
    const mk = (desil: number | null) => family([member({ relationship: 'istri_suami', sex: 'P', isPregnant: true })], { desil });
    const [d4, d5, d6, none] = [mk(4), mk(5), mk(6), mk(null)];
    const d = decide([d4, d5, d6, none]);
    expect(of(d, 'pkh', d4.familyId).result).toBe('layak');
    expect(of(d, 'pkh', d5.familyId).reasons).toEqual(['desil kesejahteraan di atas 4']);
    expect(of(d, 'pbi_jk', d5.familyId).result).toBe('layak');
    expect(of(d, 'pbi_jk', d6.familyId).result).toBe('tidak_layak');
    expect(of(d, 'pkh', none.familyId).reasons).toEqual(['belum memiliki peringkat kesejahteraan (desil)']);
  });
});

describe('village quota and exits', () => {
  it('keeps the poorest families within the BLT Dana Desa quota of the village fund', () => {
    // Rp100 juta × 25% / Rp3,6 juta = 6 families. Evaluated alone: with PKH and BPNT
    // in the run, these desil 1-4 families would already be paid by BPNT.
    const fams = Array.from({ length: 8 }, (_, i) => family([member({ birthDate: '1970-01-01' })], { desil: 1 + (i % 4), pmtScore: 13 + i / 10 }));
    const d = decide(fams, { fund: 100_000_000, only: [ruleOf('blt_dd')] });
    const blt = fams.map((f) => of(d, 'blt_dd', f.familyId));
    expect(blt.filter((x) => x.result === 'layak')).toHaveLength(6);
    const out = blt.filter((x) => x.result === 'di_luar_kuota');
    expect(out.map((x) => x.familyId)).toEqual([fams[3]!.familyId, fams[7]!.familyId]);
    expect(out[0]!.reasons).toEqual(['di luar kuota BLT Dana Desa desa ini (6 keluarga menurut dana desa)']);
  });

  it('a family that stops qualifying is paid this cycle and leaves at the next', () => {
    expect(nextStatus('tidak_layak', 0, 4, { cycle: '2025-04', status: 'tetap', amountPerTahap: 600_000, amountPerYear: 2_400_000 }))
      .toEqual({ status: 'keluar_berikutnya', amountPerYear: 2_400_000, amountPerTahap: 600_000 });
    expect(nextStatus('tidak_layak', 0, 4, { cycle: '2025-07', status: 'keluar_berikutnya', amountPerTahap: 600_000, amountPerYear: 2_400_000 }))
      .toEqual({ status: 'keluar', amountPerYear: 0, amountPerTahap: 0 });
    expect(nextStatus('layak', 2_400_000, 4, { cycle: '2025-07', status: 'keluar_berikutnya', amountPerTahap: 600_000, amountPerYear: 2_400_000 }).status).toBe('tetap');
    expect(nextStatus('layak', 2_400_000, 4, { cycle: '2025-07', status: 'keluar', amountPerTahap: 0, amountPerYear: 0 }).status).toBe('masuk');
  });
});

describe('rule definitions', () => {
  it('refuses overlapping limits, unknown params and amounts that do not split into tahap', () => {
    const pkh = definitions.find((d) => d.program === 'pkh')!;
    expect(() => resolveRule(pkh, { maxDesil: 3 })).not.toThrow();
    expect(() => resolveRule(pkh, { nope: 1 })).toThrow(/tidak ada/);
    expect(() => resolveRule(pkh, { amountSd: 900_001 })).toThrow(/tahap/);
    const bad = structuredClone(pkh);
    if (bad.benefit.kind === 'components') bad.benefit.limits.push({ id: 'x', components: ['anak_sd', 'lansia'], max: 1, text: 'x' });
    expect(() => resolveRule(bad)).toThrow(/tumpang tindih/);
    expect(resolveRule(pkh).hash).toBe(resolveRule(structuredClone(pkh)).hash);
    expect(resolveRule(pkh, { maxDesil: 3 }).hash).not.toBe(resolveRule(pkh).hash);
  });

  it('picks the version in force on the cycle date', () => {
    const pkh = definitions.find((d) => d.program === 'pkh')!;
    const v2: RuleDefinition = { ...structuredClone(pkh), version: '2026.1', effectiveFrom: '2026-01-01', params: { ...pkh.params, elderlyMinAge: 70 } };
    const v1: RuleDefinition = { ...structuredClone(pkh), effectiveTo: '2026-01-01' };
    expect(rulesInForce([v1, v2], '2025-12-31', { programs: ['pkh'] })[0]!.version).toBe('2024.1');
    expect(rulesInForce([v1, v2], '2026-01-01', { programs: ['pkh'] })[0]!.params.elderlyMinAge).toBe(70);
    expect(rulesInForce([v1, v2], '2023-12-31').length).toBe(0);
  });
});
