/**
 * Data-key rotation while the system runs. Steps, each safe to repeat:
 *   1. add key N+1 (not yet current) and wait one grace period, so every running
 *      server's keyring (refreshed periodically) can decrypt under it;
 *   2. make N+1 current;
 *   3. re-encrypt, in keyset-ordered batches, every value still under an older key.
 * Interrupted at any point, running it again resumes: step 1 is skipped when a newer key
 * than the current one exists, and step 3 only touches values not yet on the current key.
 */
import { createDataKey } from './crypto.js';
import type { Db } from './db.js';
import { ENCRYPTED_COLUMNS, type Keyring } from './keyring.js';
import { appendAudit } from './audit.js';

export interface RotationOptions {
  graceMs: number;
  batchSize?: number;
  onProgress?: (p: { table: string; column: string; done: number }) => void;
}

export interface RotationResult {
  keyId: number;
  reencrypted: number;
}

const system = { id: 'keys-rotate', role: 'pusat', scope: 'ID', channel: 'cli' } as const;

export async function rotateKeys(db: Db, keyring: Keyring, opts: RotationOptions): Promise<RotationResult> {
  const keys = await db.kysely.selectFrom('cryptoKey').select(['id', 'isCurrent']).where('purpose', '=', 'field').orderBy('id').execute();
  const current = keys.find((k) => k.isCurrent)!;
  const newest = keys[keys.length - 1]!;
  let target = newest.id;
  if (newest.id === current.id) {
    const { wrappedKey } = await createDataKey(keyring.provider);
    target = current.id + 1;
    await db.kysely.insertInto('cryptoKey').values({ id: target, purpose: 'field', wrappedKey, provider: keyring.provider.id, isCurrent: false }).execute();
  }
  await new Promise((r) => setTimeout(r, opts.graceMs));
  await db.transaction(async (tx) => {
    await tx.raw.query(`update crypto_key set is_current = (id = $1) where purpose = 'field'`, [target]);
    await appendAudit(tx, { action: 'keys.rotate', entityType: 'crypto_key', entityId: target, changes: { from: current.id, to: target } }, system);
  });
  await keyring.refresh();

  let reencrypted = 0;
  const batchSize = opts.batchSize ?? 2000;
  for (const { table, column, context, key } of ENCRYPTED_COLUMNS) {
    const composite = key.includes('regency_code');
    let after = 0;
    let done = 0;
    for (;;) {
      const rows = (await db.withConnection((c) => c.query<{ id: number; regency_code?: string; v: Uint8Array }>(
        `select ${key}, ${column} as v from ${table}
          where id > $1 and ${column} is not null and ((get_byte(${column}, 1) << 8) | get_byte(${column}, 2)) <> $2
          order by id limit $3`, [after, target, batchSize]))).rows;
      if (rows.length === 0) break;
      const cipher = keyring.cipher;
      const ids = rows.map((r) => r.id);
      const values = rows.map((r) => cipher.encrypt(cipher.decrypt(r.v, context), context));
      // Only the ciphertext changes; the update compares the old value so a concurrent
      // edit that wrote a fresh ciphertext in between is never overwritten.
      await db.withConnection((c) => c.query(
        composite
          ? `update ${table} t set ${column} = v.c from unnest($1::bigint[], $2::text[], $3::bytea[], $4::bytea[]) v(id, rc, c, old)
              where t.id = v.id and t.regency_code = v.rc and t.${column} = v.old`
          : `update ${table} t set ${column} = v.c from unnest($1::bigint[], $2::bytea[], $3::bytea[]) v(id, c, old)
              where t.id = v.id and t.${column} = v.old`,
        composite ? [ids, rows.map((r) => r.regency_code), values, rows.map((r) => Buffer.from(r.v))] : [ids, values, rows.map((r) => Buffer.from(r.v))]));
      done += rows.length;
      reencrypted += rows.length;
      after = ids[ids.length - 1]!;
      opts.onProgress?.({ table, column, done });
    }
  }
  await db.transaction(async (tx) => {
    await appendAudit(tx, { action: 'keys.reencrypted', entityType: 'crypto_key', entityId: target, changes: { values: reencrypted } }, system);
  });
  return { keyId: target, reencrypted };
}
