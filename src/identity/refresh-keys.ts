/**
 * Recomputes and stores the blocking keys of some members, without scoring (after a
 * merge changed a survivor, or an unmerge restored records).
 */
import { prepareRecords } from '../dedup/index.js';
import type { Tx } from '../platform/db.js';
import type { Keyring } from '../platform/keyring.js';
import { KEYS_VERSION, KeyHasher, writeKeys } from './block-keys.js';
import { readPeople } from './registry-people.js';

/** @example await refreshKeys(tx, keyring, [7, 9]) */
export async function refreshKeys(tx: Tx, keyring: Keyring, memberIds: readonly number[]): Promise<number> {
  const people = await readPeople(tx, keyring, memberIds.map((memberId) => ({ memberId })), KEYS_VERSION);
  if (people.length === 0) return 0;
  const hasher = new KeyHasher(keyring);
  const p = prepareRecords(people.map((x) => x.record));
  return writeKeys(tx, people.map((x, i) => ({ ...x, keys: hasher.forPrepared(p, i).hashes })));
}
