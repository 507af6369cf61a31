/**
 * Resolution of a rule definition: params substituted (with a preview's overrides),
 * texts filled, limits ordered inner to outer, and everything checked. Both evaluators
 * (SQL and TypeScript) work only on a resolved rule, so they see the same values.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../../platform/errors.js';
import {
  FAMILY_FACTS, MEMBER_FACTS,
  type FamilyExpr, type FamilyFact, type MemberExpr, type MemberFact, type Op, type Operand, type ParamValue, type PriorityKey, type RuleDefinition,
} from './schema.js';

export type Literal = number | string | boolean | readonly string[];

export type RMemberExpr =
  | { all: RMemberExpr[] }
  | { any: RMemberExpr[] }
  | { not: RMemberExpr }
  | { fact: MemberFact; op: Op; value: Literal | undefined };

export type RFamilyExpr =
  | { all: RFamilyExpr[] }
  | { any: RFamilyExpr[] }
  | { not: RFamilyExpr }
  | { fact: FamilyFact; op: Op; value: Literal | undefined }
  | { receives: string }
  | { count: RMemberExpr; op: Op; value: number }
  | { exists: RMemberExpr }
  | { none: RMemberExpr };

export interface RCondition {
  id: string;
  when: RFamilyExpr;
  failReason: string;
  requires: string | undefined;
}

export interface RComponent {
  id: string;
  /** Position in the definition: breaks ties in the selection order and orders texts. */
  index: number;
  label: string;
  amountPerYear: number;
  member: RMemberExpr;
}

export interface RLimit {
  id: string;
  components: readonly string[];
  max: number;
  text: string;
}

export type RBenefit =
  | { kind: 'flat'; amountPerYear: number; eligibleReason: string }
  | {
    kind: 'components';
    components: RComponent[];
    oneComponentPerMember: boolean;
    /** Inner limits before the limits that contain them. */
    limits: RLimit[];
    noComponentReason: string;
  };

export type RPriorityKey =
  | { fact: 'desil' | 'pmtScore' | 'bps14Count'; order: 'asc' | 'desc' }
  | { first: RFamilyExpr };

export interface RQuota {
  scope: 'village';
  defaultVillageFund: number;
  tiers: Array<{ maxFund: number | null; sharePercent: number }>;
  priority: RPriorityKey[];
  /** Contains `{quota}`, filled per village. */
  reason: string;
}

export interface Rule {
  program: string;
  version: string;
  name: string;
  shortName: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  tahapPerYear: number;
  dependsOn: string[];
  params: Record<string, ParamValue>;
  conditions: RCondition[];
  benefit: RBenefit;
  recipient: { minAge: number; preferFemale: boolean; relationshipOrder: string[]; missingReason: string } | null;
  quota: RQuota | null;
  /** SHA-256 of the resolved rule: same hash, same decisions on the same data. */
  hash: string;
}

function invalid(def: { program: string; version: string }, message: string): AppError {
  return new AppError('validation', `Aturan ${def.program} versi ${def.version}: ${message}`);
}

/** Fills `{name}` with param values; unknown names are an error, `{quota}` may be kept. */
export function fillText(text: string, params: Record<string, ParamValue>, keep: readonly string[] = [], onError?: (m: string) => never): string {
  return text.replace(/\{([a-zA-Z0-9_]+)\}/g, (whole, name: string) => {
    if (keep.includes(name)) return whole;
    const v = params[name];
    if (v === undefined) {
      if (onError) onError(`teks menyebut parameter tidak dikenal {${name}}`);
      throw new Error(`unknown param ${name}`);
    }
    return Array.isArray(v) ? v.join(', ') : String(v);
  });
}

/**
 * Resolves a definition with optional param overrides (a preview's changes).
 * @example const pkh = resolveRule(definition, { maxDesil: 3 });
 */
export function resolveRule(def: RuleDefinition, overrides: Record<string, ParamValue> = {}): Rule {
  const fail = (m: string): never => { throw invalid(def, m); };
  for (const [name, value] of Object.entries(overrides)) {
    const base = def.params[name];
    if (base === undefined) fail(`parameter "${name}" tidak ada`);
    if (Array.isArray(base) !== Array.isArray(value) || (!Array.isArray(base) && typeof base !== typeof value)) {
      fail(`parameter "${name}" harus bertipe ${Array.isArray(base) ? 'daftar kode' : typeof base}`);
    }
  }
  const params: Record<string, ParamValue> = { ...def.params, ...overrides };

  const operand = (o: Operand | undefined): Literal | undefined => {
    if (o === undefined || o === null) return undefined;
    if (typeof o === 'object' && !Array.isArray(o)) {
      const v = params[o.param];
      if (v === undefined) return fail(`parameter "${o.param}" tidak ada`);
      return v;
    }
    return o;
  };
  const number = (o: number | { param: string }, what: string, integer = true): number => {
    const v = operand(o);
    if (typeof v !== 'number' || (integer && !Number.isInteger(v)) || v < 0) return fail(`${what} harus bilangan bulat ≥ 0`);
    return v;
  };
  const text = (t: string, keep: readonly string[] = []): string => fillText(t, params, keep, fail);

  const checkComparison = (kind: 'number' | 'text' | 'boolean', op: Op, value: Literal | undefined, fact: string): void => {
    if (op === 'isNull' || op === 'notNull') return;
    if (value === undefined) fail(`fakta ${fact}: operator ${op} perlu nilai`);
    if (op === 'in' || op === 'notIn') {
      if (!Array.isArray(value) || kind !== 'text') fail(`fakta ${fact}: ${op} perlu daftar kode pada fakta teks`);
      return;
    }
    if (['lt', 'lte', 'gt', 'gte'].includes(op) && (kind !== 'number' || typeof value !== 'number')) fail(`fakta ${fact}: ${op} hanya untuk angka`);
    if ((op === 'eq' || op === 'ne') && typeof value !== (kind === 'text' ? 'string' : kind)) fail(`fakta ${fact}: nilai harus ${kind}`);
  };

  const member = (e: MemberExpr): RMemberExpr => {
    if ('all' in e) return { all: e.all.map(member) };
    if ('any' in e) return { any: e.any.map(member) };
    if ('not' in e) return { not: member(e.not) };
    const value = operand(e.value);
    checkComparison(MEMBER_FACTS[e.fact], e.op, value, e.fact);
    return { fact: e.fact, op: e.op, value };
  };
  const family = (e: FamilyExpr): RFamilyExpr => {
    if ('all' in e) return { all: e.all.map(family) };
    if ('any' in e) return { any: e.any.map(family) };
    if ('not' in e) return { not: family(e.not) };
    if ('receives' in e) return { receives: e.receives };
    if ('exists' in e) return { exists: member(e.exists) };
    if ('none' in e) return { none: member(e.none) };
    if ('count' in e) {
      const value = operand(e.value);
      if (typeof value !== 'number' || e.op === 'in' || e.op === 'notIn' || e.op === 'isNull' || e.op === 'notNull') return fail('count perlu perbandingan dengan angka');
      return { count: member(e.count), op: e.op, value };
    }
    const value = operand(e.value);
    checkComparison(FAMILY_FACTS[e.fact], e.op, value, e.fact);
    return { fact: e.fact, op: e.op, value };
  };

  const ids = new Set<string>();
  const conditions: RCondition[] = def.conditions.map((c) => {
    if (ids.has(c.id)) fail(`syarat "${c.id}" ganda`);
    if (c.requires !== undefined && !ids.has(c.requires)) fail(`syarat "${c.id}" memerlukan "${c.requires}" yang harus didefinisikan sebelumnya`);
    ids.add(c.id);
    return { id: c.id, when: family(c.when), failReason: text(c.failReason), requires: c.requires };
  });

  let benefit: RBenefit;
  const divisible = (amount: number, what: string): number => {
    if (amount % def.tahapPerYear !== 0) fail(`${what} (${amount}) tidak habis dibagi ${def.tahapPerYear} tahap`);
    return amount;
  };
  if (def.benefit.kind === 'flat') {
    benefit = {
      kind: 'flat',
      amountPerYear: divisible(number(def.benefit.amountPerYear, 'nominal per tahun'), 'nominal per tahun'),
      eligibleReason: text(def.benefit.eligibleReason),
    };
  } else {
    const b = def.benefit;
    const componentIds = b.components.map((c) => c.id);
    if (new Set(componentIds).size !== componentIds.length) fail('komponen ganda');
    const components = b.components.map((c, index) => ({
      id: c.id, index, label: c.label, member: member(c.member),
      amountPerYear: divisible(number(c.amountPerYear, `nominal komponen ${c.id}`), `nominal komponen ${c.id}`),
    }));
    const limits = b.limits.map((l) => {
      const set = l.components ?? componentIds;
      for (const id of set) if (!componentIds.includes(id)) fail(`batas ${l.id} menyebut komponen tidak dikenal ${id}`);
      return { id: l.id, components: [...new Set(set)], max: number(l.max, `batas ${l.id}`), text: text(l.text) };
    });
    // Greedy selection under limits equals inner-to-outer filtering only when the
    // limits are nested or disjoint (laminar); anything else is refused.
    for (let i = 0; i < limits.length; i++) {
      for (let j = i + 1; j < limits.length; j++) {
        const a = new Set(limits[i]!.components);
        const bb = new Set(limits[j]!.components);
        const common = [...a].filter((x) => bb.has(x)).length;
        if (common > 0 && common !== a.size && common !== bb.size) fail(`batas ${limits[i]!.id} dan ${limits[j]!.id} saling tumpang tindih (harus bersarang atau terpisah)`);
        if (common === a.size && common === bb.size) fail(`batas ${limits[i]!.id} dan ${limits[j]!.id} menghitung komponen yang sama: gabungkan`);
      }
    }
    const ordered = limits.map((l, i) => ({ l, i })).sort((x, y) => x.l.components.length - y.l.components.length || x.i - y.i).map((x) => x.l);
    benefit = { kind: 'components', components, oneComponentPerMember: b.oneComponentPerMember, limits: ordered, noComponentReason: text(b.noComponentReason) };
  }

  const priority = (k: PriorityKey): RPriorityKey => ('first' in k ? { first: family(k.first) } : { fact: k.fact, order: k.order });
  const quota: RQuota | null = def.quota ? {
    scope: def.quota.scope,
    defaultVillageFund: number(def.quota.defaultVillageFund, 'dana desa bawaan'),
    tiers: def.quota.tiers,
    priority: def.quota.priority.map(priority),
    reason: text(def.quota.reason, ['quota']),
  } : null;
  if (quota && quota.tiers[quota.tiers.length - 1]!.maxFund !== null) fail('tingkat kuota terakhir harus tanpa batas (maxFund null)');
  if (quota && benefit.kind !== 'flat') fail('kuota desa hanya untuk nominal tetap per keluarga');

  const rule: Omit<Rule, 'hash'> = {
    program: def.program, version: def.version, name: def.name, shortName: def.shortName,
    effectiveFrom: def.effectiveFrom, effectiveTo: def.effectiveTo, tahapPerYear: def.tahapPerYear, dependsOn: def.dependsOn,
    params, conditions, benefit,
    recipient: def.recipient ? { ...def.recipient, missingReason: text(def.recipient.missingReason) } : null,
    quota,
  };
  const hash = createHash('sha256').update(canonicalJson(rule)).digest('hex');
  return { ...rule, hash };
}

/** JSON with sorted keys, so equal rules hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
