/**
 * Rollup rows (migrations/0012_dashboard.sql) to indicators: pure, so the mapping from
 * metric names to the answer is tested without a database.
 */
import { PENGADUAN_CATEGORIES, SANGGAH_CATEGORIES, USUL_CATEGORIES } from '../portal/categories.js';
import type { Indicators } from './schemas.js';

export interface RollupRow {
  readonly regionCode: string;
  readonly metric: string;
  readonly dim: string;
  readonly bucket: string;
  readonly n: number;
  readonly amount: number;
}

/** Which of the stored cycles and rankings a reading shows. */
export interface ReadingContext {
  /** Program → its latest cycle nationally. */
  readonly cycles: ReadonlyMap<string, string>;
  /** The current welfare ranking, if any. */
  readonly rankingId: number | null;
}

/** Every submission category of the portal, as `kind.category`, so each region lists the same keys. */
export const SUBMISSION_KEYS: readonly string[] = [
  ...USUL_CATEGORIES.map((c) => `usul.${c.code}`),
  ...SANGGAH_CATEGORIES.map((c) => `sanggah.${c.code}`),
  ...PENGADUAN_CATEGORIES.map((c) => `pengaduan.${c.code}`),
];

const COUNTERS = {
  families: 'families', people: 'people', nik_valid: 'nikValid', nik_invalid: 'nikInvalid', nik_missing: 'nikMissing',
  verified: 'verified', dup_found: 'duplicatesFound', dup_resolved: 'duplicatesResolved',
} as const satisfies Record<string, keyof Indicators>;

const SUBMISSION_FIELD = { sub_open: 'open', sub_closed: 'closed', sub_overdue: 'overdue' } as const;

/**
 * Zero indicators with every known program and category present.
 * @example emptyIndicators({ cycles: new Map([['pkh', '2025-07']]), rankingId: null }).recipients.pkh // { cycle: '2025-07', families: 0, amountYear: 0 }
 */
export function emptyIndicators(ctx: ReadingContext): Indicators {
  const recipients: Indicators['recipients'] = {};
  for (const [program, cycle] of [...ctx.cycles].sort(([a], [b]) => (a < b ? -1 : 1))) recipients[program] = { cycle, families: 0, amountYear: 0 };
  const submissions: Indicators['submissions'] = {};
  for (const key of SUBMISSION_KEYS) submissions[key] = { open: 0, closed: 0, overdue: 0 };
  return {
    families: 0, people: 0, nikValid: 0, nikInvalid: 0, nikMissing: 0, verified: 0, duplicatesFound: 0, duplicatesResolved: 0,
    recipients, submissions, estimatedPoor: 0,
  };
}

/** Adds one rollup row into a region's indicators; rows of other cycles or rankings are left out. */
export function addRollupRow(ind: Indicators, row: RollupRow, ctx: ReadingContext): void {
  const { metric } = row;
  if (metric in COUNTERS) {
    ind[COUNTERS[metric as keyof typeof COUNTERS]] += row.n;
  } else if (metric === 'recipients') {
    if (ctx.cycles.get(row.dim) !== row.bucket) return;
    const entry = (ind.recipients[row.dim] ??= { cycle: row.bucket, families: 0, amountYear: 0 });
    entry.families += row.n;
    entry.amountYear += row.amount;
  } else if (metric in SUBMISSION_FIELD) {
    const entry = (ind.submissions[row.dim] ??= { open: 0, closed: 0, overdue: 0 });
    entry[SUBMISSION_FIELD[metric as keyof typeof SUBMISSION_FIELD]] += row.n;
  } else if (metric === 'poor') {
    if (ctx.rankingId !== null && row.bucket === String(ctx.rankingId)) ind.estimatedPoor += row.n;
  }
  // 'sub_due' (open submissions by due hour) only feeds the overdue count at fold time.
}

/**
 * Indicators per region code from the rollup rows of several regions.
 * @example indicatorsByRegion([{ regionCode: '32', metric: 'families', dim: '', bucket: '', n: 3, amount: 0 }], ctx).get('32')!.families // 3
 */
export function indicatorsByRegion(rows: readonly RollupRow[], ctx: ReadingContext): Map<string, Indicators> {
  const out = new Map<string, Indicators>();
  for (const row of rows) {
    let ind = out.get(row.regionCode);
    if (!ind) out.set(row.regionCode, (ind = emptyIndicators(ctx)));
    addRollupRow(ind, row, ctx);
  }
  return out;
}
