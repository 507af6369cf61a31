/**
 * Test support for eligibility: families written straight into the registry tables
 * (identifiers are random bytes: the rules never read them), rankings set by hand,
 * and prior decisions. Everything is built by code from a seed.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Db } from '../../src/platform/db.js';
import type { Keyring } from '../../src/platform/keyring.js';
import type { FamilyFacts, MemberFacts } from '../../src/eligibility/rules/facts.js';
import { importFile } from '../../src/registry/import/import-file.js';
import { nationalActor } from '../support/db.js';
import { writeCsv, type Row } from '../support/builders.js';

/**
 * Imports hand-built family and member rows through the real import (every row must be
 * accepted) and returns the family id of each row index.
 */
export async function importRows(db: Db, keyring: Keyring, dir: string, families: readonly Row[], members: readonly Row[], today: Date): Promise<Map<number, number>> {
  writeCsv(join(dir, 'k.csv'), 'families', [...families]);
  writeCsv(join(dir, 'a.csv'), 'members', [...members]);
  const deps = { db, keyring, actor: nationalActor, today };
  expect(await importFile(deps, join(dir, 'k.csv'))).toMatchObject({ rejected: 0 });
  expect(await importFile(deps, join(dir, 'a.csv'))).toMatchObject({ rejected: 0 });
  const ids = new Map<number, number>();
  for (const [i, f] of families.entries()) {
    const row = await db.transaction(async (tx) => (await tx.raw.query<{ id: number }>('select id from family where kk_bidx = $1', [keyring.index.compute('kk', f.no_kk!)])).rows[0]!, nationalActor);
    ids.set(i, Number(row.id));
  }
  return ids;
}

export type MemberSpec = Omit<MemberFacts, 'memberId'>;
export interface FamilySpec {
  villageCode: string;
  programsReceived: string[];
  members: MemberSpec[];
  /** null: not ranked. */
  rank: { desil: number; pmtScore: number; bps14Count: number } | null;
}

/** Inserts families and members; returns their facts with database ids. */
export async function insertFamilies(db: Db, specs: readonly FamilySpec[]): Promise<FamilyFacts[]> {
  return db.transaction(async (tx) => {
    const ids = (await tx.raw.query<{ id: number }>(
      `insert into family (regency_code, village_code, kk_enc, kk_bidx, row_hash, programs_received)
       select left(v, 5), v, decode(b, 'hex'), decode(b, 'hex'), decode(b, 'hex'), string_to_array(p, ',')
       from unnest($1::text[], $2::text[], $3::text[]) with ordinality t(v, b, p, n) order by n returning id`,
      [specs.map((s) => s.villageCode), specs.map(() => randomBytes(16).toString('hex')), specs.map((s) => s.programsReceived.join(','))],
    )).rows.map((r) => Number(r.id));
    const m = specs.flatMap((s, i) => s.members.map((x) => ({ ...x, familyId: ids[i]!, villageCode: s.villageCode })));
    const col = <K extends keyof (typeof m)[number]>(k: K) => m.map((x) => x[k]);
    const memberIds = (await tx.raw.query<{ id: number }>(
      `insert into member (regency_code, family_id, village_code, member_key, row_hash, full_name, sex, birth_date, relationship,
         presence_status, is_pregnant, education_level, school_participation, severe_disability, disabilities, occupation, work_status,
         health_insurance, chronic_illness)
       select left(v, 5), f, v, decode(md5(random()::text || n), 'hex'), '\\x00', 'Warga', s, b, r, ps, pg, el, sp, sd,
         case when d = '' then '{}'::text[] else string_to_array(d, ',') end, o, ws, hi, ci
       from unnest($1::bigint[], $2::text[], $3::text[], $4::date[], $5::text[], $6::text[], $7::boolean[], $8::text[], $9::text[],
         $10::boolean[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])
         with ordinality t(f, v, s, b, r, ps, pg, el, sp, sd, d, o, ws, hi, ci, n)
       order by n returning id`,
      [col('familyId'), col('villageCode'), col('sex'), col('birthDate'), col('relationship'), col('presenceStatus'), col('isPregnant'),
        col('educationLevel'), col('schoolParticipation'), col('severeDisability'), m.map((x) => x.disabilities.join(',')), col('occupation'),
        col('workStatus'), col('healthInsurance'), col('chronicIllness')],
    )).rows.map((r) => Number(r.id));
    let k = 0;
    return specs.map((s, i) => ({
      familyId: ids[i]!, regencyCode: s.villageCode.slice(0, 5), villageCode: s.villageCode,
      desil: s.rank?.desil ?? null, pmtScore: s.rank?.pmtScore ?? null, bps14Count: s.rank?.bps14Count ?? null,
      programsReceived: s.programsReceived,
      members: s.members.map((x) => ({ ...x, memberId: memberIds[k++]! })),
    }));
  }, nationalActor);
}

/** Makes a ranking current with the given desil per family (families left out are unranked). */
export async function setRanking(db: Db, ranks: ReadonlyArray<{ familyId: number; desil: number; pmtScore: number | null; bps14Count: number }>): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.raw.query('update welfare_ranking set is_current = false where is_current');
    const id = Number((await tx.raw.query<{ id: number }>(
      `insert into welfare_ranking (method, reference_date, created_by, is_current, families) values ('pmt', '2025-07-01', 'test', true, $1) returning id`,
      [ranks.length])).rows[0]!.id);
    await tx.raw.query(
      `insert into welfare_rank (ranking_id, family_id, regency_code, village_code, pmt_score, pmt_desil, bps14_count, bps14_desil, desil, percentile)
       select $1, f.id, f.regency_code, f.village_code, t.s, t.d, t.b, t.d, t.d, t.d / 10.0
       from unnest($2::bigint[], $3::int[], $4::float8[], $5::int[]) t(id, d, s, b) join family f on f.id = t.id`,
      [id, ranks.map((r) => r.familyId), ranks.map((r) => r.desil), ranks.map((r) => r.pmtScore), ranks.map((r) => r.bps14Count)]);
    return id;
  }, nationalActor);
}

export interface PriorSpec { familyId: number; program: string; cycle: string; status: string; amountPerYear: number; amountPerTahap: number }

/** Decisions of earlier cycles, as a run would have stored them (one row per family and cycle). */
export async function insertPriorDecisions(db: Db, priors: readonly PriorSpec[]): Promise<void> {
  if (priors.length === 0) return;
  await db.transaction((tx) => tx.raw.query(
    `insert into eligibility_decision_set (regency_code, family_id, cycle, village_code, decisions)
     select f.regency_code, f.id, t.c, f.village_code,
       array_agg(row(t.p, 'lama', null, '\\x00',
         case when t.s in ('masuk', 'tetap') then 'layak' when t.s = 'di_luar_kuota' then 'di_luar_kuota' else 'tidak_layak' end,
         t.s, 4, t.pt, t.py, null, '{}', null, null, null, null, null, now())::eligibility_program_decision order by t.p)
     from unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[]) t(id, p, c, s, py, pt) join family f on f.id = t.id
     group by f.regency_code, f.id, t.c, f.village_code`,
    [priors.map((p) => p.familyId), priors.map((p) => p.program), priors.map((p) => p.cycle), priors.map((p) => p.status),
      priors.map((p) => p.amountPerYear), priors.map((p) => p.amountPerTahap)]), nationalActor);
}

/** A small deterministic PRNG for test data. */
export function seeded(seed: number) {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p: number): boolean => next() < p,
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
  };
}
