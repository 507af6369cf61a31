/**
 * Merge: records found to be one person become one registry member. The survivor stays
 * (optionally taking some field values from the merged records); the merged records are
 * removed from the registry. Lineage keeps, per merged record, its full row and the rows
 * that referenced it, plus the survivor's row before the merge and the review state of
 * the pairs involved, so that {@link unmergeMembers} restores all of it exactly. Who and
 * why are recorded on the merge and in the audit trail.
 */
import { appendAudit } from '../platform/audit.js';
import type { Tx } from '../platform/db.js';
import { CIPHER_CONTEXT, type Keyring } from '../platform/keyring.js';
import { memberRowHash, memberValuesFromRow } from '../registry/integrity.js';
import { checkPeople } from './check-people.js';
import { JsonRow, memberDependents, snapshotDependents } from './row-snapshots.js';

/** Fields the survivor may take from a merged record. */
export const MERGE_FIELDS = ['nik', 'fullName', 'sex', 'birthPlace', 'birthDate', 'motherName', 'phone'] as const;
export type MergeField = (typeof MERGE_FIELDS)[number];
const FIELD_COLUMNS: Record<MergeField, readonly string[]> = {
  nik: ['nik_enc', 'nik_bidx', 'nik_warnings'],
  fullName: ['full_name'],
  sex: ['sex'],
  birthPlace: ['birth_place'],
  birthDate: ['birth_date'],
  motherName: ['mother_name'],
  phone: ['phone_enc'],
};

export interface MergeRequest {
  readonly survivorId: number;
  readonly mergedIds: readonly number[];
  readonly reason: string;
  /** Field → id of the record (survivor or merged) whose value the survivor keeps. */
  readonly fields?: Partial<Record<MergeField, number>>;
}

export type MergeResult =
  | { readonly ok: true; readonly mergeId: number; readonly survivorId: number; readonly mergedIds: readonly number[]; readonly fieldsTaken: readonly MergeField[] }
  | { readonly ok: false; readonly reason: 'not_found' | 'invalid' | 'not_linked' | 'rejected_pair'; readonly message: string };

interface MemberRow {
  id: number;
  regency_code: string;
  village_code: string;
  family_id: number;
  record: unknown;
}

/** Connected through non-rejected pairs, starting from the survivor? */
function isConnected(ids: readonly number[], edges: ReadonlyArray<[number, number]>): boolean {
  const reached = new Set([ids[0]!]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [a, b] of edges) {
      if (reached.has(a) !== reached.has(b)) {
        reached.add(a);
        reached.add(b);
        grew = true;
      }
    }
  }
  return ids.every((id) => reached.has(id));
}

/**
 * @example
 * await db.transaction((tx) => mergeMembers(tx, keyring, { survivorId: 7, mergedIds: [9], reason: 'terdaftar dua kali', fields: { nik: 9 } }), actor)
 */
export async function mergeMembers(tx: Tx, keyring: Keyring, req: MergeRequest): Promise<MergeResult> {
  const actor = tx.actor;
  if (!actor) throw new Error('mergeMembers needs an actor');
  const merged = [...new Set(req.mergedIds)];
  if (merged.length === 0 || merged.includes(req.survivorId)) {
    return { ok: false, reason: 'invalid', message: 'Sebutkan catatan yang digabungkan, selain catatan yang dipertahankan.' };
  }
  const ids = [req.survivorId, ...merged];
  const fields = Object.entries(req.fields ?? {}) as Array<[MergeField, number]>;
  for (const [field, from] of fields) {
    if (!MERGE_FIELDS.includes(field) || !ids.includes(from)) {
      return { ok: false, reason: 'invalid', message: `Nilai ${field} harus diambil dari salah satu catatan yang digabungkan.` };
    }
  }

  // Lock every record (all must be visible in the caller's region).
  const rows = (await tx.raw.query<MemberRow>(
    `select m.id, m.regency_code, m.village_code, m.family_id, to_jsonb(m) as record from member m
      where m.id = any($1::bigint[]) order by m.id for update`, [ids])).rows;
  const byId = new Map(rows.map((r) => [Number(r.id), { ...r, record: JsonRow.parse(typeof r.record === 'string' ? JSON.parse(r.record) : r.record) }]));
  if (ids.some((id) => !byId.has(id)) || rows.length !== ids.length) {
    return { ok: false, reason: 'not_found', message: 'Satu atau lebih catatan tidak ditemukan di wilayah Anda.' };
  }

  // Only records the review found to be one person: connected through pairs nobody rejected.
  const pairs = (await tx.raw.query<{ id: number; regency_code: string; member_a: number; member_b: number; status: string; decided_by: string | null; decided_at: string | null; decision_note: string | null }>(
    `select id, regency_code, member_a, member_b, status, decided_by, to_char(decided_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as decided_at, decision_note
       from identity_pair where member_a = any($1::bigint[]) and member_b = any($1::bigint[]) order by id for update`, [ids])).rows;
  const rejected = pairs.filter((p) => p.status === 'rejected');
  if (rejected.length > 0) {
    return { ok: false, reason: 'rejected_pair', message: `Pasangan #${rejected.map((p) => p.id).join(', #')} sudah ditolak sebagai orang berbeda; ubah keputusannya terlebih dahulu.` };
  }
  if (!isConnected(ids, pairs.map((p) => [Number(p.member_a), Number(p.member_b)]))) {
    return { ok: false, reason: 'not_linked', message: 'Catatan hanya dapat digabungkan bila terhubung sebagai pasangan kandidat (tinjauan identitas).' };
  }

  const survivor = byId.get(req.survivorId)!;
  const taken = fields.filter(([, from]) => from !== req.survivorId);
  const after: JsonRow = { ...survivor.record };
  for (const [field, from] of taken) for (const col of FIELD_COLUMNS[field]) after[col] = byId.get(from)!.record[col] ?? null;
  let survivorHash: Buffer = Buffer.from(String(survivor.record.row_hash).replace(/^\\x/, ''), 'hex');
  const survivorVersion = Number(survivor.record.version) + (taken.length > 0 ? 1 : 0);
  if (taken.length > 0) {
    // The survivor's content changes: its row hash must follow (tepat audit verify).
    const kk = (await tx.raw.query<{ kk_enc: Uint8Array }>('select kk_enc from family where id = $1 and regency_code = $2',
      [survivor.family_id, survivor.regency_code])).rows[0];
    if (!kk) return { ok: false, reason: 'not_found', message: 'Keluarga catatan yang dipertahankan tidak ditemukan.' };
    const asDbRow: Record<string, unknown> = { ...after };
    for (const col of ['nik_enc', 'phone_enc']) {
      const v = after[col];
      asDbRow[col] = typeof v === 'string' ? Buffer.from(v.replace(/^\\x/, ''), 'hex') : null;
    }
    survivorHash = memberRowHash(keyring, memberValuesFromRow(keyring, asDbRow, keyring.cipher.decrypt(kk.kk_enc, CIPHER_CONTEXT.kk)));
  }

  // Lineage first (it names the merge id), then the registry changes.
  const fks = await memberDependents(tx);
  const mergeId = Number((await tx.raw.query<{ id: number }>(
    `insert into identity_merge (regency_code, village_code, survivor_id, merged_ids, survivor_before, survivor_after_hash, survivor_after_version,
       fields, pair_states, reason, merged_by)
     values ($1, $2, $3, $4::bigint[], $5::jsonb, $6, $7, $8::jsonb, $9::jsonb, $10, $11) returning id`,
    [survivor.regency_code, survivor.village_code, req.survivorId, merged, taken.length > 0 ? JSON.stringify(survivor.record) : null,
      survivorHash, survivorVersion, JSON.stringify(Object.fromEntries(fields)),
      JSON.stringify(pairs.map((p) => ({ id: Number(p.id), regencyCode: p.regency_code, status: p.status, decidedBy: p.decided_by, decidedAt: p.decided_at, decisionNote: p.decision_note }))),
      req.reason, actor.id])).rows[0]!.id);
  for (const id of merged) {
    const m = byId.get(id)!;
    const dependents = await snapshotDependents(tx, fks, m.record);
    await tx.raw.query(
      `insert into identity_merge_member (merge_id, merge_regency, member_id, regency_code, village_code, record, dependents)
       values ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb)`,
      [mergeId, survivor.regency_code, id, m.regency_code, m.village_code, JSON.stringify(m.record), JSON.stringify(dependents)]);
  }

  if (taken.length > 0) {
    const sets: string[] = [];
    const values: unknown[] = [req.survivorId, survivor.regency_code, survivorHash];
    for (const [field] of taken) {
      for (const col of FIELD_COLUMNS[field]) {
        // Values come from to_jsonb: read back through the column's own type.
        values.push(JSON.stringify(after[col] ?? null));
        sets.push(`${col} = (jsonb_populate_record(null::member, jsonb_build_object('${col}', $${values.length}::jsonb))).${col}`);
      }
    }
    await tx.raw.query(
      `update member set ${sets.join(', ')}, row_hash = $3, version = version + 1, updated_at = now() where id = $1 and regency_code = $2`, values);
  }
  await tx.raw.query(`delete from member m using unnest($1::bigint[], $2::text[]) as d(id, regency_code)
     where m.id = d.id and m.regency_code = d.regency_code`,
    [merged, merged.map((id) => byId.get(id)!.regency_code)]);
  await tx.raw.query(
    `update identity_pair set status = 'accepted', decided_by = $2, decided_at = now(), decision_note = $3, updated_at = now()
      where id = any($1::bigint[])`, [pairs.map((p) => p.id), actor.id, `digabung (penggabungan #${mergeId})`]);
  // The survivor now stands for everyone merged into it: its keys follow its values, and
  // it is checked again, so people who resembled only a merged record are compared with it.
  await checkPeople(tx, keyring, [req.survivorId]);

  await appendAudit(tx, {
    action: 'identity.merge', entityType: 'identity_merge', entityId: mergeId,
    changes: { survivorId: req.survivorId, mergedIds: merged, fieldsTaken: Object.fromEntries(taken), pairs: pairs.map((p) => Number(p.id)), reason: req.reason },
  });
  return { ok: true, mergeId, survivorId: req.survivorId, mergedIds: merged, fieldsTaken: taken.map(([f]) => f) };
}
