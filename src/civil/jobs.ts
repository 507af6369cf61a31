/**
 * Verification and sync as durable background jobs in the `job` table. A job records
 * its progress and cursor as it goes; a worker that dies leaves a stale heartbeat and
 * the job is taken up again. When the civil registry is down the job goes back to the
 * queue with a `notBefore` time (growing backoff), so the work waits and then resumes
 * without anyone re-submitting it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { Actor, Db } from '../platform/db.js';
import { appendAudit } from '../platform/audit.js';
import type { Keyring } from '../platform/keyring.js';
import type { CivilRegistry } from './civil-registry.js';
import { backoffDelay } from './resilience.js';
import { syncCivilEvents, type SyncSummary } from './sync-events.js';
import { verifyPendingMembers, type VerifySummary } from './verify-members.js';

export const CIVIL_JOB_KINDS = ['civil.verify', 'civil.sync'] as const;
export type CivilJobKind = (typeof CIVIL_JOB_KINDS)[number];

const RegionCode = z.string().regex(/^(ID|\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?)$/);

/** Job parameters, validated when read back from the database. */
export const CivilJobParams = z.object({
  /** Scope the job runs under: the region of whoever queued it. */
  scope: RegionCode,
  region: RegionCode.optional(),
  memberIds: z.array(z.number().int().positive()).max(10_000).optional(),
  pageSize: z.number().int().min(1).max(1000).optional(),
  notBefore: z.string().optional(),
  deferrals: z.number().int().nonnegative().optional(),
});
export type CivilJobParams = z.infer<typeof CivilJobParams>;

export interface CivilJobDeps {
  readonly db: Db;
  readonly keyring: Keyring;
  readonly registry: CivilRegistry;
}

/** A job left 'running' without a heartbeat for this long is taken up again. */
const STALE_AFTER = '2 minutes';
const RETRY = { baseMs: 30_000, capMs: 15 * 60_000 };

/**
 * Queues a job unless the same one (kind and parameters) is already waiting.
 * @example await enqueueCivilJob(db, actor, 'civil.verify', { scope: 'ID', region: '32.01' })
 */
export async function enqueueCivilJob(db: Db, actor: Actor, kind: CivilJobKind, params: CivilJobParams): Promise<number> {
  const p = CivilJobParams.parse(params);
  return db.transaction(async (tx) => {
    const same = (await tx.raw.query<{ id: number }>(
      `select id from job where kind = $1 and status in ('queued', 'running')
          and (params - 'notBefore' - 'deferrals') = ($2::jsonb - 'notBefore' - 'deferrals')
        order by id limit 1`, [kind, JSON.stringify(p)])).rows[0];
    if (same) return Number(same.id);
    const id = Number((await tx.raw.query<{ id: number }>(
      'insert into job (kind, params, created_by) values ($1, $2::jsonb, $3) returning id', [kind, JSON.stringify(p), actor.id])).rows[0]!.id);
    await appendAudit(tx, { action: 'civil.job.enqueue', entityType: 'job', entityId: id, changes: { kind, params: p } });
    return id;
  }, actor);
}

export type JobRun =
  | { readonly id: number; readonly kind: CivilJobKind; readonly status: 'done'; readonly result: VerifySummary | SyncSummary }
  | { readonly id: number; readonly kind: CivilJobKind; readonly status: 'deferred'; readonly retryAt: string; readonly result: VerifySummary | SyncSummary }
  | { readonly id: number; readonly kind: CivilJobKind; readonly status: 'failed'; readonly error: string };

interface ClaimedJob { id: number; kind: CivilJobKind; params: unknown; cursor: string | null; created_by: string }

/** Takes the oldest runnable civil job (queued and due, or abandoned), marking it running. */
async function claim(db: Db): Promise<ClaimedJob | undefined> {
  return db.transaction(async (tx) => (await tx.raw.query<ClaimedJob>(
    `update job set status = 'running', started_at = coalesce(started_at, now()), heartbeat_at = now(), error = null
      where id = (
        select id from job
         where kind = any($1::text[])
           and ((status = 'queued' and (params->>'notBefore' is null or (params->>'notBefore')::timestamptz <= now()))
             or (status = 'running' and heartbeat_at < now() - interval '${STALE_AFTER}'))
         order by id
         limit 1
         for update skip locked)
      returning id, kind, params, cursor, created_by`, [[...CIVIL_JOB_KINDS]])).rows[0]);
}

async function heartbeat(db: Db, id: number, cursor: string | null, done: number): Promise<void> {
  await db.transaction((tx) => tx.raw.query('update job set heartbeat_at = now(), cursor = $2, progress_done = $3 where id = $1', [id, cursor, done]));
}

/**
 * Runs the next due civil job, if any.
 * @example while (await runNextCivilJob(deps)) {}
 */
export async function runNextCivilJob(deps: CivilJobDeps, opts: { signal?: AbortSignal; random?: () => number } = {}): Promise<JobRun | undefined> {
  const job = await claim(deps.db);
  if (!job) return undefined;
  const id = Number(job.id);
  const parsed = CivilJobParams.safeParse(job.params);
  if (!parsed.success) {
    await deps.db.transaction((tx) => tx.raw.query(`update job set status = 'failed', error = $2, finished_at = now() where id = $1`, [id, 'parameter tidak valid']));
    return { id, kind: job.kind, status: 'failed', error: 'parameter tidak valid' };
  }
  const params = parsed.data;
  const actor: Actor = { id: `job:${job.kind}#${id}`, role: 'pusat', scope: params.scope, channel: 'job' };
  try {
    let result: VerifySummary | SyncSummary;
    let unavailable: boolean;
    if (job.kind === 'civil.verify') {
      const r = await verifyPendingMembers(deps, actor, {
        region: params.region, memberIds: params.memberIds, after: job.cursor ? Number(job.cursor) : 0, signal: opts.signal,
        onBatch: (s) => heartbeat(deps.db, id, String(s.lastMemberId), s.checked),
      });
      result = r;
      unavailable = r.registryUnavailable;
    } else {
      const r = await syncCivilEvents(deps, actor, {
        ...(params.pageSize ? { pageSize: params.pageSize } : {}), signal: opts.signal,
        onPage: (s) => heartbeat(deps.db, id, s.cursor, s.applied + s.skipped),
      });
      result = r;
      unavailable = r.registryUnavailable;
    }
    if (unavailable || opts.signal?.aborted) {
      const deferrals = (params.deferrals ?? 0) + 1;
      const retryAt = new Date(Date.now() + (opts.signal?.aborted ? 0 : RETRY.baseMs / 2 + backoffDelay(deferrals - 1, RETRY, opts.random))).toISOString();
      // Back to the queue from the start: members checked meanwhile are no longer pending.
      await deps.db.transaction((tx) => tx.raw.query(
        `update job set status = 'queued', cursor = null, params = params || $2::jsonb, result = $3::jsonb, error = $4, heartbeat_at = now() where id = $1`,
        [id, JSON.stringify({ notBefore: retryAt, deferrals }), JSON.stringify(result), opts.signal?.aborted ? 'dihentikan' : 'Dukcapil tidak tersedia; dicoba lagi nanti']));
      return { id, kind: job.kind, status: 'deferred', retryAt, result };
    }
    await deps.db.transaction(async (tx) => {
      await tx.raw.query(`update job set status = 'done', result = $2::jsonb, finished_at = now(), heartbeat_at = now() where id = $1`, [id, JSON.stringify(result)]);
      await appendAudit(tx, { action: `${job.kind}.done`, entityType: 'job', entityId: id, changes: result }, actor);
    });
    return { id, kind: job.kind, status: 'done', result };
  } catch (err) {
    const message = (err as Error).message.slice(0, 500);
    await deps.db.transaction((tx) => tx.raw.query(`update job set status = 'failed', error = $2, finished_at = now() where id = $1`, [id, message]));
    return { id, kind: job.kind, status: 'failed', error: message };
  }
}

export interface WorkerOptions {
  readonly signal?: AbortSignal;
  /** Wait between polls when nothing is due. */
  readonly pollMs?: number;
  /** Stop when nothing is due instead of waiting. */
  readonly once?: boolean;
  /** Queue a national sync this often (0 = never). */
  readonly syncEveryMs?: number;
  readonly onRun?: (run: JobRun) => void;
}

/**
 * Runs civil jobs one after another until aborted (or, with `once`, until none is due).
 * @example const ac = new AbortController(); void runCivilWorker(deps, { signal: ac.signal, syncEveryMs: 60_000 });
 */
export async function runCivilWorker(deps: CivilJobDeps, opts: WorkerOptions = {}): Promise<number> {
  const pollMs = opts.pollMs ?? 2000;
  const system: Actor = { id: 'job:civil.worker', role: 'pusat', scope: 'ID', channel: 'job' };
  let runs = 0;
  let lastSync = 0;
  while (!opts.signal?.aborted) {
    if (opts.syncEveryMs && Date.now() - lastSync >= opts.syncEveryMs) {
      lastSync = Date.now();
      await enqueueCivilJob(deps.db, system, 'civil.sync', { scope: 'ID' });
    }
    const run = await runNextCivilJob(deps, { ...(opts.signal ? { signal: opts.signal } : {}) });
    if (run) {
      runs++;
      opts.onRun?.(run);
      continue;
    }
    if (opts.once) break;
    await sleep(pollMs, undefined, { signal: opts.signal }).catch(() => {});
  }
  return runs;
}
