import { describe, expect, it } from 'vitest';
import { CircuitBreaker, Semaphore, TtlCache, backoffDelay } from './resilience.js';

describe('backoffDelay', () => {
  it('stays within [0, min(cap, base·2^attempt)] and grows with the attempt', () => {
    const o = { baseMs: 100, capMs: 1000 };
    expect(backoffDelay(0, o, () => 0.999)).toBe(99);
    expect(backoffDelay(2, o, () => 0.999)).toBe(399);
    expect(backoffDelay(10, o, () => 0.999)).toBe(999);
    expect(backoffDelay(3, o, () => 0)).toBe(0);
  });
});

describe('CircuitBreaker', () => {
  const opts = { window: 10, minCalls: 4, failureRatio: 0.5, openMs: 1000, maxOpenMs: 4000 };

  it('opens when half the window failed, then lets one probe through after the pause', () => {
    const b = new CircuitBreaker(opts);
    b.success(0);
    b.success(0);
    b.failure(0);
    expect(b.state(0)).toBe('closed');
    b.failure(0);
    expect(b.state(0)).toBe('open');
    expect(b.allow(500)).toBe(false);
    expect(b.retryInMs(500)).toBe(500);
    expect(b.allow(1000)).toBe(true); // the probe
    expect(b.allow(1000)).toBe(false); // only one at a time
    b.success(1001);
    expect(b.state(1001)).toBe('closed');
    expect(b.opened).toBe(1);
  });

  it('doubles the pause after a failed probe, up to the maximum', () => {
    const b = new CircuitBreaker(opts);
    for (let i = 0; i < 4; i++) b.failure(0);
    expect(b.allow(1000)).toBe(true);
    b.failure(1000);
    expect(b.allow(2999)).toBe(false);
    expect(b.allow(3000)).toBe(true);
    b.failure(3000);
    expect(b.allow(3000 + 3999)).toBe(false);
    expect(b.allow(3000 + 4000)).toBe(true);
  });

  it('does not count neutral answers (429) as failures', () => {
    const b = new CircuitBreaker(opts);
    for (let i = 0; i < 20; i++) b.neutral();
    b.success(0);
    expect(b.state(0)).toBe('closed');
  });

  it('rare failures among many successes keep it closed', () => {
    const b = new CircuitBreaker(opts);
    for (let i = 0; i < 200; i++) (i % 20 === 0 ? b.failure(i) : b.success(i));
    expect(b.opened).toBe(0);
  });
});

describe('Semaphore', () => {
  it('never lets more than the limit hold at once, and serves waiters in order', async () => {
    const sem = new Semaphore(2);
    const order: number[] = [];
    let holding = 0;
    let most = 0;
    await Promise.all(Array.from({ length: 8 }, async (_, i) => {
      const release = await sem.acquire();
      holding++;
      most = Math.max(most, holding);
      order.push(i);
      await new Promise((r) => setTimeout(r, 5));
      holding--;
      release();
      release(); // a second release is harmless
    }));
    expect(most).toBe(2);
    expect(sem.peak).toBe(2);
    expect(sem.active).toBe(0);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('TtlCache', () => {
  it('forgets entries after their time to live and the oldest when full', () => {
    const c = new TtlCache<string, number>(100, 2);
    c.set('a', 1, 0);
    c.set('b', 2, 10);
    expect(c.get('a', 50)).toBe(1);
    c.set('c', 3, 60); // evicts the oldest inserted: a
    expect(c.get('a', 60)).toBeUndefined();
    expect(c.get('b', 109)).toBe(2);
    expect(c.get('b', 110)).toBeUndefined();
    expect(c.hits).toBe(2);
    expect(c.misses).toBe(2);
  });
});
