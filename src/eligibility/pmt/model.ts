/**
 * Stored PMT weights (table pmt_model, or a JSON file): versioned configuration that
 * the ranking turns into SQL. Parsed with Zod whenever read back.
 */
import { z } from 'zod';
import type { Tx } from '../../platform/db.js';
import { AppError } from '../../platform/errors.js';
import { sqlText } from '../rules/compile-sql.js';
import { FEATURES, FEATURE_SET } from './features.js';

const Weight = z.number().finite();

export const PmtWeights = z.object({
  featureSet: z.string(),
  /** Reference date the features (ages) were computed on when fitting. */
  referenceDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  lambda: z.number().nonnegative(),
  intercept: Weight,
  features: z.record(z.string(), Weight),
  /** Region effects, added to the score; regions not surveyed get 0. */
  province: z.record(z.string().regex(/^\d{2}$/), Weight),
  regency: z.record(z.string().regex(/^\d{2}\.\d{2}$/), Weight),
}).strict();
export type PmtWeights = z.infer<typeof PmtWeights>;

export interface PmtModel {
  id: number;
  version: string;
  weights: PmtWeights;
  metrics: unknown;
  isActive: boolean;
  createdAt: Date;
}

function num(n: number): string {
  return Number.isInteger(n) ? `${n}::float8` : `${n.toPrecision(17)}::float8`;
}

/**
 * The score (predicted log per-capita consumption) as SQL over the feature columns
 * x0… of `featureQuery`, `regency_code`, for the alias `s`.
 */
export function scoreSql(w: PmtWeights, alias = 's'): string {
  if (w.featureSet !== FEATURE_SET) {
    throw new AppError('validation', `Bobot PMT untuk himpunan fitur ${w.featureSet}, sedangkan sistem memakai ${FEATURE_SET}: latih ulang dengan tepat pmt fit.`);
  }
  const terms = FEATURES.map((f, i) => {
    const weight = w.features[f.name];
    return weight === undefined || weight === 0 ? null : `${num(weight)} * ${alias}.x${i}`;
  }).filter((t) => t !== null);
  const province = Object.entries(w.province).filter(([, v]) => v !== 0);
  const regency = Object.entries(w.regency).filter(([, v]) => v !== 0);
  const caseOf = (col: string, entries: Array<[string, number]>): string | null =>
    entries.length === 0 ? null : `(case ${col} ${entries.map(([k, v]) => `when ${sqlText(k)} then ${num(v)}`).join(' ')} else 0 end)`;
  return [num(w.intercept), ...terms, caseOf(`left(${alias}.regency_code, 2)`, province), caseOf(`${alias}.regency_code`, regency)]
    .filter((t) => t !== null).join(' + ');
}

interface ModelRow { id: number; version: string; weights: unknown; metrics: unknown; is_active: boolean; created_at: Date }

function toModel(r: ModelRow): PmtModel {
  const parsed = PmtWeights.safeParse(r.weights);
  if (!parsed.success) throw new AppError('internal', `Bobot PMT ${r.version} rusak: ${parsed.error.issues[0]?.message}`);
  return { id: Number(r.id), version: r.version, weights: parsed.data, metrics: r.metrics, isActive: r.is_active, createdAt: r.created_at };
}

/** The active model, or a named version. */
export async function findModel(tx: Tx, version?: string): Promise<PmtModel | undefined> {
  const r = version
    ? await tx.raw.query<ModelRow>('select id, version, weights, metrics, is_active, created_at from pmt_model where version = $1', [version])
    : await tx.raw.query<ModelRow>('select id, version, weights, metrics, is_active, created_at from pmt_model where is_active');
  return r.rows[0] ? toModel(r.rows[0]) : undefined;
}

/** Stores fitted weights as a new version, optionally making it the active one. */
export async function saveModel(tx: Tx, m: { version: string; weights: PmtWeights; metrics: unknown; activate: boolean; createdBy: string }): Promise<number> {
  if (m.activate) await tx.raw.query('update pmt_model set is_active = false where is_active');
  const r = await tx.raw.query<{ id: number }>(
    `insert into pmt_model (version, feature_set, weights, metrics, is_active, created_by) values ($1, $2, $3, $4, $5, $6)
     on conflict (version) do nothing returning id`,
    [m.version, m.weights.featureSet, JSON.stringify(m.weights), JSON.stringify(m.metrics), m.activate, m.createdBy]);
  if (!r.rows[0]) throw new AppError('conflict', `Versi model PMT ${m.version} sudah ada.`);
  return Number(r.rows[0].id);
}
