/**
 * `tepat eligibility run`: decisions for every family in scope and every program in
 * force, as a durable job (table `job`). Work is done one regency per transaction
 * (village quotas never cross a regency), largest first on two connections, each
 * committing its decisions, notices, stored facts and the job's cursor together; a
 * killed run resumes after its last committed regency, and re-running a cycle rewrites
 * the same decisions (keyed by family and cycle, one element per program).
 */
import type { Actor, Db } from '../platform/db.js';
import { appendAudit } from '../platform/audit.js';
import { AppError } from '../platform/errors.js';
import { buildFacts, currentRanking, dropFacts, evaluateFacts, scopeFilter, writeDecisions, writeFacts, type Tally } from './evaluate-sql.js';
import { FactsLayout } from './rules/compile-sql.js';
import { cycleDate, loadRuleDefinitions, rulesInForce } from './rules/rule-set.js';
import { canonicalJson } from './rules/resolve.js';
import type { RuleDefinition } from './rules/schema.js';

export const RUN_JOB_KIND = 'eligibility.run';

export interface RunOptions {
  cycle: string;
  programs?: readonly string[] | undefined;
  /** Kemendagri code prefix; default: the actor's scope. */
  region?: string | undefined;
  /** Start afresh even when an unfinished run of the same cycle exists. */
  restart?: boolean;
  /** Regencies processed at once, each on its own connection (default 2). */
  concurrency?: number;
  onProgress?: (p: { done: number; total: number; regency: string }) => void;
  /** Test hook: called after each committed regency. */
  afterChunk?: (regency: string) => Promise<void>;
}

export interface ProgramSummary {
  program: string;
  ruleVersion: string;
  families: number;
  byStatus: Record<string, number>;
  /** Families paid this cycle, and their yearly amounts summed. */
  paidFamilies: number;
  budgetPerYear: number;
}

export interface RunSummary {
  jobId: number;
  cycle: string;
  region: string;
  rankingId: number | null;
  resumed: boolean;
  regencies: number;
  families: number;
  notices: number;
  programs: ProgramSummary[];
}

interface JobParams {
  cycle: string;
  programs: string[];
  region: string;
  rulesHash: string;
  rankingId: number | null;
}

interface JobRow { id: number; params: JobParams; status: string; cursor: string | null; heartbeat_at: Date | null; progress_done: number }

/**
 * @example const summary = await runEligibility({ db, actor }, { cycle: '2025-07' });
 */
export async function runEligibility(deps: { db: Db; actor: Actor; definitions?: RuleDefinition[] }, opts: RunOptions): Promise<RunSummary> {
  const { db, actor } = deps;
  const refDate = cycleDate(opts.cycle);
  const definitions = deps.definitions ?? loadRuleDefinitions();
  const rules = rulesInForce(definitions, refDate, { programs: opts.programs });
  if (rules.length === 0) throw new AppError('validation', `Tidak ada aturan program yang berlaku pada ${refDate}.`);
  const region = opts.region ?? actor.scope;
  if (!(actor.scope === 'ID' || region === actor.scope || region.startsWith(`${actor.scope}.`))) {
    throw new AppError('forbidden', `Wilayah ${region} di luar cakupan Anda (${actor.scope}).`);
  }
  const scope = { regencyCode: null, region: region === 'ID' ? null : region };
  const programs = rules.map((r) => r.program);
  const layout = FactsLayout.of(rules);
  // Stored facts are rewritten only by a run of whole regencies and every program in force;
  // any other run forgets them for the regencies it decides (see eligibility_facts_regency).
  const keepsFacts = (region === 'ID' || region.length <= 5) && rules.length === rulesInForce(definitions, refDate).length;
  const rulesHash = canonicalJson(rules.map((r) => [r.program, r.version, r.hash]));

  const setup = await db.transaction(async (tx) => {
    const ranking = await currentRanking(tx);
    const params: JobParams = { cycle: opts.cycle, programs: [...programs].sort(), region, rulesHash, rankingId: ranking?.id ?? null };
    const open = await tx.raw.query<JobRow>(
      `select id, params, status, cursor, heartbeat_at, progress_done from job
       where kind = $1 and status in ('queued', 'running', 'failed') and params->>'cycle' = $2 and params->>'region' = $3
       order by id desc for update`, [RUN_JOB_KIND, opts.cycle, region]);
    let job: JobRow | undefined;
    for (const j of open.rows) {
      const same = canonicalJson(j.params) === canonicalJson(params);
      if (same && !opts.restart && !job) { job = j; continue; }
      await tx.raw.query(`update job set status = 'cancelled', finished_at = now(), error = $2 where id = $1`,
        [j.id, same ? 'dimulai ulang' : 'aturan, program atau peringkat berubah: dijalankan ulang dari awal']);
    }
    if (job && job.status === 'running' && job.heartbeat_at && Date.now() - new Date(job.heartbeat_at).getTime() < 60_000) {
      throw new AppError('conflict', `Penetapan siklus ${opts.cycle} untuk ${region} sedang berjalan (job ${job.id}).`);
    }
    const f = scopeFilter('f', scope, 1);
    // Largest regencies first, so that the two connections finish together.
    const chunks = (await tx.raw.query<{ regency_code: string; n: number }>(
      `select f.regency_code, count(*)::int as n from family f where ${f.sql} group by f.regency_code order by 2 desc, 1`, f.params)).rows;
    const total = chunks.reduce((s, c) => s + Number(c.n), 0);
    if (job) {
      await tx.raw.query(`update job set status = 'running', heartbeat_at = now(), progress_total = $2, error = null where id = $1`, [job.id, total]);
      return { jobId: Number(job.id), cursor: job.cursor, done: Number(job.progress_done), chunks, total, rankingId: params.rankingId, resumed: true };
    }
    const created = await tx.raw.query<{ id: number }>(
      `insert into job (kind, params, status, progress_total, created_by, started_at, heartbeat_at)
       values ($1, $2, 'running', $3, $4, now(), now()) returning id`, [RUN_JOB_KIND, JSON.stringify(params), total, actor.id]);
    const jobId = Number(created.rows[0]!.id);
    await appendAudit(tx, { action: 'eligibility.run.start', entityType: 'job', entityId: jobId, changes: { cycle: opts.cycle, region, programs: rules.map((r) => `${r.program}@${r.version}`) } });
    return { jobId, cursor: null, done: 0, chunks, total, rankingId: params.rankingId, resumed: false };
  }, actor);

  const { jobId, chunks, total, rankingId } = setup;
  // Decisions of a cycle are only written by runs: when no other run ever touched this
  // cycle, its rows cannot exist yet and plain inserts replace the slower upserts.
  const fresh = await db.transaction(async (tx) => (await tx.raw.query(
    `select 1 from job where kind = $1 and params->>'cycle' = $2 and id <> $3 limit 1`, [RUN_JOB_KIND, opts.cycle, jobId])).rows.length === 0, actor);
  // The cursor is the set of regencies already committed (JSON array): regencies are
  // processed concurrently, so they do not finish in order.
  const committed = new Set<string>(setup.cursor ? (JSON.parse(setup.cursor) as string[]) : []);
  const pending = chunks.filter((c) => !committed.has(c.regency_code));
  let done = setup.done;
  let failure: unknown;
  const processChunk = async (chunk: { regency_code: string; n: number }): Promise<void> => {
    await db.transaction(async (tx) => {
      await buildFacts(tx, rules, layout, { refDate, cycle: opts.cycle, rankingId, scope: { regencyCode: chunk.regency_code, region: scope.region } });
      await evaluateFacts(tx, rules, layout, { fundYear: Number(opts.cycle.slice(0, 4)), reasons: true });
      const written = await writeDecisions(tx, rules, layout, { cycle: opts.cycle, rankingId, jobId, fresh });
      if (keepsFacts) await writeFacts(tx, rules, layout, { regencyCode: chunk.regency_code, cycle: opts.cycle, rankingId, jobId });
      else await dropFacts(tx, chunk.regency_code);
      // The cursor is the set of committed regencies; each one's tally is kept with the job
      // until the run is done (a resumed run sums the tallies of both invocations).
      await tx.raw.query(`update job set cursor = (coalesce(cursor, '[]')::jsonb || to_jsonb($2::text))::text,
          result = coalesce(result, '{}'::jsonb) || jsonb_build_object($2::text, $4::jsonb),
          progress_done = progress_done + $3, heartbeat_at = now() where id = $1`,
      [jobId, chunk.regency_code, Number(chunk.n), JSON.stringify({ tally: written.tally, notices: written.notices })]);
      await appendAudit(tx, { action: 'eligibility.run.regency', entityType: 'job', entityId: jobId, changes: { regency: chunk.regency_code, families: Number(chunk.n), decisions: written.decisions, notices: written.notices } });
    }, actor);
    done += Number(chunk.n);
    opts.onProgress?.({ done, total, regency: chunk.regency_code });
    await opts.afterChunk?.(chunk.regency_code);
  };
  const worker = async (): Promise<void> => {
    for (let chunk = pending.shift(); chunk && failure === undefined; chunk = pending.shift()) {
      try {
        await processChunk(chunk);
      } catch (err) {
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 2) }, worker));
  if (failure !== undefined) {
    await db.transaction((tx) => tx.raw.query(`update job set status = 'failed', error = $2, heartbeat_at = now() where id = $1`,
      [jobId, (failure as Error).message.slice(0, 2000)]), actor).catch(() => {});
    throw failure;
  }

  // Fresh statistics for the previews that read the stored facts next (as the owner: the
  // application role may not analyze).
  if (keepsFacts) await db.transaction((tx) => tx.raw.exec('analyze eligibility_facts'));
  const summary = await db.transaction(async (tx) => {
    const kept = (await tx.raw.query<{ result: Record<string, { tally: Tally; notices: number }> | null }>('select result from job where id = $1', [jobId])).rows[0]?.result ?? {};
    const parts = chunks.map((c) => kept[c.regency_code]).filter((x) => x !== undefined);
    const notices = parts.reduce((s, x) => s + Number(x.notices), 0);
    const programSummaries: ProgramSummary[] = rules.map((r) => {
      const byStatus: Record<string, number> = {};
      let paidFamilies = 0;
      let budgetPerYear = 0;
      for (const part of parts) {
        for (const [status, [n, budget]] of Object.entries(part.tally[r.program] ?? {})) {
          byStatus[status] = (byStatus[status] ?? 0) + n;
          if (['masuk', 'tetap', 'keluar_berikutnya'].includes(status)) paidFamilies += n;
          budgetPerYear += budget;
        }
      }
      return {
        program: r.program, ruleVersion: r.version, families: Object.values(byStatus).reduce((s, n) => s + n, 0), byStatus, paidFamilies, budgetPerYear,
      };
    });
    const result: RunSummary = {
      jobId, cycle: opts.cycle, region, rankingId, resumed: setup.resumed, regencies: chunks.length, families: total, notices, programs: programSummaries,
    };
    await tx.raw.query(`update job set status = 'done', finished_at = now(), heartbeat_at = now(), result = $2 where id = $1`, [jobId, JSON.stringify(result)]);
    await appendAudit(tx, { action: 'eligibility.run.done', entityType: 'job', entityId: jobId, changes: { cycle: opts.cycle, region, families: total, programs: programSummaries.map((p) => ({ program: p.program, paid: p.paidFamilies, budget: p.budgetPerYear })) } });
    return result;
  }, actor);
  return summary;
}
