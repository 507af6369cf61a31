/**
 * Reads of the registry for officers: lists and family pages with identifiers masked.
 * Runs inside the caller's scoped transaction, so row-level security decides what exists.
 */
import { sql } from 'kysely';
import type { Tx } from '../platform/db.js';
import { CIPHER_CONTEXT, type Keyring } from '../platform/keyring.js';
import { AppError } from '../platform/errors.js';
import { maskKk, maskNik, maskPhone } from '../security/mask.js';
import { levelOfCode } from '../regions/names.js';

export interface FamilyListItem {
  id: number;
  villageCode: string;
  kkMasked: string;
  rt: string | null;
  rw: string | null;
  headName: string | null;
  memberCount: number;
  updatedAt: string;
}

export interface FamilyFilters {
  region?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

function encodeCursor(villageCode: string, id: number): string {
  return Buffer.from(`${villageCode}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { villageCode: string; id: number } {
  const [villageCode, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!villageCode || !id || !/^\d+$/.test(id) || levelOfCode(villageCode) !== 4) {
    throw new AppError('validation', 'Kursor halaman tidak valid.');
  }
  return { villageCode, id: Number(id) };
}

/**
 * Keyset pagination ordered by (village, id), which the family_village_idx serves directly.
 * @example await listFamilies(tx, keyring, { region: '32.01', limit: 50 })
 */
export async function listFamilies(tx: Tx, keyring: Keyring, f: FamilyFilters): Promise<{ items: FamilyListItem[]; next: string | null }> {
  let q = tx.kysely.selectFrom('family as f')
    .select(['f.id', 'f.villageCode', 'f.kkEnc', 'f.rt', 'f.rw', 'f.updatedAt'])
    .select((eb) => [
      eb.selectFrom('member as m').select('m.fullName').whereRef('m.familyId', '=', 'f.id').where('m.relationship', '=', 'kepala').limit(1).as('headName'),
      eb.selectFrom('member as m').select(eb.fn.countAll<number>().as('n')).whereRef('m.familyId', '=', 'f.id').as('memberCount'),
    ]);
  if (f.region && f.region !== 'ID') {
    if (levelOfCode(f.region) === undefined) throw new AppError('validation', `Kode wilayah ${f.region} tidak valid.`);
    // A prefix range over the index: every code under 32.01 sorts between '32.01.' and '32.01/'.
    q = levelOfCode(f.region) === 4
      ? q.where('f.villageCode', '=', f.region)
      : q.where('f.villageCode', '>=', `${f.region}.`).where('f.villageCode', '<', `${f.region}/`);
  }
  if (f.cursor) {
    const c = decodeCursor(f.cursor);
    q = q.where(sql<boolean>`(f.village_code, f.id) > (${c.villageCode}, ${c.id})`);
  }
  const rows = await q.orderBy('f.villageCode').orderBy('f.id').limit(f.limit + 1).execute();
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      id: r.id, villageCode: r.villageCode, rt: r.rt, rw: r.rw, headName: r.headName ?? null,
      memberCount: Number(r.memberCount ?? 0),
      kkMasked: maskKk(keyring.cipher.decrypt(r.kkEnc, CIPHER_CONTEXT.kk)),
      updatedAt: new Date(r.updatedAt).toISOString(),
    })),
    next: rows.length > f.limit && last ? encodeCursor(last.villageCode, last.id) : null,
  };
}

const FAMILY_PLAIN_FIELDS = [
  'id', 'regencyCode', 'villageCode', 'rt', 'rw', 'tenure', 'landTitle', 'floorAreaM2', 'floorMaterial', 'wallMaterial',
  'roofMaterial', 'waterSource', 'lightingSource', 'powerVa', 'cookingFuel', 'toiletFacility', 'sewageDisposal',
  'hasGasCylinder', 'hasFridge', 'hasAc', 'hasTv', 'hasGold', 'hasComputer', 'hasMotorbike', 'hasCar', 'hasBoat',
  'hasSmartphone', 'ownsLand', 'ownsOtherHouse', 'cattle', 'buffalo', 'goats', 'pigs', 'hasInternet', 'hasBankAccount',
  'programsReceived', 'programsReceivedPeriods', 'kkWarnings', 'version', 'createdAt', 'updatedAt',
] as const;

const MEMBER_PLAIN_FIELDS = [
  'id', 'familyId', 'fullName', 'sex', 'birthPlace', 'birthDate', 'relationship', 'maritalStatus', 'presenceStatus',
  'motherName', 'identityDocument', 'schoolParticipation', 'educationLevel', 'schoolGrade', 'workStatus', 'occupation',
  'workHours', 'hasBusiness', 'disabilities', 'severeDisability', 'chronicIllness', 'healthInsurance', 'isPregnant',
  'nikWarnings', 'version', 'updatedAt',
] as const;

export type MemberView = Record<(typeof MEMBER_PLAIN_FIELDS)[number], unknown> & { nikMasked: string | null; phoneMasked: string | null };
export type FamilyView = Record<(typeof FAMILY_PLAIN_FIELDS)[number], unknown> & {
  kkMasked: string; phoneMasked: string | null; hasAddress: boolean; members: MemberView[];
};

function memberView(keyring: Keyring, m: Record<string, unknown>): MemberView {
  const out: Record<string, unknown> = {};
  for (const k of MEMBER_PLAIN_FIELDS) out[k] = k === 'updatedAt' ? new Date(m[k] as string).toISOString() : m[k];
  out.nikMasked = m.nikEnc ? maskNik(keyring.cipher.decrypt(m.nikEnc as Uint8Array, CIPHER_CONTEXT.nik)) : null;
  out.phoneMasked = m.phoneEnc ? maskPhone(keyring.cipher.decrypt(m.phoneEnc as Uint8Array, CIPHER_CONTEXT.memberPhone)) : null;
  return out as MemberView;
}

/** Records that the transaction's actor read a person's or family's full record. */
export async function logAccess(tx: Tx, entry: { entityType: 'family' | 'member'; entityId: number; regencyCode: string; villageCode: string; kind: 'record' | 'unmasked'; purpose?: string }): Promise<void> {
  const actor = tx.actor;
  if (!actor) throw new AppError('internal', 'logAccess needs an actor');
  await tx.kysely.insertInto('accessLog').values({
    regencyCode: entry.regencyCode, villageCode: entry.villageCode, actor: actor.id, actorRole: actor.role,
    entityType: entry.entityType, entityId: entry.entityId, kind: entry.kind, purpose: entry.purpose ?? null, requestId: actor.requestId ?? null,
  }).execute();
}

/** A family with its members, identifiers masked; undefined when absent or out of scope. The read is logged. */
export async function findFamily(tx: Tx, keyring: Keyring, id: number): Promise<FamilyView | undefined> {
  const f = await tx.kysely.selectFrom('family').selectAll().where('id', '=', id).executeTakeFirst();
  if (!f) return undefined;
  await logAccess(tx, { entityType: 'family', entityId: f.id, regencyCode: f.regencyCode, villageCode: f.villageCode, kind: 'record' });
  const members = await tx.kysely.selectFrom('member').selectAll().where('familyId', '=', id).where('regencyCode', '=', f.regencyCode).orderBy('id').execute();
  const out: Record<string, unknown> = {};
  for (const k of FAMILY_PLAIN_FIELDS) out[k] = k === 'createdAt' || k === 'updatedAt' ? new Date(f[k] as unknown as string).toISOString() : f[k];
  out.kkMasked = maskKk(keyring.cipher.decrypt(f.kkEnc, CIPHER_CONTEXT.kk));
  out.phoneMasked = f.phoneEnc ? maskPhone(keyring.cipher.decrypt(f.phoneEnc, CIPHER_CONTEXT.familyPhone)) : null;
  out.hasAddress = f.addressEnc !== null;
  out.members = members.map((m) => memberView(keyring, m as unknown as Record<string, unknown>));
  return out as FamilyView;
}

export async function findMember(tx: Tx, keyring: Keyring, id: number): Promise<MemberView | undefined> {
  const m = await tx.kysely.selectFrom('member').selectAll().where('id', '=', id).executeTakeFirst();
  if (!m) return undefined;
  await logAccess(tx, { entityType: 'member', entityId: m.id, regencyCode: m.regencyCode, villageCode: m.villageCode, kind: 'record' });
  return memberView(keyring, m as unknown as Record<string, unknown>);
}

export interface RevealedMember {
  id: number;
  fullName: string;
  nik: string | null;
  phone: string | null;
}

/**
 * A member's identifiers in clear, for a stated purpose; logged with the purpose.
 * @example await revealMember(tx, keyring, 42, 'verifikasi lapangan: pencocokan KTP')
 */
export async function revealMember(tx: Tx, keyring: Keyring, id: number, purpose: string): Promise<RevealedMember | undefined> {
  const m = await tx.kysely.selectFrom('member').select(['id', 'fullName', 'nikEnc', 'phoneEnc', 'regencyCode', 'villageCode']).where('id', '=', id).executeTakeFirst();
  if (!m) return undefined;
  await logAccess(tx, { entityType: 'member', entityId: m.id, regencyCode: m.regencyCode, villageCode: m.villageCode, kind: 'unmasked', purpose });
  return {
    id: m.id, fullName: m.fullName,
    nik: m.nikEnc ? keyring.cipher.decrypt(m.nikEnc, CIPHER_CONTEXT.nik) : null,
    phone: m.phoneEnc ? keyring.cipher.decrypt(m.phoneEnc, CIPHER_CONTEXT.memberPhone) : null,
  };
}
