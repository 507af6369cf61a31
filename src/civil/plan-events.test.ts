import { describe, expect, it } from 'vitest';
import { planEvent, type EventContext, type MatchedFamily, type MatchedMember } from './plan-events.js';
import type { CivilEvent } from './types.js';

const base = { seq: 1, occurredOn: '2025-07-10', publishedAt: '' };
const NIK_A = '3201014201900001';
const NIK_B = '3201010101900002';
const KK = '3201011501200001';
const NEW_KK = '3201010107259501';

function member(id: number, over: Partial<MatchedMember> = {}): MatchedMember {
  return {
    id, regencyCode: '32.01', villageCode: '32.01.01.2001', familyId: 10, presenceStatus: 'tinggal', fullName: 'Siti Aminah',
    birthDate: '1990-01-02', familyKkBidx: `bidx:${KK}`, ...over,
  };
}

function context(members: Record<string, MatchedMember[]>, families: Record<string, MatchedFamily[]> = {}): EventContext {
  return { membersByNik: (n) => members[n] ?? [], familiesByKk: (k) => families[k] ?? [], kkBidx: (k) => `bidx:${k}` };
}

describe('planEvent', () => {
  it('death: marks living records deceased, skips the already deceased and strangers', () => {
    const e: CivilEvent = { ...base, eventId: 'd', type: 'death', nik: NIK_A };
    const p = planEvent(e, context({ [NIK_A]: [member(1), member(2, { presenceStatus: 'meninggal' })] }));
    expect(p).toMatchObject({ outcome: 'applied', reason: 'marked_deceased', memberIds: [1, 2], villageCode: '32.01.01.2001' });
    expect(p.deaths.map((m) => m.id)).toEqual([1]);
    expect(planEvent(e, context({ [NIK_A]: [member(2, { presenceStatus: 'meninggal' })] })).reason).toBe('already_deceased');
    expect(planEvent(e, context({}))).toMatchObject({ outcome: 'skipped', reason: 'not_in_registry', villageCode: null });
  });

  it('move: one proposal per family, nothing when already in the new village', () => {
    const e: CivilEvent = { ...base, eventId: 'm', type: 'move', kk: KK, niks: [NIK_A, NIK_B], toVillageCode: '32.01.02.2001', newKk: NEW_KK };
    const p = planEvent(e, context({ [NIK_A]: [member(1)], [NIK_B]: [member(2)] }));
    expect(p.outcome).toBe('applied');
    expect(p.proposals).toHaveLength(1);
    expect(p.proposals[0]).toMatchObject({ kind: 'move', familyId: 10, memberId: null, proposedKk: NEW_KK, details: { toVillageCode: '32.01.02.2001', memberIds: [1, 2] } });
    expect(p.deaths).toHaveLength(0);
    const there = planEvent(e, context({ [NIK_A]: [member(1, { villageCode: '32.01.02.2001' })] }));
    expect(there.reason).toBe('already_there');
  });

  it('KK change: proposes the new card unless the member is already on it', () => {
    const e: CivilEvent = { ...base, eventId: 'k', type: 'kk_change', nik: NIK_A, oldKk: KK, newKk: NEW_KK, reason: 'pisah_kk' };
    const target: MatchedFamily = { id: 77, regencyCode: '32.01', villageCode: '32.01.01.2001', withoutNik: [] };
    const p = planEvent(e, context({ [NIK_A]: [member(1)] }, { [NEW_KK]: [target] }));
    expect(p.proposals[0]).toMatchObject({ kind: 'kk_change', memberId: 1, details: { targetFamilyId: 77 } });
    expect(planEvent(e, context({ [NIK_A]: [member(1, { familyKkBidx: `bidx:${NEW_KK}` })] })).reason).toBe('already_on_card');
  });

  it('correction: proposes only a real difference, and always asks for a re-check', () => {
    const e: CivilEvent = { ...base, eventId: 'c', type: 'correction', nik: NIK_A, field: 'name', value: 'SITI  AMINAH' };
    const same = planEvent(e, context({ [NIK_A]: [member(1)] }));
    expect(same).toMatchObject({ outcome: 'skipped', reason: 'already_correct' });
    expect(same.recheck.map((m) => m.id)).toEqual([1]);
    const p = planEvent({ ...e, value: 'Siti Aminah Nasution' }, context({ [NIK_A]: [member(1)] }));
    expect(p.proposals[0]).toMatchObject({ kind: 'correction', details: { field: 'name', from: 'Siti Aminah', to: 'Siti Aminah Nasution' } });
  });

  it('birth: proposes the child for the family, pointing at a NIK-less record of the same child', () => {
    const e: CivilEvent = { ...base, eventId: 'b', type: 'birth', nik: '3201015006250001', kk: KK, name: 'Naura Azzahra', sex: 'P', birthDate: '2025-06-10', villageCode: '32.01.01.2001' };
    const fam: MatchedFamily = { id: 10, regencyCode: '32.01', villageCode: '32.01.01.2001', withoutNik: [{ id: 5, fullName: 'Naura Azzahra', birthDate: '2025-06-10' }] };
    const p = planEvent(e, context({}, { [KK]: [fam] }));
    expect(p.proposals[0]).toMatchObject({ kind: 'birth', familyId: 10, memberId: 5, proposedNik: e.nik, details: { existingMemberId: 5 } });
    expect(planEvent(e, context({}, {})).reason).toBe('family_not_in_registry');
    expect(planEvent(e, context({ [e.nik]: [member(9)] }, { [KK]: [fam] })).reason).toBe('already_registered');
  });
});
