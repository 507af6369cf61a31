/**
 * Row integrity: each family and member row carries `row_hash`, a keyed HMAC of its
 * content (identifiers in plaintext, so the hash survives key rotation). Anyone who
 * edits a row directly in the database, bypassing the application, cannot recompute
 * it without the index key; `tepat audit verify` recomputes every row and names those
 * that no longer match.
 */
import type { Db } from '../platform/db.js';
import { CIPHER_CONTEXT, type Keyring } from '../platform/keyring.js';
import { familyColumns, memberColumns, type ColumnDef } from './import-columns.js';
import type { RowValues } from './validate-row.js';

/** Defaults the database applies to NOT NULL member columns left empty on import. */
export function withMemberDefaults(values: RowValues): RowValues {
  return {
    ...values,
    presenceStatus: values.presenceStatus ?? 'tinggal',
    severeDisability: values.severeDisability ?? false,
    isPregnant: values.isPregnant ?? false,
  };
}

/** Only the blind index is needed (import workers have no full keyring). */
type RowHasher = { readonly index: Pick<Keyring['index'], 'compute'> };

function hashOf(keyring: RowHasher, columns: readonly ColumnDef[], values: RowValues): Buffer {
  // Cells joined by U+001F, arrays by ';', NULL as U+0000 (built in one pass: imports hash every row).
  let text = '';
  for (let i = 0; i < columns.length; i++) {
    const v = values[columns[i]!.field];
    if (i > 0) text += '\u001f';
    text += Array.isArray(v) ? v.join(';') : v === null || v === undefined ? '\u0000' : String(v);
  }
  return keyring.index.compute('row', text);
}

export function familyRowHash(keyring: RowHasher, values: RowValues): Buffer {
  return hashOf(keyring, familyColumns, values);
}

export function memberRowHash(keyring: RowHasher, values: RowValues): Buffer {
  return hashOf(keyring, memberColumns, values);
}

type DbRow = Record<string, unknown>;

function snake(field: string): string {
  return field.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
}

function dec(keyring: Keyring, v: unknown, context: string): string | null {
  return v == null ? null : keyring.cipher.decrypt(v as Uint8Array, context);
}

/** Rebuilds the import values of a stored family row (snake_case columns). */
export function familyValuesFromRow(keyring: Keyring, row: DbRow): RowValues {
  const values: RowValues = {};
  for (const c of familyColumns) {
    if (c.field === 'kkNumber') values.kkNumber = dec(keyring, row.kk_enc, CIPHER_CONTEXT.kk);
    else if (c.field === 'address') values.address = dec(keyring, row.address_enc, CIPHER_CONTEXT.address);
    else if (c.field === 'phone') values.phone = dec(keyring, row.phone_enc, CIPHER_CONTEXT.familyPhone);
    else if (c.field === 'programsReceived') {
      const programs = (row.programs_received as string[] | null) ?? [];
      const periods = (row.programs_received_periods as string[] | null) ?? [];
      values.programsReceived = programs.map((p, i) => (periods[i] ? `${p}:${periods[i]}` : p));
    } else values[c.field] = (row[snake(c.field)] ?? null) as RowValues[string];
  }
  return values;
}

export function memberValuesFromRow(keyring: Keyring, row: DbRow, kkNumber: string): RowValues {
  const values: RowValues = {};
  for (const c of memberColumns) {
    if (c.field === 'kkNumber') values.kkNumber = kkNumber;
    else if (c.field === 'nik') values.nik = dec(keyring, row.nik_enc, CIPHER_CONTEXT.nik);
    else if (c.field === 'phone') values.phone = dec(keyring, row.phone_enc, CIPHER_CONTEXT.memberPhone);
    else values[c.field] = (row[snake(c.field)] ?? null) as RowValues[string];
  }
  return values;
}

export interface IntegrityResult {
  families: number;
  members: number;
  broken: Array<{ entity: 'family' | 'member'; id: number; regencyCode: string }>;
}

/**
 * Recomputes row hashes over the whole registry, a page at a time, as the owner
 * (no row-level filter): integrity is checked everywhere.
 */
export async function verifyRegistryIntegrity(db: Db, keyring: Keyring, opts: { maxBroken?: number; pageSize?: number } = {}): Promise<IntegrityResult> {
  const maxBroken = opts.maxBroken ?? 20;
  const pageSize = opts.pageSize ?? 5000;
  const result: IntegrityResult = { families: 0, members: 0, broken: [] };
  let after = 0;
  for (;;) {
    const families = (await db.withConnection((c) => c.query<DbRow>(
      'select * from family where id > $1 order by id limit $2', [after, pageSize]))).rows;
    if (families.length === 0) break;
    const kkById = new Map<number, string>();
    for (const f of families) {
      const values = familyValuesFromRow(keyring, f);
      kkById.set(Number(f.id), values.kkNumber as string);
      result.families++;
      if (!familyRowHash(keyring, values).equals(Buffer.from(f.row_hash as Uint8Array)) && result.broken.length < maxBroken) {
        result.broken.push({ entity: 'family', id: Number(f.id), regencyCode: String(f.regency_code) });
      }
    }
    const ids = families.map((f) => Number(f.id));
    const members = (await db.withConnection((c) => c.query<DbRow>(
      'select * from member where family_id = any($1::bigint[]) order by id', [ids]))).rows;
    for (const m of members) {
      result.members++;
      const kk = kkById.get(Number(m.family_id)) ?? '';
      if (!memberRowHash(keyring, memberValuesFromRow(keyring, m, kk)).equals(Buffer.from(m.row_hash as Uint8Array)) && result.broken.length < maxBroken) {
        result.broken.push({ entity: 'member', id: Number(m.id), regencyCode: String(m.regency_code) });
      }
    }
    after = ids[ids.length - 1]!;
  }
  return result;
}
