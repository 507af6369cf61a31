/**
 * The set-based evaluation: facts of every family in a scope gathered once into
 * temporary tables, then each program's compiled SQL run over them, dependencies
 * first. Used by the bulk run (one regency per transaction), the preview (no writes)
 * and the agreement test. Temporary tables vanish at the end of the transaction.
 */
import type { Tx } from '../platform/db.js';
import { compileProgram } from './rules/compile-sql.js';
import type { Rule } from './rules/resolve.js';

export interface FactsScope {
  /** One regency (`PP.KK`), the unit of a bulk-run chunk; null for all. */
  regencyCode: string | null;
  /** A Kemendagri code prefix at any level; null or `ID` for all. */
  region: string | null;
}

export interface FactsOptions {
  /** Reference date for ages (`YYYY-MM-DD`). */
  refDate: string;
  /** Cycle `YYYY-MM`: prior decisions are those of earlier cycles. */
  cycle: string;
  rankingId: number | null;
  programs: readonly string[];
  scope: FactsScope;
}

const LIVING = `('tinggal', 'baru')`;

const REGION = /^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$/;

/** SQL filter and params for a scope over a table alias; params start at `first`. */
export function scopeFilter(alias: string, scope: FactsScope, first: number): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const param = (v: string): string => {
    params.push(v);
    return `$${first + params.length - 1}`;
  };
  const regency = scope.regencyCode ?? (scope.region && scope.region.length >= 5 ? scope.region.slice(0, 5) : null);
  if (regency) parts.push(`${alias}.regency_code = ${param(regency)}`);
  if (scope.region && scope.region !== 'ID') {
    if (!REGION.test(scope.region)) throw new Error(`bad region code ${scope.region}`);
    const p = param(scope.region);
    parts.push(`(${alias}.village_code = ${p} or ${alias}.village_code like ${p} || '.%')`);
  }
  return { sql: parts.length > 0 ? parts.join(' and ') : 'true', params };
}

/**
 * Builds elig_family, elig_member, elig_prior and elig_village_fund for the scope.
 * @example const families = await buildFacts(tx, { refDate, cycle, rankingId, programs, scope: { regencyCode: '32.01', region: null } });
 */
export async function buildFacts(tx: Tx, opts: FactsOptions): Promise<number> {
  // Bulk work in one transaction: room for sorts and hashes, and for the temporary
  // tables. temp_buffers can only be set before a session's first temporary table
  // (later it is refused, and the session keeps the size it started with).
  await tx.raw.query(`select set_config('work_mem', '64MB', true), set_config('jit', 'off', true)`);
  await tx.raw.exec('savepoint elig_temp_buffers');
  try {
    await tx.raw.query(`select set_config('temp_buffers', '128MB', true)`);
    await tx.raw.exec('release savepoint elig_temp_buffers');
  } catch {
    await tx.raw.exec('rollback to savepoint elig_temp_buffers');
  }
  await tx.raw.exec(`
    create temp table elig_member (member_id bigint, family_id bigint, birth_date date, age int, sex text, relationship text,
      is_pregnant boolean, education_level text, school_participation text, severe_disability boolean, has_disability boolean,
      occupation text, work_status text, health_insurance text, chronic_illness text, row_hash bytea) on commit drop;
    create temp table elig_family (family_id bigint primary key, regency_code text, village_code text, desil smallint,
      pmt_score double precision, bps14_count smallint, is_kelurahan boolean, programs_received text[], input_hash bytea) on commit drop;
    create temp table elig_prior (program text, family_id bigint, status text, amount_per_year bigint, amount_per_tahap bigint,
      primary key (program, family_id)) on commit drop;
    create temp table elig_village_fund (village_code text primary key, amount bigint) on commit drop;`);

  const m = scopeFilter('m', opts.scope, 2);
  await tx.raw.query(`insert into elig_member
    select m.id, m.family_id, m.birth_date,
      case when m.birth_date <= $1::date then date_part('year', age($1::date, m.birth_date))::int end,
      m.sex::text, m.relationship, m.is_pregnant, m.education_level, m.school_participation, m.severe_disability,
      cardinality(m.disabilities) > 0, m.occupation, m.work_status, m.health_insurance, m.chronic_illness, m.row_hash
    from member m where m.presence_status in ${LIVING} and ${m.sql}`, [opts.refDate, ...m.params]);
  await tx.raw.exec('analyze elig_member (family_id)');

  // The input hash covers the ranking facts, the reported programs, the reference date and
  // every living member's row (its keyed content hash, order-independent), so a decision
  // records exactly which registry content it was made on.
  const f = scopeFilter('f', opts.scope, 3);
  const inserted = await tx.raw.query(`insert into elig_family
    select f.id, f.regency_code, f.village_code, r.desil, r.pmt_score, r.bps14_count, substr(f.village_code, 10, 1) = '1',
      f.programs_received,
      decode(md5(concat_ws('|', $2::text, f.village_code, r.ranking_id, r.desil, r.pmt_score, r.bps14_count,
        array_to_string(f.programs_received, ','), mm.n, mm.h)), 'hex')
    from family f
    left join welfare_rank r on r.ranking_id = $1 and r.regency_code = f.regency_code and r.family_id = f.id
    left join (select family_id, count(*) as n, bit_xor(hashtextextended(row_hash::text, member_id)) as h
      from elig_member group by family_id) mm on mm.family_id = f.id
    where ${f.sql}`, [opts.rankingId ?? -1, opts.refDate, ...f.params]);
  await tx.raw.exec('analyze elig_family (family_id, village_code)');

  const d = scopeFilter('d', opts.scope, 3);
  await tx.raw.query(`insert into elig_prior
    select distinct on (d.program, d.family_id) d.program, d.family_id, d.status, d.amount_per_year, d.amount_per_tahap
    from eligibility_decision d
    where d.program = any($1::text[]) and d.cycle < $2 and ${d.sql}
    order by d.program, d.family_id, d.cycle desc`, [opts.programs, opts.cycle, ...d.params]);
  await tx.raw.exec('analyze elig_prior (program, family_id)');

  await tx.raw.query(`insert into elig_village_fund
    select v.village_code, v.amount from village_fund v
    where v.year = $1 and v.village_code in (select distinct village_code from elig_family)`, [Number(opts.cycle.slice(0, 4))]);
  return inserted.rowCount;
}

/** Creates an empty results table (one per variant: decisions, preview baseline, preview). */
export async function createResults(tx: Tx, name: string): Promise<void> {
  if (!/^[a-z_]+$/.test(name)) throw new Error('bad results table name');
  await tx.raw.exec(`create temp table ${name} (program text, family_id bigint, regency_code text, village_code text,
    result text, status text, eval_amount bigint, amount_per_year bigint, amount_per_tahap bigint, reasons text[], components jsonb,
    recipient_member_id bigint, prior_status text, prior_amount_per_year bigint, prior_amount_per_tahap bigint) on commit drop;
    create index on ${name} (family_id, program)`);
}

/**
 * Runs the rules (dependencies first, as `rulesInForce` orders them) into `results`.
 * @example await evaluateRules(tx, rules, 'elig_result');
 */
export async function evaluateRules(tx: Tx, rules: readonly Rule[], results: string): Promise<void> {
  for (const rule of rules) {
    const [evaluate, ...rest] = compileProgram(rule, results).statements;
    await tx.raw.query(evaluate!);
    // Fresh statistics, so the quota and later programs' joins are planned on real sizes.
    await tx.raw.exec(`analyze ${results} (program, family_id, result, status)`);
    for (const sql of rest) await tx.raw.query(sql);
  }
}

export interface WriteOptions {
  cycle: string;
  rankingId: number | null;
  jobId: number | null;
  /** No decision of this cycle can exist yet (first run): plain inserts, no upsert. */
  fresh?: boolean;
}

/** Stores the decisions of `results` and the exit notices; returns how many of each. */
export async function writeDecisions(tx: Tx, rules: readonly Rule[], results: string, opts: WriteOptions): Promise<{ decisions: number; notices: number }> {
  let decisions = 0;
  for (const rule of rules) {
    const r = await tx.raw.query(`insert into eligibility_decision (regency_code, program, family_id, cycle, village_code, rule_version,
        ranking_id, input_hash, result, status, tahap_per_year, amount_per_tahap, amount_per_year, recipient_member_id, reasons, components, job_id)
      select r.regency_code, r.program, r.family_id, $1, r.village_code, $2, $3, f.input_hash, r.result, r.status, $4,
        r.amount_per_tahap, r.amount_per_year, r.recipient_member_id, r.reasons, r.components, $5
      from ${results} r join elig_family f on f.family_id = r.family_id
      where r.program = $6
      ${opts.fresh ? '' : `on conflict (regency_code, program, family_id, cycle) do update set village_code = excluded.village_code,
        rule_version = excluded.rule_version, ranking_id = excluded.ranking_id, input_hash = excluded.input_hash,
        result = excluded.result, status = excluded.status, tahap_per_year = excluded.tahap_per_year,
        amount_per_tahap = excluded.amount_per_tahap, amount_per_year = excluded.amount_per_year,
        recipient_member_id = excluded.recipient_member_id, reasons = excluded.reasons, components = excluded.components,
        job_id = excluded.job_id, decided_at = now()`}`,
    [opts.cycle, rule.version, opts.rankingId, rule.tahapPerYear, opts.jobId, rule.program]);
    decisions += r.rowCount;
  }
  // A re-run that finds the family qualifying again withdraws the notice of this cycle.
  if (!opts.fresh) await tx.raw.query(`delete from eligibility_notice n using ${results} r
    where n.cycle = $1 and n.kind = 'keluar_berikutnya' and n.regency_code = r.regency_code and n.program = r.program
      and n.family_id = r.family_id and r.status <> 'keluar_berikutnya'`, [opts.cycle]);
  const names = rules.map((r) => r.program);
  const shortNames = rules.map((r) => r.shortName);
  const notices = await tx.raw.query(`insert into eligibility_notice (regency_code, village_code, family_id, program, cycle, kind, message, job_id)
    select r.regency_code, r.village_code, r.family_id, r.program, $1, 'keluar_berikutnya',
      'Keluarga tidak lagi memenuhi syarat ' || n.short_name || ': ' || array_to_string(r.reasons, '; ')
        || '. Bantuan siklus ' || $1 || ' tetap dibayar; keluarga keluar dari program pada siklus berikutnya.', $2
    from ${results} r join unnest($3::text[], $4::text[]) n(program, short_name) on n.program = r.program
    where r.status = 'keluar_berikutnya'
    on conflict (regency_code, program, family_id, cycle, kind) do update set message = excluded.message, job_id = excluded.job_id`,
  [opts.cycle, opts.jobId, names, shortNames]);
  return { decisions, notices: notices.rowCount };
}

/** The current welfare ranking, if any. */
export async function currentRanking(tx: Tx): Promise<{ id: number; method: string; referenceDate: string; createdAt: Date } | undefined> {
  const r = await tx.raw.query<{ id: number; method: string; reference_date: string; created_at: Date }>(
    'select id, method, reference_date, created_at from welfare_ranking where is_current');
  const row = r.rows[0];
  return row ? { id: Number(row.id), method: row.method, referenceDate: row.reference_date, createdAt: row.created_at } : undefined;
}
