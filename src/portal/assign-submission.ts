/**
 * Who handles a citizen's submission: an officer account whose region covers the
 * submission's village and whose role handles the queue. The current assignee is kept
 * on the submission for the queue; the assignment is also an internal event in its
 * history (action 'noted': officers see it, the citizen's Lacak does not) and an audit
 * record.
 */
import { appendAudit } from '../platform/audit.js';
import type { Tx } from '../platform/db.js';
import { isWithinScope } from '../regions/names.js';

/** Roles that work the submission queue. */
export const SUBMISSION_HANDLERS = ['pusat', 'dinsos', 'operator', 'pendamping'] as const;

export type AssignResult =
  | { ok: true; id: number; assignee: string | null }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'invalid_assignee'; message: string };

/**
 * @param assignee a username, or null/'' to unassign
 * @example await assignSubmission(tx, { id: 7, assignee: 'pendamping.ciawi' }) // { ok: true, id: 7, assignee: 'pendamping.ciawi' }
 */
export async function assignSubmission(tx: Tx, input: { id: number; assignee: string | null }, now = new Date()): Promise<AssignResult> {
  const actor = tx.actor;
  if (!actor) throw new Error('assignSubmission needs an actor');
  const s = (await tx.raw.query<{ id: number; regency_code: string; village_code: string; assigned_to: string | null }>(
    'select id, regency_code, village_code, assigned_to from portal_submission where id = $1 for update', [input.id])).rows[0];
  if (!s) return { ok: false, reason: 'not_found' };
  const username = input.assignee?.trim().toLowerCase() || null;
  if (username) {
    const account = (await tx.raw.query<{ role: string; scope: string; is_active: boolean }>(
      'select role, scope, is_active from account where username = $1', [username])).rows[0];
    if (!account || !account.is_active) return { ok: false, reason: 'invalid_assignee', message: `Akun ${username} tidak ditemukan atau tidak aktif.` };
    if (!(SUBMISSION_HANDLERS as readonly string[]).includes(account.role)) {
      return { ok: false, reason: 'invalid_assignee', message: `Akun ${username} (peran ${account.role}) tidak menangani pengajuan warga.` };
    }
    if (!isWithinScope(account.scope, s.village_code)) {
      return { ok: false, reason: 'invalid_assignee', message: `Wilayah akun ${username} (${account.scope}) tidak mencakup desa ${s.village_code}.` };
    }
  }
  if (username === s.assigned_to) return { ok: true, id: Number(s.id), assignee: username };
  await tx.raw.query(
    'update portal_submission set assigned_to = $2, assigned_at = $3, updated_at = $4 where id = $1 and regency_code = $5',
    [s.id, username, username ? now : null, now, s.regency_code]);
  await tx.raw.query(
    `insert into portal_submission_event (regency_code, village_code, submission_id, occurred_at, actor, action, internal_note)
     values ($1, $2, $3, $4, $5, 'noted', $6)`,
    [s.regency_code, s.village_code, s.id, now, actor.id, username ? `Ditugaskan kepada ${username}.` : 'Penugasan dicabut.']);
  await appendAudit(tx, { action: 'portal.submission.assigned', entityType: 'portal_submission', entityId: Number(s.id), changes: { from: s.assigned_to, to: username } });
  return { ok: true, id: Number(s.id), assignee: username };
}
