/**
 * Blocking keys as stored in `identity_key`: the engine's key strings hashed to 64-bit
 * integers. Keys built from the NIK (`i:`, `ia:`…`ie:`) are hashed with a secret derived
 * from the blind-index key, so the table cannot be searched with guessed NIKs (the NIK is
 * stored only encrypted). The other keys come from name, birth date, mother's name,
 * birth place and village, which the member row holds in plaintext under the same
 * row-level security; a fast unkeyed hash is enough for them.
 */
import { hash } from 'node:crypto';
import { blockLimit, preparedBlockingKeys, type PreparedRecords } from '../dedup/index.js';
import type { Tx } from '../platform/db.js';
import type { Keyring } from '../platform/keyring.js';
import { PERSON_JOINS, personColumns, type PersonRow } from './registry-people.js';

/** Bump when the engine's keys or this hashing change: every member is re-keyed. */
export const KEYS_VERSION = 1;

const IDENTIFIER_PREFIXES = new Set(['i', 'ia', 'ib', 'ic', 'id', 'ie']);

/** 64 bits of a string (two independent 32-bit multiplicative hashes), as a signed int64. */
function fastHash64(s: string): bigint {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return BigInt.asIntN(64, (BigInt(h2 >>> 0) << 32n) | BigInt(h1 >>> 0));
}

/** A person's keys: hashes (decimal int64 text, as SQL takes them) and their block caps. */
export interface HashedKeys {
  readonly hashes: readonly string[];
  readonly limits: readonly number[];
}

/**
 * Hashes engine key strings for storage and lookup.
 *
 * @example
 * const hasher = new KeyHasher(keyring);
 * hasher.hashAll(['dn:1980:1-5:aminah']).hashes; // ['-3617…']
 */
export class KeyHasher {
  readonly #secret: string;

  constructor(keyring: Keyring) {
    // A fixed derivation of the blind-index key: stable across restarts and key rotation
    // of the data keys, different from every other blind index.
    this.#secret = keyring.index.compute('identity.key', `blocking-keys-v${KEYS_VERSION}`).toString('hex');
  }

  hashKey(key: string): string {
    const prefix = key.slice(0, key.indexOf(':'));
    if (IDENTIFIER_PREFIXES.has(prefix)) {
      // Truncated SHA-256 of secret ‖ key: a keyed PRF (truncation rules out length extension).
      return (hash('sha256', this.#secret + key, 'buffer') as Buffer).readBigInt64BE(0).toString();
    }
    return fastHash64(key).toString();
  }

  /** Hashes of distinct keys, with the stop-key cap of each. */
  hashAll(keys: readonly string[], maxBlockSize?: number): HashedKeys {
    const seen = new Set<string>();
    const hashes: string[] = [];
    const limits: number[] = [];
    for (const k of keys) {
      const h = this.hashKey(k);
      if (seen.has(h)) continue;
      seen.add(h);
      hashes.push(h);
      limits.push(blockLimit(k, maxBlockSize));
    }
    return { hashes, limits };
  }

  /** Keys of record `i` of a prepared set. */
  forPrepared(p: PreparedRecords, i: number, maxBlockSize?: number): HashedKeys {
    return this.hashAll(preparedBlockingKeys(p, i), maxBlockSize);
  }
}

/** Who a set of keys belongs to, and the content they were computed from. */
export interface KeyedPerson {
  readonly memberId: number;
  readonly regencyCode: string;
  readonly villageCode: string;
  readonly rowHash: Uint8Array;
  readonly keys: readonly string[];
}

// Drop keys a person no longer has, add new ones, record what they were computed from.
// The delete and the insert never touch the same rows, so they share one statement (and
// one round trip) with whatever follows. Parameters $1–$9.
const WRITE_KEYS = `with people as (
    select * from unnest($1::bigint[], $2::text[], $3::text[], $4::bytea[]) as p(member_id, regency_code, village_code, row_hash)),
  keys as (
    select * from unnest($5::bigint[], $6::text[], $7::text[], $8::bigint[]) as k(member_id, regency_code, village_code, key_hash)),
  dropped as (
    delete from identity_key k using people p
     where k.member_id = p.member_id and k.regency_code = p.regency_code
       and not exists (select 1 from keys n where n.member_id = k.member_id and n.regency_code = k.regency_code and n.key_hash = k.key_hash)
    returning 1),
  added as (
    insert into identity_key (member_id, regency_code, village_code, key_hash)
    -- in key order: neighbouring index pages are written together
    select member_id, regency_code, village_code, key_hash from keys order by key_hash
    on conflict (member_id, regency_code, key_hash) do update set village_code = excluded.village_code
      where identity_key.village_code <> excluded.village_code
    returning 1),
  keyed as (
    insert into identity_keyed (member_id, regency_code, village_code, row_hash, keyed_village, keys_version)
    select member_id, regency_code, village_code, row_hash, village_code, $9 from people
    on conflict (member_id, regency_code) do update set village_code = excluded.village_code, row_hash = excluded.row_hash,
      keyed_village = excluded.keyed_village, keys_version = excluded.keys_version
    returning 1)`;

function writeParams(people: readonly KeyedPerson[]): unknown[] {
  const km: string[] = [];
  const kr: string[] = [];
  const kv: string[] = [];
  const kh: string[] = [];
  for (const p of people) {
    const id = String(p.memberId);
    for (const h of p.keys) {
      km.push(id);
      kr.push(p.regencyCode);
      kv.push(p.villageCode);
      kh.push(h);
    }
  }
  return [
    people.map((p) => p.memberId), people.map((p) => p.regencyCode), people.map((p) => p.villageCode),
    people.map((p) => Buffer.from(p.rowHash)), km, kr, kv, kh, KEYS_VERSION,
  ];
}

/**
 * Replaces the stored keys of these people, set-based (one statement). RLS applies: the
 * people must be in the transaction's scope. Returns the number of key rows given.
 */
export async function writeKeys(tx: Tx, people: readonly KeyedPerson[]): Promise<number> {
  if (people.length === 0) return 0;
  const params = writeParams(people);
  await tx.raw.query(`${WRITE_KEYS} select (select count(*) from keyed) as n`, params);
  return (params[7] as string[]).length;
}

/**
 * Writes these people's keys and, in the same statement, finds the other people sharing
 * them: for each key, at most `limits[x]` + 1 holders outside `people` are read (more means
 * a stop key, dropped). Returns each candidate's person row with the keys it shares.
 */
export async function writeKeysAndFindHolders(tx: Tx, people: readonly KeyedPerson[], lookup: HashedKeys): Promise<Array<PersonRow & { shared: string[] }>> {
  if (people.length === 0) return [];
  const params = [...writeParams(people), lookup.hashes, lookup.limits, people.map((p) => p.memberId)];
  const rows = await tx.raw.query<PersonRow & { shared: string[] }>(`${WRITE_KEYS},
    q as (select * from unnest($10::bigint[], $11::int[]) as q(h, lim)),
    holders as (
      select q.h, q.lim, c.member_id, c.regency_code from q
      cross join lateral (select x.member_id, x.regency_code from identity_key x
                           where x.key_hash = q.h and x.member_id <> all($12::bigint[]) limit q.lim + 1) c),
    counted as (select h, count(*) as n from holders group by h),
    candidates as (
      select h.member_id, h.regency_code, array_agg(h.h::text) as shared
        from holders h join counted c on c.h = h.h where c.n <= h.lim group by h.member_id, h.regency_code)
    select c.shared, ${personColumns('$9')}
      from candidates c join member m on m.id = c.member_id and m.regency_code = c.regency_code ${PERSON_JOINS}
     order by m.id, m.regency_code`, params);
  return rows.rows;
}
