/**
 * Unmerge: undoes a merge exactly. The merged records come back with every column as it
 * was (same ids, ciphertexts, row hashes, versions and timestamps), with the rows that
 * referenced them; the survivor gets back the values it had before, and the pairs their
 * earlier review state. Refused when the survivor was edited after the merge (its
 * current values would be lost) or a merged record was registered again meanwhile.
 */
import { z } from 'zod';
import { appendAudit } from '../platform/audit.js';
import type { Tx } from '../platform/db.js';
import type { Keyring } from '../platform/keyring.js';
import { refreshKeys } from './refresh-keys.js';
import { Dependents, JsonRow, insertMemberRow, memberDependents, overwriteMemberRow, restoreDependents } from './row-snapshots.js';

export type UnmergeResult =
  | { readonly ok: true; readonly mergeId: number; readonly restoredIds: readonly number[]; readonly survivorRestored: boolean }
  | { readonly ok: false; readonly reason: 'not_found' | 'already_unmerged' | 'survivor_changed' | 'reregistered'; readonly message: string };

const PairState = z.object({
  id: z.number(), regencyCode: z.string(), status: z.enum(['pending', 'accepted', 'rejected']),
  decidedBy: z.string().nullable(), decidedAt: z.string().nullable(), decisionNote: z.string().nullable(),
});

interface MergeRow {
  id: number; regency_code: string; survivor_id: number; merged_ids: number[]; survivor_before: unknown;
  survivor_after_hash: Uint8Array; survivor_after_version: number; pair_states: unknown; status: string;
}

function parseJson(v: unknown): unknown {
  return typeof v === 'string' ? JSON.parse(v) : v;
}

/**
 * @example await db.transaction((tx) => unmergeMembers(tx, keyring, 3, 'bukan orang yang sama: kembar'), actor)
 */
export async function unmergeMembers(tx: Tx, keyring: Keyring, mergeId: number, reason: string): Promise<UnmergeResult> {
  const actor = tx.actor;
  if (!actor) throw new Error('unmergeMembers needs an actor');
  const merge = (await tx.raw.query<MergeRow>(
    `select id, regency_code, survivor_id, merged_ids, survivor_before, survivor_after_hash, survivor_after_version, pair_states, status
       from identity_merge where id = $1 for update`, [mergeId])).rows[0];
  if (!merge) return { ok: false, reason: 'not_found', message: 'Penggabungan tidak ditemukan di wilayah Anda.' };
  if (merge.status !== 'merged') return { ok: false, reason: 'already_unmerged', message: 'Penggabungan ini sudah dibatalkan.' };
  const mergedIds = merge.merged_ids.map(Number);
  const records = (await tx.raw.query<{ member_id: number; record: unknown; dependents: unknown }>(
    `select member_id, record, dependents from identity_merge_member where merge_id = $1 and merge_regency = $2 order by member_id`,
    [mergeId, merge.regency_code])).rows;
  // Every merged record must be within the caller's region, else nothing happens.
  if (records.length !== mergedIds.length) return { ok: false, reason: 'not_found', message: 'Sebagian catatan penggabungan ini di luar wilayah Anda.' };

  const survivor = (await tx.raw.query<{ row_hash: Uint8Array; version: number }>(
    'select row_hash, version from member where id = $1 and regency_code = $2 for update', [merge.survivor_id, merge.regency_code])).rows[0];
  if (!survivor) return { ok: false, reason: 'not_found', message: 'Catatan yang dipertahankan tidak ditemukan di wilayah Anda.' };
  const before = merge.survivor_before == null ? null : JsonRow.parse(parseJson(merge.survivor_before));
  if (before && (Number(survivor.version) !== Number(merge.survivor_after_version)
    || !Buffer.from(survivor.row_hash).equals(Buffer.from(merge.survivor_after_hash)))) {
    return { ok: false, reason: 'survivor_changed', message: 'Catatan yang dipertahankan sudah diubah setelah penggabungan; perubahan itu akan hilang. Batalkan perubahan itu terlebih dahulu.' };
  }
  const rows = records.map((r) => ({ memberId: Number(r.member_id), record: JsonRow.parse(parseJson(r.record)), dependents: Dependents.parse(parseJson(r.dependents)) }));
  const again = (await tx.raw.query<{ id: number }>(
    `select m.id from member m join unnest($1::text[], $2::text[]) as k(member_key, regency_code)
        on m.member_key = decode(substr(k.member_key, 3), 'hex') and m.regency_code = k.regency_code`,
    [rows.map((r) => String(r.record.member_key)), rows.map((r) => String(r.record.regency_code))])).rows;
  if (again.length > 0) {
    return { ok: false, reason: 'reregistered', message: `Orang yang sama sudah terdaftar lagi (anggota #${again.map((r) => r.id).join(', #')}); gabungkan atau hapus catatan itu terlebih dahulu.` };
  }

  const survivorRestored = before ? (await overwriteMemberRow(tx, before)) === 1 : false;
  const fks = await memberDependents(tx);
  for (const r of rows) await insertMemberRow(tx, r.record);
  for (const r of rows) await restoreDependents(tx, fks, r.dependents);
  const states = z.array(PairState).parse(parseJson(merge.pair_states));
  for (const s of states) {
    await tx.raw.query(
      `update identity_pair set status = $3, decided_by = $4, decided_at = $5::timestamptz, decision_note = $6, updated_at = now()
        where id = $1 and regency_code = $2`, [s.id, s.regencyCode, s.status, s.decidedBy, s.decidedAt, s.decisionNote]);
  }
  await tx.raw.query(
    `update identity_merge set status = 'unmerged', unmerged_by = $3, unmerged_at = now(), unmerge_reason = $4 where id = $1 and regency_code = $2`,
    [mergeId, merge.regency_code, actor.id, reason]);
  await refreshKeys(tx, keyring, [Number(merge.survivor_id), ...mergedIds]);
  await appendAudit(tx, {
    action: 'identity.unmerge', entityType: 'identity_merge', entityId: mergeId,
    changes: { survivorId: Number(merge.survivor_id), restoredIds: mergedIds, survivorRestored, pairs: states.map((s) => s.id), reason },
  });
  return { ok: true, mergeId, restoredIds: mergedIds, survivorRestored };
}
