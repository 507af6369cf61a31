/**
 * What the rules look at: a family, its members and its welfare ranking, as plain data.
 * Loaded from the registry for one family (`load-facts.ts`) or built by tests.
 */

/** Presence statuses that count as living in the family; deceased, moved and not-found members never count. */
export const LIVING_PRESENCE: readonly string[] = ['tinggal', 'baru'];

export interface MemberFacts {
  memberId: number;
  presenceStatus: string;
  birthDate: string | null;
  sex: string;
  relationship: string;
  isPregnant: boolean;
  educationLevel: string | null;
  schoolParticipation: string | null;
  severeDisability: boolean;
  disabilities: readonly string[];
  occupation: string | null;
  workStatus: string | null;
  healthInsurance: string | null;
  chronicIllness: string | null;
}

export interface FamilyFacts {
  familyId: number;
  regencyCode: string;
  villageCode: string;
  /** From the current welfare ranking; null when the family is not ranked. */
  desil: number | null;
  pmtScore: number | null;
  bps14Count: number | null;
  /** Programs the family reports receiving (registry field). */
  programsReceived: readonly string[];
  members: readonly MemberFacts[];
}

/** An earlier cycle's decision for one program, the basis of the enrolment status. */
export interface PriorDecision {
  cycle: string;
  status: DecisionStatus;
  amountPerTahap: number;
  amountPerYear: number;
}

export type EvaluationResult = 'layak' | 'tidak_layak' | 'di_luar_kuota';
export type DecisionStatus = 'masuk' | 'tetap' | 'keluar_berikutnya' | 'keluar' | 'tidak_layak' | 'di_luar_kuota';

/** Statuses under which the family is paid in the cycle. */
export const PAYABLE_STATUSES: readonly DecisionStatus[] = ['masuk', 'tetap', 'keluar_berikutnya'];

/** Kelurahan codes have a DDDD part starting with 1; desa with 2 (3: desa adat). */
export function isKelurahan(villageCode: string): boolean {
  return villageCode.charAt(9) === '1';
}

/**
 * Completed years on `ref` (both `YYYY-MM-DD`), as PostgreSQL's `age()` counts them;
 * undefined when the birth date is unknown or after the reference date.
 * @example ageOn('2019-07-01', '2025-07-01') === 6; ageOn('2019-07-02', '2025-07-01') === 5
 */
export function ageOn(birthDate: string | null, ref: string): number | null {
  if (birthDate === null || birthDate > ref) return null;
  const by = Number(birthDate.slice(0, 4));
  const bm = Number(birthDate.slice(5, 7));
  const bd = Number(birthDate.slice(8, 10));
  const ry = Number(ref.slice(0, 4));
  const rm = Number(ref.slice(5, 7));
  const rd = Number(ref.slice(8, 10));
  return ry - by - (rm < bm || (rm === bm && rd < bd) ? 1 : 0);
}
