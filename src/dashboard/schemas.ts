/**
 * The dashboard's answer shapes (docs/console-api.md, "Dashboard"): one set of
 * indicators per region, for the region asked and each of its child regions.
 */
import { z } from 'zod';

export const RegionCode = z.string().regex(/^(ID|\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?)$/, 'kode wilayah Kemendagri atau ID');

export const ProgramRecipients = z.object({
  /** The cycle (YYYY-MM) counted: the program's latest cycle nationally. */
  cycle: z.string(),
  families: z.number(),
  /** Yearly amount of the paid families, integer rupiah. */
  amountYear: z.number(),
});
export type ProgramRecipients = z.infer<typeof ProgramRecipients>;

export const SubmissionCounts = z.object({
  /** Not yet closed (overdue ones included). */
  open: z.number(),
  closed: z.number(),
  /** Open and past the hour their answer was due. */
  overdue: z.number(),
});
export type SubmissionCounts = z.infer<typeof SubmissionCounts>;

export const Indicators = z.object({
  families: z.number(),
  /** Members living in the family (presence 'tinggal' or 'baru'). */
  people: z.number(),
  nikValid: z.number(),
  /** NIK recorded with a validity flag from the import (placeholder, unknown region, mismatch…). */
  nikInvalid: z.number(),
  nikMissing: z.number(),
  /** Members whose latest civil-registry check of their current record is 'verified'. */
  verified: z.number(),
  duplicatesFound: z.number(),
  duplicatesResolved: z.number(),
  recipients: z.record(z.string(), ProgramRecipients),
  /** Keyed `kind.category`, e.g. `pengaduan.pungli`. */
  submissions: z.record(z.string(), SubmissionCounts),
  /** Families in desil 1-4 of the current welfare ranking. */
  estimatedPoor: z.number(),
});
export type Indicators = z.infer<typeof Indicators>;

export const DashboardRegion = z.object({
  code: z.string(),
  name: z.string(),
  /** 0 national, 1 province, 2 regency/city, 3 district, 4 village. */
  level: z.number().int().min(0).max(4),
});
export type DashboardRegion = z.infer<typeof DashboardRegion>;

export const DashboardSnapshot = z.object({
  region: DashboardRegion,
  /** When the rollups were last brought up to date (ISO 8601). */
  asOf: z.string(),
  totals: Indicators,
  children: z.array(z.object({ code: z.string(), name: z.string(), indicators: Indicators })),
});
export type DashboardSnapshot = z.infer<typeof DashboardSnapshot>;

export const ProvinceTile = z.object({ code: z.string(), name: z.string(), row: z.number().int(), col: z.number().int() });
export type ProvinceTile = z.infer<typeof ProvinceTile>;
