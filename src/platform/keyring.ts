/**
 * The running system's keys: data keys from `crypto_key` unwrapped by the configured
 * key provider, and the blind-index key. The first start creates data key 1.
 *
 * Rotation (`tepat keys rotate`, src/platform/key-rotation.ts) adds a key, makes it
 * current and re-encrypts every column in batches while servers keep running: a running
 * keyring reloads the key table periodically (`refresh`), so it can decrypt values under
 * the new key before any exist and encrypts with whichever key is current.
 */
import { BlindIndex, FieldCipher, LocalKeyProvider, createDataKey, parseKey, type KeyProvider } from './crypto.js';
import type { Db } from './db.js';

/** Associated-data contexts: a ciphertext cannot be moved to another column unnoticed. */
export const CIPHER_CONTEXT = {
  nik: 'member.nik',
  memberPhone: 'member.phone',
  kk: 'family.kk',
  address: 'family.address',
  familyPhone: 'family.phone',
  totp: 'account.totp',
} as const;

/** Every encrypted column, for key rotation. A feature adding one must list it here. */
export const ENCRYPTED_COLUMNS: ReadonlyArray<{ table: string; column: string; context: string; key: string }> = [
  { table: 'family', column: 'kk_enc', context: CIPHER_CONTEXT.kk, key: 'id, regency_code' },
  { table: 'family', column: 'address_enc', context: CIPHER_CONTEXT.address, key: 'id, regency_code' },
  { table: 'family', column: 'phone_enc', context: CIPHER_CONTEXT.familyPhone, key: 'id, regency_code' },
  { table: 'member', column: 'nik_enc', context: CIPHER_CONTEXT.nik, key: 'id, regency_code' },
  { table: 'member', column: 'phone_enc', context: CIPHER_CONTEXT.memberPhone, key: 'id, regency_code' },
  { table: 'account', column: 'totp_secret_enc', context: CIPHER_CONTEXT.totp, key: 'id' },
];

export interface Keyring {
  /** The cipher as of the last refresh: read it at each use, do not keep it. */
  readonly cipher: FieldCipher;
  readonly index: BlindIndex;
  readonly provider: KeyProvider;
  /** Reloads the key table (new keys, a new current key). */
  refresh(): Promise<void>;
}

export function localKeyProvider(masterKey: string): KeyProvider {
  return new LocalKeyProvider(parseKey(masterKey, 'TEPAT_MASTER_KEY'));
}

async function loadCipher(db: Db, provider: KeyProvider): Promise<FieldCipher> {
  let rows = await db.kysely.selectFrom('cryptoKey').select(['id', 'wrappedKey', 'isCurrent']).where('purpose', '=', 'field').orderBy('id').execute();
  if (rows.length === 0) {
    const { wrappedKey } = await createDataKey(provider);
    await db.kysely.insertInto('cryptoKey')
      .values({ id: 1, purpose: 'field', wrappedKey, provider: provider.id, isCurrent: true })
      .onConflict((oc) => oc.doNothing())
      .execute();
    rows = await db.kysely.selectFrom('cryptoKey').select(['id', 'wrappedKey', 'isCurrent']).where('purpose', '=', 'field').orderBy('id').execute();
  }
  const current = rows.find((r) => r.isCurrent) ?? rows[rows.length - 1]!;
  return FieldCipher.fromWrappedKeys(provider, rows.map((r) => ({ keyId: r.id, wrappedKey: r.wrappedKey })), current.id);
}

/**
 * @example const keyring = await openKeyring(db, { masterKey, indexKey });
 */
export async function openKeyring(db: Db, keys: { masterKey: string; indexKey: string }, provider = localKeyProvider(keys.masterKey)): Promise<Keyring> {
  const index = new BlindIndex(parseKey(keys.indexKey, 'TEPAT_INDEX_KEY'));
  let cipher = await loadCipher(db, provider);
  return {
    get cipher() { return cipher; },
    index,
    provider,
    async refresh() { cipher = await loadCipher(db, provider); },
  };
}
