/**
 * The program rule definition: data, not code. One JSON file per program version under
 * `config/programs/`, validated here, then evaluated two ways from the same definition:
 * compiled to set-based SQL (`compile-sql.ts`, for the bulk run and previews) and
 * interpreted in TypeScript (`interpret.ts`, for one family with explanations).
 *
 * Tunable values (thresholds, amounts, quotas) live in `params` and are referenced as
 * `{ "param": "name" }`, so a preview can change them without touching the structure.
 * Texts may name params in braces (`"desil di atas {maxDesil}"`).
 */
import { z } from 'zod';

const Code = z.string().regex(/^[a-z0-9_]+$/, 'kode huruf kecil, angka dan garis bawah');
const ParamName = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,60}$/, 'nama parameter');
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'tanggal YYYY-MM-DD');

export const ParamValue = z.union([
  z.number().finite().min(-1e12).max(1e12),
  z.boolean(),
  Code,
  z.array(Code).max(100),
]);
export type ParamValue = z.infer<typeof ParamValue>;

const ParamRef = z.object({ param: ParamName }).strict();
export type ParamRef = z.infer<typeof ParamRef>;

/** A literal or a reference to a param. */
const Operand = z.union([ParamValue, z.null(), ParamRef]);
export type Operand = z.infer<typeof Operand>;

export const OPS = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'notIn', 'isNull', 'notNull'] as const;
export type Op = (typeof OPS)[number];

/**
 * Facts about one living member (presence "tinggal" or "baru"; deceased, moved and
 * not-found members never count). `age` is in completed years on the cycle's reference
 * date, unknown when the birth date is missing or after that date.
 */
export const MEMBER_FACTS = {
  age: 'number',
  sex: 'text',
  relationship: 'text',
  isPregnant: 'boolean',
  educationLevel: 'text',
  schoolParticipation: 'text',
  severeDisability: 'boolean',
  hasDisability: 'boolean',
  occupation: 'text',
  workStatus: 'text',
  healthInsurance: 'text',
  chronicIllness: 'text',
} as const;
export type MemberFact = keyof typeof MEMBER_FACTS;

/** Facts about the family: its current welfare ranking and its village. */
export const FAMILY_FACTS = {
  desil: 'number',
  bps14Count: 'number',
  pmtScore: 'number',
  livingCount: 'number',
  isKelurahan: 'boolean',
} as const;
export type FamilyFact = keyof typeof FAMILY_FACTS;

type Comparison<F extends string> = { fact: F; op: Op; value?: Operand };

export type MemberExpr =
  | { all: MemberExpr[] }
  | { any: MemberExpr[] }
  | { not: MemberExpr }
  | Comparison<MemberFact>;

export type FamilyExpr =
  | { all: FamilyExpr[] }
  | { any: FamilyExpr[] }
  | { not: FamilyExpr }
  | Comparison<FamilyFact>
  /** The family reports receiving the program, or is paid by it in this run. */
  | { receives: string }
  /** Number of living members matching. */
  | { count: MemberExpr; op: Op; value: Operand }
  | { exists: MemberExpr }
  | { none: MemberExpr };

function comparison<F extends string>(facts: readonly [F, ...F[]]) {
  return z.object({ fact: z.enum(facts), op: z.enum(OPS), value: Operand.optional() }).strict()
    .refine((c) => (c.op === 'isNull' || c.op === 'notNull') === (c.value === undefined), { message: 'isNull/notNull tanpa value; operator lain wajib value' });
}

const memberFactNames = Object.keys(MEMBER_FACTS) as [MemberFact, ...MemberFact[]];
const familyFactNames = Object.keys(FAMILY_FACTS) as [FamilyFact, ...FamilyFact[]];

export const MemberExpr: z.ZodType<MemberExpr> = z.lazy(() => z.union([
  z.object({ all: z.array(MemberExpr).min(1) }).strict(),
  z.object({ any: z.array(MemberExpr).min(1) }).strict(),
  z.object({ not: MemberExpr }).strict(),
  comparison(memberFactNames),
])) as z.ZodType<MemberExpr>;

export const FamilyExpr: z.ZodType<FamilyExpr> = z.lazy(() => z.union([
  z.object({ all: z.array(FamilyExpr).min(1) }).strict(),
  z.object({ any: z.array(FamilyExpr).min(1) }).strict(),
  z.object({ not: FamilyExpr }).strict(),
  z.object({ receives: Code }).strict(),
  z.object({ count: MemberExpr, op: z.enum(OPS), value: Operand }).strict(),
  z.object({ exists: MemberExpr }).strict(),
  z.object({ none: MemberExpr }).strict(),
  comparison(familyFactNames),
])) as z.ZodType<FamilyExpr>;

const Amount = z.union([z.number().int().min(0).max(1e10), ParamRef]);
const Count = z.union([z.number().int().min(0).max(1000), ParamRef]);

export const Condition = z.object({
  id: Code,
  when: FamilyExpr,
  /** Reason given when the condition does not hold. */
  failReason: z.string().min(1).max(300),
  /** Only checked (and reported) when this other condition holds. */
  requires: Code.optional(),
}).strict();
export type Condition = z.infer<typeof Condition>;

export const Component = z.object({
  id: Code,
  /** Counted form, after a number: "1 ibu hamil", "2 anak SD". */
  label: z.string().min(1).max(80),
  amountPerYear: Amount,
  member: MemberExpr,
}).strict();
export type Component = z.infer<typeof Component>;

export const Limit = z.object({
  id: Code,
  /** Components the limit counts together; omitted means all components. */
  components: z.array(Code).min(1).optional(),
  max: Count,
  /** Shown for components the limit leaves out: "dibatasi {maxComponents} komponen". */
  text: z.string().min(1).max(120),
}).strict();
export type Limit = z.infer<typeof Limit>;

export const Benefit = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('flat'),
    amountPerYear: Amount,
    eligibleReason: z.string().min(1).max(300),
  }).strict(),
  z.object({
    kind: z.literal('components'),
    components: z.array(Component).min(1),
    /**
     * A member counts for at most one component: the first of theirs in the selection
     * order (highest amount, then definition order).
     */
    oneComponentPerMember: z.boolean(),
    /** Nested or disjoint (laminar); applied greedily in the selection order. */
    limits: z.array(Limit),
    noComponentReason: z.string().min(1).max(300),
  }).strict(),
]);
export type Benefit = z.infer<typeof Benefit>;

export const Recipient = z.object({
  minAge: z.number().int().min(0).max(100),
  preferFemale: z.boolean(),
  relationshipOrder: z.array(Code).min(1),
  missingReason: z.string().min(1).max(300),
}).strict();
export type Recipient = z.infer<typeof Recipient>;

export const PriorityKey = z.union([
  z.object({ fact: z.enum(['desil', 'pmtScore', 'bps14Count']), order: z.enum(['asc', 'desc']) }).strict(),
  /** Families for which the expression holds come first. */
  z.object({ first: FamilyExpr }).strict(),
]);
export type PriorityKey = z.infer<typeof PriorityKey>;

export const Quota = z.object({
  scope: z.literal('village'),
  /** Dana Desa of a village without a `village_fund` row for the year. */
  defaultVillageFund: Amount,
  /** Share of the village fund, by fund size: the first tier whose `maxFund` is not exceeded. */
  tiers: z.array(z.object({ maxFund: z.number().int().positive().nullable(), sharePercent: z.number().int().min(0).max(100) }).strict()).min(1),
  /** Ranked families within the quota are kept; ties broken by family id. */
  priority: z.array(PriorityKey),
  /** `{quota}` is replaced by the village's quota (number of families). */
  reason: z.string().min(1).max(300),
}).strict();
export type Quota = z.infer<typeof Quota>;

export const RuleDefinition = z.object({
  program: Code,
  version: z.string().regex(/^[0-9A-Za-z._-]{1,40}$/),
  name: z.string().min(1).max(120),
  shortName: z.string().min(1).max(40),
  effectiveFrom: IsoDate,
  effectiveTo: IsoDate.nullable(),
  sources: z.array(z.string().max(400)),
  tahapPerYear: z.number().int().min(1).max(12),
  /** Programs evaluated before this one (for `receives`). */
  dependsOn: z.array(Code),
  params: z.record(ParamName, ParamValue),
  conditions: z.array(Condition),
  benefit: Benefit,
  recipient: Recipient.nullable(),
  quota: Quota.nullable(),
}).strict();
export type RuleDefinition = z.infer<typeof RuleDefinition>;
