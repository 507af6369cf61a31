/**
 * Decisions for a set of families under a rule set, in TypeScript: each program in
 * dependency order, then its village quota, then the enrolment status. The bulk run
 * does the same in SQL; this is the reference the property test compares it with,
 * and what the one-family API uses (without the quota, which needs the whole village).
 */
import type { DecisionStatus, EvaluationResult, FamilyFacts, PriorDecision } from './facts.js';
import { PAYABLE_STATUSES } from './facts.js';
import { evaluateProgram, nextStatus, quotaOrder, quotaReason, villageQuota, type ComponentItem, type Evaluation } from './interpret.js';
import type { Rule } from './resolve.js';

export interface Decision {
  program: string;
  familyId: number;
  ruleVersion: string;
  result: EvaluationResult;
  status: DecisionStatus;
  tahapPerYear: number;
  amountPerTahap: number;
  amountPerYear: number;
  reasons: string[];
  components: ComponentItem[] | null;
  recipientMemberId: number | null;
  /** The rule's evaluation, with every condition's outcome, for explanations. */
  evaluation: Evaluation;
}

export interface DecideContext {
  refDate: string;
  prior(familyId: number, program: string): PriorDecision | undefined;
  /** Dana Desa of a village in the cycle's year, when known. */
  villageFund(villageCode: string): number | undefined;
  /** false for one family on its own: its village's quota cannot be known. */
  applyQuota: boolean;
}

/**
 * @example const decisions = decideFamilies(rules, families, { refDate, prior: () => undefined, villageFund: () => undefined, applyQuota: true });
 */
export function decideFamilies(rules: readonly Rule[], families: readonly FamilyFacts[], ctx: DecideContext): Decision[] {
  const payable = new Map<number, Set<string>>(families.map((f) => [f.familyId, new Set<string>()]));
  const out: Decision[] = [];
  for (const rule of rules) {
    const evals = families.map((facts) => {
      const evalCtx = { refDate: ctx.refDate, payableNow: payable.get(facts.familyId)! };
      return { facts, evalCtx, evaluation: evaluateProgram(rule, facts, evalCtx), overQuota: undefined as number | undefined };
    });
    if (rule.quota && ctx.applyQuota) {
      const byVillage = new Map<string, typeof evals>();
      for (const e of evals) {
        if (e.evaluation.result !== 'layak') continue;
        const list = byVillage.get(e.facts.villageCode) ?? [];
        list.push(e);
        byVillage.set(e.facts.villageCode, list);
      }
      for (const [village, list] of byVillage) {
        const quota = villageQuota(rule.quota, rule.benefit.kind === 'flat' ? rule.benefit.amountPerYear : 0, ctx.villageFund(village));
        const order = quotaOrder(rule.quota, list.map((e) => ({ facts: e.facts, ctx: e.evalCtx, refDate: ctx.refDate })));
        const position = new Map(order.map((id, i) => [id, i + 1]));
        for (const e of list) if (position.get(e.facts.familyId)! > quota) e.overQuota = quota;
      }
    }
    for (const e of evals) {
      const ev = e.evaluation;
      const result: EvaluationResult = e.overQuota !== undefined ? 'di_luar_kuota' : ev.result;
      const amount = result === 'layak' ? ev.amountPerYear : 0;
      const reasons = e.overQuota !== undefined ? [quotaReason(rule.quota!, e.overQuota)] : ev.reasons;
      const s = nextStatus(result, amount, rule.tahapPerYear, ctx.prior(e.facts.familyId, rule.program));
      if (PAYABLE_STATUSES.includes(s.status)) payable.get(e.facts.familyId)!.add(rule.program);
      out.push({
        program: rule.program, familyId: e.facts.familyId, ruleVersion: rule.version, result, status: s.status,
        tahapPerYear: rule.tahapPerYear, amountPerTahap: s.amountPerTahap, amountPerYear: s.amountPerYear,
        reasons, components: ev.components, recipientMemberId: ev.recipientMemberId, evaluation: ev,
      });
    }
  }
  return out;
}

/** "Layak PKH: 1 ibu hamil, …" / "Tidak layak BLT Dana Desa: sudah menerima PKH" */
export function decisionSummary(rule: Pick<Rule, 'shortName'>, d: Pick<Decision, 'status' | 'result' | 'reasons'>): string {
  const reasons = d.reasons.join('; ');
  switch (d.status) {
    case 'masuk': case 'tetap': return `Layak ${rule.shortName}: ${reasons}`;
    case 'keluar_berikutnya': return `Tidak lagi layak ${rule.shortName}: ${reasons}. Tetap dibayar siklus ini; keluar pada siklus berikutnya.`;
    case 'keluar': return `Keluar dari ${rule.shortName}: ${reasons}`;
    case 'di_luar_kuota': return `Tidak layak ${rule.shortName}: ${reasons}`;
    case 'tidak_layak': return `Tidak layak ${rule.shortName}: ${reasons}`;
  }
}
