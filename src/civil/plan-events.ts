/**
 * What a vital event means for the registry: a pure decision over the event and the
 * registry rows it concerns. A death marks members deceased and opens a review; a move,
 * a KK change, a correction or a birth opens a proposal that changes nothing until a
 * person accepts it. Events about nobody in the registry, or already reflected, are
 * skipped with a reason, and recorded all the same.
 */
import { normalizeName } from './matching.js';
import type { CaseDraft, MemberRef } from './store.js';
import type { CivilEvent } from './types.js';

export interface MatchedMember extends MemberRef {
  readonly presenceStatus: string;
  readonly fullName: string;
  readonly birthDate: string | null;
  /** Blind index (hex) of the No. KK of the member's family. */
  readonly familyKkBidx: string;
}

export interface MatchedFamily {
  readonly id: number;
  readonly regencyCode: string;
  readonly villageCode: string;
  /** Members of the family without a NIK (newborns not yet registered). */
  readonly withoutNik: ReadonlyArray<{ id: number; fullName: string; birthDate: string | null }>;
}

export interface EventContext {
  membersByNik(nik: string): readonly MatchedMember[];
  familiesByKk(kk: string): readonly MatchedFamily[];
  /** Blind index (hex) of a No. KK, to compare with `familyKkBidx`. */
  kkBidx(kk: string): string;
}

export type SkipReason = 'not_in_registry' | 'already_deceased' | 'already_there' | 'already_on_card' | 'already_correct' | 'already_registered' | 'family_not_in_registry';
export type ApplyReason = 'marked_deceased' | 'proposal_opened';

export interface EventPlan {
  readonly outcome: 'applied' | 'skipped';
  readonly reason: ApplyReason | SkipReason;
  readonly regencyCode: string | null;
  readonly villageCode: string | null;
  readonly memberIds: readonly number[];
  readonly familyId: number | null;
  /** Members to mark deceased (with a review case each). */
  readonly deaths: readonly MemberRef[];
  readonly proposals: readonly CaseDraft[];
  /** Members whose civil record changed: their verification is stale. */
  readonly recheck: readonly MemberRef[];
}

function plan(p: Partial<EventPlan> & Pick<EventPlan, 'outcome' | 'reason'>, where?: { regencyCode: string; villageCode: string; familyId?: number | null }): EventPlan {
  return {
    regencyCode: where?.regencyCode ?? null, villageCode: where?.villageCode ?? null, familyId: where?.familyId ?? null,
    memberIds: [], deaths: [], proposals: [], recheck: [], ...p,
  };
}

function skip(reason: SkipReason, members: readonly MatchedMember[] = [], recheck: readonly MemberRef[] = []): EventPlan {
  return plan({ outcome: 'skipped', reason, memberIds: members.map((m) => m.id), recheck }, members[0]);
}

/**
 * @example planEvent({ type: 'death', nik, … }, ctx) // { outcome: 'applied', reason: 'marked_deceased', deaths: [member] }
 */
export function planEvent(e: CivilEvent, ctx: EventContext): EventPlan {
  switch (e.type) {
    case 'death': {
      const members = ctx.membersByNik(e.nik);
      if (members.length === 0) return skip('not_in_registry');
      // A NIK recorded twice (KPK 2021: 1.06 million duplicated NIKs) marks every record; the review sorts them out.
      const alive = members.filter((m) => m.presenceStatus !== 'meninggal');
      if (alive.length === 0) return skip('already_deceased', members, members);
      return plan({ outcome: 'applied', reason: 'marked_deceased', memberIds: members.map((m) => m.id), deaths: alive, recheck: members }, alive[0]);
    }
    case 'move': {
      const members = e.niks.flatMap((n) => ctx.membersByNik(n));
      if (members.length === 0) return skip('not_in_registry');
      const byFamily = new Map<string, MatchedMember[]>();
      for (const m of members) {
        const key = `${m.familyId}:${m.regencyCode}`;
        byFamily.set(key, [...(byFamily.get(key) ?? []), m]);
      }
      const proposals: CaseDraft[] = [];
      for (const group of byFamily.values()) {
        const first = group[0]!;
        if (first.villageCode === e.toVillageCode) continue;
        proposals.push({
          kind: 'move', regencyCode: first.regencyCode, villageCode: first.villageCode, familyId: first.familyId,
          memberId: group.length === 1 ? first.id : null,
          details: { fromVillageCode: first.villageCode, toVillageCode: e.toVillageCode, memberIds: group.map((m) => m.id), occurredOn: e.occurredOn },
          proposedKk: e.newKk,
        });
      }
      if (proposals.length === 0) return skip('already_there', members, members);
      return plan({ outcome: 'applied', reason: 'proposal_opened', memberIds: members.map((m) => m.id), proposals, recheck: members }, { ...members[0]!, familyId: members[0]!.familyId });
    }
    case 'kk_change': {
      const members = ctx.membersByNik(e.nik);
      if (members.length === 0) return skip('not_in_registry');
      const target = ctx.kkBidx(e.newKk);
      const targetFamily = ctx.familiesByKk(e.newKk)[0];
      const proposals: CaseDraft[] = members.filter((m) => m.familyKkBidx !== target).map((m) => ({
        kind: 'kk_change', regencyCode: m.regencyCode, villageCode: m.villageCode, familyId: m.familyId, memberId: m.id,
        details: { reason: e.reason, targetFamilyId: targetFamily?.id ?? null, occurredOn: e.occurredOn },
        proposedKk: e.newKk,
      }));
      if (proposals.length === 0) return skip('already_on_card', members, members);
      return plan({ outcome: 'applied', reason: 'proposal_opened', memberIds: members.map((m) => m.id), proposals, recheck: members }, members[0]);
    }
    case 'correction': {
      const members = ctx.membersByNik(e.nik);
      if (members.length === 0) return skip('not_in_registry');
      const differs = (m: MatchedMember) => e.field === 'name' ? normalizeName(m.fullName) !== normalizeName(e.value) : m.birthDate !== e.value;
      const proposals: CaseDraft[] = members.filter(differs).map((m) => ({
        kind: 'correction', regencyCode: m.regencyCode, villageCode: m.villageCode, familyId: m.familyId, memberId: m.id,
        details: { field: e.field, from: e.field === 'name' ? m.fullName : m.birthDate, to: e.value, occurredOn: e.occurredOn },
      }));
      // Even when Tepat already holds the corrected value, the earlier verification answered a different record.
      if (proposals.length === 0) return skip('already_correct', members, members);
      return plan({ outcome: 'applied', reason: 'proposal_opened', memberIds: members.map((m) => m.id), proposals, recheck: members }, members[0]);
    }
    case 'birth': {
      const existing = ctx.membersByNik(e.nik);
      if (existing.length > 0) return skip('already_registered', existing);
      const families = ctx.familiesByKk(e.kk);
      if (families.length === 0) return skip('family_not_in_registry');
      const proposals: CaseDraft[] = families.map((f) => {
        // A child already on the family's list without a NIK is most likely this one: propose adding the NIK.
        const same = f.withoutNik.find((m) => m.birthDate === e.birthDate && normalizeName(m.fullName) === normalizeName(e.name))
          ?? f.withoutNik.find((m) => m.birthDate === e.birthDate);
        return {
          kind: 'birth', regencyCode: f.regencyCode, villageCode: f.villageCode, familyId: f.id, memberId: same?.id ?? null,
          details: { name: e.name, sex: e.sex, birthDate: e.birthDate, existingMemberId: same?.id ?? null, occurredOn: e.occurredOn },
          proposedNik: e.nik,
        };
      });
      const f = families[0]!;
      return plan({ outcome: 'applied', reason: 'proposal_opened', proposals }, { regencyCode: f.regencyCode, villageCode: f.villageCode, familyId: f.id });
    }
  }
}
