import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limit.js';

describe('rate limiter', () => {
  it('allows a burst up to capacity, refills over time, and keeps keys apart', () => {
    const l = createRateLimiter({ capacity: 3, refillPerSecond: 1 });
    const t0 = 1_000_000;
    expect([l.take('a', t0), l.take('a', t0), l.take('a', t0), l.take('a', t0)]).toEqual([true, true, true, false]);
    expect(l.take('b', t0)).toBe(true);
    expect(l.take('a', t0 + 999)).toBe(false);
    expect(l.take('a', t0 + 2000)).toBe(true);
  });

  it('answers whether a key has a token without taking one', () => {
    const l = createRateLimiter({ capacity: 2, refillPerSecond: 1 });
    expect([l.has('a', 0), l.has('a', 0), l.has('a', 0)]).toEqual([true, true, true]);
    l.take('a', 0);
    l.take('a', 0);
    expect(l.has('a', 0)).toBe(false);
    expect(l.has('a', 1000)).toBe(true);
  });

  it('forgets the oldest keys instead of growing without bound', () => {
    const l = createRateLimiter({ capacity: 1, refillPerSecond: 0, maxKeys: 2 });
    expect(l.take('a', 0)).toBe(true);
    expect(l.take('a', 0)).toBe(false);
    l.take('b', 0);
    l.take('c', 0); // evicts 'a'
    expect(l.take('a', 0)).toBe(true);
  });
});
