import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createChallengeIssuer, leadingZeroBits, solveChallenge } from './challenge.js';
import { clientKey, createDefence, DEFAULT_DEFENCE } from './defence.js';

const sign = (p: string) => createHmac('sha256', 'k').update(p).digest().subarray(0, 16);
const T0 = 1_760_000_000_000;

describe('proof-of-work challenge', () => {
  const issuer = () => createChallengeIssuer(sign, { difficulty: 8, waitSeconds: 15, ttlSeconds: 600 });

  it('accepts a solution once, refuses wrong, forged and expired tokens', () => {
    const i = issuer();
    const c = i.issue(T0);
    const s = solveChallenge(c.token, 8);
    expect(i.verify(c.token, String(Number(s) + 1) === s ? 'x' : 'nope', T0)).toEqual({ ok: false, reason: 'wrong_solution' });
    expect(i.verify(c.token, s, T0 + 1000)).toEqual({ ok: true, lane: 'work' });
    expect(i.verify(c.token, s, T0 + 2000)).toEqual({ ok: false, reason: 'replayed' });
    const [body] = c.token.split('.');
    expect(i.verify(`${body}.${Buffer.alloc(16).toString('base64url')}`, s, T0)).toEqual({ ok: false, reason: 'bad_signature' });
    const late = i.issue(T0);
    expect(i.verify(late.token, solveChallenge(late.token, 8), T0 + 601_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('lets a browser without JavaScript through after the wait, not before', () => {
    const i = issuer();
    const c = i.issue(T0);
    expect(i.verify(c.token, undefined, T0 + 5000)).toEqual({ ok: false, reason: 'too_early' });
    expect(i.verify(c.token, '', T0 + 15_000)).toEqual({ ok: true, lane: 'wait' });
  });

  it('counts leading zero bits', () => {
    expect(leadingZeroBits(Uint8Array.from([0, 0, 0x1f]))).toBe(19);
    expect(leadingZeroBits(Uint8Array.from([0x80]))).toBe(0);
  });
});

describe('bot defence', () => {
  const defence = (over = {}) => createDefence({ ...DEFAULT_DEFENCE, ...over }, createChallengeIssuer(sign, { difficulty: 4, waitSeconds: 15, ttlSeconds: 600 }));

  it('challenges a client over its soft limit, refuses it over the hard cap, and leaves others alone', () => {
    const d = defence({ softPerClient: { capacity: 3, refillPerSecond: 0 }, hardPerClient: { capacity: 6, refillPerSecond: 0 } });
    const kinds = Array.from({ length: 8 }, () => (d.admitClient('a', T0) ? d.admit({ client: 'a' }, T0).kind : 'refused'));
    expect(kinds).toEqual(['allow', 'allow', 'allow', 'challenge', 'challenge', 'challenge', 'refused', 'refused']);
    expect(d.admitClient('b', T0)).toBe(true);
    expect(d.admit({ client: 'b' }, T0).kind).toBe('allow');
    expect(d.needsChallenge('a', T0)).toBe(true);
    expect(d.needsChallenge('b', T0)).toBe(false);
  });

  it('lets a solved challenge past the soft limit but never past the per-NIK limit', () => {
    const d = defence({ softPerClient: { capacity: 0, refillPerSecond: 0 }, perNik: { capacity: 1, refillPerSecond: 0 } });
    const first = d.admit({ client: 'a', nikKey: 'n1' }, T0);
    expect(first.kind).toBe('challenge');
    const c = first.kind === 'challenge' ? first.challenge : undefined!;
    expect(d.admit({ client: 'a', nikKey: 'n1', challenge: { token: c.token, solution: solveChallenge(c.token, c.difficulty) } }, T0).kind).toBe('allow');
    const again = d.issue(T0);
    expect(d.admit({ client: 'a', nikKey: 'n1', challenge: { token: again.token, solution: solveChallenge(again.token, again.difficulty) } }, T0))
      .toMatchObject({ kind: 'deny', scope: 'nik' });
  });

  it('switches challenge mode on for everyone when many clients exceed their limits, and off after the cool-down', () => {
    const changes: boolean[] = [];
    const d = defence({ softPerClient: { capacity: 1, refillPerSecond: 0 }, abuseClients: 5, coolDownMinutes: 10 });
    d.onModeChange = (on) => changes.push(on);
    for (let i = 0; i < 5; i++) { d.admit({ client: `bot${i}` }, T0); d.admit({ client: `bot${i}` }, T0); }
    expect(d.isChallengeMode(T0)).toBe(true);
    expect(d.admit({ client: 'citizen' }, T0).kind).toBe('challenge');
    expect(d.isChallengeMode(T0 + 11 * 60_000)).toBe(false);
    expect(changes).toEqual([true, false]);
  });

  it('holds refusals over the hard cap in a bounded tarpit', async () => {
    const d = defence({ tarpitMs: 50, maxTarpitted: 2 });
    const t0 = performance.now();
    const held = [d.tarpit(), d.tarpit()];
    await d.tarpit(); // the third is not held: the tarpit is full
    expect(performance.now() - t0).toBeLessThan(40);
    await Promise.all(held);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(45);
  });

  it('keys IPv6 clients by their /64', () => {
    expect(clientKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('::ffff:10.0.0.7')).toBe('10.0.0.7');
    expect(clientKey('203.0.113.9')).toBe('203.0.113.9');
  });
});
