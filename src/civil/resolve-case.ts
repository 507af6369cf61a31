/**
 * An officer's decision on a case opened by the civil registry (Dukcapil) feed or a
 * verification. A death case: `confirmed` keeps the member marked deceased; `rejected`
 * (the registry matched the wrong person, or the report was wrong) restores the presence
 * status the member had before it was marked, with the integrity hash recomputed. A
 * correction: `confirmed` applies the corrected name or birth date through the same
 * validated edit as the console (update-member.ts). Moves, KK changes and births are
 * recorded as decided; applying them to the family is done in the registry (console edit
 * or import). Every decision is audited, in the officer's scoped transaction.
 */
import { appendAudit } from '../platform/audit.js';
import type { Tx } from '../platform/db.js';
import { CIPHER_CONTEXT, type Keyring } from '../platform/keyring.js';
import { memberRowHash, memberValuesFromRow } from '../registry/integrity.js';
import { updateMember } from '../registry/update-member.js';
import type { FieldIssue } from '../registry/edit-record.js';

export type Resolution = 'confirmed' | 'rejected';

export type ResolveResult =
  | { ok: true; id: number; status: 'accepted' | 'rejected'; applied: boolean }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'already_decided'; status: string }
  | { ok: false; reason: 'note_required' }
  | { ok: false; reason: 'invalid'; issues: FieldIssue[] };

interface CaseRow {
  id: number; regency_code: string; village_code: string; kind: string; status: string; member_id: number | null; family_id: number | null; details: Record<string, unknown>;
}

/** The member's presence before the death mark, from the change log ('tinggal' if unknown). */
async function presenceBeforeDeath(tx: Tx, memberId: number, regencyCode: string): Promise<string> {
  const row = (await tx.raw.query<{ before: string | null }>(
    `select changes->'presence_status'->>'from' as before from registry_change
      where entity_type = 'member' and entity_id = $1 and regency_code = $2 and op = 'update'
        and changes->'presence_status'->>'to' = 'meninggal'
      order by id desc limit 1`, [memberId, regencyCode])).rows[0];
  return row?.before && row.before !== 'meninggal' ? row.before : 'tinggal';
}

/** Restores a member marked deceased by mistake; returns whether anything changed. */
async function restorePresence(tx: Tx, keyring: Keyring, memberId: number, regencyCode: string): Promise<boolean> {
  const row = (await tx.raw.query<Record<string, unknown>>(
    `select m.*, f.kk_enc as family_kk_enc from member m join family f on f.id = m.family_id and f.regency_code = m.regency_code
      where m.id = $1 and m.regency_code = $2 and m.presence_status = 'meninggal' for update of m`, [memberId, regencyCode])).rows[0];
  if (!row) return false;
  const before = await presenceBeforeDeath(tx, memberId, regencyCode);
  const values = memberValuesFromRow(keyring, row, keyring.cipher.decrypt(row.family_kk_enc as Uint8Array, CIPHER_CONTEXT.kk));
  values.presenceStatus = before;
  await tx.raw.query(
    `update member set presence_status = $3, row_hash = $4, version = version + 1, updated_at = now()
      where id = $1 and regency_code = $2`, [memberId, regencyCode, before, memberRowHash(keyring, values)]);
  return true;
}

const CORRECTED_FIELD: Record<string, string> = { name: 'fullName', birthDate: 'birthDate' };

/**
 * @example await resolveCase(tx, keyring, { id: 3, resolution: 'rejected', note: 'Salah orang: NIK tertukar dengan saudara kandung.' })
 */
export async function resolveCase(tx: Tx, keyring: Keyring, input: { id: number; resolution: Resolution; note: string }): Promise<ResolveResult> {
  const actor = tx.actor;
  if (!actor) throw new Error('resolveCase needs an actor');
  const c = (await tx.raw.query<CaseRow>(
    'select id, regency_code, village_code, kind, status, member_id, family_id, details from civil_case where id = $1 for update', [input.id])).rows[0];
  if (!c) return { ok: false, reason: 'not_found' };
  if (c.status !== 'open') return { ok: false, reason: 'already_decided', status: c.status };
  if (input.resolution === 'rejected' && input.note.trim().length < 5) return { ok: false, reason: 'note_required' };

  let applied = false;
  if (c.kind === 'death' && input.resolution === 'rejected' && c.member_id !== null) {
    applied = await restorePresence(tx, keyring, Number(c.member_id), c.regency_code);
  } else if (c.kind === 'correction' && input.resolution === 'confirmed' && c.member_id !== null) {
    const field = CORRECTED_FIELD[String(c.details.field)];
    if (field && typeof c.details.to === 'string') {
      const r = await updateMember(tx, keyring, { id: Number(c.member_id), version: null, changes: { [field]: c.details.to }, action: 'civil.correction.apply' });
      if (!r.ok && r.reason === 'invalid') return r;
      applied = r.ok;
    }
  }
  const status = input.resolution === 'confirmed' ? 'accepted' : 'rejected';
  await tx.raw.query(
    `update civil_case set status = $2, decided_at = now(), decided_by = $3, decision_note = $4 where id = $1 and regency_code = $5`,
    [c.id, status, actor.id, input.note.trim() || null, c.regency_code]);
  await appendAudit(tx, {
    action: 'civil.case.resolve', entityType: 'civil_case', entityId: Number(c.id),
    changes: { kind: c.kind, resolution: input.resolution, status, applied, memberId: c.member_id === null ? null : Number(c.member_id), familyId: c.family_id === null ? null : Number(c.family_id) },
  });
  return { ok: true, id: Number(c.id), status, applied };
}
