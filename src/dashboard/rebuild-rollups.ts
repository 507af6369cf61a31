/**
 * Recomputes every dashboard rollup from the source tables (first install, repair after
 * a TRUNCATE or a restore). Exact while others write: the fold lock is taken first, then
 * one REPEATABLE READ snapshot serves both the recount and the removal of the deltas it
 * replaces; deltas committed after that snapshot stay queued for the next fold.
 */
import { appendAudit } from '../platform/audit.js';
import type { Actor, Db } from '../platform/db.js';

const FOLD_LOCK = 727_283_012; // dashboard_fold's advisory lock (migrations/0012_dashboard.sql)

export interface RebuildSummary {
  /** Rollup rows written, over all levels. */
  readonly rows: number;
  readonly families: number;
  readonly seconds: number;
}

/**
 * @example const { rows, families } = await rebuildDashboard(db, { id: 'cli', role: 'pusat', scope: 'ID', channel: 'cli' });
 */
export async function rebuildDashboard(db: Db, actor: Actor): Promise<RebuildSummary> {
  const started = performance.now();
  await db.withConnection(async (conn) => {
    await conn.query('select pg_advisory_lock($1)', [FOLD_LOCK]);
    try {
      await conn.exec('begin isolation level repeatable read');
      try {
        await conn.query('select dashboard_rebuild()');
        await conn.exec('commit');
      } catch (err) {
        await conn.exec('rollback').catch(() => {});
        throw err;
      }
    } finally {
      await conn.query('select pg_advisory_unlock($1)', [FOLD_LOCK]);
    }
  });
  const counts = await db.transaction(async (tx) => (await tx.raw.query<{ rows: number; families: number }>(
    `select (select count(*) from dashboard_rollup)::int as rows,
            coalesce((select n from dashboard_rollup where region_code = 'ID' and metric = 'families' and dim = '' and bucket = ''), 0)::bigint as families`)).rows[0]!);
  const seconds = Number(((performance.now() - started) / 1000).toFixed(2));
  await db.transaction((tx) => appendAudit(tx, {
    action: 'dashboard.rebuild', entityType: 'dashboard', entityId: 'ID', changes: { rows: counts.rows, families: Number(counts.families), seconds },
  }), actor);
  return { rows: counts.rows, families: Number(counts.families), seconds };
}
