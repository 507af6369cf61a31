/**
 * The officer side of the portal: submissions of the officer's region (row-level
 * security decides which), ordered by SLA due date, and replies / status changes that
 * the citizen sees in Lacak. Exported for the officer console; every change is an
 * appended event plus an audit record, in the officer's scoped transaction.
 */
import type { Tx } from '../platform/db.js';
import type { Keyring } from '../platform/keyring.js';
import { appendAudit } from '../platform/audit.js';
import { AppError } from '../platform/errors.js';
import { maskName, maskNik, maskPhone } from '../security/mask.js';
import { levelOfCode } from '../regions/names.js';
import { isClosed, reduceStatus, type SubmissionAction, type SubmissionStatus } from './submission-status.js';
import type { SubmissionKind } from './tracking-code.js';
import { PHONE_CONTEXT, SUBJECT_NIK_CONTEXT } from './submit.js';

export interface QueueFilter {
  /** Kemendagri code prefix within the officer's scope; default: all the scope allows. */
  readonly region?: string | undefined;
  readonly kind?: SubmissionKind | undefined;
  /** `open` (default): not yet closed; `closed`; or one status. */
  readonly status?: SubmissionStatus | 'open' | 'closed' | 'all' | undefined;
  readonly overdueOnly?: boolean | undefined;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

export interface SlaClock {
  readonly dueAt: Date;
  /** Hours left until due (negative when overdue); frozen at closing time for closed items. */
  readonly hoursLeft: number;
  readonly isOverdue: boolean;
}

export interface QueueItem {
  readonly id: number;
  readonly trackingCode: string;
  readonly kind: SubmissionKind;
  readonly category: string;
  readonly program: string | null;
  readonly status: SubmissionStatus;
  readonly villageCode: string;
  readonly createdAt: Date;
  readonly sla: SlaClock;
  readonly hasPhoto: boolean;
  /** Officer handling it (assign-submission.ts), if any. */
  readonly assignedTo: string | null;
}

interface QueueRow {
  id: number; tracking_code: string; kind: SubmissionKind; category: string; program: string | null; status: SubmissionStatus;
  village_code: string; created_at: Date; sla_due_at: Date; closed_at: Date | null; has_photo: boolean; assigned_to: string | null;
}

/**
 * @example slaClock(new Date('2026-01-10T00:00:00Z'), null, new Date('2026-01-09T12:00:00Z')) // { hoursLeft: 12, isOverdue: false, … }
 */
export function slaClock(dueAt: Date, closedAt: Date | null, now: Date): SlaClock {
  const at = closedAt ?? now;
  const hoursLeft = Math.round(((dueAt.getTime() - at.getTime()) / 3_600_000) * 10) / 10;
  return { dueAt, hoursLeft, isOverdue: hoursLeft < 0 };
}

function toItem(r: QueueRow, now: Date): QueueItem {
  const closedAt = r.closed_at ? new Date(r.closed_at) : null;
  return {
    id: r.id, trackingCode: r.tracking_code, kind: r.kind, category: r.category, program: r.program, status: r.status,
    villageCode: r.village_code, createdAt: new Date(r.created_at), hasPhoto: r.has_photo, assignedTo: r.assigned_to ?? null,
    sla: slaClock(new Date(r.sla_due_at), closedAt, now),
  };
}

function encodeCursor(due: Date, id: number): string {
  return Buffer.from(`${due.toISOString()}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { due: string; id: number } {
  const [due, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!due || !id || !/^\d+$/.test(id) || Number.isNaN(Date.parse(due))) throw new AppError('validation', 'Kursor halaman tidak valid.');
  return { due, id: Number(id) };
}

/**
 * The queue, most urgent first (keyset pagination on due date, id).
 * @example await listQueue(tx, { region: '32.01', limit: 50 }) // { items: [...], next: '…' | null }
 */
export async function listQueue(tx: Tx, f: QueueFilter, now = new Date()): Promise<{ items: QueueItem[]; next: string | null }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => { params.push(v); return `$${params.length}`; };
  if (f.region && f.region !== 'ID') {
    const level = levelOfCode(f.region);
    if (level === undefined) throw new AppError('validation', `Kode wilayah ${f.region} tidak valid.`);
    // A prefix range over the index: every code under 32.01 sorts between '32.01.' and '32.01/'.
    where.push(level === 4 ? `village_code = ${p(f.region)}` : `village_code >= ${p(`${f.region}.`)} and village_code < ${p(`${f.region}/`)}`);
  }
  if (f.kind) where.push(`kind = ${p(f.kind)}`);
  const status = f.status ?? 'open';
  if (status === 'open') where.push('closed_at is null');
  else if (status === 'closed') where.push('closed_at is not null');
  else if (status !== 'all') where.push(`status = ${p(status)}`);
  if (f.overdueOnly) where.push(`closed_at is null and sla_due_at < ${p(now)}`);
  if (f.cursor) {
    const c = decodeCursor(f.cursor);
    where.push(`(sla_due_at, id) > (${p(c.due)}::timestamptz, ${p(c.id)})`);
  }
  const { rows } = await tx.raw.query<QueueRow>(
    `select id, tracking_code, kind, category, program, status, village_code, created_at, sla_due_at, closed_at, has_photo, assigned_to
       from portal_submission ${where.length ? `where ${where.join(' and ')}` : ''}
      order by sla_due_at, id limit ${p(f.limit + 1)}`, params);
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => toItem(r, now)),
    next: rows.length > f.limit && last ? encodeCursor(new Date(last.sla_due_at), last.id) : null,
  };
}

export interface SubmissionDetail extends QueueItem {
  readonly regencyCode: string;
  readonly description: string;
  readonly subjectName: string | null;
  readonly subjectNikMasked: string | null;
  /** Sanggah: the listed member objected to (name masked: look the family up in the registry for more). */
  readonly memberId: number | null;
  readonly familyId: number | null;
  readonly memberNameMasked: string | null;
  readonly reporterName: string | null;
  readonly reporterPhoneMasked: string | null;
  readonly history: ReadonlyArray<{
    id: number; at: Date; actor: string; action: SubmissionAction; fromStatus: SubmissionStatus | null; toStatus: SubmissionStatus | null;
    publicMessage: string | null; internalNote: string | null;
  }>;
}

interface DetailRow extends QueueRow {
  regency_code: string; description: string; subject_name: string | null; subject_nik_enc: Uint8Array | null; member_id: number | null;
  family_id: number | null; reporter_name: string | null; reporter_phone_enc: Uint8Array | null; member_name: string | null;
}

/**
 * One submission with its full history; undefined when absent or outside the scope.
 * Identifiers are masked here too: the officer opens the registry record for more.
 */
export async function findSubmission(tx: Tx, keyring: Keyring, id: number, now = new Date()): Promise<SubmissionDetail | undefined> {
  const { rows } = await tx.raw.query<DetailRow>(
    `select s.*, m.full_name as member_name
       from portal_submission s
       left join member m on m.id = s.member_id and m.regency_code = s.regency_code
      where s.id = $1`, [id]);
  const s = rows[0];
  if (!s) return undefined;
  const events = await tx.raw.query<{
    id: number; occurred_at: Date; actor: string; action: SubmissionAction; from_status: SubmissionStatus | null; to_status: SubmissionStatus | null;
    public_message: string | null; internal_note: string | null;
  }>('select * from portal_submission_event where submission_id = $1 and regency_code = $2 order by id', [s.id, s.regency_code]);
  return {
    ...toItem(s, now),
    regencyCode: s.regency_code, description: s.description, subjectName: s.subject_name,
    subjectNikMasked: s.subject_nik_enc ? maskNik(keyring.cipher.decrypt(s.subject_nik_enc, SUBJECT_NIK_CONTEXT)) : null,
    memberId: s.member_id, familyId: s.family_id, memberNameMasked: s.member_name ? maskName(s.member_name) : null,
    reporterName: s.reporter_name,
    reporterPhoneMasked: s.reporter_phone_enc ? maskPhone(keyring.cipher.decrypt(s.reporter_phone_enc, PHONE_CONTEXT)) : null,
    history: events.rows.map((e) => ({
      id: e.id, at: new Date(e.occurred_at), actor: e.actor, action: e.action, fromStatus: e.from_status, toStatus: e.to_status,
      publicMessage: e.public_message, internalNote: e.internal_note,
    })),
  };
}

export interface ReplyInput {
  readonly id: number;
  /** New status, when the reply changes it. */
  readonly status?: SubmissionStatus | undefined;
  /** Shown to the citizen in Lacak. */
  readonly publicMessage?: string | undefined;
  /** Officers only. */
  readonly internalNote?: string | undefined;
}

export type ReplyResult =
  | { ok: true; status: SubmissionStatus; eventId: number }
  | { ok: false; reason: 'not_found' | 'invalid_transition' | 'empty' };

/**
 * Appends a reply (and a status change when asked) that the citizen sees in Lacak.
 * @example await replyToSubmission(tx, { id: 7, status: 'diproses', publicMessage: 'Akan diverifikasi pendamping minggu ini.' })
 */
export async function replyToSubmission(tx: Tx, input: ReplyInput, now = new Date()): Promise<ReplyResult> {
  if (!input.status && !input.publicMessage && !input.internalNote) return { ok: false, reason: 'empty' };
  const actor = tx.actor;
  if (!actor) throw new AppError('internal', 'replyToSubmission needs an actor');
  // Row lock: two officers replying at once append in order and cannot both change the status.
  const { rows } = await tx.raw.query<{ id: number; regency_code: string; village_code: string; status: SubmissionStatus }>(
    'select id, regency_code, village_code, status from portal_submission where id = $1 for update', [input.id]);
  const s = rows[0];
  if (!s) return { ok: false, reason: 'not_found' };
  const history = await tx.raw.query<{ action: SubmissionAction; to_status: SubmissionStatus | null }>(
    'select action, to_status from portal_submission_event where submission_id = $1 and regency_code = $2 order by id', [s.id, s.regency_code]);
  const current = reduceStatus(history.rows.map((e) => ({ action: e.action, toStatus: e.to_status })));
  if (!current.ok) throw new AppError('internal', `history of submission ${s.id} is inconsistent`);
  const changes = input.status !== undefined && input.status !== current.status;
  const event = changes ? { action: 'status_changed' as const, toStatus: input.status! } : { action: input.publicMessage ? 'replied' as const : 'noted' as const };
  const next = reduceStatus([...history.rows.map((e) => ({ action: e.action, toStatus: e.to_status })), event]);
  if (!next.ok) return { ok: false, reason: 'invalid_transition' };
  const inserted = await tx.raw.query<{ id: number }>(
    `insert into portal_submission_event (regency_code, village_code, submission_id, occurred_at, actor, action, from_status, to_status, public_message, internal_note)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id`,
    [s.regency_code, s.village_code, s.id, now, actor.id, event.action, changes ? current.status : null, changes ? next.status : null,
      input.publicMessage ?? null, input.internalNote ?? null]);
  if (changes) {
    await tx.raw.query(
      'update portal_submission set status = $2, closed_at = $3, updated_at = $4 where id = $1 and regency_code = $5',
      [s.id, next.status, isClosed(next.status) ? now : null, now, s.regency_code]);
  } else {
    await tx.raw.query('update portal_submission set updated_at = $2 where id = $1 and regency_code = $3', [s.id, now, s.regency_code]);
  }
  await appendAudit(tx, {
    action: `portal.submission.${event.action}`, entityType: 'portal_submission', entityId: s.id,
    changes: { from: current.status, to: next.status, hasPublicMessage: Boolean(input.publicMessage), hasInternalNote: Boolean(input.internalNote) },
  });
  return { ok: true, status: next.status, eventId: inserted.rows[0]!.id };
}

/** The stored (already stripped) photo of a submission in scope. */
export async function findSubmissionPhoto(tx: Tx, id: number): Promise<{ contentType: string; bytes: Buffer } | undefined> {
  const { rows } = await tx.raw.query<{ content_type: string; bytes: Uint8Array }>(
    'select content_type, bytes from portal_submission_photo where submission_id = $1', [id]);
  const p = rows[0];
  return p ? { contentType: p.content_type, bytes: Buffer.from(p.bytes) } : undefined;
}
