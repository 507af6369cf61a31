/**
 * Verification of registry members against the civil registry: in batches for everyone
 * not yet (or no longer) checked, and on demand for one member. No database transaction
 * is held while the registry is asked. When the registry does not answer, nothing is
 * written for those members: they stay "not yet checked" and the next run picks them up.
 */
import type { Actor, Db } from '../platform/db.js';
import { appendAudit } from '../platform/audit.js';
import type { Keyring } from '../platform/keyring.js';
import { maskNik } from '../security/mask.js';
import type { CivilRegistry } from './civil-registry.js';
import { classifyVerification, type MismatchField } from './matching.js';
import { findMemberForVerification, findPendingMembers, markDeceased, recordVerifications, type PendingMember, type VerificationToRecord } from './store.js';
import type { UnavailableReason, VerificationOutcome, VerifyOutcome, VerifyResult } from './types.js';

export interface VerifyDeps {
  readonly db: Db;
  readonly keyring: Keyring;
  readonly registry: CivilRegistry;
}

export interface VerifyOptions {
  /** Kemendagri code (any level) or 'ID'. */
  readonly region?: string | undefined;
  readonly memberIds?: readonly number[] | undefined;
  /** Members read and sent per round. */
  readonly batchSize?: number;
  /** Rounds in flight at once (default 3). */
  readonly window?: number;
  /** Stop after this many members checked. */
  readonly limit?: number;
  /** Resume after this member id (a job's cursor). */
  readonly after?: number;
  readonly onBatch?: (s: VerifySummary) => Promise<void> | void;
  readonly signal?: AbortSignal;
}

export interface VerifySummary {
  checked: number;
  verified: number;
  mismatched: number;
  notFound: number;
  deceased: number;
  /** Of the deceased: members marked deceased now (a review case opened for each). */
  markedDeceased: number;
  fromCache: number;
  /** Left for later because the registry did not answer. */
  deferred: number;
  registryUnavailable: boolean;
  reason?: UnavailableReason;
  /** Every pending member up to this id has been looked at (a job's cursor). */
  lastMemberId: number;
}

function emptySummary(after: number): VerifySummary {
  return { checked: 0, verified: 0, mismatched: 0, notFound: 0, deceased: 0, markedDeceased: 0, fromCache: 0, deferred: 0, registryUnavailable: false, lastMemberId: after };
}

const COUNTER: Record<VerificationOutcome, 'verified' | 'mismatched' | 'notFound' | 'deceased'> = {
  verified: 'verified', mismatch: 'mismatched', not_found: 'notFound', deceased: 'deceased',
};

/** Writes the answers of one round: records, statuses, deaths found. Returns members marked deceased. */
async function store(deps: VerifyDeps, actor: Actor, answered: VerificationToRecord[]): Promise<number> {
  if (answered.length === 0) return 0;
  return deps.db.transaction(async (tx) => {
    await recordVerifications(tx, deps.registry.source, actor.id, answered);
    const dead = answered.filter((a) => a.outcome === 'deceased' && a.member.presenceStatus !== 'meninggal').map((a) => a.member);
    const marked = await markDeceased(tx, deps.keyring, dead, { source: deps.registry.source, eventId: null, actorId: actor.id, details: { foundBy: 'verification' } });
    if (marked.length > 0) {
      // Marking bumped the member's version; the answer just recorded is about that very change.
      await tx.raw.query(
        `update civil_member_status s set member_version = m.version
           from member m where m.id = s.member_id and m.regency_code = s.regency_code and s.member_id = any($1::bigint[])`,
        [marked.map((m) => m.id)]);
    }
    const counts: Record<string, number> = {};
    for (const a of answered) counts[a.outcome] = (counts[a.outcome] ?? 0) + 1;
    await appendAudit(tx, {
      action: answered.length === 1 ? 'civil.verify' : 'civil.verify.batch', entityType: 'member',
      entityId: answered.length === 1 ? answered[0]!.member.id : `${answered[0]!.member.id}-${answered[answered.length - 1]!.member.id}`,
      changes: { source: deps.registry.source, checked: answered.length, ...counts, markedDeceased: marked.map((m) => m.id) },
    });
    return marked.length;
  }, actor);
}

function toRecord(member: PendingMember, outcome: VerifyOutcome & { ok: true }): VerificationToRecord {
  const c = classifyVerification(outcome.result);
  return { member, result: outcome.result, outcome: c.outcome, mismatched: c.mismatched, fromCache: outcome.fromCache };
}

/**
 * Verifies every member in scope (and region) whose verification is missing or stale.
 * @example const s = await verifyPendingMembers({ db, keyring, registry }, actor, { region: '32.01', batchSize: 500 });
 */
export async function verifyPendingMembers(deps: VerifyDeps, actor: Actor, opts: VerifyOptions = {}): Promise<VerifySummary> {
  const batchSize = opts.batchSize ?? 500;
  // Several batches in flight, so one slow or retried request does not hold up the others
  // (the client's own limit still bounds HTTP requests in flight).
  const window = opts.window ?? 3;
  const summary = emptySummary(opts.after ?? 0);
  let after = opts.after ?? 0;
  let read = 0;
  let stop = false;
  let failure: unknown;
  const inFlight = new Set<Promise<void>>();
  // Batches in read order; the cursor only passes batches that are fully written.
  const order: Array<{ lastId: number; done: boolean }> = [];

  const finish = async (batch: PendingMember[], slot: { lastId: number; done: boolean }): Promise<void> => {
    try {
      const outcomes = await deps.registry.verify(batch.map((m) => m.request));
      const answered: VerificationToRecord[] = [];
      const reasons = new Set<UnavailableReason>();
      batch.forEach((m, i) => {
        const o = outcomes[i]!;
        if (o.ok) answered.push(toRecord(m, o));
        else reasons.add(o.reason);
      });
      summary.markedDeceased += await store(deps, actor, answered);
      for (const a of answered) {
        summary[COUNTER[a.outcome]]++;
        if (a.fromCache) summary.fromCache++;
      }
      summary.checked += answered.length;
      summary.deferred += batch.length - answered.length;
      slot.done = true;
      while (order[0]?.done) summary.lastMemberId = order.shift()!.lastId;
      await opts.onBatch?.(summary);
      // Down, or every request of the round failed: stop and leave the rest for later.
      if (reasons.has('circuit_open') || reasons.has('not_configured') || (answered.length === 0 && reasons.size > 0)) {
        stop = true;
        summary.registryUnavailable = true;
        summary.reason ??= [...reasons][0]!;
      }
    } catch (err) {
      stop = true;
      failure ??= err;
    }
  };

  while (!stop && !opts.signal?.aborted) {
    const want = opts.limit !== undefined ? Math.min(batchSize, opts.limit - read) : batchSize;
    if (want <= 0) break;
    const batch = await deps.db.transaction((tx) => findPendingMembers(tx, deps.keyring, { after, limit: want, region: opts.region, memberIds: opts.memberIds }), actor);
    if (batch.length === 0) break;
    read += batch.length;
    after = batch[batch.length - 1]!.id;
    const slot = { lastId: after, done: false };
    order.push(slot);
    const p = finish(batch, slot).finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= window) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;
  return summary;
}

export interface MemberVerification {
  readonly memberId: number;
  readonly outcome: VerificationOutcome;
  readonly mismatched: readonly MismatchField[];
  readonly result: VerifyResult;
  readonly fromCache: boolean;
  readonly markedDeceased: boolean;
  readonly source: string;
  readonly checkedAt: string;
}

export type VerifyMemberResult =
  | { readonly ok: true; readonly verification: MemberVerification }
  | { readonly ok: false; readonly reason: 'not_found' }
  | { readonly ok: false; readonly reason: 'no_nik' }
  /** The registry did not answer in time: the check is queued and will run when it is back. */
  | { readonly ok: false; readonly reason: 'deferred'; readonly registryReason: UnavailableReason; readonly jobId: number };

/**
 * Verifies one member now, within a short deadline so a request never waits on a
 * registry that is down; otherwise queues the check (job `civil.verify`).
 * @example const r = await verifyMember(deps, actorOf(request), 42);
 */
export async function verifyMember(deps: VerifyDeps, actor: Actor, memberId: number, opts: { deadlineMs?: number; enqueue: (memberId: number, region: string) => Promise<number> }): Promise<VerifyMemberResult> {
  const found = await deps.db.transaction((tx) => findMemberForVerification(tx, deps.keyring, memberId), actor);
  if (!found) return { ok: false, reason: 'not_found' };
  const pending = found.pending;
  if (!pending) return { ok: false, reason: 'no_nik' };
  const [outcome] = await deps.registry.verify([pending.request], { deadlineMs: opts.deadlineMs ?? 4000, maxAttempts: 2 });
  if (!outcome || !outcome.ok) {
    const reason = outcome && !outcome.ok ? outcome.reason : 'bad_response';
    const jobId = await opts.enqueue(memberId, found.member.villageCode);
    await deps.db.transaction(async (tx) => {
      await tx.raw.query('update civil_member_status set needs_recheck = true where member_id = $1 and regency_code = $2', [memberId, found.member.regencyCode]);
      await appendAudit(tx, { action: 'civil.verify.deferred', entityType: 'member', entityId: memberId, changes: { reason, jobId, nik: maskNik(pending.request.nik) } });
    }, actor);
    return { ok: false, reason: 'deferred', registryReason: reason, jobId };
  }
  const record = toRecord(pending, outcome);
  const marked = await store(deps, actor, [record]);
  return {
    ok: true,
    verification: {
      memberId, outcome: record.outcome, mismatched: record.mismatched, result: record.result, fromCache: record.fromCache,
      markedDeceased: marked > 0, source: deps.registry.source, checkedAt: new Date().toISOString(),
    },
  };
}
