/**
 * In-memory token buckets keyed by client (IP, account, looked-up NIK…). Bounded in
 * size: the least recently touched keys are dropped first, so a flood of distinct keys
 * cannot exhaust memory. One process; a cluster would move this to the database.
 */
export interface RateLimiter {
  /** Takes one token; false when the key is over its rate. */
  take(key: string, now?: number): boolean;
  /** Whether the key has a token left, without taking it. */
  has(key: string, now?: number): boolean;
}

export function createRateLimiter(opts: { capacity: number; refillPerSecond: number; maxKeys?: number }): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const maxKeys = opts.maxKeys ?? 100_000;
  const level = (key: string, now: number): number => {
    const b = buckets.get(key);
    return b ? Math.min(opts.capacity, b.tokens + ((now - b.at) / 1000) * opts.refillPerSecond) : opts.capacity;
  };
  return {
    has(key, now = Date.now()) {
      return level(key, now) >= 1;
    },
    take(key, now = Date.now()) {
      let b = buckets.get(key);
      if (b) {
        buckets.delete(key);
        b.tokens = Math.min(opts.capacity, b.tokens + ((now - b.at) / 1000) * opts.refillPerSecond);
        b.at = now;
      } else {
        b = { tokens: opts.capacity, at: now };
        if (buckets.size >= maxKeys) buckets.delete(buckets.keys().next().value as string);
      }
      buckets.set(key, b);
      if (b.tokens < 1) return false;
      b.tokens -= 1;
      return true;
    },
  };
}
