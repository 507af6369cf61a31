/**
 * One family's eligibility, for `GET /api/v1/families/:id/eligibility`: the stored
 * decision of the latest cycle for every program, and a live evaluation of the rules
 * in force on today's registry data with every condition explained (the quota of BLT
 * Dana Desa needs the whole village, so only the stored decision applies it).
 */
import type { Tx } from '../platform/db.js';
import { currentRanking } from './evaluate-sql.js';
import { BPS14_CRITERIA, criteriaQuery } from './pmt/features.js';
import { decideFamilies, decisionSummary } from './rules/decide.js';
import type { DecisionStatus, EvaluationResult, FamilyFacts, PriorDecision } from './rules/facts.js';
import { fromComponentColumns, type ComponentColumns, type ComponentItem } from './rules/interpret.js';
import type { Rule } from './rules/resolve.js';

export interface StoredDecision {
  cycle: string;
  ruleVersion: string;
  result: string;
  status: string;
  amountPerTahap: number;
  amountPerYear: number;
  tahapPerYear: number;
  reasons: string[];
  summary: string;
  components: ComponentItem[] | null;
  recipientMemberId: number | null;
  inputHash: string;
  decidedAt: string;
}

export interface ProgramEligibility {
  program: string;
  name: string;
  shortName: string;
  decision: StoredDecision | null;
  evaluation: {
    ruleVersion: string;
    result: string;
    status: DecisionStatus;
    amountPerTahap: number;
    amountPerYear: number;
    tahapPerYear: number;
    reasons: string[];
    summary: string;
    components: Array<ComponentItem & { label: string }>;
    recipientMemberId: number | null;
    conditions: Array<{ id: string; passed: boolean | null; failReason: string }>;
    note: string | null;
  };
}

export interface FamilyEligibility {
  familyId: number;
  villageCode: string;
  cycle: string;
  ranking: { rankingId: number; method: string; referenceDate: string; desil: number | null; bps14Count: number | null; bps14Criteria: string[] } | null;
  programs: ProgramEligibility[];
}

interface FamilyRow { id: number; regency_code: string; village_code: string; programs_received: string[]; desil: number | null; pmt_score: number | null; bps14_count: number | null }
interface MemberRow {
  id: number; presence_status: string; birth_date: string | null; sex: string; relationship: string; is_pregnant: boolean; education_level: string | null;
  school_participation: string | null; severe_disability: boolean; disabilities: string[]; occupation: string | null; work_status: string | null;
  health_insurance: string | null; chronic_illness: string | null;
}

/** The facts the rules read, for one family visible to the transaction's actor. */
export async function findFamilyFacts(tx: Tx, familyId: number, rankingId: number | null): Promise<FamilyFacts | undefined> {
  const f = (await tx.raw.query<FamilyRow>(
    `select f.id, f.regency_code, f.village_code, f.programs_received, r.desil, r.pmt_score, r.bps14_count
     from family f left join welfare_rank r on r.ranking_id = $2 and r.regency_code = f.regency_code and r.family_id = f.id
     where f.id = $1`, [familyId, rankingId ?? -1])).rows[0];
  if (!f) return undefined;
  const members = (await tx.raw.query<MemberRow>(
    `select id, presence_status, birth_date, sex, relationship, is_pregnant, education_level, school_participation, severe_disability,
       disabilities, occupation, work_status, health_insurance, chronic_illness
     from member where family_id = $1 and regency_code = $2 order by id`, [familyId, f.regency_code])).rows;
  return {
    familyId: Number(f.id), regencyCode: f.regency_code, villageCode: f.village_code,
    desil: f.desil === null ? null : Number(f.desil), pmtScore: f.pmt_score === null ? null : Number(f.pmt_score),
    bps14Count: f.bps14_count === null ? null : Number(f.bps14_count), programsReceived: f.programs_received,
    members: members.map((m) => ({
      memberId: Number(m.id), presenceStatus: m.presence_status, birthDate: m.birth_date, sex: m.sex, relationship: m.relationship,
      isPregnant: m.is_pregnant, educationLevel: m.education_level, schoolParticipation: m.school_participation,
      severeDisability: m.severe_disability, disabilities: m.disabilities, occupation: m.occupation, workStatus: m.work_status,
      healthInsurance: m.health_insurance, chronicIllness: m.chronic_illness,
    })),
  };
}

interface DecisionRow {
  program: string; cycle: string; rule_version: string; result: EvaluationResult; status: DecisionStatus; amount_per_tahap: number; amount_per_year: number;
  tahap_per_year: number; reasons: string[]; components: ComponentColumns | null; recipient_member_id: number | null; input_hash: Uint8Array; decided_at: Date;
}

/**
 * @example const view = await getFamilyEligibility(tx, 42, { rules, cycle: '2025-07' });
 */
export async function getFamilyEligibility(tx: Tx, familyId: number, opts: { rules: readonly Rule[]; cycle: string; refDate: string }): Promise<FamilyEligibility | undefined> {
  const ranking = await currentRanking(tx);
  const facts = await findFamilyFacts(tx, familyId, ranking?.id ?? null);
  if (!facts) return undefined;
  const programs = opts.rules.map((r) => r.program);
  const rows = (await tx.raw.query<DecisionRow>(
    `select program, cycle, rule_version, result, status, amount_per_tahap, amount_per_year, tahap_per_year, reasons, components,
       recipient_member_id, input_hash, decided_at
     from eligibility_decision where regency_code = $2 and family_id = $1 and program = any($3::text[])
     order by program, cycle desc`, [familyId, facts.regencyCode, programs])).rows;
  const latest = new Map<string, DecisionRow>();
  const prior = new Map<string, PriorDecision>();
  for (const r of rows) {
    if (!latest.has(r.program)) latest.set(r.program, r);
    if (r.cycle < opts.cycle && !prior.has(r.program)) {
      prior.set(r.program, { cycle: r.cycle, status: r.status, amountPerTahap: Number(r.amount_per_tahap), amountPerYear: Number(r.amount_per_year) });
    }
  }
  const decisions = decideFamilies(opts.rules, [facts], {
    refDate: opts.refDate, prior: (_, p) => prior.get(p), villageFund: () => undefined, applyQuota: false,
  });

  let criteria: string[] = [];
  if (ranking) {
    const c = (await tx.raw.query<Record<string, boolean>>(
      `${criteriaQuery('select * from family where id = $1', ranking.referenceDate)}`, [familyId])).rows[0];
    criteria = BPS14_CRITERIA.filter((k) => c?.[k.id] === true).map((k) => k.label);
  }

  return {
    familyId, villageCode: facts.villageCode, cycle: opts.cycle,
    ranking: ranking ? {
      rankingId: ranking.id, method: ranking.method, referenceDate: ranking.referenceDate,
      desil: facts.desil, bps14Count: facts.bps14Count, bps14Criteria: criteria,
    } : null,
    programs: opts.rules.map((rule) => {
      const d = decisions.find((x) => x.program === rule.program)!;
      const stored = latest.get(rule.program);
      const labels = rule.benefit.kind === 'components' ? new Map(rule.benefit.components.map((c) => [c.id, c.label])) : new Map<string, string>();
      return {
        program: rule.program, name: rule.name, shortName: rule.shortName,
        decision: stored ? {
          cycle: stored.cycle, ruleVersion: stored.rule_version, result: stored.result, status: stored.status,
          amountPerTahap: Number(stored.amount_per_tahap), amountPerYear: Number(stored.amount_per_year), tahapPerYear: Number(stored.tahap_per_year),
          reasons: stored.reasons, summary: decisionSummary(rule, stored), components: fromComponentColumns(stored.components),
          recipientMemberId: stored.recipient_member_id === null ? null : Number(stored.recipient_member_id),
          inputHash: Buffer.from(stored.input_hash).toString('hex'), decidedAt: new Date(stored.decided_at).toISOString(),
        } : null,
        evaluation: {
          ruleVersion: rule.version, result: d.result, status: d.status, amountPerTahap: d.amountPerTahap, amountPerYear: d.amountPerYear,
          tahapPerYear: rule.tahapPerYear, reasons: d.reasons, summary: decisionSummary(rule, d),
          components: d.evaluation.candidates.map((c) => ({ ...c, label: labels.get(c.component) ?? c.component })),
          recipientMemberId: d.recipientMemberId,
          conditions: d.evaluation.conditions,
          note: rule.quota && d.result === 'layak' ? 'Kuota desa diterapkan saat penetapan bulk (lihat keputusan tersimpan).' : null,
        },
      };
    }),
  };
}
