/**
 * Applies pending dashboard deltas to the rollups (dashboard_fold in
 * migrations/0012_dashboard.sql): set-based, each delta exactly once, safe to run twice
 * or from several processes at once (one fold runs, the others skip or wait).
 */
import type { Db } from '../platform/db.js';

export interface FoldOptions {
  /** Delta rows to apply at most (default 50,000; null: all pending). */
  readonly maxRows?: number | null;
  /** Wait for a fold already running instead of skipping (default false). */
  readonly wait?: boolean;
}

export type FoldResult = { readonly skipped: true } | { readonly skipped: false; readonly applied: number };

/**
 * @example const r = await foldDashboard(db, { maxRows: null, wait: true }); // { skipped: false, applied: 1234 }
 */
export async function foldDashboard(db: Db, opts: FoldOptions = {}): Promise<FoldResult> {
  const applied = await db.transaction(async (tx) => Number((await tx.raw.query<{ applied: number }>(
    'select dashboard_fold($1, $2) as applied', [opts.maxRows === undefined ? 50_000 : opts.maxRows, opts.wait ?? false])).rows[0]!.applied));
  return applied < 0 ? { skipped: true } : { skipped: false, applied };
}

/** Folds until nothing is pending (CLI, tests, benchmarks). */
export async function foldAll(db: Db, batchRows = 200_000): Promise<number> {
  let total = 0;
  for (;;) {
    const r = await foldDashboard(db, { maxRows: batchRows, wait: true });
    if (r.skipped) continue;
    total += r.applied;
    const pending = await db.transaction(async (tx) => (await tx.raw.query<{ p: boolean }>('select dashboard_pending() as p')).rows[0]!.p);
    if (!pending) return total;
  }
}
