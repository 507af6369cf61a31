/**
 * Deduplication of the whole registry, or of one region, as a durable job (`job` row,
 * kind `identity.run`). The job
 *
 * 1. reads every member in scope (up to the largest member id seen when the job was
 *    created, so a resumed run sees the same people) into the engine's prepared form;
 * 2. stores each person's blocking keys, for the incremental check, in batches, skipping
 *    people whose keys are already up to date;
 * 3. estimates a match model from the records (or uses the current stored one) and
 *    stores it as a new version;
 * 4. scores and clusters all candidate pairs in memory (src/dedup), then stores the pairs
 *    at or above the review threshold with their explanation, in batches: a pair is
 *    accepted automatically when the engine's clustering joined both people, otherwise
 *    it waits in the review queue.
 *
 * Each batch commits its rows together with the job's cursor, so a killed run resumes
 * after its last committed batch: the in-memory work (reading, scoring) is redone — it is
 * deterministic for the same records and stored model — and only what is missing is
 * written. Running the job again on unchanged data writes nothing.
 */
import { z } from 'zod';
import { deduplicate, FeatureBuilder, type DedupResult, type MatchModel, type PreparedRecords } from '../dedup/index.js';
import { appendAudit } from '../platform/audit.js';
import type { Actor, Db, Tx } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import type { Keyring } from '../platform/keyring.js';
import { KEYS_VERSION, KeyHasher, writeKeys, type KeyedPerson } from './block-keys.js';
import { findCurrentModel, getModel, storeModel, type StoredModel } from './models.js';
import { automaticStatus } from './pair-status.js';
import { writePairs, type NewPair } from './pair-store.js';
import { personColumns, PERSON_FROM, PersonDecoder, type PersonRow } from './registry-people.js';

export const IDENTITY_JOB_KIND = 'identity.run';
const JOB_LOCK = 727_284;

const RegionCode = z.string().regex(/^(ID|\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?)$/);

/** Job parameters, validated when read back from the database. */
export const IdentityJobParams = z.object({
  /** Scope the job reads and writes under. */
  scope: RegionCode,
  /** Largest member id when the job was created: a resumed run sees the same people. */
  snapshotMaxId: z.number().int().nonnegative(),
  estimate: z.boolean(),
  batchSize: z.number().int().min(1).max(100_000),
});
export type IdentityJobParams = z.infer<typeof IdentityJobParams>;

const Position = z.tuple([z.number().int(), z.string()]).nullable();
/** Where the job is: every person up to `after` (member id, regency) is done in `phase`. */
export const IdentityJobCursor = z.discriminatedUnion('phase', [
  z.object({ phase: z.literal('keys'), after: Position }),
  z.object({ phase: z.literal('pairs'), modelId: z.number().int().positive(), after: Position }),
]);
export type IdentityJobCursor = z.infer<typeof IdentityJobCursor>;

export interface IdentityJobDeps {
  readonly db: Db;
  readonly keyring: Keyring;
}

export interface IdentityProgress {
  readonly jobId: number;
  /** The job was left unfinished by an earlier run and is taken up where it stopped. */
  readonly resumed: boolean;
  readonly phase: 'read' | 'keys' | 'score' | 'pairs';
  readonly done: number;
  readonly total: number;
  /** True after a batch was committed (the point a killed run resumes from). */
  readonly committed: boolean;
}

export interface IdentityRunOptions {
  /** Region code to deduplicate; default the actor's whole scope. */
  readonly region?: string;
  /** Estimate a new model even when one is stored. */
  readonly estimate?: boolean;
  /** People per committed batch (default 5,000). */
  readonly batchSize?: number;
  readonly onProgress?: (p: IdentityProgress) => void;
}

export interface IdentityRunSummary {
  readonly jobId: number;
  readonly resumed: boolean;
  readonly scope: string;
  readonly people: number;
  /** People whose blocking keys were (re)written by this run, and the key rows written. */
  readonly keyedPeople: number;
  readonly keyRows: number;
  /** Model version that scored the pairs; null when there was nothing to compare and no model yet. */
  readonly modelId: number | null;
  readonly modelEstimated: boolean;
  readonly candidatePairs: number;
  /** Pairs at or above the review threshold, all of them (also those written by an earlier, interrupted run). */
  readonly pairs: number;
  readonly inserted: number;
  readonly updated: number;
  readonly autoAccepted: number;
  /** Pairs left for review, and groups of two or more people the engine formed. */
  readonly pending: number;
  readonly groups: number;
  readonly seconds: number;
}

function inScope(scope: string, code: string): boolean {
  return scope === 'ID' || code === scope || code.startsWith(`${scope}.`);
}

interface ClaimedJob {
  id: number;
  params: IdentityJobParams;
  cursor: IdentityJobCursor;
  resumed: boolean;
}

/** Takes up the unfinished job of this scope, or creates one. */
async function claimJob(db: Db, actor: Actor, scope: string, opts: IdentityRunOptions): Promise<ClaimedJob> {
  return db.transaction(async (tx) => {
    const open = (await tx.raw.query<{ id: number; params: unknown; cursor: string | null }>(
      `select id, params, cursor from job where kind = $1 and status in ('queued', 'running', 'failed') and params->>'scope' = $2
        order by id desc limit 1 for update`, [IDENTITY_JOB_KIND, scope])).rows[0];
    if (open) {
      const params = IdentityJobParams.parse(open.params);
      const cursor = open.cursor ? IdentityJobCursor.parse(JSON.parse(open.cursor)) : { phase: 'keys' as const, after: null };
      await tx.raw.query(`update job set status = 'running', heartbeat_at = now(), error = null where id = $1`, [open.id]);
      await appendAudit(tx, { action: 'identity.job.resume', entityType: 'job', entityId: open.id, changes: { cursor } });
      return { id: Number(open.id), params, cursor, resumed: true };
    }
    const max = Number((await tx.raw.query<{ max: number | null }>('select max(id) as max from member')).rows[0]?.max ?? 0);
    const params: IdentityJobParams = IdentityJobParams.parse({ scope, snapshotMaxId: max, estimate: opts.estimate === true, batchSize: opts.batchSize ?? 5000 });
    const id = Number((await tx.raw.query<{ id: number }>(
      `insert into job (kind, params, status, created_by, started_at, heartbeat_at) values ($1, $2::jsonb, 'running', $3, now(), now()) returning id`,
      [IDENTITY_JOB_KIND, JSON.stringify(params), actor.id])).rows[0]!.id);
    await appendAudit(tx, { action: 'identity.job.start', entityType: 'job', entityId: id, changes: params });
    return { id, params, cursor: { phase: 'keys', after: null }, resumed: false };
  }, actor);
}

/** On PostgreSQL, one run per scope at a time (PGlite is one process anyway). */
async function withScopeLock<T>(db: Db, scope: string, fn: () => Promise<T>): Promise<T> {
  if (db.kind !== 'postgres') return fn();
  return db.withConnection(async (conn) => {
    const got = (await conn.query<{ ok: boolean }>('select pg_try_advisory_lock($1, hashtext($2)) as ok', [JOB_LOCK, scope])).rows[0]?.ok;
    if (!got) throw new AppError('conflict', `Deduplikasi untuk wilayah ${scope} sedang berjalan di proses lain.`);
    try {
      return await fn();
    } finally {
      await conn.query('select pg_advisory_unlock($1, hashtext($2))', [JOB_LOCK, scope]).catch(() => {});
    }
  });
}

interface Population {
  readonly p: PreparedRecords;
  readonly ids: number[];
  readonly regencies: string[];
  readonly villages: string[];
  readonly rowHashes: Uint8Array[];
  readonly fresh: boolean[];
}

async function readPopulation(deps: IdentityJobDeps, actor: Actor, params: IdentityJobParams, model: MatchModel | undefined, progress: (done: number) => void): Promise<Population> {
  const builder = new FeatureBuilder();
  const ids: number[] = [];
  const regencies: string[] = [];
  const villages: string[] = [];
  const rowHashes: Uint8Array[] = [];
  const fresh: boolean[] = [];
  const decoder = new PersonDecoder(deps.keyring);
  const page = 5000;
  let after: [number, string] = [0, ''];
  for (;;) {
    const rows = await deps.db.transaction(async (tx) => (await tx.raw.query<PersonRow>(
      `select ${personColumns('$1')} from ${PERSON_FROM}
        where (m.id, m.regency_code) > ($2, $3) and m.id <= $4
        order by m.id, m.regency_code limit $5`, [KEYS_VERSION, after[0], after[1], params.snapshotMaxId, page])).rows, actor);
    for (const r of rows) {
      const person = decoder.decode(r);
      builder.add(person.record);
      ids.push(person.memberId);
      regencies.push(person.regencyCode);
      villages.push(person.villageCode);
      rowHashes.push(person.rowHash);
      fresh.push(person.keysFresh);
    }
    progress(ids.length);
    if (rows.length < page) break;
    const last = rows[rows.length - 1]!;
    after = [Number(last.id), last.regency_code];
  }
  // With a stored model, name and address frequencies are the model's, as in the incremental check.
  return { p: builder.finish(model), ids, regencies, villages, rowHashes, fresh };
}

/** First index after `after` in (id, regency) order. */
function startIndex(pop: Population, after: [number, string] | null): number {
  if (!after) return 0;
  let lo = 0;
  let hi = pop.ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const id = pop.ids[mid]!;
    const before = id < after[0] || (id === after[0] && pop.regencies[mid]! <= after[1]);
    if (before) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Runs (or resumes) the deduplication job for the actor's scope or `opts.region`.
 *
 * @example
 * const summary = await runIdentityJob({ db, keyring }, { id: 'cli', role: 'pusat', scope: 'ID', channel: 'cli' }, { region: '32.01' });
 */
export async function runIdentityJob(deps: IdentityJobDeps, actor: Actor, opts: IdentityRunOptions = {}): Promise<IdentityRunSummary> {
  const scope = opts.region ?? actor.scope;
  if (!RegionCode.safeParse(scope).success) throw new AppError('validation', `Kode wilayah ${scope} tidak valid.`);
  if (!inScope(actor.scope, scope)) throw new AppError('forbidden', `Wilayah ${scope} di luar wilayah Anda (${actor.scope}).`);
  return withScopeLock(deps.db, scope, () => runClaimed(deps, actor, scope, opts));
}

async function runClaimed(deps: IdentityJobDeps, actor: Actor, scope: string, opts: IdentityRunOptions): Promise<IdentityRunSummary> {
  const started = performance.now();
  const job = await claimJob(deps.db, actor, scope, opts);
  const jobActor: Actor = { id: `job:${IDENTITY_JOB_KIND}#${job.id}`, role: actor.role, scope, channel: 'job', ...(actor.requestId ? { requestId: actor.requestId } : {}) };
  const report = (phase: IdentityProgress['phase'], done: number, total: number, committed = false) =>
    opts.onProgress?.({ jobId: job.id, resumed: job.resumed, phase, done, total, committed });
  try {
    return await execute(deps, job, jobActor, report, started);
  } catch (err) {
    const message = (err as Error).message.slice(0, 500);
    await deps.db.transaction((tx) => tx.raw.query(`update job set status = 'failed', error = $2, heartbeat_at = now() where id = $1`, [job.id, message]))
      .catch(() => {});
    throw err;
  }
}

async function saveCursor(tx: Tx, jobId: number, cursor: IdentityJobCursor, done: number, total: number): Promise<void> {
  await tx.raw.query('update job set cursor = $2, progress_done = $3, progress_total = $4, heartbeat_at = now() where id = $1',
    [jobId, JSON.stringify(cursor), done, total]);
}

async function execute(
  deps: IdentityJobDeps, job: ClaimedJob, actor: Actor,
  report: (phase: IdentityProgress['phase'], done: number, total: number, committed?: boolean) => void, started: number,
): Promise<IdentityRunSummary> {
  const { db, keyring } = deps;
  const { params } = job;
  let cursor = job.cursor;
  // The model: the one this job already chose, or the current stored one unless asked to estimate.
  let model: StoredModel | undefined;
  if (cursor.phase === 'pairs') {
    const id = cursor.modelId;
    model = await db.transaction((tx) => getModel(tx, id), actor);
  } else if (!params.estimate) {
    model = await db.transaction((tx) => findCurrentModel(tx), actor);
  }
  const pop = await readPopulation(deps, actor, params, model?.model, (n) => report('read', n, n));
  const n = pop.ids.length;
  const batch = params.batchSize;
  const position = (i: number): [number, string] | null => (i < 0 ? null : [pop.ids[i]!, pop.regencies[i]!]);

  // Blocking keys, for the incremental check of people imported later.
  let keyedPeople = 0;
  let keyRows = 0;
  if (cursor.phase === 'keys') {
    const hasher = new KeyHasher(keyring);
    for (let s = startIndex(pop, cursor.after); s < n; s += batch) {
      const e = Math.min(n, s + batch);
      const people: KeyedPerson[] = [];
      for (let i = s; i < e; i++) {
        if (pop.fresh[i]) continue;
        people.push({ memberId: pop.ids[i]!, regencyCode: pop.regencies[i]!, villageCode: pop.villages[i]!, rowHash: pop.rowHashes[i]!, keys: hasher.forPrepared(pop.p, i).hashes });
      }
      const next: IdentityJobCursor = { phase: 'keys', after: position(e - 1) };
      await db.transaction(async (tx) => {
        const rows = await writeKeys(tx, people);
        keyRows += rows;
        if (people.length > 0) {
          await appendAudit(tx, { action: 'identity.keys.batch', entityType: 'job', entityId: job.id, changes: { people: people.length, keys: rows } });
        }
        await saveCursor(tx, job.id, next, e, 2 * n);
      }, actor);
      keyedPeople += people.length;
      cursor = next;
      report('keys', e, n, true);
    }
  }

  // Model and scoring (in memory; deterministic for the same records and model).
  report('score', 0, n);
  if (!model && n < 2) {
    // Nothing to estimate from and nothing to compare.
    return finish(deps, job, actor, emptySummary(job, params, n, keyedPeople, keyRows, started));
  }
  const result: DedupResult = deduplicate(pop.p, model ? { model: model.model } : {});
  const estimated = !model;
  if (cursor.phase === 'keys') {
    const known = model;
    const saved = await db.transaction(async (tx) => {
      const m = known ?? await storeModel(tx, result.model, params.scope);
      const c: IdentityJobCursor = { phase: 'pairs', modelId: m.id, after: null };
      await saveCursor(tx, job.id, c, n, 2 * n);
      return { m, c };
    }, actor);
    model = saved.m;
    cursor = saved.c;
  }
  const modelId = model!.id;
  report('score', n, n);

  // Pairs, batch by batch of left-hand people.
  const { pairs, clusterOf, scorer } = result;
  let inserted = 0;
  let updated = 0;
  let autoAccepted = 0;
  const decider = `auto:job#${job.id}`;
  const foundBy = `job#${job.id}`;
  let k = 0;
  const first = startIndex(pop, cursor.after);
  while (k < pairs.count && pairs.i[k]! < first) k++;
  for (let s = first; s < n; s += batch) {
    const e = Math.min(n, s + batch);
    const rows: NewPair[] = [];
    for (; k < pairs.count && pairs.i[k]! < e; k++) {
      const i = pairs.i[k]!;
      const j = pairs.j[k]!;
      const explanation = scorer.explain(i, j);
      if (explanation.decision === 'distinct') continue;
      const auto = automaticStatus({ decision: explanation.decision, sameCluster: clusterOf[i] === clusterOf[j], cannotLink: explanation.cannotLink });
      rows.push({
        a: { memberId: pop.ids[i]!, regencyCode: pop.regencies[i]!, villageCode: pop.villages[i]! },
        b: { memberId: pop.ids[j]!, regencyCode: pop.regencies[j]!, villageCode: pop.villages[j]! },
        modelId, explanation, status: auto.status, heldReason: auto.heldReason,
      });
    }
    const next: IdentityJobCursor = { phase: 'pairs', modelId, after: position(e - 1) };
    await db.transaction(async (tx) => {
      const counts = await writePairs(tx, rows, decider, foundBy);
      inserted += counts.inserted;
      updated += counts.updated;
      autoAccepted += counts.autoAccepted;
      if (counts.inserted + counts.updated > 0) {
        await appendAudit(tx, { action: 'identity.pairs.batch', entityType: 'job', entityId: job.id, changes: { pairs: rows.length, ...counts } });
      }
      await saveCursor(tx, job.id, next, n + e, 2 * n);
    }, actor);
    report('pairs', e, n, true);
  }

  // Totals over every pair of this result, whichever run wrote it (scores as in explain()).
  let kept = 0;
  let pending = 0;
  for (let x = 0; x < pairs.count; x++) {
    const i = pairs.i[x]!;
    const j = pairs.j[x]!;
    const w = scorer.score(i, j);
    const cannotLink = scorer.lastCannotLink;
    const decision = scorer.decide(w, cannotLink);
    if (decision === 'distinct') continue;
    kept++;
    if (automaticStatus({ decision, sameCluster: clusterOf[i] === clusterOf[j], cannotLink }).status === 'pending') pending++;
  }
  const sizes = new Map<number, number>();
  for (let i = 0; i < n; i++) sizes.set(clusterOf[i]!, (sizes.get(clusterOf[i]!) ?? 0) + 1);
  let groups = 0;
  for (const size of sizes.values()) if (size > 1) groups++;
  return finish(deps, job, actor, {
    jobId: job.id, resumed: job.resumed, scope: params.scope, people: n, keyedPeople, keyRows, modelId, modelEstimated: estimated,
    candidatePairs: result.stats.candidatePairs, pairs: kept, inserted, updated, autoAccepted, pending, groups,
    seconds: Math.round(performance.now() - started) / 1000,
  });
}

function emptySummary(job: ClaimedJob, params: IdentityJobParams, n: number, keyedPeople: number, keyRows: number, started: number): IdentityRunSummary {
  return {
    jobId: job.id, resumed: job.resumed, scope: params.scope, people: n, keyedPeople, keyRows, modelId: null, modelEstimated: false,
    candidatePairs: 0, pairs: 0, inserted: 0, updated: 0, autoAccepted: 0, pending: 0, groups: 0,
    seconds: Math.round(performance.now() - started) / 1000,
  };
}

async function finish(deps: IdentityJobDeps, job: ClaimedJob, actor: Actor, summary: IdentityRunSummary): Promise<IdentityRunSummary> {
  await deps.db.transaction(async (tx) => {
    await tx.raw.query(`update job set status = 'done', result = $2::jsonb, finished_at = now(), heartbeat_at = now() where id = $1`, [job.id, JSON.stringify(summary)]);
    await appendAudit(tx, { action: 'identity.job.done', entityType: 'job', entityId: job.id, changes: summary });
  }, actor);
  return summary;
}
