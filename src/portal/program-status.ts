/**
 * Where the portal gets each program's status for a family. The portal's default source
 * (eligibility-status.ts) reads the eligibility engine's decisions and the current desil,
 * falling back to what the family reports receiving (`family.programs_received`,
 * Regsosek "programs received with month/year") for programs the engine has not decided.
 * Sources implement `ProgramStatusSource`; the portal never needs to know which answered.
 */
import type { Tx } from '../platform/db.js';

/** The programs the public check reports, in display order (DOMAIN.md: PKH, Sembako, PBI-JK, BLT Dana Desa, PIP). */
export const PORTAL_PROGRAMS = ['pkh', 'bpnt', 'pbi_jk', 'blt_dd', 'pip'] as const;
export type PortalProgram = (typeof PORTAL_PROGRAMS)[number];

/**
 * - `menerima`: receiving (with the period, `YYYY-MM`, when known);
 * - `diproses`: decided or proposed, not yet paid (e.g. awaiting the Kemensos decree);
 * - `tidak_menerima`: not receiving.
 */
export const PROGRAM_STATES = ['menerima', 'diproses', 'tidak_menerima'] as const;
export type ProgramState = (typeof PROGRAM_STATES)[number];

export interface ProgramStatus {
  readonly program: PortalProgram;
  readonly status: ProgramState;
  /** `YYYY-MM` (month) or `YYYY-Qn` (quarter/tahap), or null when not known. */
  readonly period: string | null;
}

/** Desil band shown to the public: a range, never the exact rank. */
export interface DesilBand {
  readonly from: number;
  readonly to: number;
}

export interface FamilyStatus {
  readonly programs: readonly ProgramStatus[];
  readonly desilBand: DesilBand | null;
}

/** A family found by a check, with the registry columns the default source needs. */
export interface CheckedFamily {
  readonly familyId: number;
  readonly regencyCode: string;
  readonly memberId: number;
  readonly programsReceived: readonly string[];
  readonly programsReceivedPeriods: readonly string[];
}

export interface ProgramStatusSource {
  readonly name: string;
  /**
   * Statuses for the families, in the same order. Called once per check, also with an
   * empty list when nothing matched: an implementation that reads the database must do
   * the same work either way (e.g. one query whatever the list), so that found and not
   * found take the same time.
   */
  statusesOf(tx: Tx, families: readonly CheckedFamily[]): Promise<FamilyStatus[]>;
}

/**
 * Status from what the family reports receiving; no desil until the engine lands.
 * @example programsReceivedStatus({ programsReceived: ['pkh'], programsReceivedPeriods: ['2025-01'], … })
 * // { programs: [{ program: 'pkh', status: 'menerima', period: '2025-01' }, { program: 'bpnt', status: 'tidak_menerima', period: null }, …], desilBand: null }
 */
export function programsReceivedStatus(f: Pick<CheckedFamily, 'programsReceived' | 'programsReceivedPeriods'>): FamilyStatus {
  return {
    programs: PORTAL_PROGRAMS.map((program) => {
      const i = f.programsReceived.indexOf(program);
      const period = i >= 0 ? f.programsReceivedPeriods[i] || null : null;
      return { program, status: i >= 0 ? 'menerima' : 'tidak_menerima', period };
    }),
    desilBand: null,
  };
}

export const programsReceivedSource: ProgramStatusSource = {
  name: 'programs_received',
  async statusesOf(_tx, families) {
    return families.map(programsReceivedStatus);
  },
};
