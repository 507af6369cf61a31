/**
 * Small tools for calling a service that is sometimes slow, overloaded or down:
 * backoff with jitter, a circuit breaker, a concurrency limit and a TTL cache.
 * No I/O and no timers: time is passed in, so every behaviour is unit-testable.
 */

/**
 * "Full jitter" exponential backoff (AWS Architecture Blog, 2015): a uniform delay in
 * [0, min(cap, base·2^attempt)], so clients that failed together do not retry together.
 * @example backoffDelay(2, { baseMs: 100, capMs: 2000 }) // somewhere in 0–400 ms
 */
export function backoffDelay(attempt: number, opts: { baseMs: number; capMs: number }, random: () => number = Math.random): number {
  const ceiling = Math.min(opts.capMs, opts.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerOptions {
  /** Outcomes remembered (rolling window). */
  readonly window: number;
  /** Calls needed in the window before the ratio is judged. */
  readonly minCalls: number;
  /** Open when at least this share of the window failed. */
  readonly failureRatio: number;
  /** First open period; doubles on each failed probe, up to maxOpenMs. */
  readonly openMs: number;
  readonly maxOpenMs: number;
}

export const DEFAULT_BREAKER: BreakerOptions = { window: 20, minCalls: 5, failureRatio: 0.5, openMs: 2000, maxOpenMs: 30_000 };

/**
 * Stops calling a registry that is down, so a batch of a million does not wait out a
 * million timeouts, and lets one probe through after a pause to see if it is back.
 * @example
 * if (!breaker.allow(Date.now())) return unavailable('circuit_open');
 * try { await call(); breaker.success(Date.now()); } catch { breaker.failure(Date.now()); }
 */
export class CircuitBreaker {
  #state: BreakerState = 'closed';
  #outcomes: boolean[] = [];
  #openedAt = 0;
  #openFor: number;
  #probing = false;
  /** How many times it has opened, for figures and tests. */
  opened = 0;

  constructor(readonly opts: BreakerOptions = DEFAULT_BREAKER) {
    this.#openFor = opts.openMs;
  }

  state(now: number): BreakerState {
    if (this.#state === 'open' && now - this.#openedAt >= this.#openFor) return 'half_open';
    return this.#state;
  }

  /** Whether a call may go out now. In half-open state one probe at a time passes. */
  allow(now: number): boolean {
    const s = this.state(now);
    if (s === 'closed') return true;
    if (s === 'open') return false;
    if (this.#probing) return false;
    this.#state = 'half_open';
    this.#probing = true;
    return true;
  }

  /** Milliseconds until a probe may pass (0 when closed or half-open). */
  retryInMs(now: number): number {
    return this.#state === 'open' ? Math.max(0, this.#openFor - (now - this.#openedAt)) : 0;
  }

  success(_now: number): void {
    if (this.#state === 'half_open') {
      this.#state = 'closed';
      this.#outcomes = [];
      this.#openFor = this.opts.openMs;
      this.#probing = false;
    }
    this.#record(true);
  }

  failure(now: number): void {
    if (this.#state === 'half_open') {
      this.#probing = false;
      this.#openFor = Math.min(this.opts.maxOpenMs, this.#openFor * 2);
      this.#trip(now);
      return;
    }
    this.#record(false);
    if (this.#state === 'closed' && this.#outcomes.length >= this.opts.minCalls) {
      const failed = this.#outcomes.filter((ok) => !ok).length;
      if (failed / this.#outcomes.length >= this.opts.failureRatio) this.#trip(now);
    }
  }

  /** A call that neither proves health nor failure (e.g. 429: alive but busy). */
  neutral(): void {
    if (this.#state === 'half_open') this.#probing = false;
  }

  #record(ok: boolean): void {
    this.#outcomes.push(ok);
    if (this.#outcomes.length > this.opts.window) this.#outcomes.shift();
  }

  #trip(now: number): void {
    this.#state = 'open';
    this.#openedAt = now;
    this.#outcomes = [];
    this.opened++;
  }
}

/**
 * At most `limit` holders at once; others queue in arrival order.
 * @example const release = await sem.acquire(); try { await work(); } finally { release(); }
 */
export class Semaphore {
  #active = 0;
  #queue: Array<() => void> = [];
  /** Highest number of holders seen at once. */
  peak = 0;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('Semaphore limit must be a positive integer');
  }

  get active(): number {
    return this.#active;
  }

  async acquire(): Promise<() => void> {
    if (this.#active >= this.limit) await new Promise<void>((resolve) => this.#queue.push(resolve));
    else this.#active++;
    this.peak = Math.max(this.peak, this.#active);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#queue.shift();
      if (next) next(); // the slot passes straight to the next waiter
      else this.#active--;
    };
  }
}

/**
 * A bounded map whose entries expire; the oldest entry goes first when full.
 * @example const cache = new TtlCache<string, Result>(600_000, 100_000);
 */
export class TtlCache<K, V> {
  #map = new Map<K, { value: V; expiresAt: number }>();
  hits = 0;
  misses = 0;

  constructor(readonly ttlMs: number, readonly maxEntries: number) {}

  get size(): number {
    return this.#map.size;
  }

  get(key: K, now: number): V | undefined {
    const e = this.#map.get(key);
    if (!e || e.expiresAt <= now) {
      if (e) this.#map.delete(key);
      this.misses++;
      return undefined;
    }
    this.hits++;
    return e.value;
  }

  set(key: K, value: V, now: number): void {
    if (this.ttlMs <= 0 || this.maxEntries <= 0) return;
    this.#map.delete(key);
    if (this.#map.size >= this.maxEntries) this.#map.delete(this.#map.keys().next().value as K);
    this.#map.set(key, { value, expiresAt: now + this.ttlMs });
  }

  clear(): void {
    this.#map.clear();
  }
}
