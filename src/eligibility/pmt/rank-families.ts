/**
 * `tepat pmt rank`: ranks every family into desil 1–10 in one set-based statement:
 * score = weights · features computed in SQL, then ntile over the whole country
 * (BPS ranks nationally). Desil are deciles of families, poorest first; ties are
 * broken by family id. The 14-criteria count is ranked alongside as an alternative,
 * and the ranking's method decides which desil the programs use.
 */
import type { Actor, Db } from '../../platform/db.js';
import { appendAudit } from '../../platform/audit.js';
import { AppError } from '../../platform/errors.js';
import { featureQuery } from './features.js';
import { findModel, scoreSql, type PmtWeights } from './model.js';

export type RankMethod = 'pmt' | 'bps14';

export interface RankOptions {
  method?: RankMethod;
  /** Model version; default the active model. */
  model?: string;
  /** Weights given directly (e.g. from a JSON file) instead of a stored model. */
  weights?: PmtWeights;
  /** Reference date for ages; default today. */
  refDate?: string;
  /** Rankings to keep (older ones are deleted). */
  keep?: number;
}

export interface RankSummary {
  rankingId: number;
  method: RankMethod;
  modelVersion: string | null;
  families: number;
  /** Families per desil 1…10. */
  desil: number[];
}

/**
 * @example const summary = await rankFamilies({ db, actor: nationalActor }, { method: 'pmt' });
 */
export async function rankFamilies(deps: { db: Db; actor: Actor }, opts: RankOptions = {}): Promise<RankSummary> {
  const { db, actor } = deps;
  if (actor.scope !== 'ID') throw new AppError('forbidden', 'Peringkat desil bersifat nasional: jalankan dengan cakupan nasional (ID).');
  const summary = await rank(deps, opts);
  // Statistics of the new ranking for the runs that read it next (as the owner: the application role may not analyze).
  await db.transaction((tx) => tx.raw.exec('analyze welfare_rank'));
  return summary;
}

async function rank(deps: { db: Db; actor: Actor }, opts: RankOptions): Promise<RankSummary> {
  const { db, actor } = deps;
  const method = opts.method ?? 'pmt';
  const refDate = opts.refDate ?? new Date().toISOString().slice(0, 10);
  return db.transaction(async (tx) => {
    const model = opts.weights ? undefined : await findModel(tx, opts.model);
    if (opts.model && !model) throw new AppError('not_found', `Model PMT ${opts.model} tidak ditemukan.`);
    const weights = opts.weights ?? model?.weights;
    if (method === 'pmt' && !weights) throw new AppError('validation', 'Belum ada model PMT aktif: jalankan tepat pmt fit, atau pakai --method bps14.');
    const score = weights ? scoreSql(weights, 'q') : 'null::float8';
    // Big statements: JIT compilation would cost more than it saves, and sorts need room.
    await tx.raw.query(`select set_config('jit', 'off', true), set_config('work_mem', '128MB', true)`);
    const ranking = await tx.raw.query<{ id: number }>(
      'insert into welfare_ranking (method, model_id, reference_date, created_by) values ($1, $2, $3, $4) returning id',
      [method, model?.id ?? null, refDate, actor.id]);
    const rankingId = Number(ranking.rows[0]!.id);
    // Scores first, into a temporary table: unlike an insert, creating a table from a query
    // may use parallel workers for the heavy part (every member aggregated per family).
    await tx.raw.exec(`create temp table rank_score on commit drop as
      select q.family_id, q.regency_code, q.village_code, ${score} as score, q.bps14 from (${featureQuery(null, refDate)}) q`);
    const pmtDesil = weights ? 'ntile(10) over (order by score, family_id)' : 'null::int';
    const bpsDesil = 'ntile(10) over (order by bps14 desc, family_id)';
    const inserted = await tx.raw.query(`insert into welfare_rank (ranking_id, family_id, regency_code, village_code, pmt_score, pmt_desil,
        bps14_count, bps14_desil, desil, percentile)
      select $1, family_id, regency_code, village_code, score, pmt_desil, bps14, bps14_desil,
        ${method === 'pmt' ? 'pmt_desil' : 'bps14_desil'}, percentile
      from (select s.family_id, s.regency_code, s.village_code, s.score, s.bps14, ${pmtDesil} as pmt_desil, ${bpsDesil} as bps14_desil,
          percent_rank() over (order by ${method === 'pmt' ? 'score, family_id' : 'bps14 desc, family_id'}) as percentile
        from rank_score s) r
      order by regency_code, family_id`, [rankingId]);
    const families = inserted.rowCount;
    await tx.raw.query('update welfare_ranking set is_current = false where is_current');
    await tx.raw.query('update welfare_ranking set is_current = true, families = $2 where id = $1', [rankingId, families]);
    // Older rankings go with their ranks (welfare_rank has no foreign key: see 0013).
    const old = (await tx.raw.query<{ id: number }>('select id from welfare_ranking order by id desc offset $1', [opts.keep ?? 3])).rows.map((r) => Number(r.id));
    if (old.length > 0) {
      await tx.raw.query('delete from welfare_rank where ranking_id = any($1::bigint[])', [old]);
      await tx.raw.query('delete from welfare_ranking where id = any($1::bigint[])', [old]);
    }
    // ntile(10) fills the desil as evenly as it can, the first ones taking the remainder.
    const desil = Array.from({ length: 10 }, (_, i) => Math.floor(families / 10) + (i < families % 10 ? 1 : 0));
    await appendAudit(tx, { action: 'pmt.rank', entityType: 'welfare_ranking', entityId: rankingId, changes: { method, model: model?.version ?? null, families, refDate } });
    return { rankingId, method, modelVersion: model?.version ?? null, families, desil };
  }, actor);
}
