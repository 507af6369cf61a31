/**
 * Writing scored pairs (`identity_pair`), set-based: a batch is one upsert statement over
 * arrays. Storing the same result again changes nothing;
 * a new score updates the pair; a decision made by an officer is never overwritten by the
 * engine (only automatic decisions, `decided_by` starting with `auto:`, are revised).
 */
import type { PairExplanation } from '../dedup/index.js';
import type { Tx } from '../platform/db.js';
import { AUTO_DECIDER } from './pair-status.js';

export interface PersonRef {
  readonly memberId: number;
  readonly regencyCode: string;
  readonly villageCode: string;
}

export interface NewPair {
  /** a < b by (member id, regency). */
  readonly a: PersonRef;
  readonly b: PersonRef;
  readonly modelId: number;
  readonly explanation: PairExplanation;
  readonly status: 'pending' | 'accepted';
  readonly heldReason: string | null;
}

export interface PairWriteCounts {
  inserted: number;
  updated: number;
  /** Pairs accepted automatically by this write (new or revised). */
  autoAccepted: number;
}

const STAGE = `(select * from unnest($3::text[], $4::bigint[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::bigint[],
    $10::real[], $11::float8[], $12::text[], $13::boolean[], $14::text[], $15::text[], $16::text[])
    as s(regency_code, member_a, village_a, member_b, regency_b, village_b, model_id, weight, probability, decision, cannot_link,
         explanation, held_reason, status))`;

// An officer's decision stands; the engine's own (or none yet) follows the new score.
const IS_AUTO = `(identity_pair.decided_by is null or identity_pair.decided_by like '${AUTO_DECIDER}%')`;

const UPSERT = `with written as (
  insert into identity_pair (regency_code, member_a, village_a, member_b, regency_b, village_b, model_id, weight, probability,
    decision, cannot_link, explanation, held_reason, status, decided_by, decided_at, found_by)
  select regency_code, member_a, village_a, member_b, regency_b, village_b, model_id, weight, probability, decision, cannot_link,
    explanation::jsonb, held_reason, status, case when status = 'accepted' then $1 end, case when status = 'accepted' then now() end, $2
    from ${STAGE} s
  on conflict (member_a, regency_code, member_b, regency_b) do update set
    model_id = excluded.model_id, weight = excluded.weight, probability = excluded.probability, decision = excluded.decision,
    cannot_link = excluded.cannot_link, explanation = excluded.explanation, held_reason = excluded.held_reason,
    status = case when ${IS_AUTO} then excluded.status else identity_pair.status end,
    decided_by = case when not ${IS_AUTO} then identity_pair.decided_by
                      when excluded.status = identity_pair.status then identity_pair.decided_by
                      else excluded.decided_by end,
    decided_at = case when not ${IS_AUTO} then identity_pair.decided_at
                      when excluded.status = identity_pair.status then identity_pair.decided_at
                      else excluded.decided_at end,
    updated_at = now()
  where identity_pair.model_id is distinct from excluded.model_id
     or identity_pair.weight is distinct from excluded.weight
     or identity_pair.decision is distinct from excluded.decision
     or identity_pair.held_reason is distinct from excluded.held_reason
     or identity_pair.explanation is distinct from excluded.explanation
     or (${IS_AUTO} and identity_pair.status is distinct from excluded.status)
  returning (xmax = 0) as inserted, status, decided_by)
select count(*) filter (where inserted)::int as inserted, count(*) filter (where not inserted)::int as updated,
       count(*) filter (where status = 'accepted' and decided_by = $1)::int as auto_accepted
  from written`;

/**
 * Upserts scored pairs. `decider` names the automatic decision (e.g. `auto:job#12`),
 * `foundBy` what found new pairs (`job#12`, `check`).
 */
export async function writePairs(tx: Tx, pairs: readonly NewPair[], decider: string, foundBy: string): Promise<PairWriteCounts> {
  if (pairs.length === 0) return { inserted: 0, updated: 0, autoAccepted: 0 };
  if (!decider.startsWith(AUTO_DECIDER)) throw new Error(`automatic decider must start with ${AUTO_DECIDER}`);
  const col = <T>(f: (p: NewPair) => T): T[] => pairs.map(f);
  const params: unknown[] = [
    decider, foundBy,
    col((p) => p.a.regencyCode), col((p) => p.a.memberId), col((p) => p.a.villageCode), col((p) => p.b.memberId), col((p) => p.b.regencyCode),
    col((p) => p.b.villageCode), col((p) => p.modelId), col((p) => p.explanation.weight), col((p) => p.explanation.probability),
    col((p) => p.explanation.decision), col((p) => p.explanation.cannotLink), col((p) => JSON.stringify(p.explanation)),
    col((p) => p.heldReason), col((p) => p.status),
  ];
  const r = (await tx.raw.query<{ inserted: number; updated: number; auto_accepted: number }>(UPSERT, params)).rows[0]!;
  return { inserted: r.inserted, updated: r.updated, autoAccepted: r.auto_accepted };
}
