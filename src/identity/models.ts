/**
 * Stored match models (`identity_model`): each estimation is a new version, and every
 * scored pair names the version that scored it. A model is parsed (checked) when read
 * back; parsed models are kept by id, since a stored version never changes.
 */
import { parseModel, type MatchModel } from '../dedup/index.js';
import { appendAudit } from '../platform/audit.js';
import type { Tx } from '../platform/db.js';

export interface StoredModel {
  readonly id: number;
  readonly scope: string;
  readonly model: MatchModel;
}

const parsed = new Map<number, StoredModel>();

function remember(id: number, scope: string, json: unknown): StoredModel {
  let m = parsed.get(id);
  if (!m) {
    m = { id, scope, model: parseModel(typeof json === 'string' ? JSON.parse(json) : json) };
    if (parsed.size >= 8) parsed.clear();
    parsed.set(id, m);
  }
  return m;
}

/**
 * The model new checks use: the latest estimated from the whole registry, else the latest
 * estimated from any region; undefined before the first `tepat identity run`.
 */
export async function findCurrentModel(tx: Tx): Promise<StoredModel | undefined> {
  const head = (await tx.raw.query<{ id: number; scope: string }>(
    `select id, scope from identity_model order by (scope = 'ID') desc, id desc limit 1`)).rows[0];
  if (!head) return undefined;
  const cached = parsed.get(Number(head.id));
  if (cached) return cached;
  return getModel(tx, Number(head.id));
}

export async function getModel(tx: Tx, id: number): Promise<StoredModel> {
  const cached = parsed.get(id);
  if (cached) return cached;
  const row = (await tx.raw.query<{ id: number; scope: string; model: unknown }>('select id, scope, model from identity_model where id = $1', [id])).rows[0];
  if (!row) throw new Error(`identity model ${id} not found`);
  return remember(Number(row.id), row.scope, row.model);
}

/** Stores a newly estimated model (audited); returns its version id. */
export async function storeModel(tx: Tx, model: MatchModel, scope: string): Promise<StoredModel> {
  const id = Number((await tx.raw.query<{ id: number }>(
    'insert into identity_model (scope, model, records, created_by) values ($1, $2::jsonb, $3, $4) returning id',
    [scope, JSON.stringify(model), model.estimatedFrom.records, tx.actor?.id ?? 'system'])).rows[0]!.id);
  await appendAudit(tx, {
    action: 'identity.model.store', entityType: 'identity_model', entityId: id,
    changes: { scope, records: model.estimatedFrom.records, lambda: model.lambda, thresholds: model.thresholds },
  });
  return remember(id, scope, model);
}
