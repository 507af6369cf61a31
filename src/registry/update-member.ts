/**
 * Edit of one member by an officer: validated like an import row, identifiers
 * re-encrypted, the import's idempotency key and the row-integrity hash recomputed,
 * `version` checked and incremented (optimistic locking), audited. The registry change
 * log records the edit by its trigger; the identity engine re-checks the person when a
 * field it matches on changed.
 */
import { appendAudit } from '../platform/audit.js';
import type { Tx } from '../platform/db.js';
import { CIPHER_CONTEXT, type Keyring } from '../platform/keyring.js';
import { checkPeople } from '../identity/check-people.js';
import { memberColumns } from './import-columns.js';
import { memberRowHash, memberValuesFromRow, withMemberDefaults } from './integrity.js';
import { logAccess } from './read-registry.js';
import type { RowValues } from './validate-row.js';
import {
  changedFields, editContext, lastChange, parseChanges, shownValues, snake, type Changes, type EditResult,
} from './edit-record.js';

const NOT_EDITABLE = new Map([
  ['kkNumber', 'No. KK anggota tidak dapat diubah di sini: pindah KK melalui usulan perubahan KK (Dukcapil).'],
]);

/** Fields the identity engine compares or keys on: a change re-checks the person. */
const IDENTITY_FIELDS = new Set(['nik', 'fullName', 'sex', 'birthDate', 'birthPlace', 'motherName']);

const CROSS_FIELD = [{ code: 'PREGNANT_MALE', fields: ['sex', 'isPregnant'] }];

export interface UpdateMemberInput {
  readonly id: number;
  /** The version the officer edited; null applies the change to whatever is current (internal callers). */
  readonly version: number | null;
  readonly changes: Changes;
  /** Audit action (civil decisions reuse this write). */
  readonly action?: string;
}

/**
 * @example await updateMember(tx, keyring, { id: 42, version: 3, changes: { birthDate: '25/03/1990' } }) // { ok: true, id: 42, version: 4 }
 */
export async function updateMember(tx: Tx, keyring: Keyring, input: UpdateMemberInput): Promise<EditResult> {
  const row = (await tx.raw.query<Record<string, unknown>>(
    `select m.*, f.kk_enc as family_kk_enc
       from member m join family f on f.id = m.family_id and f.regency_code = m.regency_code
      where m.id = $1 for update of m`, [input.id])).rows[0];
  if (!row) return { ok: false, reason: 'not_found' };
  const id = Number(row.id);
  const regencyCode = String(row.regency_code);
  const kk = keyring.cipher.decrypt(row.family_kk_enc as Uint8Array, CIPHER_CONTEXT.kk);
  const current = memberValuesFromRow(keyring, row, kk);
  const editable = (f: string) => !NOT_EDITABLE.has(f);

  if (input.version !== null && Number(row.version) !== input.version) {
    await logAccess(tx, { entityType: 'member', entityId: id, regencyCode, villageCode: String(row.village_code), kind: 'record' });
    return {
      ok: false, reason: 'stale',
      current: { version: Number(row.version), values: shownValues(memberColumns, current, editable) },
      ...(await lastChange(tx, 'member', id, regencyCode, row.updated_at)),
    };
  }

  const ctx = await editContext(tx, [...Object.values(current), ...Object.values(input.changes)]);
  const checked = parseChanges(memberColumns, current, input.changes, ctx, { notEditable: NOT_EDITABLE, crossField: CROSS_FIELD });
  if (!checked.ok) return { ok: false, reason: 'invalid', issues: checked.issues };
  const next: RowValues = withMemberDefaults({ ...current, ...checked.parsed.values });
  const fields = Object.keys(input.changes);
  const diff = changedFields(current, next, fields);
  if (diff.length === 0) return { ok: true, id, version: Number(row.version) };

  const sets: string[] = [];
  const params: unknown[] = [];
  const set = (column: string, value: unknown) => { params.push(value); sets.push(`${column} = $${params.length}`); };
  for (const { field } of diff) {
    if (field === 'nik') {
      const nik = next.nik as string | null;
      set('nik_enc', nik ? keyring.cipher.encrypt(nik, CIPHER_CONTEXT.nik) : null);
      set('nik_bidx', nik ? keyring.index.compute('nik', nik) : null);
    } else if (field === 'phone') {
      set('phone_enc', next.phone ? keyring.cipher.encrypt(next.phone as string, CIPHER_CONTEXT.memberPhone) : null);
    } else {
      set(snake(field), field === 'disabilities' ? (next.disabilities ?? []) : next[field]);
    }
  }
  // The import's key for the person (No. KK with NIK, or with name and birth date): a later
  // file with the corrected values then finds this row instead of adding a second one.
  const nik = next.nik as string | null;
  const memberKey = keyring.index.compute('member', nik ? `${kk}|${nik}` : `${kk}|${next.fullName as string}|${(next.birthDate as string | null) ?? ''}`);
  if (!memberKey.equals(Buffer.from(row.member_key as Uint8Array))) {
    const taken = (await tx.raw.query('select 1 from member where member_key = $1 and regency_code = $2 and id <> $3', [memberKey, regencyCode, id])).rows.length > 0;
    if (taken) {
      const field = nik ? 'nik' : 'fullName';
      return {
        ok: false, reason: 'invalid',
        issues: [{ field, column: field === 'nik' ? 'nik' : 'nama', code: 'DUPLICATE_MEMBER',
          message: nik ? 'NIK ini sudah tercatat pada anggota lain di KK yang sama.' : 'Anggota lain di KK yang sama sudah tercatat dengan nama dan tanggal lahir ini.' }],
      };
    }
    set('member_key', memberKey);
  }
  set('nik_warnings', checked.parsed.warnings);
  set('row_hash', memberRowHash(keyring, next));
  params.push(id, regencyCode, Number(row.version));
  const n = params.length;
  const updated = (await tx.raw.query<{ version: number }>(
    `update member set ${sets.join(', ')}, version = version + 1, updated_at = now(), source_file_id = null, source_row = null
      where id = $${n - 2} and regency_code = $${n - 1} and version = $${n} returning version`, params)).rows[0]!;

  await appendAudit(tx, {
    action: input.action ?? 'registry.member.update', entityType: 'member', entityId: id,
    changes: { version: { from: Number(row.version), to: Number(updated.version) }, fields: diff },
  });
  if (diff.some((d) => IDENTITY_FIELDS.has(d.field))) await checkPeople(tx, keyring, [id]);
  return { ok: true, id, version: Number(updated.version) };
}
