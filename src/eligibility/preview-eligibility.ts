/**
 * Preview: what would change if a threshold, quota or amount changed, without writing
 * anything. The programs whose params change (and those depending on them) are
 * evaluated twice over the same facts, with the rules in force and with the changes,
 * one regency per transaction (two at a time) whose temporary tables vanish at its end;
 * only the audit record is written. Counts and budgets compare verdicts ("layak" after
 * quotas): exits would take effect at the next cycle.
 */
import type { Actor, Db } from '../platform/db.js';
import { appendAudit } from '../platform/audit.js';
import { AppError } from '../platform/errors.js';
import { buildFacts, createResults, currentRanking, evaluateRules, scopeFilter } from './evaluate-sql.js';
import { cycleDate, loadRuleDefinitions, rulesInForce } from './rules/rule-set.js';
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
  programs: ProgramPreview[];
}

function defaultLevel(region: string): RegionLevel {
  if (region === 'ID' || region.length <= 2) return 'regency';
  if (region.length <= 5) return 'district';
  return 'village';
}

/** Programs whose outcome can change: the changed ones and everything depending on them. */
function affected(defs: readonly RuleDefinition[], changed: readonly string[]): string[] {
  const out = new Set(changed);
  for (let grew = true; grew;) {
    grew = false;
    for (const d of defs) {
      if (!out.has(d.program) && d.dependsOn.some((p) => out.has(p))) { out.add(d.program); grew = true; }
    }
  }
  return [...out];
}

interface AggRow { program: string; region: string; bf: number; bb: number; pf: number; pb: number; enter: number; leave: number; changed: number }
interface ChangeRow { program: string; family_id: number; village_code: string; b: number; p: number; kind: 'enter' | 'leave' }

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
  const programs = affected(defs, changed);
  const baseRules = rulesInForce(defs, refDate, { programs });
  const previewRules = rulesInForce(defs, refDate, { programs, overrides: req.changes });
  const shown = baseRules.filter((r) => programs.includes(r.program));
  const groupBy = req.groupBy ?? defaultLevel(region);
  const len = LEVEL_LENGTH[groupBy];
  const limit = Math.min(Math.max(req.listLimit ?? 50, 0), 1000);

  const shownPrograms = shown.map((r) => r.program);
  // Programs whose rule and dependencies are unchanged give the same rows: copied, not re-evaluated.
  const same = new Set<string>();
  for (const rule of previewRules) {
    const base = baseRules.find((r) => r.program === rule.program)!;
    if (base.hash === rule.hash && rule.dependsOn.every((d) => same.has(d))) same.add(rule.program);
  }
  const scope = { regencyCode: null, region: region === 'ID' ? null : region };
  const { ranking, regencies } = await db.transaction(async (tx) => {
    const f = scopeFilter('f', scope, 1);
    return {
      ranking: await currentRanking(tx),
      regencies: (await tx.raw.query<{ regency_code: string }>(`select distinct f.regency_code from family f where ${f.sql} order by 1`, f.params)).rows.map((r) => r.regency_code),
    };
  }, actor);

  // One regency at a time per connection, as the run does: temporary tables stay small
  // whatever the scope. Each regency is read in its own transaction and nothing is written.
  const previewRegency = (regencyCode: string) => db.transaction(async (tx) => {
    const families = await buildFacts(tx, {
      refDate, cycle: req.cycle, rankingId: ranking?.id ?? null, programs: baseRules.map((r) => r.program),
      scope: { regencyCode, region: scope.region },
    });
    await createResults(tx, 'elig_base');
    await createResults(tx, 'elig_preview');
    await evaluateRules(tx, baseRules, 'elig_base');
    await tx.raw.query('insert into elig_preview select * from elig_base where program = any($1::text[])', [[...same]]);
    await evaluateRules(tx, previewRules.filter((r) => !same.has(r.program)), 'elig_preview');
    const totals = (await tx.raw.query<AggRow>(`select b.program, left(b.village_code, $2) as region,
        count(*) filter (where b.result = 'layak')::int as bf, coalesce(sum(b.eval_amount) filter (where b.result = 'layak'), 0)::bigint as bb,
        count(*) filter (where p.result = 'layak')::int as pf, coalesce(sum(p.eval_amount) filter (where p.result = 'layak'), 0)::bigint as pb,
        count(*) filter (where p.result = 'layak' and b.result <> 'layak')::int as enter,
        count(*) filter (where b.result = 'layak' and p.result <> 'layak')::int as leave,
        count(*) filter (where b.result = 'layak' and p.result = 'layak' and b.eval_amount <> p.eval_amount)::int as changed
      from elig_base b join elig_preview p on p.program = b.program and p.family_id = b.family_id
      where b.program = any($1::text[]) group by b.program, left(b.village_code, $2)`, [shownPrograms, len])).rows;
    const changes = limit === 0 ? [] : (await tx.raw.query<ChangeRow>(`select program, family_id, village_code, b, p, kind from (
        select b.program, b.family_id, b.village_code, b.eval_amount as b, p.eval_amount as p,
          case when p.result = 'layak' then 'enter' else 'leave' end as kind,
          row_number() over (partition by b.program, p.result = 'layak' order by b.family_id) as rn
        from elig_base b join elig_preview p on p.program = b.program and p.family_id = b.family_id
        where b.program = any($1::text[]) and (b.result = 'layak') <> (p.result = 'layak')) x
      where rn <= $2`, [shownPrograms, limit])).rows;
    return { families, totals, changes };
  }, actor);

  const pending = [...regencies];
  const parts: Array<Awaited<ReturnType<typeof previewRegency>>> = [];
  const worker = async (): Promise<void> => {
    for (let r = pending.shift(); r !== undefined; r = pending.shift()) parts.push(await previewRegency(r));
  };
  await Promise.all([worker(), worker()]);

  const families = parts.reduce((n, x) => n + x.families, 0);
  const byKey = new Map<string, AggRow>();
  for (const row of parts.flatMap((x) => x.totals)) {
    const key = `${row.program}|${row.region}`;
    const acc = byKey.get(key);
    if (!acc) { byKey.set(key, { ...row }); continue; }
    for (const k of ['bf', 'bb', 'pf', 'pb', 'enter', 'leave', 'changed'] as const) acc[k] = Number(acc[k]) + Number(row[k]);
  }
  const agg = [...byKey.values()].sort((a, b) => (a.program === b.program ? (a.region < b.region ? -1 : 1) : a.program < b.program ? -1 : 1));
  const changes = parts.flatMap((x) => x.changes).sort((a, b) => Number(a.family_id) - Number(b.family_id));
  const firstChanges = (program: string, kind: 'enter' | 'leave'): ChangeRow[] => changes.filter((c) => c.program === program && c.kind === kind).slice(0, limit);

  return db.transaction(async (tx) => {
    const names = new Map((await tx.raw.query<{ code: string; name: string }>(
      'select code, name from region where code = any($1::text[])', [[...new Set(agg.map((a) => a.region))]])).rows.map((r) => [r.code, r.name]));
    const result: PreviewResult = {
      cycle: req.cycle, region, groupBy, families,
      programs: shown.map((rule) => {
        const next = previewRules.find((r) => r.program === rule.program)!;
        const mine = agg.filter((a) => a.program === rule.program);
        const sum = (k: keyof AggRow): number => mine.reduce((s, a) => s + Number(a[k]), 0);
        const change = (kind: 'enter' | 'leave'): FamilyChange[] => firstChanges(rule.program, kind)
          .map((c) => ({ familyId: Number(c.family_id), villageCode: c.village_code, baselineAmountPerYear: Number(c.b), previewAmountPerYear: Number(c.p) }));
        const changedParams = Object.fromEntries(Object.entries(req.changes[rule.program] ?? {})
          .filter(([k]) => rule.params[k] !== undefined)
          .map(([k, v]) => [k, { from: rule.params[k]!, to: v }]));
        return {
          program: rule.program, shortName: rule.shortName, ruleVersion: next.version, changedParams,
          baseline: { families: sum('bf'), budgetPerYear: sum('bb') },
          preview: { families: sum('pf'), budgetPerYear: sum('pb') },
          entering: sum('enter'), leaving: sum('leave'), amountChanged: sum('changed'),
          byRegion: mine.map((a) => ({
            region: a.region, name: names.get(a.region) ?? null,
            baseline: { families: Number(a.bf), budgetPerYear: Number(a.bb) }, preview: { families: Number(a.pf), budgetPerYear: Number(a.pb) },
            entering: Number(a.enter), leaving: Number(a.leave),
          })),
          enteringFamilies: change('enter'),
          leavingFamilies: change('leave'),
        };
      }),
    };
    await appendAudit(tx, {
      action: 'eligibility.preview', entityType: 'program', entityId: changed.join(','),
      changes: { cycle: req.cycle, region, changes: req.changes, totals: result.programs.map((p) => ({ program: p.program, baseline: p.baseline, preview: p.preview, entering: p.entering, leaving: p.leaving })) },
    });
    return result;
  }, actor);
}
