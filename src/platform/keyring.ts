/**
 * The running system's keys: data keys from `crypto_key` unwrapped by the configured
 * key provider, and the blind-index key. The first start creates data key 1.
 */
import { BlindIndex, FieldCipher, LocalKeyProvider, createDataKey, parseKey, type KeyProvider } from './crypto.js';
import type { Db } from './db.js';

export interface Keyring {
  readonly cipher: FieldCipher;
  readonly index: BlindIndex;
  readonly provider: KeyProvider;
}

/** Associated-data contexts: a ciphertext cannot be moved to another column unnoticed. */
export const CIPHER_CONTEXT = {
  nik: 'member.nik',
  memberPhone: 'member.phone',
  kk: 'family.kk',
  address: 'family.address',
  familyPhone: 'family.phone',
} as const;

export function localKeyProvider(masterKey: string): KeyProvider {
  return new LocalKeyProvider(parseKey(masterKey, 'TEPAT_MASTER_KEY'));
}

/**
 * @example const keyring = await openKeyring(db, { masterKey, indexKey });
 */
export async function openKeyring(db: Db, keys: { masterKey: string; indexKey: string }, provider = localKeyProvider(keys.masterKey)): Promise<Keyring> {
  const index = new BlindIndex(parseKey(keys.indexKey, 'TEPAT_INDEX_KEY'));
  let rows = await db.kysely.selectFrom('cryptoKey').select(['id', 'wrappedKey', 'isCurrent']).where('purpose', '=', 'field').execute();
  if (rows.length === 0) {
    const { wrappedKey } = await createDataKey(provider);
    await db.kysely.insertInto('cryptoKey')
      .values({ id: 1, purpose: 'field', wrappedKey, provider: provider.id, isCurrent: true })
      .onConflict((oc) => oc.doNothing())
      .execute();
    rows = await db.kysely.selectFrom('cryptoKey').select(['id', 'wrappedKey', 'isCurrent']).where('purpose', '=', 'field').execute();
  }
  const current = rows.find((r) => r.isCurrent) ?? rows[rows.length - 1]!;
  const cipher = await FieldCipher.fromWrappedKeys(provider, rows.map((r) => ({ keyId: r.id, wrappedKey: r.wrappedKey })), current.id);
  return { cipher, index, provider };
}
