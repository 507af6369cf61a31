/**
 * Program status from the eligibility engine's decisions (src/eligibility), with the
 * family's own report of what it receives for what the engine has not decided:
 * - decided in (masuk, tetap, or leaving at the next cycle): `menerima` when the family is
 *   paid (it reports receiving the program), otherwise `diproses` for the decision's cycle;
 * - decided out (keluar, tidak layak, outside the quota): `tidak_menerima`;
 * - no decision for the program: what the family reports receiving.
 * The desil band comes from the current welfare ranking.
 *
 * One statement per call whatever the number of families (also none), so a check that
 * found nobody does the same database work as one that found somebody.
 */
import type { Tx } from '../platform/db.js';
import { PAYABLE_STATUSES } from '../eligibility/rules/facts.js';
import {
  PORTAL_PROGRAMS, programsReceivedStatus,
  type CheckedFamily, type DesilBand, type FamilyStatus, type PortalProgram, type ProgramStatus, type ProgramStatusSource,
} from './program-status.js';

const DECIDED_IN: ReadonlySet<string> = new Set(PAYABLE_STATUSES);

// The latest cycle decided for each family, its decisions, and the family's desil.
const STATUS_SQL = `
  select q.n, s.cycle, d.program, d.status::text as status, r.desil
    from unnest($1::bigint[], $2::text[]) with ordinality as q(family_id, regency_code, n)
    left join lateral (
      select s.cycle, s.decisions from eligibility_decision_set s
       where s.regency_code = q.regency_code and s.family_id = q.family_id
       order by s.cycle desc limit 1) s on true
    left join lateral unnest(s.decisions) d on true
    left join welfare_rank r on r.ranking_id = (select id from welfare_ranking where is_current)
      and r.regency_code = q.regency_code and r.family_id = q.family_id`;

interface Row {
  n: string | number;
  cycle: string | null;
  program: string | null;
  status: string | null;
  desil: number | null;
}

/**
 * The band a desil is shown in, never the exact rank: 1–4 (the range of PKH and Sembako),
 * 5 (the edge PBI-JK reaches) and 6–10 (above the programs' reach).
 * @example desilBand(3) // { from: 1, to: 4 }
 */
export function desilBand(desil: number | null): DesilBand | null {
  if (desil === null || !Number.isInteger(desil) || desil < 1 || desil > 10) return null;
  if (desil <= 4) return { from: 1, to: 4 };
  if (desil === 5) return { from: 5, to: 5 };
  return { from: 6, to: 10 };
}

/**
 * One family's status from its decisions (program → enrolment status) and its report.
 * @example combineStatus({ programsReceived: [], programsReceivedPeriods: [] }, '2026-01', new Map([['pkh', 'masuk']]), 3)
 * // pkh diproses (2026-01), the others tidak_menerima, desil band 1–4
 */
export function combineStatus(
  family: Pick<CheckedFamily, 'programsReceived' | 'programsReceivedPeriods'>,
  cycle: string | null,
  decisions: ReadonlyMap<string, string>,
  desil: number | null,
): FamilyStatus {
  const reported = programsReceivedStatus(family);
  const programs = PORTAL_PROGRAMS.map((program: PortalProgram, i): ProgramStatus => {
    const decided = decisions.get(program);
    const own = reported.programs[i]!;
    if (decided === undefined) return own;
    if (!DECIDED_IN.has(decided)) return { program, status: 'tidak_menerima', period: null };
    if (own.status === 'menerima') return own.period ? own : { program, status: 'menerima', period: cycle };
    return { program, status: 'diproses', period: cycle };
  });
  return { programs, desilBand: desilBand(desil) };
}

export const eligibilityStatusSource: ProgramStatusSource = {
  name: 'eligibility',
  async statusesOf(tx: Tx, families: readonly CheckedFamily[]): Promise<FamilyStatus[]> {
    const { rows } = await tx.raw.query<Row>(STATUS_SQL, [families.map((f) => f.familyId), families.map((f) => f.regencyCode)]);
    const found = families.map(() => ({ cycle: null as string | null, decisions: new Map<string, string>(), desil: null as number | null }));
    for (const r of rows) {
      const f = found[Number(r.n) - 1];
      if (!f) continue;
      f.cycle = r.cycle;
      f.desil = r.desil === null ? null : Number(r.desil);
      if (r.program !== null && r.status !== null) f.decisions.set(r.program, r.status);
    }
    return families.map((family, i) => combineStatus(family, found[i]!.cycle, found[i]!.decisions, found[i]!.desil));
  },
};
