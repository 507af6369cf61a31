/**
 * The SQL evaluator: a resolved rule compiled to set-based statements over the
 * per-run temporary tables built by `evaluate-sql.ts`:
 *
 *   elig_family (family_id, regency_code, village_code, desil, pmt_score, bps14_count,
 *                is_kelurahan, programs_received, input_hash)
 *   elig_member (member_id, family_id, birth_date, age, sex, relationship, … one row per living member)
 *   elig_prior  (program, family_id, status, amount_per_year, amount_per_tahap)
 *   elig_village_fund (village_code, amount)
 *   <results>   (program, family_id, regency_code, village_code, result, status, eval_amount,
 *                amount_per_year, amount_per_tahap, reasons, components, recipient_member_id, prior_*)
 *
 * It must agree exactly with `interpret.ts` (see the semantics there). Values come only
 * from a resolved, validated rule and are written as escaped literals.
 */
import type { Literal, RFamilyExpr, RLimit, RMemberExpr, RPriorityKey, Rule } from './resolve.js';
import type { FamilyFact, MemberFact, Op } from './schema.js';

/** A single-quoted SQL string literal. */
export function sqlText(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function sqlNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error('non-finite number in rule');
  return Number.isInteger(n) ? String(n) : n.toPrecision(17);
}

function sqlLiteral(v: Literal): string {
  if (typeof v === 'number') return sqlNumber(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return sqlText(v);
  return `array[${v.map(sqlText).join(', ')}]::text[]`;
}

const MEMBER_COLUMNS: Record<MemberFact, string> = {
  age: 'age', sex: 'sex', relationship: 'relationship', isPregnant: 'is_pregnant', educationLevel: 'education_level',
  schoolParticipation: 'school_participation', severeDisability: 'severe_disability', hasDisability: 'has_disability',
  occupation: 'occupation', workStatus: 'work_status', healthInsurance: 'health_insurance', chronicIllness: 'chronic_illness',
};

const FAMILY_COLUMNS: Record<Exclude<FamilyFact, 'livingCount'>, string> = {
  desil: 'f.desil', bps14Count: 'f.bps14_count', pmtScore: 'f.pmt_score', isKelurahan: 'f.is_kelurahan',
};

const SQL_OPS: Partial<Record<Op, string>> = { eq: '=', ne: '<>', lt: '<', lte: '<=', gt: '>', gte: '>=' };

/** A comparison that is false (never null) when the value is unknown, as in TypeScript. */
function comparisonSql(column: string, op: Op, value: Literal | undefined): string {
  if (op === 'isNull') return `(${column} is null)`;
  if (op === 'notNull') return `(${column} is not null)`;
  if (op === 'in') return `coalesce(${column} = any(${sqlLiteral(value!)}), false)`;
  if (op === 'notIn') return `coalesce(${column} <> all(${sqlLiteral(value!)}), false)`;
  return `coalesce(${column} ${SQL_OPS[op]} ${sqlLiteral(value!)}, false)`;
}

export function memberSql(e: RMemberExpr, alias = 'm'): string {
  if ('all' in e) return `(${e.all.map((x) => memberSql(x, alias)).join(' and ')})`;
  if ('any' in e) return `(${e.any.map((x) => memberSql(x, alias)).join(' or ')})`;
  if ('not' in e) return `(not ${memberSql(e.not, alias)})`;
  return comparisonSql(`${alias}.${MEMBER_COLUMNS[e.fact]}`, e.op, e.value);
}

/** Per-family member counts a rule needs, computed in one pass over elig_member. */
class Aggregates {
  private readonly columns = new Map<string, string>();
  column(e: RMemberExpr): string {
    const sql = memberSql(e);
    let name = this.columns.get(sql);
    if (!name) {
      name = `n${this.columns.size + 1}`;
      this.columns.set(sql, name);
    }
    return `coalesce(a.${name}, 0)`;
  }
  cte(): string {
    const cols = [...this.columns].map(([sql, name]) => `, count(*) filter (where ${sql})::int as ${name}`).join('');
    return `agg as (select m.family_id, count(*)::int as living${cols} from elig_member m group by m.family_id)`;
  }
}

const PAYABLE = `('masuk', 'tetap', 'keluar_berikutnya')`;

/** Programs each family is paid by in this run so far (for `receives`). */
function paidCte(results: string, except: string): string {
  return `paid as (select family_id, array_agg(program) as programs from ${results}
    where status in ${PAYABLE} and program <> ${sqlText(except)} group by family_id)`;
}

function familySql(e: RFamilyExpr, agg: Aggregates): string {
  if ('all' in e) return `(${e.all.map((x) => familySql(x, agg)).join(' and ')})`;
  if ('any' in e) return `(${e.any.map((x) => familySql(x, agg)).join(' or ')})`;
  if ('not' in e) return `(not ${familySql(e.not, agg)})`;
  if ('receives' in e) return `(${sqlText(e.receives)} = any(f.programs_received) or ${sqlText(e.receives)} = any(coalesce(paid.programs, '{}')))`;
  if ('exists' in e) return `(${agg.column(e.exists)} > 0)`;
  if ('none' in e) return `(${agg.column(e.none)} = 0)`;
  if ('count' in e) return comparisonSql(agg.column(e.count), e.op, e.value);
  const column = e.fact === 'livingCount' ? 'coalesce(a.living, 0)' : FAMILY_COLUMNS[e.fact];
  return comparisonSql(column, e.op, e.value);
}

/** The enrolment status after a verdict (see `nextStatus` in interpret.ts). */
function statusSql(result: string, evalAmount: string, tahap: number): { status: string; perYear: string; perTahap: string } {
  return {
    status: `case when ${result} = 'layak' then case when prior_status in ${PAYABLE} then 'tetap' else 'masuk' end
      when prior_status in ('masuk', 'tetap') then 'keluar_berikutnya'
      when prior_status = 'keluar_berikutnya' then 'keluar' else ${result} end`,
    perYear: `case when ${result} = 'layak' then ${evalAmount} when prior_status in ('masuk', 'tetap') then prior_amount_per_year else 0 end`,
    perTahap: `case when ${result} = 'layak' then ${evalAmount} / ${tahap} when prior_status in ('masuk', 'tetap') then prior_amount_per_tahap else 0 end`,
  };
}

const CANDIDATE_ORDER = 'amount desc, ord, birth_date, member_id';

function caseOf(column: string, pairs: Array<[string, string]>): string {
  if (pairs.length === 0) return 'null';
  return `case ${column} ${pairs.map(([k, v]) => `when ${sqlText(k)} then ${v}`).join(' ')} end`;
}

/** CTEs choosing the counted components of every family (empty when the benefit is flat). */
function componentCtes(rule: Rule): string[] {
  if (rule.benefit.kind !== 'components') return [];
  const { components, limits, oneComponentPerMember } = rule.benefit;
  const cand = components.map((c) => `select m.family_id, m.member_id, m.birth_date, ${sqlText(c.id)}::text as component, ${c.index} as ord, ${c.amountPerYear}::bigint as amount
      from elig_member m where ${memberSql(c.member)}`).join('\n    union all ');
  const ctes = [`cand as (${cand})`];
  let prev = 'cand';
  if (oneComponentPerMember && components.length > 1) {
    ctes.push(`per_member as (select * from (select c.*, row_number() over (partition by c.family_id, c.member_id order by c.amount desc, c.ord) as pm from cand c) x where pm = 1)`);
    prev = 'per_member';
  }
  ctes.push(`s0 as (select family_id, member_id, birth_date, component, ord, amount, null::text as dropped_by from ${prev})`);
  prev = 's0';
  // One window pass per depth of the limit tree, innermost first: limits at the same
  // depth are disjoint, so they are counted in one pass, partitioned by limit.
  const depth = (l: RLimit): number => limits.filter((o) => o !== l && l.components.every((c) => o.components.includes(c))).length;
  const depths = [...new Set(limits.map(depth))].sort((a, b) => b - a);
  depths.forEach((d, i) => {
    const here = limits.filter((l) => depth(l) === d);
    const which = `case ${here.map((l) => `when component = any(${sqlLiteral(l.components)}) then ${sqlText(l.id)}`).join(' ')} end`;
    const max = caseOf('lim', here.map((l) => [l.id, String(l.max)]));
    ctes.push(`s${i + 1} as (select family_id, member_id, birth_date, component, ord, amount,
      case when lim is not null and row_number() over (partition by family_id, lim order by ${CANDIDATE_ORDER}) > ${max}
        then lim else dropped_by end as dropped_by
      from (select *, case when dropped_by is null then ${which} end as lim from ${prev}) x)`);
    prev = `s${i + 1}`;
  });
  ctes.push(`items as (select * from ${prev})`);
  ctes.push(`comp as (select family_id,
      coalesce(sum(amount) filter (where dropped_by is null), 0)::bigint as amount,
      count(*) filter (where dropped_by is null)::int as n_counted
    from items group by family_id)`);
  return ctes;
}

/** CTEs over the components of qualifying families only: the stored list and the reason text. */
function componentDetailCtes(rule: Rule): string[] {
  if (rule.benefit.kind !== 'components') return [];
  const { components, limits } = rule.benefit;
  const label = caseOf('component', components.map((c) => [c.id, sqlText(c.label)]));
  const limitText = caseOf('dropped_by', limits.map((l) => [l.id, sqlText(l.text)]));
  const limitOrder = caseOf('dropped_by', limits.map((l, i) => [l.id, String(i)]));
  return [
    `items_ok as (select i.* from items i join ev on ev.family_id = i.family_id where ev.ok)`,
    // Columnar (one array per field): several times cheaper to build than an object per
    // item. Aggregates read a subquery sorted in the selection order: PostgreSQL 15 would
    // otherwise sort every family's few rows separately for each ordered aggregate.
    `comp_json as (select family_id, jsonb_build_object('component', array_agg(component), 'memberId', array_agg(member_id),
        'amountPerYear', array_agg(amount), 'droppedBy', array_agg(dropped_by)) as items
    from (select * from items_ok order by family_id, ${CANDIDATE_ORDER}) s group by family_id)`,
    `comp_text as (select family_id,
      string_agg(case when kind = 0 then n || ' ' || label end, ', ') as counted_text,
      string_agg(case when kind = 1 then n || ' ' || label || ' (' || ltext || ')' end, ', ') as dropped_text
    from (select * from (select family_id, 0 as kind, ord, 0 as lord, ${label} as label, null::text as ltext, count(*) as n
            from items_ok where dropped_by is null group by family_id, component, ord${limits.length === 0 ? '' : `
          union all
          select family_id, 1, ord, ${limitOrder}, ${label}, ${limitText}, count(*)
            from items_ok where dropped_by is not null group by family_id, component, ord, dropped_by`}) t
      order by family_id, kind, ord, lord) t
    group by family_id)`,
  ];
}

function recipientCte(rule: Rule): string | undefined {
  const r = rule.recipient;
  if (!r) return undefined;
  const female = r.preferFemale ? `(m.sex = 'P') desc, ` : '';
  return `rec as (select distinct on (m.family_id) m.family_id, m.member_id from elig_member m
    where coalesce(m.age >= ${r.minAge}, false)
    order by m.family_id, ${female}array_position(${sqlLiteral(r.relationshipOrder)}, m.relationship), m.birth_date, m.member_id)`;
}

export interface CompiledProgram {
  program: string;
  /** Statements to run in order; the results table then holds one row per family. */
  statements: string[];
}

/**
 * Compiles one program's evaluation, village quota and enrolment status.
 * @example for (const sql of compileProgram(pkh, 'elig_result').statements) await tx.raw.exec(sql);
 */
export function compileProgram(rule: Rule, results: string): CompiledProgram {
  const agg = new Aggregates();
  const conds = rule.conditions.map((c) => familySql(c.when, agg));
  const compCtes = componentCtes(rule);
  const rec = recipientCte(rule);
  const hasComponents = rule.benefit.kind === 'components';

  const condCols = conds.map((sql, i) => `${sql} as c${i}`).join(',\n      ');
  const idx = new Map(rule.conditions.map((c, i) => [c.id, i]));
  const effective = (i: number): string => {
    const req = rule.conditions[i]!.requires;
    return req === undefined ? 'true' : `(c${idx.get(req)!} and ${effective(idx.get(req)!)})`;
  };
  const failures = rule.conditions.map((c, i) => `case when ${effective(i)} and not c${i} then ${sqlText(c.failReason)} end`);
  if (rule.benefit.kind === 'components') failures.push(`case when n_counted = 0 then ${sqlText(rule.benefit.noComponentReason)} end`);
  if (rule.recipient) failures.push(`case when recipient is null then ${sqlText(rule.recipient.missingReason)} end`);
  const okParts = [...conds.map((_, i) => `c${i}`), ...(hasComponents ? ['n_counted > 0'] : []), ...(rule.recipient ? ['recipient is not null'] : [])];
  const ok = okParts.length > 0 ? okParts.join(' and ') : 'true';
  const failuresSelect = `array_remove(array[${failures.join(', ')}]::text[], null) as failures`;
  const amount = rule.benefit.kind === 'flat' ? `${rule.benefit.amountPerYear}::bigint` : 'comp_amount';
  const eligibleReason = rule.benefit.kind === 'flat'
    ? `array[${sqlText(rule.benefit.eligibleReason)}]`
    : `array[counted_text || coalesce('; tidak dihitung: ' || dropped_text, '')]`;

  const ctes = [agg.cte(), paidCte(results, rule.program), ...compCtes, ...(rec ? [rec] : [])];
  const compCols = hasComponents ? 'coalesce(comp.n_counted, 0) as n_counted, comp.amount as comp_amount' : '0 as n_counted, null::bigint as comp_amount';
  const st = statusSql('result', 'eval_amount', rule.tahapPerYear);
  const detail = componentDetailCtes(rule);

  const evaluate = `insert into ${results} (program, family_id, regency_code, village_code, result, eval_amount, reasons, components,
      recipient_member_id, prior_status, prior_amount_per_year, prior_amount_per_tahap, status, amount_per_year, amount_per_tahap)
  select program, family_id, regency_code, village_code, result, eval_amount, reasons, components, recipient_member_id,
      prior_status, prior_amount_per_year, prior_amount_per_tahap, ${st.status}, ${st.perYear}, ${st.perTahap}
  from (
    with ${ctes.join(',\n  ')},
    ev as materialized (select family_id, regency_code, village_code, n_counted, comp_amount, recipient, ${failures.length > 0 ? `${failuresSelect}, ` : ''}(${ok}) as ok
      from (select f.family_id, f.regency_code, f.village_code,
        ${condCols}${conds.length > 0 ? ',' : ''}
        ${compCols},
        ${rec ? 'rec.member_id' : 'null::bigint'} as recipient
        from elig_family f left join agg a on a.family_id = f.family_id left join paid on paid.family_id = f.family_id
        ${hasComponents ? 'left join comp on comp.family_id = f.family_id' : ''}
        ${rec ? 'left join rec on rec.family_id = f.family_id' : ''}) e)${detail.length > 0 ? `,\n    ${detail.join(',\n    ')}` : ''}
    select ${sqlText(rule.program)}::text as program, ev.family_id, ev.regency_code, ev.village_code,
      case when ok then 'layak' else 'tidak_layak' end as result,
      case when ok then ${amount} else 0 end as eval_amount,
      case when ok then ${eligibleReason} else failures end as reasons,
      ${hasComponents ? 'case when ok then cj.items end' : 'null::jsonb'} as components,
      recipient as recipient_member_id,
      p.status as prior_status, p.amount_per_year as prior_amount_per_year, p.amount_per_tahap as prior_amount_per_tahap
    from ev left join elig_prior p on p.program = ${sqlText(rule.program)} and p.family_id = ev.family_id
    ${hasComponents ? 'left join comp_json cj on cj.family_id = ev.family_id left join comp_text ct on ct.family_id = ev.family_id' : ''}
  ) x`;

  const statements = [evaluate];
  if (rule.quota && rule.benefit.kind === 'flat') statements.push(quotaSql(rule, results));
  return { program: rule.program, statements };
}

function priorityOrder(keys: readonly RPriorityKey[], agg: Aggregates): string {
  const parts = keys.map((k) => {
    if ('first' in k) return `(${familySql(k.first, agg)}) desc`;
    const col = FAMILY_COLUMNS[k.fact];
    return `${col} ${k.order} nulls last`;
  });
  return [...parts, 'f.family_id'].join(', ');
}

/** Families beyond their village's quota, in priority order, are set to di_luar_kuota. */
function quotaSql(rule: Rule, results: string): string {
  const q = rule.quota!;
  const amount = rule.benefit.kind === 'flat' ? rule.benefit.amountPerYear : 0;
  const agg = new Aggregates();
  const order = priorityOrder(q.priority, agg);
  const share = `case ${q.tiers.map((t) => (t.maxFund === null ? `else ${t.sharePercent}` : `when fund <= ${t.maxFund} then ${t.sharePercent}`)).join(' ')} end`;
  const reason = q.reason.split('{quota}').map(sqlText).join(' || o.quota::text || ');
  const st = statusSql(`'di_luar_kuota'`, '0', rule.tahapPerYear);
  return `with ${agg.cte()}, ${paidCte(results, rule.program)},
  ranked as (select f.family_id, f.village_code, row_number() over (partition by f.village_code order by ${order}) as rn
    from ${results} r join elig_family f on f.family_id = r.family_id left join agg a on a.family_id = f.family_id
      left join paid on paid.family_id = f.family_id
    where r.program = ${sqlText(rule.program)} and r.result = 'layak'),
  funds as (select v.village_code, coalesce(vf.amount, ${q.defaultVillageFund})::bigint as fund
    from (select distinct village_code from ranked) v left join elig_village_fund vf on vf.village_code = v.village_code),
  quota as (select village_code, ${amount === 0 ? '0' : `(fund * ${share}) / ${100 * amount}`}::bigint as quota from funds),
  over as (select k.family_id, q.quota from ranked k join quota q on q.village_code = k.village_code where k.rn > q.quota)
  update ${results} r set result = 'di_luar_kuota', eval_amount = 0,
    reasons = array[${reason}],
    status = ${st.status.replace(/prior_/g, 'r.prior_')}, amount_per_year = ${st.perYear.replace(/prior_/g, 'r.prior_')},
    amount_per_tahap = ${st.perTahap.replace(/prior_/g, 'r.prior_')}
  from over o where r.program = ${sqlText(rule.program)} and r.family_id = o.family_id`;
}
