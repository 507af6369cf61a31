/**
 * An officer's decision on a candidate pair: accept (the same person) or reject
 * (different people). Recorded on the pair and in the audit trail; the engine never
 * overrides it. Deciding again with the same outcome changes nothing.
 */
import { appendAudit } from '../platform/audit.js';
import type { Tx } from '../platform/db.js';
import type { PairStatus } from './pair-status.js';

export type PairDecisionResult =
  | { readonly ok: true; readonly id: number; readonly status: PairStatus; readonly changed: boolean }
  | { readonly ok: false; readonly reason: 'not_found' };

/**
 * @example await db.transaction((tx) => decidePair(tx, 12, 'rejected', 'kembar, NIK berbeda'), actor)
 */
export async function decidePair(tx: Tx, id: number, status: 'accepted' | 'rejected', note: string | null): Promise<PairDecisionResult> {
  const actor = tx.actor;
  if (!actor) throw new Error('decidePair needs an actor');
  // The pair and both people must be visible: a merged-away person's pairs are history.
  const current = (await tx.raw.query<{ id: number; status: PairStatus; decided_by: string | null; member_a: number; member_b: number }>(
    `select p.id, p.status, p.decided_by, p.member_a, p.member_b from identity_pair p
      where p.id = $1
        and exists (select 1 from member a where a.id = p.member_a and a.regency_code = p.regency_code)
        and exists (select 1 from member b where b.id = p.member_b and b.regency_code = p.regency_b)
      for update of p`, [id])).rows[0];
  if (!current) return { ok: false, reason: 'not_found' };
  if (current.status === status && current.decided_by === actor.id) return { ok: true, id, status, changed: false };
  await tx.raw.query(
    `update identity_pair set status = $2, decided_by = $3, decided_at = now(), decision_note = $4, updated_at = now() where id = $1`,
    [id, status, actor.id, note]);
  await appendAudit(tx, {
    action: status === 'accepted' ? 'identity.pair.accept' : 'identity.pair.reject', entityType: 'identity_pair', entityId: id,
    changes: { status: { from: current.status, to: status }, decidedBy: { from: current.decided_by, to: actor.id }, note, members: [Number(current.member_a), Number(current.member_b)] },
  });
  return { ok: true, id, status, changed: true };
}
