/**
 * The TypeScript evaluator: one family at a time, with explanations. It must agree
 * exactly with the SQL compiled from the same rule (`compile-sql.ts`); the property
 * test in test/eligibility/agreement.test.ts checks results, amounts and reasons.
 *
 * Semantics shared by both evaluators:
 * - only living members count (presence "tinggal" or "baru");
 * - a comparison with an unknown value is false (`isNull` aside), so `not` of it is true;
 * - components are ordered by amount (highest first), then definition order, then the
 *   member's birth date (oldest first, unknown last), then member id; with
 *   `oneComponentPerMember` a member keeps only their first component in that order;
 *   then components are taken greedily in that order while every limit containing
 *   them has room ("highest amount first": the PKH cap keeps the dearest components);
 * - reasons list every failing condition in definition order (a condition whose
 *   `requires` failed is not reported), then a missing component, then a missing recipient.
 */
import { LIVING_PRESENCE, PAYABLE_STATUSES, ageOn, isKelurahan, type DecisionStatus, type EvaluationResult, type FamilyFacts, type MemberFacts, type PriorDecision } from './facts.js';
import type { Literal, RComponent, RFamilyExpr, RMemberExpr, RPriorityKey, RQuota, Rule } from './resolve.js';
import type { Op } from './schema.js';

export interface ComponentItem {
  component: string;
  memberId: number;
  amountPerYear: number;
  counted: boolean;
  /** The limit that left the component out, when not counted. */
  droppedBy: string | null;
}

/** How a decision stores its components: one array per field, in selection order. */
export interface ComponentColumns {
  component: string[];
  memberId: number[];
  amountPerYear: number[];
  /** null where the component counted. */
  droppedBy: Array<string | null>;
}

export function toComponentColumns(items: readonly ComponentItem[] | null): ComponentColumns | null {
  if (items === null) return null;
  return {
    component: items.map((i) => i.component), memberId: items.map((i) => i.memberId),
    amountPerYear: items.map((i) => i.amountPerYear), droppedBy: items.map((i) => i.droppedBy),
  };
}

export function fromComponentColumns(c: ComponentColumns | null): ComponentItem[] | null {
  if (c === null) return null;
  return c.component.map((component, i) => ({
    component, memberId: Number(c.memberId[i]), amountPerYear: Number(c.amountPerYear[i]),
    counted: c.droppedBy[i] === null, droppedBy: c.droppedBy[i] ?? null,
  }));
}

export interface ConditionOutcome {
  id: string;
  /** null: not checked because the condition it requires failed. */
  passed: boolean | null;
  failReason: string;
}

export interface Evaluation {
  program: string;
  ruleVersion: string;
  result: EvaluationResult;
  /** Yearly amount the rule grants (0 unless `layak`). */
  amountPerYear: number;
  reasons: string[];
  /** Components considered, when the family qualifies; null otherwise. */
  components: ComponentItem[] | null;
  recipientMemberId: number | null;
  /** Explanation only (not stored): every condition's outcome. */
  conditions: ConditionOutcome[];
  /** Explanation only: candidate components even when the family does not qualify. */
  candidates: ComponentItem[];
}

interface LivingMember {
  facts: MemberFacts;
  age: number | null;
}

/** Evaluation context: the cycle's reference date and what earlier programs decided. */
export interface EvalContext {
  refDate: string;
  /** Programs the family is paid by in this run (statuses of programs evaluated earlier). */
  payableNow: ReadonlySet<string>;
}

function compare(v: number | string | boolean | null, op: Op, value: Literal | undefined): boolean {
  if (op === 'isNull') return v === null;
  if (op === 'notNull') return v !== null;
  if (v === null) return false;
  switch (op) {
    case 'eq': return v === value;
    case 'ne': return v !== value;
    case 'lt': return (v as number) < (value as number);
    case 'lte': return (v as number) <= (value as number);
    case 'gt': return (v as number) > (value as number);
    case 'gte': return (v as number) >= (value as number);
    case 'in': return (value as readonly string[]).includes(v as string);
    case 'notIn': return !(value as readonly string[]).includes(v as string);
  }
}

function memberFact(m: LivingMember, fact: string): number | string | boolean | null {
  const f = m.facts;
  switch (fact) {
    case 'age': return m.age;
    case 'hasDisability': return f.disabilities.length > 0;
    case 'sex': return f.sex;
    case 'relationship': return f.relationship;
    case 'isPregnant': return f.isPregnant;
    case 'educationLevel': return f.educationLevel;
    case 'schoolParticipation': return f.schoolParticipation;
    case 'severeDisability': return f.severeDisability;
    case 'occupation': return f.occupation;
    case 'workStatus': return f.workStatus;
    case 'healthInsurance': return f.healthInsurance;
    case 'chronicIllness': return f.chronicIllness;
    default: throw new Error(`unknown member fact ${fact}`);
  }
}

export function memberMatches(e: RMemberExpr, m: LivingMember): boolean {
  if ('all' in e) return e.all.every((x) => memberMatches(x, m));
  if ('any' in e) return e.any.some((x) => memberMatches(x, m));
  if ('not' in e) return !memberMatches(e.not, m);
  return compare(memberFact(m, e.fact), e.op, e.value);
}

interface FamilyView {
  facts: FamilyFacts;
  living: LivingMember[];
  ctx: EvalContext;
}

function familyFact(v: FamilyView, fact: string): number | boolean | null {
  switch (fact) {
    case 'desil': return v.facts.desil;
    case 'bps14Count': return v.facts.bps14Count;
    case 'pmtScore': return v.facts.pmtScore;
    case 'livingCount': return v.living.length;
    case 'isKelurahan': return isKelurahan(v.facts.villageCode);
    default: throw new Error(`unknown family fact ${fact}`);
  }
}

export function familyMatches(e: RFamilyExpr, v: FamilyView): boolean {
  if ('all' in e) return e.all.every((x) => familyMatches(x, v));
  if ('any' in e) return e.any.some((x) => familyMatches(x, v));
  if ('not' in e) return !familyMatches(e.not, v);
  if ('receives' in e) return v.facts.programsReceived.includes(e.receives) || v.ctx.payableNow.has(e.receives);
  if ('exists' in e) return v.living.some((m) => memberMatches(e.exists, m));
  if ('none' in e) return !v.living.some((m) => memberMatches(e.none, m));
  if ('count' in e) return compare(v.living.filter((m) => memberMatches(e.count, m)).length, e.op, e.value);
  return compare(familyFact(v, e.fact), e.op, e.value);
}

function livingMembers(facts: FamilyFacts, refDate: string): LivingMember[] {
  return facts.members.filter((m) => LIVING_PRESENCE.includes(m.presenceStatus)).map((m) => ({ facts: m, age: ageOn(m.birthDate, refDate) }));
}

interface Candidate {
  component: RComponent;
  member: LivingMember;
}

function candidateOrder(a: Candidate, b: Candidate): number {
  if (a.component.amountPerYear !== b.component.amountPerYear) return b.component.amountPerYear - a.component.amountPerYear;
  if (a.component.index !== b.component.index) return a.component.index - b.component.index;
  const ab = a.member.facts.birthDate;
  const bb = b.member.facts.birthDate;
  if (ab !== bb) {
    if (ab === null) return 1;
    if (bb === null) return -1;
    return ab < bb ? -1 : 1;
  }
  return a.member.facts.memberId - b.member.facts.memberId;
}

/** Components of a family under the rule's limits (see the module comment). */
export function selectComponents(rule: Rule, living: LivingMember[]): ComponentItem[] {
  if (rule.benefit.kind !== 'components') return [];
  const { components, limits, oneComponentPerMember } = rule.benefit;
  let candidates: Candidate[] = [];
  for (const member of living) {
    for (const component of components) if (memberMatches(component.member, member)) candidates.push({ component, member });
  }
  candidates.sort(candidateOrder);
  if (oneComponentPerMember) {
    const seen = new Set<number>();
    candidates = candidates.filter((c) => (seen.has(c.member.facts.memberId) ? false : (seen.add(c.member.facts.memberId), true)));
  }
  // Greedy: take each in order while all its limits have room.
  const taken = new Map<string, number>();
  const counted = candidates.map((c) => {
    const mine = limits.filter((l) => l.components.includes(c.component.id));
    if (mine.some((l) => (taken.get(l.id) ?? 0) >= l.max)) return false;
    for (const l of mine) taken.set(l.id, (taken.get(l.id) ?? 0) + 1);
    return true;
  });
  // Which limit left a component out: the innermost limit at which it falls beyond the
  // limit's maximum among the components still in the running (inner limits first).
  const droppedBy: Array<string | null> = candidates.map(() => null);
  for (const l of limits) {
    let n = 0;
    candidates.forEach((c, i) => {
      if (droppedBy[i] !== null || !l.components.includes(c.component.id)) return;
      n++;
      if (n > l.max) droppedBy[i] = l.id;
    });
  }
  return candidates.map((c, i) => ({
    component: c.component.id, memberId: c.member.facts.memberId, amountPerYear: c.component.amountPerYear,
    counted: counted[i]!, droppedBy: counted[i] ? null : droppedBy[i]!,
  }));
}

/** "1 ibu hamil, 1 anak SMP; tidak dihitung: 1 anak SD (dibatasi 4 komponen)" */
export function componentSummary(rule: Rule, items: readonly ComponentItem[]): string {
  if (rule.benefit.kind !== 'components') return '';
  const { components, limits } = rule.benefit;
  const parts: string[] = [];
  for (const c of components) {
    const n = items.filter((i) => i.counted && i.component === c.id).length;
    if (n > 0) parts.push(`${n} ${c.label}`);
  }
  const dropped: string[] = [];
  for (const c of components) {
    for (const l of limits) {
      const n = items.filter((i) => !i.counted && i.component === c.id && i.droppedBy === l.id).length;
      if (n > 0) dropped.push(`${n} ${c.label} (${l.text})`);
    }
  }
  return dropped.length > 0 ? `${parts.join(', ')}; tidak dihitung: ${dropped.join(', ')}` : parts.join(', ');
}

/** The adult the program pays: women first where the rule says so, then by relationship, then oldest. */
export function chooseRecipient(rule: Rule, living: LivingMember[]): number | null {
  const r = rule.recipient;
  if (!r) return null;
  const rank = (rel: string): number => {
    const i = r.relationshipOrder.indexOf(rel);
    return i < 0 ? Number.POSITIVE_INFINITY : i;
  };
  const adults = living.filter((m) => m.age !== null && m.age >= r.minAge);
  adults.sort((a, b) => {
    if (r.preferFemale) {
      const fa = a.facts.sex === 'P' ? 0 : 1;
      const fb = b.facts.sex === 'P' ? 0 : 1;
      if (fa !== fb) return fa - fb;
    }
    const ra = rank(a.facts.relationship);
    const rb = rank(b.facts.relationship);
    if (ra !== rb) return ra < rb ? -1 : 1;
    const ab = a.facts.birthDate!;
    const bb = b.facts.birthDate!;
    if (ab !== bb) return ab < bb ? -1 : 1;
    return a.facts.memberId - b.facts.memberId;
  });
  return adults[0]?.facts.memberId ?? null;
}

/**
 * Evaluates one program for one family (before any village quota and enrolment status).
 * @example const e = evaluateProgram(pkh, facts, { refDate: '2025-07-01', payableNow: new Set() });
 */
export function evaluateProgram(rule: Rule, facts: FamilyFacts, ctx: EvalContext): Evaluation {
  const living = livingMembers(facts, ctx.refDate);
  const view: FamilyView = { facts, living, ctx };
  const outcomes: ConditionOutcome[] = [];
  const passed = new Map<string, boolean>();
  const reasons: string[] = [];
  for (const c of rule.conditions) {
    if (c.requires !== undefined && passed.get(c.requires) !== true) {
      passed.set(c.id, false);
      outcomes.push({ id: c.id, passed: null, failReason: c.failReason });
      continue;
    }
    const ok = familyMatches(c.when, view);
    passed.set(c.id, ok);
    outcomes.push({ id: c.id, passed: ok, failReason: c.failReason });
    if (!ok) reasons.push(c.failReason);
  }
  const items = selectComponents(rule, living);
  const countedItems = items.filter((i) => i.counted);
  if (rule.benefit.kind === 'components' && countedItems.length === 0) reasons.push(rule.benefit.noComponentReason);
  const recipientMemberId = chooseRecipient(rule, living);
  if (rule.recipient && recipientMemberId === null) reasons.push(rule.recipient.missingReason);

  const base = { program: rule.program, ruleVersion: rule.version, recipientMemberId, conditions: outcomes, candidates: items };
  if (reasons.length > 0) return { ...base, result: 'tidak_layak', amountPerYear: 0, reasons, components: null };
  if (rule.benefit.kind === 'flat') {
    return { ...base, result: 'layak', amountPerYear: rule.benefit.amountPerYear, reasons: [rule.benefit.eligibleReason], components: null };
  }
  const amount = countedItems.reduce((s, i) => s + i.amountPerYear, 0);
  return { ...base, result: 'layak', amountPerYear: amount, reasons: [componentSummary(rule, items)], components: items };
}

/** Number of families a village's fund pays for, by the fund-size tier. */
export function villageQuota(quota: RQuota, amountPerYear: number, fund: number | undefined): number {
  const f = fund ?? quota.defaultVillageFund;
  const tier = quota.tiers.find((t) => t.maxFund === null || f <= t.maxFund)!;
  return amountPerYear === 0 ? 0 : Math.floor((f * tier.sharePercent) / (100 * amountPerYear));
}

/** Orders a village's qualifying families by the quota's priority (then family id). */
export function quotaOrder(quota: RQuota, families: ReadonlyArray<{ facts: FamilyFacts; ctx: EvalContext; refDate: string }>): number[] {
  const keyed = families.map((f) => {
    const view: FamilyView = { facts: f.facts, living: livingMembers(f.facts, f.refDate), ctx: f.ctx };
    return { id: f.facts.familyId, keys: quota.priority.map((k) => priorityValue(k, view)) };
  });
  keyed.sort((a, b) => {
    for (let i = 0; i < quota.priority.length; i++) {
      const k = quota.priority[i]!;
      const c = comparePriority(k, a.keys[i]!, b.keys[i]!);
      if (c !== 0) return c;
    }
    return a.id - b.id;
  });
  return keyed.map((k) => k.id);
}

function priorityValue(k: RPriorityKey, v: FamilyView): number | null {
  if ('first' in k) return familyMatches(k.first, v) ? 0 : 1;
  return v.facts[k.fact];
}

function comparePriority(k: RPriorityKey, a: number | null, b: number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if ('first' in k || k.order === 'asc') return a < b ? -1 : 1;
  return a > b ? -1 : 1;
}

export function quotaReason(quota: RQuota, n: number): string {
  return quota.reason.replace(/\{quota\}/g, String(n));
}

export interface StatusOutcome {
  status: DecisionStatus;
  amountPerYear: number;
  amountPerTahap: number;
}

/**
 * Enrolment after this cycle's verdict. A family that stops qualifying is not cut at
 * once: it is paid this cycle as before ("keluar_berikutnya", with a notice) and leaves
 * at the next cycle ("keluar"), unless it qualifies again by then.
 */
export function nextStatus(result: EvaluationResult, amountPerYear: number, tahapPerYear: number, prior: PriorDecision | undefined): StatusOutcome {
  const was = prior?.status;
  if (result === 'layak') {
    const continuing = was !== undefined && PAYABLE_STATUSES.includes(was);
    return { status: continuing ? 'tetap' : 'masuk', amountPerYear, amountPerTahap: amountPerYear / tahapPerYear };
  }
  if (prior && (was === 'masuk' || was === 'tetap')) return { status: 'keluar_berikutnya', amountPerYear: prior.amountPerYear, amountPerTahap: prior.amountPerTahap };
  if (was === 'keluar_berikutnya') return { status: 'keluar', amountPerYear: 0, amountPerTahap: 0 };
  return { status: result, amountPerYear: 0, amountPerTahap: 0 };
}
