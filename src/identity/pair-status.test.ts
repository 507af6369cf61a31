import { describe, expect, it } from 'vitest';
import { automaticStatus } from './pair-status.js';

describe('automaticStatus', () => {
  it('accepts a pair the clustering put in one group, whatever its own decision', () => {
    expect(automaticStatus({ decision: 'link', sameCluster: true, cannotLink: false })).toEqual({ status: 'accepted', heldReason: null });
    expect(automaticStatus({ decision: 'review', sameCluster: true, cannotLink: false })).toEqual({ status: 'accepted', heldReason: null });
  });

  it('leaves review pairs pending without a reason', () => {
    expect(automaticStatus({ decision: 'review', sameCluster: false, cannotLink: false })).toEqual({ status: 'pending', heldReason: null });
  });

  it('holds back a link the group contradicts, saying why', () => {
    const held = automaticStatus({ decision: 'link', sameCluster: false, cannotLink: false });
    expect(held.status).toBe('pending');
    expect(held.heldReason).toMatch(/bertentangan/);
    const family = automaticStatus({ decision: 'link', sameCluster: true, cannotLink: true });
    expect(family.status).toBe('pending');
    expect(family.heldReason).toMatch(/kembar/);
  });
});
