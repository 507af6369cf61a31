/**
 * The audit trail: every state change appends a hash-chained record in the same
 * transaction. The chain's head row is locked for the transaction (audit_lock_head),
 * so concurrent writers are serialised and the chain never forks; the database trigger
 * checks order and refuses any update or delete.
 */
import type { Actor, Db, Tx } from './db.js';
import { computeAuditHash, verifyChain, type AuditChainVerification, type AuditRecord } from './audit-chain.js';

export interface AuditEvent {
  action: string;
  entityType: string;
  entityId?: string | number | null;
  /** Changed fields before/after, or a summary; identifiers must already be masked. */
  changes?: unknown;
}

/**
 * Appends one record for the transaction's actor (or the given one).
 * @example await appendAudit(tx, { action: 'import.batch', entityType: 'import_file', entityId: 7, changes: { inserted: 5000 } });
 */
export async function appendAudit(tx: Tx, event: AuditEvent, actor: Actor | undefined = tx.actor): Promise<number> {
  if (!actor) throw new Error('appendAudit needs an actor');
  const head = (await tx.raw.query<{ seq: number; hash: Uint8Array }>('select seq, hash from audit_lock_head()')).rows[0];
  if (!head) throw new Error('audit head missing');
  const seq = Number(head.seq) + 1;
  const occurredAt = new Date();
  const fields = {
    seq, occurredAt: occurredAt.toISOString(), actor: actor.id, role: actor.role, region: actor.scope, channel: actor.channel,
    action: event.action, entityType: event.entityType, entityId: event.entityId == null ? null : String(event.entityId),
    changes: JSON.stringify(event.changes ?? {}), requestId: actor.requestId ?? null,
  };
  const hash = computeAuditHash(head.hash, fields);
  await tx.raw.query(
    `insert into audit_log (seq, occurred_at, actor, actor_role, scope, channel, action, entity_type, entity_id, changes, request_id, prev_hash, hash)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [seq, occurredAt, fields.actor, fields.role, fields.region, fields.channel, fields.action, fields.entityType, fields.entityId,
      fields.changes, fields.requestId, Buffer.from(head.hash), hash],
  );
  return seq;
}

interface AuditRow {
  seq: number; occurred_at: string; actor: string; actor_role: string; scope: string; channel: string; action: string;
  entity_type: string; entity_id: string | null; changes: string; request_id: string | null; prev_hash: string; hash: string;
}

/** Streams the whole log in seq order, a page at a time (keyset pagination); yields pages. */
async function* auditRecords(db: Db, pageSize = 20_000): AsyncGenerator<AuditRecord[]> {
  let after = 0;
  for (;;) {
    const rows = await db.withConnection((c) => c.query<AuditRow>(
      // Timestamps and hashes come as text: parsing them into Date/Buffer per row would
      // cost more than the hashing itself. The ISO form is exactly what was hashed.
      `select seq, to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as occurred_at, actor, actor_role, scope,
              channel, action, entity_type, entity_id, changes, request_id, encode(prev_hash, 'hex') as prev_hash, encode(hash, 'hex') as hash
         from audit_log where seq > $1 order by seq limit $2`, [after, pageSize]));
    yield rows.rows.map((r) => ({
        seq: r.seq, occurredAt: r.occurred_at, actor: r.actor, role: r.actor_role, region: r.scope, channel: r.channel,
        action: r.action, entityType: r.entity_type, entityId: r.entity_id, changes: r.changes, requestId: r.request_id,
        prevHash: r.prev_hash, hash: r.hash,
    }));
    if (rows.rows.length < pageSize) return;
    after = rows.rows[rows.rows.length - 1]!.seq;
  }
}

/** Recomputes the whole chain; names the first broken record. */
export async function verifyAuditLog(db: Db): Promise<AuditChainVerification> {
  return verifyChain(auditRecords(db));
}

/** The head to publish: anyone who kept it can detect a later rewrite of history. */
export async function auditAnchor(db: Db): Promise<{ seq: number; hash: string; at: string }> {
  const head = (await db.withConnection((c) => c.query<{ seq: number; hash: Uint8Array }>('select seq, hash from audit_head where id = 1'))).rows[0]!;
  return { seq: Number(head.seq), hash: Buffer.from(head.hash).toString('hex'), at: new Date().toISOString() };
}
