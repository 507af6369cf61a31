/**
 * The review queue: candidate pairs side by side, identifiers masked, with the engine's
 * per-field explanation. Runs in the caller's scoped transaction: a pair is visible only
 * to whoever covers both people (row-level security on identity_pair and member).
 */
import { z } from 'zod';
import type { Tx } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import { CIPHER_CONTEXT, type Keyring } from '../platform/keyring.js';
import { maskKk, maskNik } from '../security/mask.js';
import { StoredExplanation, type PairStatus } from './pair-status.js';

export interface MaskedPerson {
  memberId: number;
  familyId: number;
  villageCode: string;
  nikMasked: string | null;
  kkMasked: string;
  fullName: string;
  sex: string;
  birthPlace: string | null;
  birthDate: string | null;
  motherName: string | null;
  relationship: string;
}

export interface ReviewPair {
  id: number;
  regencyCode: string;
  status: PairStatus;
  decision: 'link' | 'review';
  probability: number;
  weight: number;
  heldReason: string | null;
  summary: string;
  fields: StoredExplanation['fields'];
  notes: string[];
  modelId: number;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  a: MaskedPerson;
  b: MaskedPerson;
}

export interface PairFilters {
  status: PairStatus;
  region?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

const Cursor = z.tuple([z.number(), z.number().int()]);

function encodeCursor(probability: number, id: number): string {
  return Buffer.from(JSON.stringify([probability, id])).toString('base64url');
}

function decodeCursor(cursor: string): [number, number] {
  try {
    return Cursor.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new AppError('validation', 'Kursor halaman tidak valid.');
  }
}

interface PairRow {
  id: number; regency_code: string; status: PairStatus; decision: 'link' | 'review'; probability: number; weight: number;
  held_reason: string | null; explanation: unknown; model_id: number; decided_by: string | null; decided_at: Date | string | null;
  decision_note: string | null;
  [side: string]: unknown;
}

const SIDE_COLUMNS = (s: 'a' | 'b') => `${s}.id as ${s}_id, ${s}.family_id as ${s}_family_id, ${s}.village_code as ${s}_village_code,
  ${s}.nik_enc as ${s}_nik_enc, ${s}f.kk_enc as ${s}_kk_enc, ${s}.full_name as ${s}_full_name, ${s}.sex as ${s}_sex,
  ${s}.birth_place as ${s}_birth_place, ${s}.birth_date::text as ${s}_birth_date, ${s}.mother_name as ${s}_mother_name,
  ${s}.relationship as ${s}_relationship`;

const PAIR_SELECT = `select p.id, p.regency_code, p.status, p.decision, p.probability, p.weight, p.held_reason, p.explanation, p.model_id,
    p.decided_by, p.decided_at, p.decision_note, ${SIDE_COLUMNS('a')}, ${SIDE_COLUMNS('b')}
  from identity_pair p
  join member a on a.id = p.member_a and a.regency_code = p.regency_code
  join family af on af.id = a.family_id and af.regency_code = a.regency_code
  join member b on b.id = p.member_b and b.regency_code = p.regency_b
  join family bf on bf.id = b.family_id and bf.regency_code = b.regency_code`;

function side(keyring: Keyring, r: PairRow, s: 'a' | 'b'): MaskedPerson {
  const nikEnc = r[`${s}_nik_enc`] as Uint8Array | null;
  return {
    memberId: Number(r[`${s}_id`]),
    familyId: Number(r[`${s}_family_id`]),
    villageCode: r[`${s}_village_code`] as string,
    nikMasked: nikEnc ? maskNik(keyring.cipher.decrypt(nikEnc, CIPHER_CONTEXT.nik)) : null,
    kkMasked: maskKk(keyring.cipher.decrypt(r[`${s}_kk_enc`] as Uint8Array, CIPHER_CONTEXT.kk)),
    fullName: r[`${s}_full_name`] as string,
    sex: r[`${s}_sex`] as string,
    birthPlace: (r[`${s}_birth_place`] as string | null) ?? null,
    birthDate: (r[`${s}_birth_date`] as string | null) ?? null,
    motherName: (r[`${s}_mother_name`] as string | null) ?? null,
    relationship: r[`${s}_relationship`] as string,
  };
}

function toReviewPair(keyring: Keyring, r: PairRow): ReviewPair {
  const e = StoredExplanation.parse(typeof r.explanation === 'string' ? JSON.parse(r.explanation) : r.explanation);
  return {
    id: Number(r.id), regencyCode: r.regency_code, status: r.status, decision: r.decision,
    probability: Number(r.probability), weight: Number(r.weight), heldReason: r.held_reason,
    summary: e.summary, fields: e.fields, notes: e.notes, modelId: Number(r.model_id),
    decidedBy: r.decided_by, decidedAt: r.decided_at ? new Date(r.decided_at).toISOString() : null, decisionNote: r.decision_note,
    a: side(keyring, r, 'a'), b: side(keyring, r, 'b'),
  };
}

/** True when `code` lies within `scope`. */
export function scopeCovers(scope: string, code: string): boolean {
  return scope === 'ID' || code === scope || code.startsWith(`${scope}.`);
}

/**
 * Pairs of one status, most probable first, a page at a time; `region` narrows to pairs
 * with both people in it.
 * @example await listPairs(tx, keyring, { status: 'pending', limit: 50 })
 */
export async function listPairs(tx: Tx, keyring: Keyring, f: PairFilters): Promise<{ items: ReviewPair[]; next: string | null }> {
  const params: unknown[] = [f.status];
  let where = 'p.status = $1';
  if (f.region && f.region !== 'ID') {
    params.push(f.region, `${f.region}.%`);
    where += ` and (p.village_a = $2 or p.village_a like $3) and (p.village_b = $2 or p.village_b like $3)`;
  }
  if (f.cursor) {
    const [probability, id] = decodeCursor(f.cursor);
    params.push(probability, id);
    where += ` and (p.probability < $${params.length - 1} or (p.probability = $${params.length - 1} and p.id > $${params.length}))`;
  }
  params.push(f.limit + 1);
  const rows = (await tx.raw.query<PairRow>(`${PAIR_SELECT} where ${where} order by p.probability desc, p.id limit $${params.length}`, params)).rows;
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => toReviewPair(keyring, r)),
    next: rows.length > f.limit && last ? encodeCursor(Number(last.probability), Number(last.id)) : null,
  };
}

/** One pair, or undefined when absent or outside the caller's region. */
export async function findPair(tx: Tx, keyring: Keyring, id: number): Promise<ReviewPair | undefined> {
  const row = (await tx.raw.query<PairRow>(`${PAIR_SELECT} where p.id = $1`, [id])).rows[0];
  return row ? toReviewPair(keyring, row) : undefined;
}
