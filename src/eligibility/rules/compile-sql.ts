/**
 * The SQL evaluator: resolved rules compiled to set-based statements over per-family
 * facts. Members are read once per family (`memberPassSql`): every count a rule needs,
 * every program's component candidates and every recipient come out of that one pass.
 * All programs are then evaluated together over one row per family (`evaluationSql`), in
 * levels by dependency (a program that `receives` another comes after it) with village
 * quotas as windows over the qualifying families only. The greedy selection under limits
 * runs only for the families a limit binds (`greedySql`); elsewhere every candidate counts.
 *
 * The facts a rule set needs are named in a `FactsLayout`: member counts ("slots") keyed
 * by the member expression's SQL, counted and dropped components keyed by the selection
 * (components, their order, limits), recipients keyed by their rule. The run keeps them
 * per family in `eligibility_facts`, so a preview whose changes need no other slot reads
 * only that table.
 *
 * It must agree exactly with `interpret.ts` (see the semantics there). Values come only
 * from a resolved, validated rule and are written as escaped literals.
 */
import { createHash } from 'node:crypto';
import { canonicalJson, type Literal, type RComponent, type RFamilyExpr, type RLimit, type RMemberExpr, type RPriorityKey, type Rule } from './resolve.js';
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

const FAMILY_COLUMNS: Record<FamilyFact, string> = {
  desil: 'desil', bps14Count: 'bps14_count', pmtScore: 'pmt_score', livingCount: 'living', isKelurahan: 'is_kelurahan',
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

/** A member expression over the columns of `memberSourceSql` (alias `m`). */
export function memberSql(e: RMemberExpr, alias = 'm'): string {
  if ('all' in e) return `(${e.all.map((x) => memberSql(x, alias)).join(' and ')})`;
  if ('any' in e) return `(${e.any.map((x) => memberSql(x, alias)).join(' or ')})`;
  if ('not' in e) return `(not ${memberSql(e.not, alias)})`;
  return comparisonSql(`${alias}.${MEMBER_COLUMNS[e.fact]}`, e.op, e.value);
}

const LIVING = `('tinggal', 'baru')`;
const PAYABLE = `('masuk', 'tetap', 'keluar_berikutnya')`;

/**
 * One row per living member of the families in `families` (a relation with family_id and
 * regency_code), with the member facts the rules read; age in completed years on `refDate`.
 * Members are fetched family by family through member_family_idx, so a regency costs its
 * own members, not a scan of the registry.
 */
export function memberSourceSql(families: string, refDate: string): string {
  return `select m.* from ${families} fm cross join lateral (${familyMembersSql(refDate)}) m`;
}

/** The living members of family `fm`, oldest first (unknown birth dates last), then by id. */
function familyMembersSql(refDate: string): string {
  const ref = `${sqlText(refDate)}::date`;
  return `select m.id as member_id, m.family_id, m.birth_date,
      case when m.birth_date <= ${ref} then date_part('year', age(${ref}, m.birth_date))::int end as age,
      m.sex::text as sex, m.relationship, m.is_pregnant, m.education_level, m.school_participation, m.severe_disability,
      cardinality(m.disabilities) > 0 as has_disability, m.occupation, m.work_status, m.health_insurance, m.chronic_illness, m.row_hash
    from member m where m.family_id = fm.family_id and m.regency_code = fm.regency_code and m.presence_status in ${LIVING}
    order by m.birth_date, m.id offset 0`;
}

// ---------------------------------------------------------------- facts layout

/** How a program picks components: everything the counted set depends on, amounts only through their order. */
export interface Selection {
  key: string;
  /** Position in the layout's selections (SQL names s<n>, b<n>). */
  n: number;
  /** Definition order. */
  components: RComponent[];
  /** Selection order: highest amount first, then definition order. */
  ranked: RComponent[];
  oneComponentPerMember: boolean;
  /** Inner limits first. */
  limits: RLimit[];
}

function shortHash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 16);
}

/** What a program's counted components depend on (undefined for a flat benefit). */
export function selectionKey(rule: Rule): string | undefined {
  if (rule.benefit.kind !== 'components') return undefined;
  const b = rule.benefit;
  const ranked = [...b.components].sort((x, y) => y.amountPerYear - x.amountPerYear || x.index - y.index);
  return `sel:${shortHash(canonicalJson({
    components: b.components.map((c) => [c.id, memberSql(c.member)]), order: ranked.map((c) => c.id),
    one: b.oneComponentPerMember, limits: b.limits.map((l) => [l.id, l.components, l.max]),
  }))}`;
}

function recipientKey(rule: Rule): string | undefined {
  const r = rule.recipient;
  return r ? `rec:${canonicalJson({ minAge: r.minAge, preferFemale: r.preferFemale, order: r.relationshipOrder })}` : undefined;
}

/**
 * The per-family values a rule set needs. Slot i of `counts` is column `c<i+1>` of the facts
 * (element i+1 of `eligibility_facts.counts`), recipient j is `r<j+1>`.
 * @example const layout = FactsLayout.of(rules); layout.counts.length
 */
export class FactsLayout {
  readonly counts: string[] = [];
  readonly recipients: string[] = [];
  readonly selections: Selection[] = [];
  private readonly recipientRules = new Map<string, NonNullable<Rule['recipient']>>();

  static of(rules: readonly Rule[]): FactsLayout {
    const layout = new FactsLayout();
    for (const rule of rules) layout.add(rule);
    return layout;
  }

  add(rule: Rule): void {
    for (const c of rule.conditions) this.walk(c.when);
    for (const k of rule.quota?.priority ?? []) if ('first' in k) this.walk(k.first);
    const key = selectionKey(rule);
    if (key && rule.benefit.kind === 'components' && !this.selections.some((s) => s.key === key)) {
      const b = rule.benefit;
      const sel: Selection = {
        key, n: this.selections.length + 1, components: b.components,
        ranked: [...b.components].sort((x, y) => y.amountPerYear - x.amountPerYear || x.index - y.index),
        oneComponentPerMember: b.oneComponentPerMember, limits: b.limits,
      };
      this.selections.push(sel);
      for (const c of sel.components) this.slot(countedSlot(sel, c.id));
      for (const c of sel.components) for (const l of sel.limits) if (l.components.includes(c.id)) this.slot(droppedSlot(sel, c.id, l.id));
    }
    const rk = recipientKey(rule);
    if (rk && rule.recipient && !this.recipientRules.has(rk)) {
      this.recipientRules.set(rk, rule.recipient);
      this.recipients.push(rk);
    }
  }

  private walk(e: RFamilyExpr): void {
    if ('all' in e) e.all.forEach((x) => this.walk(x));
    else if ('any' in e) e.any.forEach((x) => this.walk(x));
    else if ('not' in e) this.walk(e.not);
    else if ('exists' in e) this.slot(aggSlot(e.exists));
    else if ('none' in e) this.slot(aggSlot(e.none));
    else if ('count' in e) this.slot(aggSlot(e.count));
  }

  private slot(key: string): void {
    if (!this.counts.includes(key)) this.counts.push(key);
  }

  /** Column name of a count slot (`c<n>`); throws when the layout lacks it. */
  count(key: string): string {
    const i = this.counts.indexOf(key);
    if (i < 0) throw new Error(`facts layout lacks ${key}`);
    return `c${i + 1}`;
  }

  recipient(rule: Rule): string | undefined {
    const k = recipientKey(rule);
    return k === undefined ? undefined : `r${this.recipients.indexOf(k) + 1}`;
  }

  recipientSpec(key: string): NonNullable<Rule['recipient']> {
    return this.recipientRules.get(key)!;
  }

  selection(rule: Rule): Selection | undefined {
    const key = selectionKey(rule);
    return this.selections.find((s) => s.key === key);
  }

  /** Whether every slot of `other` is in this layout (its facts can serve `other`'s rules). */
  covers(other: FactsLayout): boolean {
    return other.counts.every((k) => this.counts.includes(k)) && other.recipients.every((k) => this.recipients.includes(k));
  }

  toJSON(): { counts: string[]; recipients: string[] } {
    return { counts: this.counts, recipients: this.recipients };
  }
}

/** Program `rule`'s own yearly amount of component `id` (a layout's selection may come from another version of the rule). */
function componentAmount(rule: Rule, id: string): number {
  return rule.benefit.kind === 'components' ? rule.benefit.components.find((c) => c.id === id)!.amountPerYear : 0;
}

function aggSlot(e: RMemberExpr): string {
  return `agg:${memberSql(e)}`;
}

function countedSlot(sel: Selection, component: string): string {
  return `${sel.key}|c|${component}`;
}

function droppedSlot(sel: Selection, component: string, limit: string): string {
  return `${sel.key}|d|${component}|${limit}`;
}

/** Each member's first component in the selection order (`oneComponentPerMember`), as its rank. */
function firstComponentSql(sel: Selection): string {
  return `case ${sel.ranked.map((c, i) => `when ${memberSql(c.member)} then ${i + 1}`).join(' ')} end`;
}

/** Whether member `m` is a candidate for component `c` (after the one-per-member rule). */
function candidateSql(sel: Selection, c: RComponent, alias = 'm'): string {
  return sel.oneComponentPerMember ? `${alias}.s${sel.n} = ${sel.ranked.indexOf(c) + 1}` : memberSql(c.member, alias);
}

function withFirstComponents(layout: FactsLayout, members: string): string {
  const cols = layout.selections.filter((s) => s.oneComponentPerMember).map((s) => `, ${firstComponentSql(s)} as s${s.n}`).join('');
  return cols === '' ? members : `select m.*${cols} from (${members}) m offset 0`;
}

// ---------------------------------------------------------------- member pass

/**
 * One row per family of `families` (a relation with family_id and regency_code), its members
 * aggregated as the family is read: `living`, `member_hash` (order-independent hash of the
 * members' keyed row hashes), every count slot `c<n>` (components counted before any limit;
 * dropped 0), every recipient `r<n>`, and per selection s and component (in selection order)
 * k the candidates' member ids `a<s>_<k>`, oldest first.
 */
export function memberPassSql(layout: FactsLayout, families: string, refDate: string): string {
  const cols = layout.counts.map((key, i) => {
    const name = `c${i + 1}`;
    if (key.startsWith('agg:')) return `count(*) filter (where ${key.slice(4)})::int as ${name}`;
    const [selKey, kind, component] = key.split('|');
    const sel = layout.selections.find((s) => s.key === selKey)!;
    if (kind === 'd') return `0 as ${name}`;
    return `count(*) filter (where ${candidateSql(sel, sel.components.find((c) => c.id === component)!)})::int as ${name}`;
  });
  const recipients = layout.recipients.map((key, j) => {
    const r = layout.recipientSpec(key);
    const parts = [
      ...(r.preferFemale ? [`(m.sex <> 'P')::int::bigint`] : []),
      `coalesce(array_position(${sqlLiteral(r.relationshipOrder)}, m.relationship), 1000)::bigint`,
      `(m.birth_date - date '1900-01-01')::bigint`,
      'm.member_id',
    ];
    // The chosen adult is the least key: women first where asked, relationship order, oldest, id.
    return `(min(array[${parts.join(', ')}]) filter (where coalesce(m.age >= ${r.minAge}, false)))[${parts.length}] as r${j + 1}`;
  });
  const members = layout.selections.flatMap((sel) => sel.ranked.map((c, k) => `array_agg(m.member_id) filter (where ${candidateSql(sel, c)}) as a${sel.n}_${k + 1}`));
  return `select fm.family_id, a.* from ${families} fm cross join lateral (
    select count(*)::int as living, bit_xor(hashtextextended(m.row_hash::text, m.member_id)) as member_hash
      ${[...cols, ...recipients, ...members].map((c) => `, ${c}`).join('')}
    from (${withFirstComponents(layout, familyMembersSql(refDate))}) m) a`;
}

/** Names of the member-array columns of `memberPassSql`. */
export function memberArrayColumns(layout: FactsLayout): string[] {
  return layout.selections.flatMap((sel) => sel.ranked.map((_, k) => `a${sel.n}_${k + 1}`));
}

/** SQL (over facts alias `x`) true when some limit of `sel` binds: more candidates than its maximum. */
export function bindsSql(layout: FactsLayout, sel: Selection, alias = 'x'): string {
  if (sel.limits.length === 0) return 'false';
  return `(${sel.limits.map((l) => `(${l.components.map((c) => `${alias}.${layout.count(countedSlot(sel, c))}`).join(' + ')}) > ${l.max}`).join(' or ')})`;
}

const CANDIDATE_ORDER = 'rnk, birth_date, member_id';

/**
 * The greedy selection under limits for the families of `families` (their members in
 * `members`): one row per candidate with the limit that left it out (null when counted).
 * Limits are nested or disjoint: one window pass per depth of the limit tree, innermost
 * first, counts the candidates still in the running; limits at one depth are disjoint
 * and share the pass, partitioned by limit.
 */
export function greedySql(layout: FactsLayout, sel: Selection, members: string): string {
  const ranked = sel.ranked;
  const cand = sel.oneComponentPerMember
    ? `select m.family_id, m.member_id, m.birth_date, m.s${sel.n} as rnk, ${caseOf(`m.s${sel.n}`, ranked.map((c, i) => [String(i + 1), sqlText(c.id)]))} as component
        from (${withFirstComponents(layout, members)}) m where m.s${sel.n} is not null`
    : ranked.map((c, i) => `select m.family_id, m.member_id, m.birth_date, ${i + 1} as rnk, ${sqlText(c.id)}::text as component
        from (${members}) m where ${memberSql(c.member)}`).join('\n      union all ');
  const ctes = [`cand as (${cand})`, `s0 as (select family_id, member_id, birth_date, rnk, component, null::text as dropped_by from cand)`];
  let prev = 's0';
  const depth = (l: RLimit): number => sel.limits.filter((o) => o !== l && l.components.every((c) => o.components.includes(c))).length;
  const depths = [...new Set(sel.limits.map(depth))].sort((a, b) => b - a);
  depths.forEach((d, i) => {
    const here = sel.limits.filter((l) => depth(l) === d);
    const which = `case ${here.map((l) => `when component = any(${sqlLiteral(l.components)}) then ${sqlText(l.id)}`).join(' ')} end`;
    const max = caseOf('lim', here.map((l) => [sqlText(l.id), String(l.max)]));
    ctes.push(`s${i + 1} as (select family_id, member_id, birth_date, rnk, component,
      case when lim is not null and row_number() over (partition by family_id, lim order by ${CANDIDATE_ORDER}) > ${max}
        then lim else dropped_by end as dropped_by
      from (select *, case when dropped_by is null then ${which} end as lim from ${prev}) x)`);
    prev = `s${i + 1}`;
  });
  return `with ${ctes.join(',\n  ')}
    select ${sel.n} as sel, family_id, member_id, rnk, birth_date, component, dropped_by from ${prev}`;
}

/** Counted and dropped counts of the greedy rows (`elig_bound`), per family, as the selection's slots. */
export function greedyCountsSql(layout: FactsLayout, sel: Selection, bound: string): { columns: string[]; sql: string } {
  const columns: string[] = [];
  const exprs: string[] = [];
  for (const c of sel.components) {
    columns.push(layout.count(countedSlot(sel, c.id)));
    exprs.push(`count(*) filter (where component = ${sqlText(c.id)} and dropped_by is null)::int`);
  }
  for (const c of sel.components) {
    for (const l of sel.limits) {
      if (!l.components.includes(c.id)) continue;
      columns.push(layout.count(droppedSlot(sel, c.id, l.id)));
      exprs.push(`count(*) filter (where component = ${sqlText(c.id)} and dropped_by = ${sqlText(l.id)})::int`);
    }
  }
  return {
    columns,
    sql: `select family_id, ${exprs.map((e, i) => `${e} as ${columns[i]}`).join(', ')} from ${bound} where sel = ${sel.n} group by family_id`,
  };
}

function caseOf(column: string, pairs: Array<[string, string]>): string {
  if (pairs.length === 0) return 'null';
  return `case ${column} ${pairs.map(([k, v]) => `when ${k} then ${v}`).join(' ')} end`;
}

// ---------------------------------------------------------------- evaluation

/**
 * Columns of the facts relation the evaluation reads (alias `x`): family_id, regency_code,
 * village_code, desil, pmt_score, bps14_count, is_kelurahan, programs_received, living,
 * the layout's `c<n>` and `r<n>`, and per program i `pr<i>_status`, `pr<i>_per_year`,
 * `pr<i>_per_tahap` (its latest decision of an earlier cycle). Programs not evaluated
 * (a preview's unchanged ones) must come as `p<i>_result`, `p<i>_amount`, `p<i>_status`.
 *
 * Output adds per evaluated program i: `p<i>_result`, `p<i>_amount` (the verdict's yearly
 * amount), `p<i>_status`, `p<i>_per_year`, `p<i>_per_tahap`, `p<i>_recipient` and, with
 * reasons, `p<i>_reasons`.
 */
export interface EvaluationOptions {
  /** All programs, dependencies first (as `rulesInForce` orders them). */
  rules: readonly Rule[];
  /** Programs evaluated; default all. */
  evaluate?: ReadonlySet<string> | undefined;
  layout: FactsLayout;
  /** A relation (table or parenthesised subquery) with the columns above. */
  facts: string;
  reasons: boolean;
  /** Year of the village funds (quotas). */
  fundYear: number;
  /** Output column prefix of the evaluated programs (default `p`; others are read as `p<i>_*`). */
  prefix?: string;
}

interface Ctx {
  layout: FactsLayout;
  /** Program index → position in `rules`, for `receives`. */
  position: Map<string, number>;
  /** Index of the program being compiled: `receives` sees only earlier programs. */
  self: number;
  /** SQL over alias `x`: program j pays the family this cycle (its status is masuk, tetap or keluar_berikutnya). */
  payable: (j: number) => string;
}

function familySql(e: RFamilyExpr, ctx: Ctx, x = 'x'): string {
  if ('all' in e) return `(${e.all.map((y) => familySql(y, ctx, x)).join(' and ')})`;
  if ('any' in e) return `(${e.any.map((y) => familySql(y, ctx, x)).join(' or ')})`;
  if ('not' in e) return `(not ${familySql(e.not, ctx, x)})`;
  if ('receives' in e) {
    const j = ctx.position.get(e.receives);
    const paid = j !== undefined && j < ctx.self ? ` or ${ctx.payable(j).replace(/\bx\./g, `${x}.`)}` : '';
    return `(${sqlText(e.receives)} = any(${x}.programs_received)${paid})`;
  }
  if ('exists' in e) return `(${x}.${ctx.layout.count(aggSlot(e.exists))} > 0)`;
  if ('none' in e) return `(${x}.${ctx.layout.count(aggSlot(e.none))} = 0)`;
  if ('count' in e) return comparisonSql(`${x}.${ctx.layout.count(aggSlot(e.count))}`, e.op, e.value);
  return comparisonSql(`${x}.${FAMILY_COLUMNS[e.fact]}`, e.op, e.value);
}

function receivesOf(e: RFamilyExpr, out: Set<string>): Set<string> {
  if ('all' in e) e.all.forEach((y) => receivesOf(y, out));
  else if ('any' in e) e.any.forEach((y) => receivesOf(y, out));
  else if ('not' in e) receivesOf(e.not, out);
  else if ('receives' in e) out.add(e.receives);
  return out;
}

function priorityOrder(keys: readonly RPriorityKey[], ctx: Ctx, x: string): string {
  const parts = keys.map((k) => ('first' in k ? `(${familySql(k.first, ctx, x)}) desc` : `${x}.${FAMILY_COLUMNS[k.fact]} ${k.order} nulls last`));
  return [...parts, `${x}.family_id`].join(', ');
}

/**
 * Programs' verdicts written out as expressions over one facts row (alias `x`), without
 * levels: what a quota ranks, and what a preview over stored facts aggregates in a single
 * statement PostgreSQL may split among parallel workers. A program that reads a quota
 * program's outcome needs that quota's over-quota families (`over`), known beforehand.
 */
export class InlineEvaluation {
  private readonly position: Map<string, number>;
  constructor(private readonly o: {
    rules: readonly Rule[];
    evaluate?: ReadonlySet<string> | undefined;
    layout: FactsLayout;
    /** SQL true when family x is beyond the village quota of quota program i (undefined: not known). */
    over?: (i: number) => string | undefined;
    /** Stored counted components and amount of program i, when the selection is unchanged. */
    stored?: (i: number) => { counted: string; amount: string | undefined } | undefined;
  }) {
    this.position = new Map(o.rules.map((r, i) => [r.program, i]));
  }

  private evaluated(j: number): boolean {
    return this.o.evaluate === undefined || this.o.evaluate.has(this.o.rules[j]!.program);
  }

  /** Conditions, a counted component and a recipient (before any quota). */
  ok(i: number): string | undefined {
    const r = this.o.rules[i]!;
    let missing = false;
    const ctx: Ctx = { layout: this.o.layout, position: this.position, self: i, payable: (j) => this.payable(j) ?? ((missing = true), 'false') };
    const parts = r.conditions.map((c) => familySql(c.when, ctx));
    if (r.benefit.kind === 'components') parts.push(`${this.counted(i)} > 0`);
    const rec = this.o.layout.recipient(r);
    if (rec) parts.push(`x.${rec} is not null`);
    return missing ? undefined : parts.length > 0 ? `(${parts.join(' and ')})` : 'true';
  }

  /** Layak: qualifies and within its village quota. */
  layak(i: number): string | undefined {
    const ok = this.ok(i);
    if (ok === undefined || !this.o.rules[i]!.quota) return ok;
    const over = this.o.over?.(i);
    return over === undefined ? undefined : `(${ok} and not ${over})`;
  }

  /** The program pays the family this cycle: layak, or paid before and leaving at the next cycle. */
  payable(j: number): string | undefined {
    if (!this.evaluated(j)) return `coalesce(x.p${j}_status in ${PAYABLE}, false)`;
    const layak = this.layak(j);
    return layak === undefined ? undefined : `(${layak} or coalesce(x.pr${j}_status in ('masuk', 'tetap'), false))`;
  }

  private counted(i: number): string {
    const stored = this.o.stored?.(i);
    if (stored) return stored.counted;
    const r = this.o.rules[i]!;
    const sel = this.o.layout.selection(r)!;
    return `(${sel.components.map((c) => `x.${this.o.layout.count(countedSlot(sel, c.id))}`).join(' + ')})`;
  }

  /** The yearly amount if it qualifies. */
  amount(i: number): string {
    const r = this.o.rules[i]!;
    if (r.benefit.kind === 'flat') return `${r.benefit.amountPerYear}::bigint`;
    const stored = this.o.stored?.(i)?.amount;
    if (stored) return stored;
    const sel = this.o.layout.selection(r)!;
    return `(${sel.components.map((c) => `x.${this.o.layout.count(countedSlot(sel, c.id))}::bigint * ${componentAmount(r, c.id)}`).join(' + ')})`;
  }

  /**
   * The families of quota program i beyond their village's quota, ranking those that
   * qualify in each village by the quota's priority, over the facts relation `facts`.
   */
  overQuotaSql(i: number, facts: string, fundYear: number): string | undefined {
    const r = this.o.rules[i]!;
    const q = r.quota!;
    const ok = this.ok(i);
    if (ok === undefined) return undefined;
    let missing = false;
    const ctx: Ctx = { layout: this.o.layout, position: this.position, self: i, payable: (j) => this.payable(j) ?? ((missing = true), 'false') };
    const order = priorityOrder(q.priority, ctx, 'x');
    if (missing) return undefined;
    return `select family_id from (${quotaRankSql(r, facts, ok, order, fundYear)}) y where rn > quota`;
  }
}

/** A village's quota (families) from its fund (column `fund`): the tier's share of the fund over the flat amount. */
function quotaExpr(r: Rule): string {
  const q = r.quota!;
  const amount = r.benefit.kind === 'flat' ? r.benefit.amountPerYear : 0;
  const share = `case ${q.tiers.map((t) => (t.maxFund === null ? `else ${t.sharePercent}` : `when fund <= ${t.maxFund} then ${t.sharePercent}`)).join(' ')} end`;
  return `${amount === 0 ? '0' : `(fund * ${share}) / ${100 * amount}`}::bigint`;
}

/** Quota program r's quota in each village of the text[] parameter `villages` (village_code, quota). */
export function villageQuotaSql(r: Rule, villages: string, fundYear: number): string {
  return `select village_code, ${quotaExpr(r)} as quota
    from (select v.code as village_code, coalesce(vf.amount, ${r.quota!.defaultVillageFund})::bigint as fund
      from unnest(${villages}) v(code) left join village_fund vf on vf.village_code = v.code and vf.year = ${fundYear}) y`;
}

function quotaRankSql(r: Rule, facts: string, ok: string, order: string, fundYear: number): string {
  const q = r.quota!;
  return `select family_id, rn, ${quotaExpr(r)} as quota
    from (select x.family_id, coalesce(vf.amount, ${q.defaultVillageFund})::bigint as fund,
        row_number() over (partition by x.village_code order by ${order}) as rn
      from ${facts} x left join village_fund vf on vf.village_code = x.village_code and vf.year = ${fundYear}
      where ${ok}) y`;
}

/**
 * All programs over one row per family, in levels: a level computes the conditions and
 * amounts of the programs whose dependencies are decided, the next their verdict, status
 * and reasons; a village quota ranks the qualifying families of its program in between.
 * @example const sql = evaluationSql({ rules, layout, facts: 'elig_facts', reasons: true, fundYear: 2025 });
 */
export function evaluationSql(o: EvaluationOptions): string {
  const rules = o.rules;
  const P = o.prefix ?? 'p';
  const evaluated = (r: Rule): boolean => o.evaluate === undefined || o.evaluate.has(r.program);
  const status = (j: number): string => (evaluated(rules[j]!) ? `${P}${j}_status` : `p${j}_status`);
  const payable = (j: number): string => `coalesce(x.${status(j)} in ${PAYABLE}, false)`;
  const inline = new InlineEvaluation({ rules, evaluate: o.evaluate, layout: o.layout });
  const inlineOk = (i: number): string | undefined => inline.ok(i);
  const inlinePayable = (j: number): string | undefined => inline.payable(j);
  const position = new Map(rules.map((r, i) => [r.program, i]));
  const depth = new Map<number, number>();
  rules.forEach((r, i) => {
    if (!evaluated(r)) return;
    const refs = new Set<string>();
    for (const c of r.conditions) receivesOf(c.when, refs);
    for (const k of r.quota?.priority ?? []) if ('first' in k) receivesOf(k.first, refs);
    let d = 0;
    for (const p of refs) {
      const j = position.get(p);
      if (j !== undefined && j < i && depth.has(j)) d = Math.max(d, depth.get(j)! + 1);
    }
    depth.set(i, d);
  });
  const maxDepth = Math.max(-1, ...depth.values());
  const ctes: string[] = [];
  let prev = o.facts;
  for (let d = 0; d <= maxDepth; d++) {
    const here = rules.map((r, i) => ({ r, i })).filter(({ i }) => depth.get(i) === d);
    // Level A: conditions (k<n>), counted components (n) and amount (amt).
    const aCols: string[] = [];
    for (const { r, i } of here) {
      const ctx: Ctx = { layout: o.layout, position, self: i, payable };
      r.conditions.forEach((c, k) => aCols.push(`${familySql(c.when, ctx)} as ${P}${i}_k${k}`));
      if (r.benefit.kind === 'components') {
        const sel = o.layout.selection(r)!;
        const counted = sel.components.map((c) => ({ c, col: `x.${o.layout.count(countedSlot(sel, c.id))}` }));
        aCols.push(`(${counted.map((k) => k.col).join(' + ')}) as ${P}${i}_n`);
        aCols.push(`(${counted.map((k) => `${k.col}::bigint * ${componentAmount(r, k.c.id)}`).join(' + ')}) as ${P}${i}_amt`);
      }
    }
    const quotas = here.filter(({ r }) => r.quota !== null);
    // A quota ranks the qualifying families of each village. It reads the facts again
    // with the program's conditions written out, which is cheaper than keeping the wide
    // level rows for a second pass; only a quota program depending on another one needs that.
    const inlined = new Map(quotas.map(({ i }) => [i, inlineOk(i)]));
    const keep = [...inlined.values()].some((v) => v === undefined);
    const a = `${P}a${d}`;
    ctes.push(`${a} as ${keep ? 'materialized ' : ''}(select x.*${aCols.map((c) => `, ${c}`).join('')} from ${prev} x${keep ? '' : ' offset 0'})`);
    for (const { r, i } of quotas) {
      const q = r.quota!;
      const ok = inlined.get(i);
      const ctx: Ctx = ok === undefined ? { layout: o.layout, position, self: i, payable }
        : { layout: o.layout, position, self: i, payable: (j) => inlinePayable(j)! };
      ctes.push(`${P}q${i} as (${quotaRankSql(r, ok === undefined ? a : o.facts, ok ?? okSql(r, i, o.layout, 'x', P), priorityOrder(q.priority, ctx, 'x'), o.fundYear)})`);
    }
    // Level B: verdict, status, amounts, recipient, reasons.
    const bCols: string[] = [];
    for (const { r, i } of here) bCols.push(...verdictColumns(r, i, o.layout, o.reasons, P));
    const joins = quotas.map(({ i }) => ` left join ${P}q${i} on ${P}q${i}.family_id = x.family_id`).join('');
    ctes.push(`${P}b${d} as (select x.*, ${bCols.join(', ')} from ${a} x${joins} offset 0)`);
    prev = `${P}b${d}`;
  }
  return ctes.length === 0 ? `select x.* from ${o.facts} x` : `with ${ctes.join(',\n')}\nselect * from ${prev}`;
}

function okSql(r: Rule, i: number, layout: FactsLayout, x: string, P: string): string {
  const parts = r.conditions.map((_, k) => `${x}.${P}${i}_k${k}`);
  if (r.benefit.kind === 'components') parts.push(`${x}.${P}${i}_n > 0`);
  const rec = layout.recipient(r);
  if (rec) parts.push(`${x}.${rec} is not null`);
  return parts.length > 0 ? `(${parts.join(' and ')})` : 'true';
}

function verdictColumns(r: Rule, i: number, layout: FactsLayout, reasons: boolean, P: string): string[] {
  const ok = okSql(r, i, layout, 'x', P);
  const over = r.quota ? `coalesce(${P}q${i}.rn > ${P}q${i}.quota, false)` : 'false';
  const layak = r.quota ? `(${ok} and not ${over})` : ok;
  const result = r.quota ? `case when not ${ok} then 'tidak_layak' when ${over} then 'di_luar_kuota' else 'layak' end` : `case when ${ok} then 'layak' else 'tidak_layak' end`;
  const amount = r.benefit.kind === 'flat' ? `${r.benefit.amountPerYear}::bigint` : `x.${P}${i}_amt`;
  const evalAmount = `case when ${layak} then ${amount} else 0::bigint end`;
  const prior = `x.pr${i}_status`;
  const rec = layout.recipient(r);
  const cols = [
    `${result} as ${P}${i}_result`,
    `${evalAmount} as ${P}${i}_amount`,
    `case when ${layak} then case when ${prior} in ${PAYABLE} then 'tetap' else 'masuk' end
      when ${prior} in ('masuk', 'tetap') then 'keluar_berikutnya' when ${prior} = 'keluar_berikutnya' then 'keluar' else ${result} end as ${P}${i}_status`,
  ];
  // Without reasons (previews) only the verdict and the status (for `receives`) are needed.
  if (!reasons) return cols;
  cols.push(
    `case when ${layak} then ${amount} when ${prior} in ('masuk', 'tetap') then x.pr${i}_per_year else 0::bigint end as ${P}${i}_per_year`,
    `case when ${layak} then ${amount} / ${r.tahapPerYear} when ${prior} in ('masuk', 'tetap') then x.pr${i}_per_tahap else 0::bigint end as ${P}${i}_per_tahap`,
    `${rec ? `x.${rec}` : 'null::bigint'} as ${P}${i}_recipient`,
    `${reasonsSql(r, i, layout, layak, over, P)} as ${P}${i}_reasons`,
  );
  return cols;
}

function reasonsSql(r: Rule, i: number, layout: FactsLayout, layak: string, over: string, P: string): string {
  const idx = new Map(r.conditions.map((c, k) => [c.id, k]));
  const effective = (k: number): string => {
    const req = r.conditions[k]!.requires;
    return req === undefined ? 'true' : `(x.${P}${i}_k${idx.get(req)!} and ${effective(idx.get(req)!)})`;
  };
  const failures = r.conditions.map((c, k) => `case when ${effective(k)} and not x.${P}${i}_k${k} then ${sqlText(c.failReason)} end`);
  if (r.benefit.kind === 'components') failures.push(`case when x.${P}${i}_n = 0 then ${sqlText(r.benefit.noComponentReason)} end`);
  const rec = layout.recipient(r);
  if (r.recipient && rec) failures.push(`case when x.${rec} is null then ${sqlText(r.recipient.missingReason)} end`);
  const failed = failures.length > 0 ? `array_remove(array[${failures.join(', ')}]::text[], null)` : `'{}'::text[]`;
  let eligible: string;
  if (r.benefit.kind === 'flat') {
    eligible = `array[${sqlText(r.benefit.eligibleReason)}]`;
  } else {
    const sel = layout.selection(r)!;
    const counted = sel.components.map((c) => {
      const col = `x.${layout.count(countedSlot(sel, c.id))}`;
      return `case when ${col} > 0 then ${col} || ${sqlText(` ${c.label}`)} end`;
    });
    const dropped: string[] = [];
    for (const c of sel.components) {
      for (const l of sel.limits) {
        if (!l.components.includes(c.id)) continue;
        const col = `x.${layout.count(droppedSlot(sel, c.id, l.id))}`;
        dropped.push(`case when ${col} > 0 then ${col} || ${sqlText(` ${c.label} (${l.text})`)} end`);
      }
    }
    const droppedText = dropped.length > 0 ? ` || coalesce('; tidak dihitung: ' || nullif(concat_ws(', ', ${dropped.join(', ')}), ''), '')` : '';
    eligible = `array[concat_ws(', ', ${counted.join(', ')})${droppedText}]`;
  }
  if (!r.quota) return `case when ${layak} then ${eligible} else ${failed} end`;
  const reason = r.quota.reason.split('{quota}').map(sqlText).join(` || ${P}q${i}.quota::text || `);
  return `case when ${layak} then ${eligible} when ${over} and ${okSql(r, i, layout, 'x', P)} then array[${reason}] else ${failed} end`;
}

// ---------------------------------------------------------------- component lists

/**
 * The stored component fields of program i (`component_ids`, `component_members`,
 * `component_amounts`, `component_dropped`) when it pays, in the selection order: the
 * candidates of each component in turn (highest amount first), oldest first within one.
 * `o` is the evaluation, `a` the member arrays, `b<s>` the limits' verdicts per candidate
 * (`dropped`, same order) for the families where a limit bound.
 */
export function componentFieldsSql(rule: Rule, i: number, layout: FactsLayout): [string, string, string, string] {
  const sel = layout.selection(rule);
  if (!sel) return ['null::text[]', 'null::bigint[]', 'null::bigint[]', 'null::text[]'];
  const layak = `o.p${i}_result = 'layak'`;
  const arr = (k: number): string => `a.a${sel.n}_${k + 1}`;
  const n = (k: number): string => `coalesce(cardinality(${arr(k)}), 0)`;
  const fill = (value: (c: RComponent) => string, type: string): string => sel.ranked.map((c, k) => `array_fill(${value(c)}::${type}, array[${n(k)}])`).join(' || ');
  const total = sel.ranked.map((_, k) => n(k)).join(' + ');
  return [
    `case when ${layak} then ${fill((c) => sqlText(c.id), 'text')} end`,
    `case when ${layak} then ${sel.ranked.map((_, k) => `coalesce(${arr(k)}, '{}'::bigint[])`).join(' || ')} end`,
    `case when ${layak} then ${fill((c) => String(componentAmount(rule, c.id)), 'bigint')} end`,
    `case when ${layak} then ${sel.limits.length > 0 ? `coalesce(b${sel.n}.dropped, array_fill(null::text, array[${total}]))` : `array_fill(null::text, array[${total}])`} end`,
  ];
}

/** Joins for `componentFieldsSql` over the evaluation `o`: member arrays and bound limits' verdicts. */
export function componentJoinsSql(layout: FactsLayout, arrays: string, bound: string): string {
  if (layout.selections.length === 0) return '';
  return ` left join ${arrays} a on a.family_id = o.family_id${layout.selections.filter((s) => s.limits.length > 0).map((s) => `
      left join (select family_id, array_agg(dropped_by order by rnk, birth_date, member_id) as dropped from ${bound}
        where sel = ${s.n} group by family_id) b${s.n} on b${s.n}.family_id = o.family_id`).join('')}`;
}
