/**
 * A submission's status is a reduction of its append-only events (OpenCRVS style):
 * the officer queue stores the current value for sorting, but it is always the result
 * of `reduceStatus` over the history, and every transition is checked here.
 */
export const SUBMISSION_STATUSES = ['diterima', 'diproses', 'selesai', 'ditolak'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

export type SubmissionAction = 'submitted' | 'status_changed' | 'replied' | 'noted';

export interface SubmissionEvent {
  readonly action: SubmissionAction;
  readonly toStatus?: SubmissionStatus | null;
}

/** Closed submissions stop the SLA clock; an officer may reopen one (back to diproses). */
const TRANSITIONS: Record<SubmissionStatus, readonly SubmissionStatus[]> = {
  diterima: ['diproses', 'selesai', 'ditolak'],
  diproses: ['selesai', 'ditolak'],
  selesai: ['diproses'],
  ditolak: ['diproses'],
};

export function isClosed(status: SubmissionStatus): boolean {
  return status === 'selesai' || status === 'ditolak';
}

/**
 * @example canTransition('diterima', 'diproses') === true
 * @example canTransition('selesai', 'ditolak') === false
 */
export function canTransition(from: SubmissionStatus, to: SubmissionStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export type ReduceResult = { ok: true; status: SubmissionStatus } | { ok: false; reason: 'not_submitted' | 'invalid_transition'; at: number };

/**
 * The status after a history of events; refuses histories with an impossible step.
 * @example reduceStatus([{ action: 'submitted' }, { action: 'status_changed', toStatus: 'diproses' }]) // { ok: true, status: 'diproses' }
 */
export function reduceStatus(events: readonly SubmissionEvent[]): ReduceResult {
  let status: SubmissionStatus | undefined;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.action === 'submitted') {
      if (status !== undefined) return { ok: false, reason: 'invalid_transition', at: i };
      status = 'diterima';
    } else if (status === undefined) {
      return { ok: false, reason: 'not_submitted', at: i };
    } else if (e.action === 'status_changed') {
      if (!e.toStatus || !canTransition(status, e.toStatus)) return { ok: false, reason: 'invalid_transition', at: i };
      status = e.toStatus;
    }
  }
  return status === undefined ? { ok: false, reason: 'not_submitted', at: 0 } : { ok: true, status };
}
