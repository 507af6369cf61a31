/**
 * Preview: what would change if a threshold, quota or amount changed, without writing
 * anything but the audit record. The baseline is the cycle's decisions; only the
 * programs whose params change (and those depending on them) are evaluated again.
 *
 * Where the last full run of the cycle stored its facts (`eligibility_facts`, same ranking
 * and rules) and those facts hold everything the changed rules read (a desil threshold, a
 * quota, an amount that keeps the components' order), the whole preview is one grouped
 * statement over those rows: the baseline is the run's verdicts, and no member is read.
 * Otherwise (e.g. an age threshold, an occupation list, a cap) the facts are gathered from
 * the registry one regency per read-only transaction, two at a time, and both the rules in
 * force and the changed rules are evaluated over them. Counts and budgets compare verdicts
 * ("layak" after quotas): exits would take effect at the next cycle.
 */
import type { Actor, Db, Tx } from '../platform/db.js';
import { appendAudit } from '../platform/audit.js';
import { AppError } from '../platform/errors.js';
import { buildFacts, currentRanking, evaluateFacts, findFactsMeta, type FactsMeta } from './evaluate-sql.js';
import { FactsLayout, InlineEvaluation, evaluationSql, selectionKey, villageQuotaSql } from './rules/compile-sql.js';
import { cycleDate, loadRuleDefinitions, rulesInForce } from './rules/rule-set.js';
import type { Rule } from './rules/resolve.js';
import type { ParamValue, RuleDefinition } from './rules/schema.js';

export type RegionLevel = 'province' | 'regency' | 'district' | 'village';
const LEVEL_LENGTH: Record<RegionLevel, number> = { province: 2, regency: 5, district: 8, village: 13 };

export interface PreviewRequest {
  cycle: string;
  /** Kemendagri code prefix; default the actor's scope. */
  region?: string | undefined;
  /** Param changes per program: `{ pkh: { maxDesil: 3 } }`. */
  changes: Record<string, Record<string, ParamValue>>;
  groupBy?: RegionLevel | undefined;
  /** Families listed as entering/leaving per program (the counts are always complete). */
  listLimit?: number | undefined;
}

export interface Totals { families: number; budgetPerYear: number }

export interface RegionPreview {
  region: string;
  name: string | null;
  baseline: Totals;
  preview: Totals;
  entering: number;
  leaving: number;
}

export interface FamilyChange { familyId: number; villageCode: string; baselineAmountPerYear: number; previewAmountPerYear: number }

export interface ProgramPreview {
  program: string;
  shortName: string;
  ruleVersion: string;
  changedParams: Record<string, { from: ParamValue; to: ParamValue }>;
  baseline: Totals;
  preview: Totals;
  entering: number;
  leaving: number;
  /** Families that stay but whose amount changes. */
  amountChanged: number;
  byRegion: RegionPreview[];
  enteringFamilies: FamilyChange[];
  leavingFamilies: FamilyChange[];
}

export interface PreviewResult {
  cycle: string;
  region: string;
  groupBy: RegionLevel;
  families: number;
  /** Where the facts came from: the cycle's stored run facts, the registry, or both (by regency). */
  source: 'facts' | 'registry' | 'both';
  programs: ProgramPreview[];
}

function defaultLevel(region: string): RegionLevel {
  if (region === 'ID' || region.length <= 2) return 'regency';
  if (region.length <= 5) return 'district';
  return 'village';
}

/** Programs whose outcome can change: those whose rule changed and, in order, everything reading them. */
export function affected(base: readonly Rule[], preview: readonly Rule[]): Set<string> {
  const out = new Set<string>();
  base.forEach((b, i) => {
    const p = preview[i]!;
    const reads = new Set<string>(p.dependsOn);
    const walk = (e: unknown): void => {
      if (e === null || typeof e !== 'object') return;
      if ('receives' in e) reads.add((e as { receives: string }).receives);
      for (const v of Object.values(e)) if (typeof v === 'object') walk(v);
    };
    walk(p.conditions);
    walk(p.quota);
    if (b.hash !== p.hash || [...reads].some((r) => out.has(r))) out.add(b.program);
  });
  return out;
}

/** Per region and shown program i: baseline bf/bb, preview pf/pb, entering, leaving, changed; lists el/ll. */
interface AggRow { region: string; families: number; [k: string]: unknown }
type ListItem = [number, string, number, number];

/** How to read program i's verdicts from a row `x`: baseline layak and amount, preview layak and amount. */
interface Verdicts { b: string; ba: string; n: string; na: string }

/**
 * Families counted by region and by every combination of the shown programs' baseline and
 * preview verdicts: each verdict is computed once per family (a grouping key), and the few
 * groups are summed up in `reduceCube`.
 */
function cubeSql(source: string, shown: readonly number[], len: number, v: (i: number) => Verdicts): string {
  const keys = shown.flatMap((i) => [`${v(i).b} as b${i}`, `${v(i).n} as n${i}`]);
  const sums = shown.flatMap((i) => [`coalesce(sum(${v(i).ba}), 0)::bigint as sb${i}`, `coalesce(sum(${v(i).na}), 0)::bigint as sn${i}`,
    `count(*) filter (where ${v(i).ba} <> ${v(i).na})::int as ch${i}`]);
  return `select left(x.village_code, ${len}) as region, ${keys.join(', ')}, count(*)::int as families, ${sums.join(', ')}
    from ${source} x group by ${[1, ...shown.flatMap((_, k) => [2 + 2 * k, 3 + 2 * k])].join(', ')}`;
}

type CubeRow = Record<string, unknown> & { region: string; families: number };

function reduceCube(rows: readonly CubeRow[], shown: readonly number[]): AggRow[] {
  const out = new Map<string, AggRow>();
  for (const r of rows) {
    const acc = out.get(r.region) ?? { region: r.region, families: 0 };
    out.set(r.region, acc);
    const n = Number(r.families);
    acc.families += n;
    for (const i of shown) {
      const b = r[`b${i}`] === true;
      const p = r[`n${i}`] === true;
      const add = (k: string, v: number): void => { acc[`${k}${i}`] = Number(acc[`${k}${i}`] ?? 0) + v; };
      add('bf', b ? n : 0); add('bb', b ? Number(r[`sb${i}`]) : 0);
      add('pf', p ? n : 0); add('pb', p ? Number(r[`sn${i}`]) : 0);
      add('enter', p && !b ? n : 0); add('leave', b && !p ? n : 0); add('changed', b && p ? Number(r[`ch${i}`]) : 0);
    }
  }
  return [...out.values()];
}

/** The first `limit` families (by id) entering and leaving each shown program. */
function listsSql(source: string, shown: readonly number[], limit: number, v: (i: number) => Verdicts): string {
  const cols = shown.flatMap((i) => [`${v(i).b} as b${i}`, `${v(i).n} as n${i}`, `${v(i).ba} as ba${i}`, `case when ${v(i).n} then ${v(i).na} else 0::bigint end as na${i}`]);
  const kinds = shown.flatMap((i) => [`('el${i}', x.n${i} and not x.b${i}, x.ba${i}, x.na${i})`, `('ll${i}', x.b${i} and not x.n${i}, x.ba${i}, x.na${i})`]);
  return `select kind, family_id, village_code, b, p
    from (select v.kind, x.family_id, x.village_code, v.b, v.p, row_number() over (partition by v.kind order by x.family_id) as rn
      from (select * from (select x.family_id, x.village_code, ${cols.join(', ')} from ${source} x) x
          where ${shown.map((i) => `x.n${i} <> x.b${i}`).join(' or ')} offset 0) x
        cross join lateral (values ${kinds.join(', ')}) v(kind, hit, b, p) where v.hit) y
    where rn <= ${limit}`;
}

/** Puts the lists (of the whole scope) on the first region row, where the merge collects them. */
function attachLists(rows: AggRow[], shown: readonly number[], lists: ReadonlyArray<{ kind: string; family_id: number; village_code: string; b: number; p: number }>): AggRow[] {
  for (const row of rows) for (const i of shown) for (const k of ['el', 'll']) row[`${k}${i}`] = [];
  for (const l of lists) (rows[0]![l.kind] as ListItem[]).push([Number(l.family_id), l.village_code, Number(l.b), Number(l.p)]);
  return rows;
}

/**
 * @example const p = await previewEligibility({ db, actor }, { cycle: '2025-07', changes: { pkh: { maxDesil: 3 } } });
 */
export async function previewEligibility(deps: { db: Db; actor: Actor; definitions?: RuleDefinition[] }, req: PreviewRequest): Promise<PreviewResult> {
  const { db, actor } = deps;
  const defs = deps.definitions ?? loadRuleDefinitions();
  const refDate = cycleDate(req.cycle);
  const region = req.region ?? actor.scope;
  if (!(actor.scope === 'ID' || region === actor.scope || region.startsWith(`${actor.scope}.`))) {
    throw new AppError('forbidden', `Wilayah ${region} di luar cakupan Anda (${actor.scope}).`);
  }
  const changed = Object.keys(req.changes).filter((p) => Object.keys(req.changes[p] ?? {}).length > 0);
  if (changed.length === 0) throw new AppError('validation', 'Sebutkan perubahan parameter untuk dipratinjau, mis. {"pkh": {"maxDesil": 3}}.');
  // All programs, in the run's order: an unchanged program is read, not evaluated.
  const baseRules = rulesInForce(defs, refDate);
  const previewRules = rulesInForce(defs, refDate, { overrides: req.changes });
  for (const p of changed) if (!baseRules.some((r) => r.program === p)) throw new AppError('validation', `Program "${p}" tidak berlaku pada ${refDate}.`);
  const evaluate = affected(baseRules, previewRules);
  for (const p of changed) evaluate.add(p);
  const shown = baseRules.map((r, i) => ({ r, i })).filter(({ r }) => evaluate.has(r.program));
  const shownIdx = shown.map(({ i }) => i);
  const groupBy = req.groupBy ?? defaultLevel(region);
  const len = LEVEL_LENGTH[groupBy];
  const limit = Math.min(Math.max(req.listLimit ?? 50, 0), 1000);
  const fundYear = Number(req.cycle.slice(0, 4));
  const scopeRegion = region === 'ID' ? null : region;
  const needed = FactsLayout.of(previewRules.filter((r) => evaluate.has(r.program)));

  const plan = await db.transaction(async (tx) => {
    const ranking = await currentRanking(tx);
    const regencies = (await tx.raw.query<{ code: string }>(
      `select code from region where level = 2 and ($1::text is null or code = left($1, 5) or code like $1 || '.%') order by code`, [scopeRegion])).rows.map((r) => r.code);
    const metas = await findFactsMeta(tx, regencies);
    const baseKey = JSON.stringify(baseRules.map((r) => [r.program, r.version, r.hash]));
    const usable = (m: FactsMeta | undefined): m is FactsMeta => m !== undefined && m.cycle === req.cycle && m.rankingId === (ranking?.id ?? null)
      && JSON.stringify(m.rules) === baseKey && storedLayout(m).covers(needed);
    const fast = regencies.filter((r) => usable(metas.get(r)));
    const others = regencies.filter((r) => !fast.includes(r));
    // Regencies without usable facts are read from the registry, if they have families.
    // One index probe per regency (village codes are PP.KK.DD.VVVV: a regency's lie between .00.00.0000 and .99.99.9999).
    const slow = others.length === 0 ? [] : (await tx.raw.query<{ code: string }>(
      `select r.code from unnest($1::text[]) r(code) cross join lateral (select 1 from family f
         where f.village_code between r.code || '.00.00.0000' and r.code || '.99.99.9999' and f.regency_code = r.code limit 1) f`, [others])).rows.map((r) => r.code);
    // When the stored facts hold no other regency than those read here, the scan needs no
    // regency filter (the planner then reads the table straight through instead of through
    // the regency index). Distinct regencies by a walk of that index: one probe each.
    const present = scopeRegion !== null ? [] : (await tx.raw.query<{ c: string }>(
      `with recursive r as (select min(regency_code) as c from eligibility_facts
         union all select (select min(f.regency_code) from eligibility_facts f where f.regency_code > r.c) from r where r.c is not null)
       select c from r where c is not null`)).rows.map((r) => r.c);
    const whole = scopeRegion === null && present.every((c) => fast.includes(c));
    return { ranking, fast: fast.map((r) => metas.get(r)!), slow, whole };
  }, actor);

  const parts: AggRow[][] = [];
  // Stored facts: a few statements per distinct layout (normally one for the whole scope).
  const groups = new Map<string, FactsMeta[]>();
  for (const m of plan.fast) groups.set(JSON.stringify(m.layout), [...(groups.get(JSON.stringify(m.layout)) ?? []), m]);
  for (const metas of groups.values()) {
    parts.push(await db.transaction((tx) => previewStoredFacts(tx, {
      metas, needed, baseRules, previewRules, evaluate, shown: shownIdx, len, limit, fundYear, region: scopeRegion, whole: plan.whole && groups.size === 1,
    }), actor));
  }
  // From the registry: one regency per read-only transaction, two at a time.
  const layout = FactsLayout.of([...baseRules, ...previewRules.filter((r) => evaluate.has(r.program))]);
  const pending = [...plan.slow];
  const worker = async (): Promise<void> => {
    for (let regencyCode = pending.shift(); regencyCode !== undefined; regencyCode = pending.shift()) {
      const code = regencyCode;
      parts.push(await db.transaction(async (tx) => {
        await buildFacts(tx, baseRules, layout, { refDate, cycle: req.cycle, rankingId: plan.ranking?.id ?? null, scope: { regencyCode: code, region: scopeRegion } });
        await evaluateFacts(tx, baseRules, layout, { fundYear, reasons: false });
        await tx.raw.exec(`create temp table elig_preview on commit drop as ${evaluationSql({ rules: previewRules, evaluate, layout, facts: 'elig_out', reasons: false, fundYear, prefix: 'n' })}`);
        const v = (i: number): Verdicts => ({ b: `x.p${i}_result = 'layak'`, ba: `x.p${i}_amount`, n: `x.n${i}_result = 'layak'`, na: `x.n${i}_amount` });
        const rows = reduceCube((await tx.raw.query<CubeRow>(cubeSql('elig_preview', shownIdx, len, v))).rows, shownIdx);
        return limit === 0 || rows.length === 0 ? rows : attachLists(rows, shownIdx, (await tx.raw.query<{ kind: string; family_id: number; village_code: string; b: number; p: number }>(listsSql('elig_preview', shownIdx, limit, v))).rows);
      }, actor));
    }
  };
  await Promise.all([worker(), worker()]);

  const rows = parts.flat();
  const byRegion = new Map<string, AggRow>();
  for (const row of rows) {
    const acc = byRegion.get(row.region);
    if (!acc) { byRegion.set(row.region, { ...row }); continue; }
    for (const [k, v] of Object.entries(row)) {
      if (k === 'region') continue;
      acc[k] = k.startsWith('el') || k.startsWith('ll') ? [...(acc[k] as ListItem[]), ...(v as ListItem[])] : Number(acc[k]) + Number(v);
    }
  }
  const agg = [...byRegion.values()].sort((a, b) => (a.region < b.region ? -1 : 1));
  const families = agg.reduce((n, a) => n + Number(a.families), 0);

  return db.transaction(async (tx) => {
    const names = new Map((await tx.raw.query<{ code: string; name: string }>(
      'select code, name from region where code = any($1::text[])', [agg.map((a) => a.region)])).rows.map((r) => [r.code, r.name]));
    const result: PreviewResult = {
      cycle: req.cycle, region, groupBy, families,
      source: plan.slow.length === 0 ? 'facts' : plan.fast.length === 0 ? 'registry' : 'both',
      programs: shown.map(({ r: rule, i }) => {
        const next = previewRules[i]!;
        const sum = (k: string): number => agg.reduce((s, a) => s + Number(a[`${k}${i}`] ?? 0), 0);
        const list = (kind: 'el' | 'll'): FamilyChange[] => agg.flatMap((a) => (a[`${kind}${i}`] as ListItem[] | undefined) ?? [])
          .sort((x, y) => Number(x[0]) - Number(y[0])).slice(0, limit)
          .map(([id, v, b, p]) => ({ familyId: Number(id), villageCode: v, baselineAmountPerYear: Number(b), previewAmountPerYear: Number(p) }));
        const changedParams = Object.fromEntries(Object.entries(req.changes[rule.program] ?? {})
          .filter(([k]) => rule.params[k] !== undefined)
          .map(([k, v]) => [k, { from: rule.params[k]!, to: v }]));
        return {
          program: rule.program, shortName: rule.shortName, ruleVersion: next.version, changedParams,
          baseline: { families: sum('bf'), budgetPerYear: sum('bb') },
          preview: { families: sum('pf'), budgetPerYear: sum('pb') },
          entering: sum('enter'), leaving: sum('leave'), amountChanged: sum('changed'),
          byRegion: agg.filter((a) => Number(a[`bf${i}`]) > 0 || Number(a[`pf${i}`]) > 0).map((a) => ({
            region: a.region, name: names.get(a.region) ?? null,
            baseline: { families: Number(a[`bf${i}`]), budgetPerYear: Number(a[`bb${i}`]) },
            preview: { families: Number(a[`pf${i}`]), budgetPerYear: Number(a[`pb${i}`]) },
            entering: Number(a[`enter${i}`]), leaving: Number(a[`leave${i}`]),
          })),
          enteringFamilies: limit === 0 ? [] : list('el'),
          leavingFamilies: limit === 0 ? [] : list('ll'),
        };
      }),
    };
    await appendAudit(tx, {
      action: 'eligibility.preview', entityType: 'program', entityId: changed.join(','),
      changes: { cycle: req.cycle, region, changes: req.changes, source: result.source, totals: result.programs.map((p) => ({ program: p.program, baseline: p.baseline, preview: p.preview, entering: p.entering, leaving: p.leaving })) },
    });
    return result;
  }, actor);
}

/**
 * The preview over stored facts: each changed program's verdict written out as one
 * expression per family (no levels), so that the scan and the grouping can be split among
 * parallel workers; the entering/leaving lists take one more pass, when anybody moves.
 *
 * A changed quota program needs to know which families are beyond their village's quota.
 * The counts are first taken on the assumption that nobody is (grouped by village, with
 * each village's qualifying families); where that holds in every village, they are the
 * answer. Villages where more families qualify than the quota allows are then ranked (one
 * statement per quota program, over those villages only) and counted again.
 */
async function previewStoredFacts(tx: Tx, o: {
  metas: readonly FactsMeta[]; needed: FactsLayout; baseRules: readonly Rule[]; previewRules: readonly Rule[]; evaluate: ReadonlySet<string>;
  shown: readonly number[]; len: number; limit: number; fundYear: number; region: string | null;
  /** Every row of the stored facts belongs to these regencies: no regency filter. */
  whole: boolean;
}): Promise<AggRow[]> {
  await tx.raw.query(`select set_config('work_mem', '64MB', true), set_config('jit', 'off', true)`);
  const params: unknown[] = [];
  const over = new Map<number, string>();
  const inline = new InlineEvaluation({
    rules: o.previewRules, evaluate: o.evaluate, layout: o.needed, over: (i) => over.get(i),
    // Counted components are stored per program; so is the amount while no component amount changes.
    stored: (i) => {
      const base = o.baseRules[i]!;
      const next = o.previewRules[i]!;
      if (next.benefit.kind !== 'components' || selectionKey(base) !== selectionKey(next)) return undefined;
      const same = JSON.stringify(base.benefit) === JSON.stringify(next.benefit);
      return { counted: `x.cnt${i}`, amount: same ? `x.amt${i}` : undefined };
    },
  });
  /** Runs `sql` over the stored facts (`(:facts)`), of some villages only if given. */
  const run = async <R>(sql: string, villages?: readonly string[]): Promise<R[]> => {
    const used = new Set(sql.match(/\b(?:c|r)\d+\b|\b(?:pr?|cnt|amt)\d+(?:_(?:result|amount|status))?\b/g));
    const facts = storedFactsSql(o.metas, o.needed, o.baseRules, used, { region: o.region, first: params.length + 1, whole: o.whole && !villages, villages });
    return (await tx.raw.query<R>(sql.replaceAll('(:facts)', `(${facts.sql})`), [...params, ...facts.params])).rows;
  };
  const v = (i: number): Verdicts => {
    const n = inline.layak(i);
    if (n === undefined) throw new Error(`${o.previewRules[i]!.program} needs a level evaluation`);
    return { b: `x.p${i}_result = 'layak'`, ba: `x.p${i}_amount`, n, na: inline.amount(i) };
  };
  const quotas = o.shown.filter((i) => o.previewRules[i]!.quota);
  let rows: AggRow[];
  if (quotas.length === 0) {
    rows = reduceCube(await run<CubeRow>(cubeSql('(:facts)', o.shown, o.len, v)), o.shown);
  } else {
    for (const i of quotas) over.set(i, 'false');
    let byVillage = await run<CubeRow>(cubeSql('(:facts)', o.shown, LEVEL_LENGTH.village, v));
    const binding = await bindingVillages(tx, byVillage, quotas.map((i) => ({ i, rule: o.previewRules[i]! })), o.fundYear);
    if (binding.length > 0) {
      for (const i of quotas) {
        const sql = inline.overQuotaSql(i, '(:facts)', o.fundYear);
        if (sql === undefined) throw new Error(`quota of ${o.previewRules[i]!.program} needs a level evaluation`);
        params.push((await run<{ family_id: number }>(sql, binding)).map((r) => Number(r.family_id)));
        over.set(i, `x.family_id = any($${params.length}::bigint[])`);
      }
      const bound = new Set(binding);
      byVillage = [...byVillage.filter((r) => !bound.has(r.region)), ...await run<CubeRow>(cubeSql('(:facts)', o.shown, LEVEL_LENGTH.village, v), binding)];
    }
    rows = reduceCube(byVillage.map((r) => ({ ...r, region: r.region.slice(0, o.len) })), o.shown);
  }
  // The lists take another pass: not when the counts say nobody enters or leaves.
  const moves = rows.some((r) => o.shown.some((i) => Number(r[`enter${i}`]) > 0 || Number(r[`leave${i}`]) > 0));
  if (o.limit === 0 || !moves) return attachLists(rows, o.shown, []);
  return attachLists(rows, o.shown, await run(listsSql('(:facts)', o.shown, o.limit, v)));
}

/**
 * Villages where more families qualify for a quota program than its quota allows, from
 * cube rows grouped by village in which nobody was put beyond a quota (n<i>: qualifies).
 */
async function bindingVillages(tx: Tx, byVillage: readonly CubeRow[], quotas: ReadonlyArray<{ i: number; rule: Rule }>, fundYear: number): Promise<string[]> {
  const out = new Set<string>();
  for (const { i, rule } of quotas) {
    const qualifying = new Map<string, number>();
    for (const r of byVillage) if (r[`n${i}`] === true) qualifying.set(r.region, (qualifying.get(r.region) ?? 0) + Number(r.families));
    if (qualifying.size === 0) continue;
    const limits = (await tx.raw.query<{ village_code: string; quota: number }>(villageQuotaSql(rule, '$1::text[]', fundYear), [[...qualifying.keys()]])).rows;
    for (const l of limits) if (qualifying.get(l.village_code)! > Number(l.quota)) out.add(l.village_code);
  }
  return [...out].sort();
}

function storedLayout(m: FactsMeta): FactsLayout {
  const l = new FactsLayout();
  l.counts.push(...m.layout.counts);
  l.recipients.push(...m.layout.recipients);
  return l;
}

/**
 * The stored facts of some regencies (one layout) as the evaluation's facts relation:
 * the slots the changed rules read under their names in `needed`, each program's stored
 * verdict as p<i>_* and its prior decision as pr<i>_*.
 */
export function storedFactsSql(metas: readonly FactsMeta[], needed: FactsLayout, rules: readonly Rule[], used: ReadonlySet<string>, o: {
  region: string | null;
  /** Number of the first parameter. */
  first: number;
  /** Every row of the table is wanted (no regency filter). */
  whole?: boolean;
  /** Only these villages (of the metas' regencies). */
  villages?: readonly string[];
}): { sql: string; params: unknown[] } {
  const { region, first } = o;
  const stored = metas[0]!.layout;
  const cols = [
    ...needed.counts.map((key, k) => `f.counts[${stored.counts.indexOf(key) + 1}] as c${k + 1}`),
    ...needed.recipients.map((key, k) => `f.recipients[${stored.recipients.indexOf(key) + 1}] as r${k + 1}`),
    ...rules.flatMap((_, i) => {
      const k = i + 1;
      return [`f.results[${k}] as p${i}_result`, `f.eval_amounts[${k}] as p${i}_amount`, `f.statuses[${k}] as p${i}_status`,
        `f.counted[${k}] as cnt${i}`, `f.amounts[${k}] as amt${i}`,
        `f.prior_statuses[${k}] as pr${i}_status`, `f.prior_amounts_per_year[${k}] as pr${i}_per_year`, `f.prior_amounts_per_tahap[${k}] as pr${i}_per_tahap`];
    }),
  ].filter((c) => used.has(c.slice(c.lastIndexOf(' as ') + 4)));
  const select = `select f.family_id, f.regency_code, f.village_code, f.desil, f.pmt_score, f.bps14_count, substr(f.village_code, 10, 1) = '1' as is_kelurahan,
      f.programs_received, f.living, ${cols.join(', ')}`;
  if (o.whole) return { sql: `${select} from eligibility_facts f`, params: [] };
  if (o.villages) {
    const regencies = [...new Set(o.villages.map((c) => c.slice(0, 5)))].filter((r) => metas.some((m) => m.regencyCode === r));
    return { sql: `${select} from eligibility_facts f where f.regency_code = any($${first}::text[]) and f.village_code = any($${first + 1}::text[])`, params: [regencies, o.villages] };
  }
  const params: unknown[] = [metas.map((m) => m.regencyCode)];
  let where = `f.regency_code = any($${first}::text[])`;
  if (region && region.length > 5) {
    params.push(region);
    where += ` and (f.village_code = $${first + 1} or f.village_code like $${first + 1} || '.%')`;
  }
  return { sql: `${select} from eligibility_facts f where ${where}`, params };
}

