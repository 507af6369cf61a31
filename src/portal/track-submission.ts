/**
 * Lacak: what a citizen may see of a submission, by its tracking code: kind, category,
 * status, SLA date and the public part of its history (officers' public replies).
 * Internal notes, names, identifiers and the region are never part of it.
 */
import type { Tx } from '../platform/db.js';
import type { SubmissionAction, SubmissionStatus } from './submission-status.js';
import type { SubmissionKind } from './tracking-code.js';

export interface TrackingView {
  readonly trackingCode: string;
  readonly kind: SubmissionKind;
  readonly category: string;
  readonly program: string | null;
  readonly status: SubmissionStatus;
  readonly createdAt: Date;
  readonly slaDueAt: Date;
  readonly closedAt: Date | null;
  readonly history: ReadonlyArray<{ at: Date; action: SubmissionAction; status: SubmissionStatus | null; message: string | null }>;
}

/**
 * @example await findTracking(tx, 'U7KQM2XD9FZAB') // { status: 'diproses', history: [...] } or undefined
 */
export async function findTracking(tx: Tx, trackingCode: string): Promise<TrackingView | undefined> {
  const { rows } = await tx.raw.query<{
    id: number; regency_code: string; tracking_code: string; kind: SubmissionKind; category: string; program: string | null;
    status: SubmissionStatus; created_at: Date; sla_due_at: Date; closed_at: Date | null;
  }>(`select id, regency_code, tracking_code, kind, category, program, status, created_at, sla_due_at, closed_at
        from portal_submission where tracking_code = $1 limit 1`, [trackingCode]);
  const s = rows[0];
  if (!s) return undefined;
  const events = await tx.raw.query<{ occurred_at: Date; action: SubmissionAction; to_status: SubmissionStatus | null; public_message: string | null }>(
    `select occurred_at, action, to_status, public_message from portal_submission_event
      where submission_id = $1 and regency_code = $2 and action <> 'noted' order by id`, [s.id, s.regency_code]);
  return {
    trackingCode: s.tracking_code, kind: s.kind, category: s.category, program: s.program, status: s.status,
    createdAt: new Date(s.created_at), slaDueAt: new Date(s.sla_due_at), closedAt: s.closed_at ? new Date(s.closed_at) : null,
    history: events.rows.map((e) => ({ at: new Date(e.occurred_at), action: e.action, status: e.to_status, message: e.public_message })),
  };
}
