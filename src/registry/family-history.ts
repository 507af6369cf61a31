/**
 * A family's timeline for the console: the registry change log (every insert/update/
 * delete of the family and its members, whatever the path: import, API, civil sync) and
 * the audit trail's records about them, newest first. An API edit appears once: its
 * change-log row and its audit record share the request id, and the audit record's
 * masked before/after values are shown. Identifiers never appear in clear: the change
 * log holds only "(terenkripsi)" for them, the audit trail masked values.
 */
import type { Tx } from '../platform/db.js';
import { logAccess } from './read-registry.js';

export interface HistoryField {
  readonly field: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

export interface HistoryItem {
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly entity: { readonly type: string; readonly id: number };
  readonly fields: HistoryField[];
}

const MAX_ITEMS = 200;

/** Columns that are bookkeeping, not content. */
const HIDDEN = new Set(['member_key', 'row_hash', 'version', 'updated_at', 'source_file_id', 'source_row']);

function camel(column: string): string {
  return column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Change-log columns as API fields: `nik_enc` → `nik` (value not shown), blind indexes dropped. */
function changeLogFields(changes: unknown): HistoryField[] {
  if (!changes || typeof changes !== 'object') return [];
  const out: HistoryField[] = [];
  for (const [column, v] of Object.entries(changes as Record<string, { from?: unknown; to?: unknown }>)) {
    if (HIDDEN.has(column) || column.endsWith('_bidx')) continue;
    if (column.endsWith('_enc')) out.push({ field: camel(column.slice(0, -4)) });
    else out.push({ field: camel(column), before: v?.from ?? null, after: v?.to ?? null });
  }
  return out;
}

function auditFields(changes: string): HistoryField[] | undefined {
  try {
    const parsed = JSON.parse(changes) as { fields?: unknown };
    if (!Array.isArray(parsed.fields)) return undefined;
    return parsed.fields
      .filter((f): f is { field: string; before?: unknown; after?: unknown } => typeof f === 'object' && f !== null && typeof (f as { field?: unknown }).field === 'string')
      .map((f) => ({ field: f.field, before: f.before ?? null, after: f.after ?? null }));
  } catch {
    return undefined;
  }
}

/**
 * @returns undefined when the family is absent or outside the scope
 * @example await familyHistory(tx, 7) // [{ at, actor: 'operator.desa', action: 'registry.member.update', entity: { type: 'member', id: 12 }, fields: [{ field: 'birthDate', before: '1990-03-25', after: '1990-03-26' }] }]
 */
export async function familyHistory(tx: Tx, familyId: number): Promise<HistoryItem[] | undefined> {
  const family = (await tx.raw.query<{ id: number; regency_code: string; village_code: string }>(
    'select id, regency_code, village_code from family where id = $1', [familyId])).rows[0];
  if (!family) return undefined;
  await logAccess(tx, { entityType: 'family', entityId: familyId, regencyCode: family.regency_code, villageCode: family.village_code, kind: 'record' });
  const memberIds = (await tx.raw.query<{ id: number }>('select id from member where family_id = $1 and regency_code = $2', [familyId, family.regency_code]))
    .rows.map((r) => Number(r.id));

  const changes = (await tx.raw.query<{ entity_type: string; entity_id: number; op: string; changed_at: string; actor: string; request_id: string | null; changes: unknown }>(
    `select entity_type, entity_id, op, changed_at, actor, request_id, case when op = 'update' then changes end as changes
       from registry_change
      where regency_code = $1 and ((entity_type = 'family' and entity_id = $2) or (entity_type = 'member' and entity_id = any($3::bigint[])))
      order by changed_at desc, id desc limit $4`, [family.regency_code, familyId, memberIds, MAX_ITEMS])).rows;
  const audits = (await tx.raw.query<{ occurred_at: string; actor: string; action: string; entity_type: string; entity_id: string; changes: string; request_id: string | null }>(
    `select occurred_at, actor, action, entity_type, entity_id, changes, request_id
       from audit_log
      where ((entity_type = 'family' and entity_id = $1) or (entity_type = 'member' and entity_id = any($2::text[])))
        and action not like '%.read'
      order by seq desc limit $3`, [String(familyId), memberIds.map(String), MAX_ITEMS])).rows;

  const key = (type: string, id: number | string, requestId: string | null) => `${type}:${id}:${requestId}`;
  const auditByRequest = new Map(audits.filter((a) => a.request_id).map((a) => [key(a.entity_type, a.entity_id, a.request_id), a]));
  const used = new Set<unknown>();
  const items: HistoryItem[] = changes.map((c) => {
    const audit = c.request_id ? auditByRequest.get(key(c.entity_type, c.entity_id, c.request_id)) : undefined;
    const fromAudit = audit ? auditFields(audit.changes) : undefined;
    if (audit) used.add(audit);
    return {
      at: new Date(c.changed_at).toISOString(), actor: c.actor, action: audit?.action ?? `registry.${c.entity_type}.${c.op}`,
      entity: { type: c.entity_type, id: Number(c.entity_id) }, fields: fromAudit ?? changeLogFields(c.changes),
    };
  });
  for (const a of audits) {
    if (used.has(a)) continue;
    items.push({
      at: new Date(a.occurred_at).toISOString(), actor: a.actor, action: a.action,
      entity: { type: a.entity_type, id: Number(a.entity_id) }, fields: auditFields(a.changes) ?? [],
    });
  }
  items.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  return items.slice(0, MAX_ITEMS);
}
