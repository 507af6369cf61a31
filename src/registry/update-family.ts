/**
 * Edit of one family by an officer: validated like an import row, identifiers
 * re-encrypted, the row-integrity hash recomputed, `version` checked and incremented
 * (optimistic locking), audited; the change log records it by its trigger. A move to
 * another village of the same regency takes the members along (family_move_members).
 */
import { appendAudit } from '../platform/audit.js';
import type { Tx } from '../platform/db.js';
import { CIPHER_CONTEXT, type Keyring } from '../platform/keyring.js';
import { isWithinScope } from '../regions/names.js';
import { checkPeople } from '../identity/check-people.js';
import { familyColumns } from './import-columns.js';
import { familyRowHash, familyValuesFromRow } from './integrity.js';
import { logAccess } from './read-registry.js';
import type { RowValues } from './validate-row.js';
import {
  changedFields, editContext, lastChange, parseChanges, shownValues, snake, type Changes, type EditResult,
} from './edit-record.js';

const NOT_EDITABLE = new Map([
  ['kkNumber', 'No. KK tidak dapat diubah di sini: KK baru dicatat melalui usulan perubahan KK (Dukcapil) atau impor berkas keluarga.'],
]);

export interface UpdateFamilyInput {
  readonly id: number;
  readonly version: number;
  readonly changes: Changes;
}

/**
 * @example await updateFamily(tx, keyring, { id: 7, version: 1, changes: { floorMaterial: 'keramik', hasFridge: true } }) // { ok: true, id: 7, version: 2 }
 */
export async function updateFamily(tx: Tx, keyring: Keyring, input: UpdateFamilyInput): Promise<EditResult> {
  const row = (await tx.raw.query<Record<string, unknown>>('select * from family where id = $1 for update', [input.id])).rows[0];
  if (!row) return { ok: false, reason: 'not_found' };
  const id = Number(row.id);
  const regencyCode = String(row.regency_code);
  const current = familyValuesFromRow(keyring, row);
  const editable = (f: string) => !NOT_EDITABLE.has(f);

  if (Number(row.version) !== input.version) {
    await logAccess(tx, { entityType: 'family', entityId: id, regencyCode, villageCode: String(row.village_code), kind: 'record' });
    return {
      ok: false, reason: 'stale',
      current: { version: Number(row.version), values: shownValues(familyColumns, current, editable) },
      ...(await lastChange(tx, 'family', id, regencyCode, row.updated_at)),
    };
  }

  const ctx = await editContext(tx, [...Object.values(current), ...Object.values(input.changes)]);
  const checked = parseChanges(familyColumns, current, input.changes, ctx, { notEditable: NOT_EDITABLE });
  if (!checked.ok) return { ok: false, reason: 'invalid', issues: checked.issues };
  const next: RowValues = { ...current, ...checked.parsed.values };
  const village = next.villageCode as string;
  if (village !== current.villageCode) {
    // regency_code is the distribution key and part of every unique key: a move across
    // regencies is a new registration there, not an edit.
    if (village.slice(0, 5) !== regencyCode) {
      return { ok: false, reason: 'invalid', issues: [{ field: 'villageCode', column: 'kode_desa', code: 'VILLAGE_OTHER_REGENCY',
        message: `Desa ${village} berada di kabupaten/kota lain; pindah antar kabupaten/kota dicatat melalui usulan pindah, bukan suntingan.` }] };
    }
    const scope = tx.actor?.scope ?? 'ID';
    if (!isWithinScope(scope, village)) {
      return { ok: false, reason: 'invalid', issues: [{ field: 'villageCode', column: 'kode_desa', code: 'VILLAGE_OUT_OF_SCOPE',
        message: `Desa ${village} di luar wilayah akun Anda (${scope}).` }] };
    }
  }
  const diff = changedFields(current, next, Object.keys(input.changes));
  if (diff.length === 0) return { ok: true, id, version: Number(row.version) };

  const sets: string[] = [];
  const params: unknown[] = [];
  const set = (column: string, value: unknown) => { params.push(value); sets.push(`${column} = $${params.length}`); };
  for (const { field } of diff) {
    if (field === 'address') set('address_enc', next.address ? keyring.cipher.encrypt(next.address as string, CIPHER_CONTEXT.address) : null);
    else if (field === 'phone') set('phone_enc', next.phone ? keyring.cipher.encrypt(next.phone as string, CIPHER_CONTEXT.familyPhone) : null);
    else if (field === 'programsReceived') {
      const programs = (next.programsReceived as string[] | null) ?? [];
      set('programs_received', programs.map((p) => p.split(':')[0]!));
      set('programs_received_periods', programs.map((p) => p.split(':')[1] ?? ''));
    } else set(snake(field), next[field]);
  }
  set('kk_warnings', checked.parsed.warnings);
  set('row_hash', familyRowHash(keyring, next));
  params.push(id, regencyCode, input.version);
  const n = params.length;
  const updated = (await tx.raw.query<{ version: number }>(
    `update family set ${sets.join(', ')}, version = version + 1, updated_at = now(), source_file_id = null, source_row = null
      where id = $${n - 2} and regency_code = $${n - 1} and version = $${n} returning version`, params)).rows[0]!;

  await appendAudit(tx, {
    action: 'registry.family.update', entityType: 'family', entityId: id,
    changes: { version: { from: input.version, to: Number(updated.version) }, fields: diff },
  });
  if (village !== current.villageCode) {
    // The members moved with the family: their identity keys carry the village.
    const members = (await tx.raw.query<{ id: number }>('select id from member where family_id = $1 and regency_code = $2', [id, regencyCode])).rows;
    if (members.length > 0) await checkPeople(tx, keyring, members.map((m) => Number(m.id)));
  }
  return { ok: true, id, version: Number(updated.version) };
}
