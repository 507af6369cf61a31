/**
 * SQL of the civil-registry integration, as reviewable text. Every function runs inside
 * the caller's transaction (`Tx`), so row-level security and the actor apply. Batches go
 * in as one JSON parameter expanded by `jsonb_to_recordset`: one statement per batch,
 * the same on PGlite and PostgreSQL.
 */
import type { Tx } from '../platform/db.js';
import { CIPHER_CONTEXT, type Keyring } from '../platform/keyring.js';
import { memberRowHash, memberValuesFromRow } from '../registry/integrity.js';
import type { MismatchField } from './matching.js';
import type { VerificationOutcome, VerifyRequest, VerifyResult } from './types.js';

/** Associated-data contexts of identifiers stored by this feature. */
export const CIVIL_CIPHER_CONTEXT = { proposedKk: 'civil_case.kk', proposedNik: 'civil_case.nik' } as const;

export interface MemberRef {
  readonly id: number;
  readonly regencyCode: string;
  readonly villageCode: string;
  readonly familyId: number;
}

export interface PendingMember extends MemberRef {
  readonly version: number;
  readonly presenceStatus: string;
  readonly request: VerifyRequest;
}

interface PendingRow {
  id: number; regency_code: string; village_code: string; family_id: number; version: number; presence_status: string;
  nik_enc: Uint8Array; full_name: string; birth_date: string | null; kk_enc: Uint8Array;
}

/** Region filter on a village_code column: national (null), or the code and everything under it. */
export const REGION_FILTER = (col: string, param: string) =>
  `(${param}::text is null or ${col} = ${param} or (${col} >= ${param} || '.' and ${col} < ${param} || '/'))`;

function regionParam(region: string | undefined): string | null {
  return region && region !== 'ID' ? region : null;
}

/**
 * Members with a NIK whose verification is missing or stale, in id order after `after`.
 * NIK and No. KK are decrypted here, only for the request to the registry.
 */
export async function findPendingMembers(tx: Tx, keyring: Keyring, opts: { after: number; limit: number; region?: string | undefined; memberIds?: readonly number[] | undefined }): Promise<PendingMember[]> {
  const rows = (await tx.raw.query<PendingRow>(
    `select m.id, m.regency_code, m.village_code, m.family_id, m.version, m.presence_status, m.nik_enc, m.full_name, m.birth_date, f.kk_enc
       from member m
       join family f on f.id = m.family_id and f.regency_code = m.regency_code
       left join civil_member_status s on s.member_id = m.id and s.regency_code = m.regency_code
      where m.nik_enc is not null and m.id > $1
        and (s.member_id is null or s.member_version <> m.version or s.needs_recheck)
        and ${REGION_FILTER('m.village_code', '$3')}
        and ($4::bigint[] is null or m.id = any($4::bigint[]))
      order by m.id
      limit $2`,
    [opts.after, opts.limit, regionParam(opts.region), opts.memberIds ? [...opts.memberIds] : null],
  )).rows;
  return rows.map(toPending(keyring));
}

function toPending(keyring: Keyring) {
  return (r: PendingRow): PendingMember => ({
    id: Number(r.id), regencyCode: r.regency_code, villageCode: r.village_code, familyId: Number(r.family_id), version: r.version,
    presenceStatus: r.presence_status,
    request: {
      nik: keyring.cipher.decrypt(r.nik_enc, CIPHER_CONTEXT.nik), name: r.full_name, birthDate: r.birth_date,
      kk: keyring.cipher.decrypt(r.kk_enc, CIPHER_CONTEXT.kk),
    },
  });
}

/** One member (visible in scope) with what a verification needs; undefined when not visible. */
export async function findMemberForVerification(tx: Tx, keyring: Keyring, memberId: number): Promise<{ member: MemberRef; pending: PendingMember | undefined } | undefined> {
  const rows = (await tx.raw.query<PendingRow>(
    `select m.id, m.regency_code, m.village_code, m.family_id, m.version, m.presence_status, m.nik_enc, m.full_name, m.birth_date, f.kk_enc
       from member m join family f on f.id = m.family_id and f.regency_code = m.regency_code
      where m.id = $1`, [memberId])).rows;
  const r = rows[0];
  if (!r) return undefined;
  const member = { id: Number(r.id), regencyCode: r.regency_code, villageCode: r.village_code, familyId: Number(r.family_id) };
  return { member, pending: r.nik_enc ? toPending(keyring)(r) : undefined };
}

export interface VerificationToRecord {
  readonly member: PendingMember;
  readonly result: VerifyResult;
  readonly outcome: VerificationOutcome;
  readonly mismatched: readonly MismatchField[];
  readonly fromCache: boolean;
}

/**
 * Appends verification records and moves each member's status to them, in one statement.
 * @returns the new verification ids by member id
 */
export async function recordVerifications(tx: Tx, source: string, actorId: string, items: readonly VerificationToRecord[]): Promise<Map<number, number>> {
  if (items.length === 0) return new Map();
  const json = JSON.stringify(items.map((i) => ({
    regency_code: i.member.regencyCode, village_code: i.member.villageCode, member_id: i.member.id, member_version: i.member.version,
    source, from_cache: i.fromCache, outcome: i.outcome, nik_status: i.result.nikStatus,
    name_result: i.result.name?.result ?? null, name_score: i.result.name?.score ?? null,
    birth_date_result: i.result.birthDate?.result ?? null, kk_result: i.result.kk?.result ?? null,
    mismatched: i.mismatched, actor: actorId,
  })));
  const rows = (await tx.raw.query<{ id: number; member_id: number }>(
    `with x as (
       select * from jsonb_to_recordset($1::jsonb) as x(regency_code text, village_code text, member_id bigint, member_version integer,
         source text, from_cache boolean, outcome text, nik_status text, name_result text, name_score smallint, birth_date_result text,
         kk_result text, mismatched text[], actor text)
     ), ins as (
       insert into civil_verification (regency_code, village_code, member_id, member_version, source, from_cache, outcome, nik_status,
         name_result, name_score, birth_date_result, kk_result, actor)
       select regency_code, village_code, member_id, member_version, source, from_cache, outcome, nik_status,
         name_result, name_score, birth_date_result, kk_result, actor from x
       returning id, member_id, regency_code, village_code, member_version, outcome, checked_at
     ), st as (
       insert into civil_member_status (member_id, regency_code, village_code, member_version, outcome, mismatched, verification_id, checked_at)
       select ins.member_id, ins.regency_code, ins.village_code, ins.member_version, ins.outcome, x.mismatched, ins.id, ins.checked_at
         from ins join x on x.member_id = ins.member_id and x.regency_code = ins.regency_code
       on conflict (member_id, regency_code) do update set
         village_code = excluded.village_code, member_version = excluded.member_version, outcome = excluded.outcome,
         mismatched = excluded.mismatched, verification_id = excluded.verification_id, checked_at = excluded.checked_at, needs_recheck = false
     )
     select id, member_id from ins`, [json])).rows;
  return new Map(rows.map((r) => [Number(r.member_id), Number(r.id)]));
}

/** The registry changed what it holds about these members: count them as not yet checked. */
export async function markForRecheck(tx: Tx, members: readonly MemberRef[]): Promise<void> {
  if (members.length === 0) return;
  await tx.raw.query(
    `update civil_member_status s set needs_recheck = true
       from unnest($1::bigint[], $2::text[]) as x(id, regency_code)
      where s.member_id = x.id and s.regency_code = x.regency_code and not s.needs_recheck`,
    [members.map((m) => m.id), members.map((m) => m.regencyCode)]);
}

/**
 * Marks members deceased (presence_status 'meninggal', which drops them from payment
 * lists) and opens one death review case each. Never deletes anything. The row integrity
 * hash is recomputed, because this is a legitimate change made by the application.
 * Members already marked are left alone.
 * @returns the members actually marked
 */
export async function markDeceased(tx: Tx, keyring: Keyring, members: readonly MemberRef[], opened: { source: string; eventId: string | null; actorId: string; details: Record<string, unknown> }): Promise<MemberRef[]> {
  if (members.length === 0) return [];
  const rows = (await tx.raw.query<Record<string, unknown>>(
    `select m.*, f.kk_enc as family_kk_enc
       from member m join family f on f.id = m.family_id and f.regency_code = m.regency_code
       join unnest($1::bigint[], $2::text[]) as x(id, regency_code) on m.id = x.id and m.regency_code = x.regency_code
      where m.presence_status <> 'meninggal'
      order by m.id
      for update of m`,
    [members.map((m) => m.id), members.map((m) => m.regencyCode)])).rows;
  if (rows.length === 0) return [];
  const hashes = rows.map((row) => {
    const values = memberValuesFromRow(keyring, row, keyring.cipher.decrypt(row.family_kk_enc as Uint8Array, CIPHER_CONTEXT.kk));
    values.presenceStatus = 'meninggal';
    return memberRowHash(keyring, values).toString('hex');
  });
  await tx.raw.query(
    `update member m set presence_status = 'meninggal', row_hash = decode(x.h, 'hex'), version = m.version + 1, updated_at = now()
       from unnest($1::bigint[], $2::text[], $3::text[]) as x(id, regency_code, h)
      where m.id = x.id and m.regency_code = x.regency_code and m.presence_status <> 'meninggal'`,
    [rows.map((r) => Number(r.id)), rows.map((r) => r.regency_code), hashes]);
  const marked = rows.map((r): MemberRef => ({ id: Number(r.id), regencyCode: String(r.regency_code), villageCode: String(r.village_code), familyId: Number(r.family_id) }));
  await tx.raw.query(
    `insert into civil_case (regency_code, village_code, kind, source, event_id, family_id, member_id, details, opened_by)
     select x.regency_code, x.village_code, 'death', $2, $3, x.family_id, x.member_id, $4::jsonb, $5
       from jsonb_to_recordset($1::jsonb) as x(regency_code text, village_code text, family_id bigint, member_id bigint)
     on conflict (member_id, regency_code) where kind = 'death' and status = 'open' do nothing`,
    [JSON.stringify(marked.map((m) => ({ regency_code: m.regencyCode, village_code: m.villageCode, family_id: m.familyId, member_id: m.id }))),
      opened.source, opened.eventId, JSON.stringify(opened.details), opened.actorId]);
  return marked;
}

export interface CaseDraft {
  readonly kind: 'move' | 'kk_change' | 'correction' | 'birth';
  readonly regencyCode: string;
  readonly villageCode: string;
  readonly familyId: number | null;
  readonly memberId: number | null;
  readonly details: Record<string, unknown>;
  readonly proposedKk?: string | undefined;
  readonly proposedNik?: string | undefined;
}

/** Opens proposals; the proposed No. KK / NIK are stored encrypted with a blind index. */
export async function openProposals(tx: Tx, keyring: Keyring, source: string, actorId: string, drafts: ReadonlyArray<CaseDraft & { eventId: string }>): Promise<number> {
  if (drafts.length === 0) return 0;
  const hex = (b: Buffer) => b.toString('hex');
  const json = JSON.stringify(drafts.map((d) => ({
    regency_code: d.regencyCode, village_code: d.villageCode, kind: d.kind, event_id: d.eventId, family_id: d.familyId, member_id: d.memberId,
    details: d.details,
    kk_enc: d.proposedKk ? hex(keyring.cipher.encrypt(d.proposedKk, CIVIL_CIPHER_CONTEXT.proposedKk)) : null,
    kk_bidx: d.proposedKk ? hex(keyring.index.compute('kk', d.proposedKk)) : null,
    nik_enc: d.proposedNik ? hex(keyring.cipher.encrypt(d.proposedNik, CIVIL_CIPHER_CONTEXT.proposedNik)) : null,
    nik_bidx: d.proposedNik ? hex(keyring.index.compute('nik', d.proposedNik)) : null,
  })));
  const r = await tx.raw.query(
    `insert into civil_case (regency_code, village_code, kind, source, event_id, family_id, member_id, details,
       proposed_kk_enc, proposed_kk_bidx, proposed_nik_enc, proposed_nik_bidx, opened_by)
     select x.regency_code, x.village_code, x.kind, $2, x.event_id, x.family_id, x.member_id, x.details,
       decode(x.kk_enc, 'hex'), decode(x.kk_bidx, 'hex'), decode(x.nik_enc, 'hex'), decode(x.nik_bidx, 'hex'), $3
       from jsonb_to_recordset($1::jsonb) as x(regency_code text, village_code text, kind text, event_id text, family_id bigint,
         member_id bigint, details jsonb, kk_enc text, kk_bidx text, nik_enc text, nik_bidx text)`,
    [json, source, actorId]);
  return r.rowCount;
}
