/**
 * One region's dashboard: its indicators and those of each child region, read from the
 * rollups only (never a scan of the registry). Pending deltas are folded first, bounded
 * and only if no other fold is running, so a reader never waits behind a long fold.
 */
import type { Actor, Db, Tx } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import { isWithinScope, levelOfCode } from '../regions/names.js';
import { emptyIndicators, indicatorsByRegion, type ReadingContext, type RollupRow } from './indicators.js';
import type { DashboardSnapshot } from './schemas.js';

export interface ReadDashboardOptions {
  /** Delta rows a reader may fold before reading (default 1,000, a few tens of milliseconds; 0: never fold). */
  readonly foldLimit?: number;
}

export const DEFAULT_READ_FOLD_LIMIT = 1_000;

/** Level of 'ID' or a Kemendagri code; throws a validation error otherwise. */
export function dashboardLevel(region: string): 0 | 1 | 2 | 3 | 4 {
  if (region === 'ID') return 0;
  const level = levelOfCode(region);
  if (level === undefined) throw new AppError('validation', `Kode wilayah "${region}" tidak valid: gunakan ID atau kode Kemendagri (mis. 32.01).`);
  return level;
}

/**
 * A region's figures are aggregates of everyone in it: an account sees its own region
 * and those below, never a wider one (a regency account asking for 'ID' is refused).
 */
export function assertDashboardScope(actor: Actor, region: string): void {
  if (!isWithinScope(actor.scope, region)) {
    throw new AppError('forbidden', `Dasbor wilayah ${region} di luar cakupan akun Anda (${actor.scope}); pilih ${actor.scope} atau wilayah di bawahnya.`);
  }
}

interface MetaRow { as_of: string | Date; ranking_id: number | null; cycles: Array<[string, string]> | string; name: string | null }
interface RollupDbRow { region_code: string; metric: string; dim: string; bucket: string; n: number; amount: number }

// Rows a reading can use: plain counters, the latest cycle per program, the current ranking.
const ROLLUP_ROWS = `
  select region_code, metric, dim, bucket, n, amount from dashboard_rollup
   where region_code = $1 and (bucket = '' or (metric = 'recipients' and dim || '@' || bucket = any($2::text[])) or (metric = 'poor' and bucket = $3))
  union all
  select region_code, metric, dim, bucket, n, amount from dashboard_rollup
   where parent_code = $1 and (bucket = '' or (metric = 'recipients' and dim || '@' || bucket = any($2::text[])) or (metric = 'poor' and bucket = $3))`;

async function readIn(tx: Tx, region: string, level: number, foldLimit: number): Promise<DashboardSnapshot> {
  if (foldLimit > 0) await tx.raw.query('select case when dashboard_pending() then dashboard_fold($1, false) else 0 end as applied', [foldLimit]);
  const meta = (await tx.raw.query<MetaRow>(
    `select case when dashboard_pending() then s.folded_at else now() end as as_of,
            (select id from welfare_ranking where is_current) as ranking_id,
            (select coalesce(json_agg(json_build_array(program, cycle)), '[]'::json) from dashboard_latest_cycles()) as cycles,
            (select name from region where code = $1) as name
       from dashboard_state s where s.id = 1`, [region])).rows[0]!;
  if (region !== 'ID' && meta.name === null) throw new AppError('not_found', `Wilayah ${region} tidak ditemukan.`);
  const cyclePairs = (typeof meta.cycles === 'string' ? JSON.parse(meta.cycles) : meta.cycles) as Array<[string, string]>;
  const ctx: ReadingContext = { cycles: new Map(cyclePairs), rankingId: meta.ranking_id === null ? null : Number(meta.ranking_id) };
  const children = level === 4 ? [] : (await tx.raw.query<{ code: string; name: string }>(
    level === 0 ? 'select code, name from region where level = 1 order by code' : 'select code, name from region where parent_code = $1 order by code',
    level === 0 ? [] : [region])).rows;
  const rows = (await tx.raw.query<RollupDbRow>(ROLLUP_ROWS, [
    region, cyclePairs.map(([p, c]) => `${p}@${c}`), ctx.rankingId === null ? '' : String(ctx.rankingId),
  ])).rows;
  const byRegion = indicatorsByRegion(rows.map((r): RollupRow => ({
    regionCode: r.region_code, metric: r.metric, dim: r.dim, bucket: r.bucket, n: Number(r.n), amount: Number(r.amount),
  })), ctx);
  return {
    region: { code: region, name: region === 'ID' ? 'Indonesia' : meta.name!, level },
    asOf: new Date(meta.as_of).toISOString(),
    totals: byRegion.get(region) ?? emptyIndicators(ctx),
    children: children.map((c) => ({ code: c.code, name: c.name, indicators: byRegion.get(c.code) ?? emptyIndicators(ctx) })),
  };
}

/**
 * The same reading inside the caller's transaction (the public statistics read it with
 * the portal's national scope). The region must exist and be within the transaction's scope.
 * @example const snap = await readDashboardInTransaction(tx, '32.01'); snap.totals.recipients.pkh
 */
export async function readDashboardInTransaction(tx: Tx, region: string, foldLimit = DEFAULT_READ_FOLD_LIMIT): Promise<DashboardSnapshot> {
  return readIn(tx, region, dashboardLevel(region), foldLimit);
}

/**
 * @example const snap = await readDashboard({ db }, actor, '32.01'); snap.children.length // districts of Kabupaten Bogor
 */
export async function readDashboard(deps: { db: Db }, actor: Actor, region: string = actor.scope, opts: ReadDashboardOptions = {}): Promise<DashboardSnapshot> {
  const level = dashboardLevel(region);
  assertDashboardScope(actor, region);
  return deps.db.transaction((tx) => readIn(tx, region, level, opts.foldLimit ?? DEFAULT_READ_FOLD_LIMIT), actor);
}
