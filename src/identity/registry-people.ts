/**
 * Registry members as the engine's person records: identifiers decrypted in memory only
 * (NIK from the member, No. KK and address from the family), never written anywhere.
 * Reads run in the caller's transaction, so row-level security decides who is seen.
 */
import type { PersonRecord } from '../dedup/index.js';
import type { Tx } from '../platform/db.js';
import { CIPHER_CONTEXT, type Keyring } from '../platform/keyring.js';

/** A member and where it lives, with its engine record (`record.id` is the member id). */
export interface RegistryPerson {
  readonly memberId: number;
  readonly regencyCode: string;
  readonly villageCode: string;
  readonly rowHash: Uint8Array;
  readonly record: PersonRecord;
  /** Its stored blocking keys are up to date (same row_hash, village and key version). */
  readonly keysFresh: boolean;
}

export interface PersonRow {
  id: number;
  regency_code: string;
  village_code: string;
  row_hash: Uint8Array;
  nik_enc: Uint8Array | null;
  full_name: string;
  sex: string;
  birth_place: string | null;
  birth_date: string | null;
  mother_name: string | null;
  family_id: number;
  kk_enc: Uint8Array;
  address_enc: Uint8Array | null;
  rt: string | null;
  rw: string | null;
  keys_fresh: boolean;
}

/** Columns of a person read; `version` is the parameter holding the current key version. */
export const personColumns = (version: string) => `m.id, m.regency_code, m.village_code, m.row_hash, m.nik_enc, m.full_name, m.sex, m.birth_place,
  m.birth_date::text as birth_date, m.mother_name, m.family_id, f.kk_enc, f.address_enc, f.rt, f.rw,
  coalesce(k.row_hash = m.row_hash and k.keyed_village = m.village_code and k.keys_version = ${version}, false) as keys_fresh`;

/** What a person row joins, after `member m`. */
export const PERSON_JOINS = `join family f on f.id = m.family_id and f.regency_code = m.regency_code
  left join identity_keyed k on k.member_id = m.id and k.regency_code = m.regency_code`;

export const PERSON_FROM = `member m ${PERSON_JOINS}`;

/** Decrypts rows into person records; family identifiers are decrypted once per family. */
export class PersonDecoder {
  private readonly families = new Map<string, { kk: string; address: string | null }>();
  constructor(private readonly keyring: Keyring) {}

  decode(r: PersonRow): RegistryPerson {
    const fkey = `${r.family_id}:${r.regency_code}`;
    let fam = this.families.get(fkey);
    if (!fam) {
      const cipher = this.keyring.cipher;
      const address = r.address_enc ? cipher.decrypt(r.address_enc, CIPHER_CONTEXT.address) : null;
      const rtRw = [r.rt ? `RT ${r.rt}` : '', r.rw ? `RW ${r.rw}` : ''].filter(Boolean).join(' ');
      fam = { kk: cipher.decrypt(r.kk_enc, CIPHER_CONTEXT.kk), address: address ? `${address} ${rtRw}`.trim() : rtRw || null };
      if (this.families.size > 50_000) this.families.clear();
      this.families.set(fkey, fam);
    }
    return {
      memberId: Number(r.id),
      regencyCode: r.regency_code,
      villageCode: r.village_code,
      rowHash: r.row_hash,
      keysFresh: r.keys_fresh === true,
      record: {
        id: String(r.id),
        nik: r.nik_enc ? this.keyring.cipher.decrypt(r.nik_enc, CIPHER_CONTEXT.nik) : null,
        kkNumber: fam.kk,
        fullName: r.full_name,
        sex: r.sex,
        birthPlace: r.birth_place,
        birthDate: r.birth_date,
        motherName: r.mother_name,
        address: fam.address,
        villageCode: r.village_code,
      },
    };
  }
}

/**
 * Reads these members (those visible in the transaction's scope).
 * @example const people = await readPeople(tx, keyring, [{ memberId: 7, regencyCode: '32.01' }]);
 */
export async function readPeople(tx: Tx, keyring: Keyring, refs: ReadonlyArray<{ memberId: number; regencyCode?: string }>, keysVersion: number): Promise<RegistryPerson[]> {
  if (refs.length === 0) return [];
  const ids = refs.map((r) => r.memberId);
  const rows = await tx.raw.query<PersonRow>(
    `select ${personColumns('$1')} from ${PERSON_FROM} where m.id = any($2::bigint[]) order by m.id, m.regency_code`, [keysVersion, ids]);
  const wanted = new Set(refs.map((r) => (r.regencyCode ? `${r.memberId}:${r.regencyCode}` : `${r.memberId}`)));
  const decoder = new PersonDecoder(keyring);
  return rows.rows
    .filter((r) => wanted.has(`${r.id}:${r.regency_code}`) || wanted.has(`${r.id}`))
    .map((r) => decoder.decode(r));
}

/** Order of people everywhere in this feature: by (member id, regency). */
export function comparePeople(a: { memberId: number; regencyCode: string }, b: { memberId: number; regencyCode: string }): number {
  return a.memberId - b.memberId || (a.regencyCode < b.regencyCode ? -1 : a.regencyCode > b.regencyCode ? 1 : 0);
}
