/**
 * The set-based evaluation of one regency (or any scope) inside a transaction, in
 * temporary tables that vanish at its end:
 *
 *   elig_family  the families in scope, with their ranking
 *   elig_facts   one row per family: counts, recipients (one pass over the members),
 *                input hash and each program's latest decision of an earlier cycle
 *   elig_arrays  the same pass's component candidates (member ids) per family
 *   elig_bound   the greedy selection for the families a component limit binds
 *   elig_out     every program's verdict, status, amounts and reasons (one statement)
 *
 * Used by the bulk run (which then stores decisions, notices and the facts), the preview
 * when stored facts cannot serve it, and the agreement test.
 */
import type { Tx } from '../platform/db.js';
import {
  FactsLayout, bindsSql, componentFieldsSql, componentJoinsSql, evaluationSql, greedyCountsSql, greedySql, memberArrayColumns, memberPassSql,
  memberSourceSql, sqlText,
} from './rules/compile-sql.js';
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
  scope: FactsScope;
}

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

/** Work memory for the bulk statements of this transaction, and no JIT (it costs more than it saves here). */
export async function bulkSettings(tx: Tx): Promise<void> {
  await tx.raw.query(`select set_config('work_mem', '64MB', true), set_config('jit', 'off', true)`);
  // temp_buffers can only be set before a session's first temporary table (later it is
  // refused, and the session keeps the size it started with).
  await tx.raw.exec('savepoint elig_temp_buffers');
  try {
    await tx.raw.query(`select set_config('temp_buffers', '128MB', true)`);
    await tx.raw.exec('release savepoint elig_temp_buffers');
  } catch {
    await tx.raw.exec('rollback to savepoint elig_temp_buffers');
  }
}

/** The stored facts of a regency: what they were gathered for. */
export interface FactsMeta {
  regencyCode: string;
  cycle: string;
  rankingId: number | null;
  /** [program, version, hash] in evaluation order: the order of the per-program arrays. */
  rules: Array<[string, string, string]>;
  layout: { counts: string[]; recipients: string[] };
  families: number;
}

interface MetaRow { regency_code: string; cycle: string; ranking_id: number | null; rules: Array<[string, string, string]>; layout: FactsMeta['layout']; families: number }

export async function findFactsMeta(tx: Tx, regencies: readonly string[]): Promise<Map<string, FactsMeta>> {
  const rows = (await tx.raw.query<MetaRow>(
    'select regency_code, cycle, ranking_id, rules, layout, families from eligibility_facts_regency where regency_code = any($1::text[])', [regencies])).rows;
  return new Map(rows.map((r) => [r.regency_code, {
    regencyCode: r.regency_code, cycle: r.cycle, rankingId: r.ranking_id === null ? null : Number(r.ranking_id), rules: r.rules, layout: r.layout, families: Number(r.families),
  }]));
}

/**
 * Builds elig_family, elig_facts and elig_bound for the scope under `rules` (their
 * layout, or a wider one). Each program's prior decision comes from the regency's stored
 * facts when they are the latest word (same or earlier cycle, all these programs), else
 * from the decision history.
 * @example const { families } = await buildFacts(tx, rules, FactsLayout.of(rules), { refDate, cycle, rankingId, scope });
 */
export async function buildFacts(tx: Tx, rules: readonly Rule[], layout: FactsLayout, opts: FactsOptions): Promise<{ families: number; prior: 'facts' | 'history' }> {
  await bulkSettings(tx);
  const ref = sqlText(opts.refDate);
  await tx.raw.exec(`
    create temp table elig_family (family_id bigint primary key, regency_code text, village_code text, rank_id bigint, desil smallint,
      pmt_score double precision, bps14_count smallint, is_kelurahan boolean, programs_received text[]) on commit drop;
    create temp table elig_prior (family_id bigint primary key${rules.map((_, i) => `, pr${i}_status text, pr${i}_per_year bigint, pr${i}_per_tahap bigint`).join('')}) on commit drop;
    create temp table elig_bound (sel int, family_id bigint, member_id bigint, rnk int, birth_date date, component text, dropped_by text) on commit drop;`);

  // A regency's families through its villages (family_village_idx), not a scan of the registry.
  const params: unknown[] = [opts.rankingId ?? -1];
  let where: string;
  if (opts.scope.regencyCode) {
    params.push(opts.scope.regencyCode);
    where = `f.regency_code = $2 and f.village_code in (select v.code from region v join region d on d.code = v.parent_code where d.parent_code = $2)`;
  } else {
    where = 'true';
  }
  if (opts.scope.region && opts.scope.region !== 'ID') {
    if (!REGION.test(opts.scope.region)) throw new Error(`bad region code ${opts.scope.region}`);
    params.push(opts.scope.region);
    const p = `$${params.length}`;
    where += ` and (f.village_code = ${p} or f.village_code like ${p} || '.%')`;
    if (!opts.scope.regencyCode && opts.scope.region.length >= 5) where += ` and f.regency_code = left(${p}, 5)`;
  }
  const families = (await tx.raw.query(`insert into elig_family
    select f.id, f.regency_code, f.village_code, r.ranking_id, r.desil, r.pmt_score, r.bps14_count, substr(f.village_code, 10, 1) = '1', f.programs_received
    from family f left join welfare_rank r on r.ranking_id = $1 and r.regency_code = f.regency_code and r.family_id = f.id
    where ${where}`, params)).rowCount;
  await tx.raw.exec('analyze elig_family');

  const prior = await loadPrior(tx, rules, opts);

  const counts = layout.counts.map((_, k) => `c${k + 1}`);
  const recipients = layout.recipients.map((_, k) => `r${k + 1}`);
  const binds = layout.selections.filter((s) => s.limits.length > 0);
  await tx.raw.exec(`create temp table elig_facts (family_id bigint primary key, regency_code text, village_code text, desil smallint,
      pmt_score double precision, bps14_count smallint, is_kelurahan boolean, programs_received text[], living int, input_hash bytea
      ${counts.map((c) => `, ${c} int`).join('')}${recipients.map((r) => `, ${r} bigint`).join('')}${binds.map((s) => `, b${s.n} boolean`).join('')}
      ${rules.map((_, i) => `, pr${i}_status text, pr${i}_per_year bigint, pr${i}_per_tahap bigint`).join('')}) on commit drop`);
  // The input hash covers the reference date, village, ranking facts, reported programs and
  // every living member's keyed row hash (order-independent), so a decision records exactly
  // which registry content it was made on.
  const arrays = memberArrayColumns(layout);
  await tx.raw.exec(`create temp table elig_arrays (family_id bigint primary key${arrays.map((a) => `, ${a} bigint[]`).join('')}) on commit drop`);
  await tx.raw.query(`with a as materialized (${memberPassSql(layout, 'elig_family', opts.refDate)}),
    arrays as (insert into elig_arrays select family_id${arrays.map((c) => `, ${c}`).join('')} from a
      ${arrays.length > 0 ? `where ${arrays.map((c) => `${c} is not null`).join(' or ')}` : 'where false'})
    insert into elig_facts
    select e.family_id, e.regency_code, e.village_code, e.desil, e.pmt_score, e.bps14_count, e.is_kelurahan, e.programs_received,
      a.living,
      decode(md5(concat_ws('|', ${ref}::text, e.village_code, e.rank_id, e.desil, e.pmt_score, e.bps14_count,
        array_to_string(e.programs_received, ','), nullif(a.living, 0), a.member_hash)), 'hex')
      ${counts.map((c) => `, coalesce(a.${c}, 0)`).join('')}${recipients.map((r) => `, a.${r}`).join('')}
      ${binds.map((s) => `, coalesce(${bindsSql(layout, s, 'a')}, false)`).join('')}
      ${rules.map((_, i) => `, p.pr${i}_status, p.pr${i}_per_year, p.pr${i}_per_tahap`).join('')}
    from elig_family e join a on a.family_id = e.family_id left join elig_prior p on p.family_id = e.family_id`);

  // Where a limit binds (more candidates than it allows), the greedy selection decides
  // which components count; elsewhere every candidate counts.
  for (const sel of binds) {
    const bound = await tx.raw.query(`insert into elig_bound ${greedySql(layout, sel,
      memberSourceSql(`(select family_id, regency_code from elig_facts where b${sel.n})`, opts.refDate))}`);
    if (bound.rowCount === 0) continue;
    const g = greedyCountsSql(layout, sel, 'elig_bound');
    await tx.raw.query(`update elig_facts x set ${g.columns.map((c) => `${c} = g.${c}`).join(', ')} from (${g.sql}) g where x.family_id = g.family_id`);
  }
  await tx.raw.exec('analyze elig_facts (family_id, village_code)');
  return { families, prior };
}

/** Each program's latest decision of an earlier cycle, into elig_prior. */
async function loadPrior(tx: Tx, rules: readonly Rule[], opts: FactsOptions): Promise<'facts' | 'history'> {
  const programs = rules.map((r) => r.program);
  let source: 'facts' | 'history' = 'history';
  const regency = opts.scope.regencyCode;
  if (regency) {
    const meta = (await findFactsMeta(tx, [regency])).get(regency);
    const at = meta ? new Map(meta.rules.map(([p], k) => [p, k + 1])) : new Map<string, number>();
    if (meta && meta.cycle <= opts.cycle && programs.every((p) => at.has(p))) {
      // Facts of an earlier cycle hold that cycle's decisions: the latest before this one.
      // Facts of this very cycle (a re-run) hold the decisions before it.
      const pre = meta.cycle === opts.cycle ? 'prior_' : '';
      const cols = programs.map((p) => {
        const k = at.get(p)!;
        return `, f.${pre}statuses[${k}], f.${pre}amounts_per_year[${k}], f.${pre}amounts_per_tahap[${k}]`;
      }).join('');
      const covered = await tx.raw.query(`insert into elig_prior select f.family_id${cols}
        from eligibility_facts f join elig_family e on e.family_id = f.family_id where f.regency_code = $1`, [regency]);
      source = 'facts';
      const families = Number((await tx.raw.query<{ n: number }>('select count(*)::int as n from elig_family')).rows[0]!.n);
      if (covered.rowCount === families) return source;
    }
  }
  // Families the facts do not cover: search the decision history (every cycle before this one).
  await tx.raw.query(`insert into elig_prior
    select family_id${programs.map((p) => `, max(status) filter (where program = ${sqlText(p)}), max(per_year) filter (where program = ${sqlText(p)}), max(per_tahap) filter (where program = ${sqlText(p)})`).join('')}
    from (select distinct on (e.family_id, d.program) e.family_id, d.program, d.status::text as status, d.amount_per_year as per_year, d.amount_per_tahap as per_tahap
      from elig_family e join eligibility_decision_set s on s.regency_code = e.regency_code and s.family_id = e.family_id and s.cycle < $1
        cross join lateral unnest(s.decisions) d
      where d.program = any($2::text[])${source === 'facts' ? ' and not exists (select 1 from elig_prior p where p.family_id = e.family_id)' : ''}
      order by e.family_id, d.program, s.cycle desc) x
    group by family_id`, [opts.cycle, programs]);
  return source;
}

/**
 * Every program's verdict over elig_facts into elig_out.
 * @example await evaluateFacts(tx, rules, layout, { fundYear: 2025, reasons: true });
 */
export async function evaluateFacts(tx: Tx, rules: readonly Rule[], layout: FactsLayout, o: { fundYear: number; reasons: boolean }): Promise<void> {
  await tx.raw.exec(`create temp table elig_out on commit drop as ${evaluationSql({ rules, layout, facts: 'elig_facts', reasons: o.reasons, fundYear: o.fundYear })}`);
}

/** Decision rows of elig_out, one per program and family, as they would be stored (tests, explanations). */
export async function readDecisions(tx: Tx, rules: readonly Rule[], layout: FactsLayout): Promise<Array<{
  program: string; family_id: number; result: string; status: string; amount_per_year: number; amount_per_tahap: number;
  reasons: string[]; components: unknown; recipient_member_id: number | null;
}>> {
  const parts = rules.map((r, i) => {
    const [ids, members, amounts, dropped] = componentFieldsSql(r, i, layout);
    return `select ${sqlText(r.program)} as program, o.family_id, o.p${i}_result as result, o.p${i}_status as status,
      o.p${i}_per_year as amount_per_year, o.p${i}_per_tahap as amount_per_tahap, o.p${i}_reasons as reasons,
      case when ${ids} is not null then jsonb_build_object('component', ${ids}, 'memberId', ${members}, 'amountPerYear', ${amounts}, 'droppedBy', ${dropped}) end as components,
      o.p${i}_recipient as recipient_member_id
    from elig_out o${componentJoinsSql(layout, 'elig_arrays', 'elig_bound')}`;
  });
  return (await tx.raw.query<Awaited<ReturnType<typeof readDecisions>>[number]>(parts.join('\nunion all\n'))).rows;
}

export interface WriteOptions {
  cycle: string;
  rankingId: number | null;
  jobId: number | null;
  /** No decision of this cycle can exist yet (first run): plain inserts, no upsert. */
  fresh?: boolean;
}

/** Per program and status: families and yearly amounts paid (for the run's summary). */
export type Tally = Record<string, Record<string, [number, number]>>;

/**
 * Stores the decisions of elig_out (one row per family, the programs as an array) and the
 * exit notices; returns how many, and the tally of statuses.
 */
export async function writeDecisions(tx: Tx, rules: readonly Rule[], layout: FactsLayout, opts: WriteOptions): Promise<{ decisions: number; notices: number; tally: Tally }> {
  const byName = rules.map((r, i) => ({ r, i })).sort((a, b) => (a.r.program < b.r.program ? -1 : 1));
  const items = byName.map(({ r, i }) => `row(${sqlText(r.program)}, ${sqlText(r.version)}, $2::bigint, o.input_hash, o.p${i}_result, o.p${i}_status,
      ${r.tahapPerYear}::smallint, o.p${i}_per_tahap, o.p${i}_per_year, o.p${i}_recipient, o.p${i}_reasons,
      ${componentFieldsSql(r, i, layout).join(', ')}, $3::bigint, now())::eligibility_program_decision`);
  const written = await tx.raw.query(`insert into eligibility_decision_set (regency_code, family_id, cycle, village_code, decisions)
    select o.regency_code, o.family_id, $1, o.village_code, array[${items.join(',\n      ')}]
    from elig_out o${componentJoinsSql(layout, 'elig_arrays', 'elig_bound')}
    ${opts.fresh ? '' : `on conflict (regency_code, family_id, cycle) do update set village_code = excluded.village_code,
      decisions = (select array_agg(d order by d.program) from unnest(array(select k from unnest(eligibility_decision_set.decisions) k
        where k.program <> all($4::text[])) || excluded.decisions) d)`}`,
  opts.fresh ? [opts.cycle, opts.rankingId, opts.jobId] : [opts.cycle, opts.rankingId, opts.jobId, rules.map((r) => r.program)]);

  const unpivot = (cols: (i: number) => string): string => `cross join lateral (values ${rules.map((r, i) => `(${sqlText(r.program)}, ${sqlText(r.shortName)}, ${cols(i)})`).join(', ')})`;
  // A re-run that finds the family qualifying again withdraws the notice of this cycle.
  if (!opts.fresh) {
    await tx.raw.query(`delete from eligibility_notice n using elig_out o ${unpivot((i) => `o.p${i}_status`)} s(program, short_name, status)
      where n.cycle = $1 and n.kind = 'keluar_berikutnya' and n.regency_code = o.regency_code and n.family_id = o.family_id
        and n.program = s.program and s.status <> 'keluar_berikutnya'`, [opts.cycle]);
  }
  const leaving = rules.map((_, i) => `o.p${i}_status = 'keluar_berikutnya'`).join(' or ');
  const notices = await tx.raw.query(`insert into eligibility_notice (regency_code, village_code, family_id, program, cycle, kind, message, job_id)
    select o.regency_code, o.village_code, o.family_id, s.program, $1, 'keluar_berikutnya',
      'Keluarga tidak lagi memenuhi syarat ' || s.short_name || ': ' || array_to_string(s.reasons, '; ')
        || '. Bantuan siklus ' || $1 || ' tetap dibayar; keluarga keluar dari program pada siklus berikutnya.', $2
    from (select * from elig_out o where ${leaving}) o ${unpivot((i) => `o.p${i}_status, o.p${i}_reasons`)} s(program, short_name, status, reasons)
    where s.status = 'keluar_berikutnya'
    on conflict (regency_code, program, family_id, cycle, kind) do update set message = excluded.message, job_id = excluded.job_id`,
  [opts.cycle, opts.jobId]);

  const statuses = ['masuk', 'tetap', 'keluar_berikutnya', 'keluar', 'tidak_layak', 'di_luar_kuota'];
  const counts = (await tx.raw.query<Record<string, number>>(`select ${rules.flatMap((_, i) => statuses.map((st) => `count(*) filter (where p${i}_status = '${st}')::int as n${i}_${st},
      coalesce(sum(p${i}_per_year) filter (where p${i}_status = '${st}'), 0)::bigint as b${i}_${st}`)).join(', ')} from elig_out`)).rows[0]!;
  const rows = rules.flatMap((r, i) => statuses.map((st) => ({
    program: r.program, status: st, n: Number(counts[`n${i}_${st}`]), budget: ['masuk', 'tetap', 'keluar_berikutnya'].includes(st) ? Number(counts[`b${i}_${st}`]) : 0,
  }))).filter((x) => x.n > 0);
  const tally: Tally = {};
  for (const r of rows) (tally[r.program] ??= {})[r.status] = [Number(r.n), Number(r.budget)];
  return { decisions: written.rowCount * rules.length, notices: notices.rowCount, tally };
}

/**
 * Replaces the regency's stored facts with elig_facts and the verdicts of elig_out
 * (the scope must cover the whole regency and `rules` be all programs in force).
 */
export async function writeFacts(tx: Tx, rules: readonly Rule[], layout: FactsLayout, o: { regencyCode: string; cycle: string; rankingId: number | null; jobId: number | null }): Promise<void> {
  const arr = (cols: string[], type: string): string => (cols.length === 0 ? `'{}'::${type}[]` : `array[${cols.join(', ')}]::${type}[]`);
  const per = (f: (i: number) => string): string[] => rules.map((_, i) => f(i));
  await tx.raw.query('delete from eligibility_facts where regency_code = $1', [o.regencyCode]);
  const n = await tx.raw.query(`insert into eligibility_facts (regency_code, family_id, village_code, desil, pmt_score, bps14_count, programs_received,
      living, input_hash, counts, recipients, counted, amounts, results, eval_amounts, statuses, amounts_per_year, amounts_per_tahap,
      prior_statuses, prior_amounts_per_year, prior_amounts_per_tahap)
    select o.regency_code, o.family_id, o.village_code, o.desil, o.pmt_score, o.bps14_count, o.programs_received, o.living, o.input_hash,
      ${arr(layout.counts.map((_, k) => `o.c${k + 1}`), 'int')}, ${arr(layout.recipients.map((_, k) => `o.r${k + 1}`), 'bigint')},
      ${arr(rules.map((r, i) => (r.benefit.kind === 'components' ? `o.p${i}_n` : '0')), 'int')},
      ${arr(rules.map((r, i) => (r.benefit.kind === 'components' ? `o.p${i}_amt` : String(r.benefit.amountPerYear))), 'bigint')},
      ${arr(per((i) => `o.p${i}_result`), 'text')}, ${arr(per((i) => `o.p${i}_amount`), 'bigint')}, ${arr(per((i) => `o.p${i}_status`), 'text')},
      ${arr(per((i) => `o.p${i}_per_year`), 'bigint')}, ${arr(per((i) => `o.p${i}_per_tahap`), 'bigint')},
      ${arr(per((i) => `o.pr${i}_status`), 'text')}, ${arr(per((i) => `o.pr${i}_per_year`), 'bigint')}, ${arr(per((i) => `o.pr${i}_per_tahap`), 'bigint')}
    from elig_out o`);
  await tx.raw.query(`insert into eligibility_facts_regency (regency_code, cycle, ranking_id, rules, layout, families, job_id, built_at)
    values ($1, $2, $3, $4, $5, $6, $7, now())
    on conflict (regency_code) do update set cycle = excluded.cycle, ranking_id = excluded.ranking_id, rules = excluded.rules,
      layout = excluded.layout, families = excluded.families, job_id = excluded.job_id, built_at = excluded.built_at`,
  [o.regencyCode, o.cycle, o.rankingId, JSON.stringify(rules.map((r) => [r.program, r.version, r.hash])), JSON.stringify(layout.toJSON()), n.rowCount, o.jobId]);
}

/** Forgets a regency's stored facts (a run decided it without rewriting them all). */
export async function dropFacts(tx: Tx, regencyCode: string): Promise<void> {
  await tx.raw.query('delete from eligibility_facts_regency where regency_code = $1', [regencyCode]);
}

/** The current welfare ranking, if any. */
export async function currentRanking(tx: Tx): Promise<{ id: number; method: string; referenceDate: string; createdAt: Date } | undefined> {
  const r = await tx.raw.query<{ id: number; method: string; reference_date: string; created_at: Date }>(
    'select id, method, reference_date, created_at from welfare_ranking where is_current');
  const row = r.rows[0];
  return row ? { id: Number(row.id), method: row.method, referenceDate: row.reference_date, createdAt: row.created_at } : undefined;
}
