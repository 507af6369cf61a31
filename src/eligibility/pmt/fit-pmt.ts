/**
 * `tepat pmt fit`: fits PMT weights on surveyed families (consumption_survey), keeping
 * a held-out share aside to report R² and targeting errors honestly, then stores the
 * weights as a new model version. Streams the families page by page: memory holds the
 * normal equations and the held-out predictions, never the survey.
 */
import type { Actor, Db, Tx } from '../../platform/db.js';
import { appendAudit } from '../../platform/audit.js';
import { AppError } from '../../platform/errors.js';
import { FEATURES, FEATURE_SET, featureQuery } from './features.js';
import { rSquared, splitFraction, targeting, type TargetingReport, type TargetingRow } from './metrics.js';
import { saveModel, type PmtWeights } from './model.js';
import { Gram, fitRidge, predict } from './ridge.js';

export interface FitOptions {
  /** Share of families selected (0.4 = desil 1–4). */
  quota?: number;
  /** Share of surveyed families held out for evaluation. */
  holdout?: number;
  /** Penalties to choose from (on standardised features). */
  lambdas?: readonly number[];
  version?: string;
  activate?: boolean;
  /** Reference date for ages; default today. */
  refDate?: string;
  pageSize?: number;
}

export interface FitReport {
  modelId: number;
  version: string;
  featureSet: string;
  lambda: number;
  families: { train: number; test: number };
  r2: { train: number; test: number };
  /** PMT and the 14-criteria count, side by side, on the same held-out families. */
  pmt: TargetingReport;
  bps14: TargetingReport;
}

interface FeatureRow {
  family_id: number;
  regency_code: string;
  bps14: number;
  consumption_per_capita: number;
  poverty_line: number | null;
  [x: string]: unknown;
}

const DEFAULT_LAMBDAS = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1, 3, 10];

async function* surveyPages(db: Db, actor: Actor, refDate: string, pageSize: number): AsyncGenerator<FeatureRow[]> {
  let after = 0;
  for (;;) {
    const page = `select f.*, s.consumption_per_capita, s.poverty_line from family f
      join consumption_survey s on s.family_id = f.id and s.regency_code = f.regency_code
      where f.id > $1 order by f.id limit ${pageSize}`;
    const rows = await db.transaction(async (tx) => {
      // The feature query is large but each page is small: compiling it (JIT) would dominate.
      await tx.raw.query(`select set_config('jit', 'off', true)`);
      return (await tx.raw.query<FeatureRow>(
      `${featureQuery(page, refDate, 'f.consumption_per_capita, f.poverty_line')} order by f.id`, [after])).rows;
    }, actor);
    if (rows.length > 0) yield rows;
    if (rows.length < pageSize) return;
    after = Number(rows[rows.length - 1]!.family_id);
  }
}

function features(row: FeatureRow): Float64Array {
  const x = new Float64Array(FEATURES.length);
  for (let i = 0; i < FEATURES.length; i++) x[i] = Number(row[`x${i}`]);
  return x;
}

/**
 * @example const report = await fitPmtModel({ db, actor }, { quota: 0.4 });
 */
export async function fitPmtModel(deps: { db: Db; actor: Actor }, opts: FitOptions = {}): Promise<FitReport> {
  const quota = opts.quota ?? 0.4;
  const holdout = opts.holdout ?? 0.2;
  const refDate = opts.refDate ?? new Date().toISOString().slice(0, 10);
  const pageSize = opts.pageSize ?? 5000;
  if (!(quota > 0 && quota < 1) || !(holdout > 0 && holdout < 1)) throw new AppError('validation', 'quota dan holdout harus antara 0 dan 1.');
  const { db, actor } = deps;

  const regions = await db.transaction(async (tx: Tx) => (await tx.raw.query<{ regency_code: string }>(
    'select distinct regency_code from consumption_survey order by 1')).rows.map((r) => r.regency_code), actor);
  if (regions.length === 0) throw new AppError('validation', 'Belum ada data konsumsi survei: muat dulu dengan tepat pmt load-survey.');
  const provinces = [...new Set(regions.map((r) => r.slice(0, 2)))];
  const catIndex = new Map<string, number>([...provinces.map((p, i) => [`p${p}`, i] as const), ...regions.map((r, i) => [`r${r}`, provinces.length + i] as const)]);
  const catsOf = (regency: string): number[] => [catIndex.get(`p${regency.slice(0, 2)}`)!, catIndex.get(`r${regency}`)!];

  const d = FEATURES.length;
  const core = new Gram(d, catIndex.size);
  const validation = new Gram(d, catIndex.size);
  let tested = 0;
  for await (const page of surveyPages(db, actor, refDate, pageSize)) {
    for (const row of page) {
      const id = Number(row.family_id);
      if (splitFraction(id) < holdout) { tested++; continue; }
      (splitFraction(id, 0x5eed) < 0.2 ? validation : core).add(features(row), catsOf(row.regency_code), Math.log(Number(row.consumption_per_capita)));
    }
  }
  if (core.n + validation.n < FEATURES.length * 5 || tested === 0) {
    throw new AppError('validation', `Terlalu sedikit keluarga survei untuk melatih PMT (${core.n + validation.n} latih, ${tested} uji).`);
  }
  const fit = fitRidge(core, validation, opts.lambdas ?? DEFAULT_LAMBDAS);
  const beta = fit.beta;
  const train = core.merge(validation);
  const r2Train = 1 - train.sse(beta) / train.sst();

  // Second pass: predictions for the held-out families.
  const actual: number[] = [];
  const predicted: number[] = [];
  const pmtRows: TargetingRow[] = [];
  const bpsRows: TargetingRow[] = [];
  for await (const page of surveyPages(db, actor, refDate, pageSize)) {
    for (const row of page) {
      const id = Number(row.family_id);
      if (splitFraction(id) >= holdout) continue;
      const y = Number(row.consumption_per_capita);
      const p = predict(beta, d, features(row), catsOf(row.regency_code));
      const povertyLine = row.poverty_line === null ? null : Number(row.poverty_line);
      actual.push(Math.log(y));
      predicted.push(p);
      pmtRows.push({ id, consumption: y, povertyLine, score: p });
      bpsRows.push({ id, consumption: y, povertyLine, score: -Number(row.bps14) });
    }
  }

  const weights: PmtWeights = {
    featureSet: FEATURE_SET, referenceDate: refDate, lambda: fit.lambda, intercept: beta[0]!,
    features: Object.fromEntries(FEATURES.map((f, i) => [f.name, beta[1 + i]!])),
    province: Object.fromEntries(provinces.map((p) => [p, beta[1 + d + catIndex.get(`p${p}`)!]!])),
    regency: Object.fromEntries(regions.map((r) => [r, beta[1 + d + catIndex.get(`r${r}`)!]!])),
  };
  const version = opts.version ?? `pmt-${new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}`;
  const report: Omit<FitReport, 'modelId'> = {
    version, featureSet: FEATURE_SET, lambda: fit.lambda,
    families: { train: train.n, test: actual.length },
    r2: { train: r2Train, test: rSquared(actual, predicted) },
    pmt: targeting(pmtRows, quota),
    bps14: targeting(bpsRows, quota),
  };
  const modelId = await db.transaction(async (tx) => {
    const id = await saveModel(tx, { version, weights, metrics: report, activate: opts.activate ?? true, createdBy: actor.id });
    await appendAudit(tx, { action: 'pmt.fit', entityType: 'pmt_model', entityId: id, changes: { version, lambda: fit.lambda, r2: report.r2, families: report.families } });
    return id;
  }, actor);
  return { modelId, ...report };
}
