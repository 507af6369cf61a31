/**
 * Bot defence of the public portal, without outside services. Per request:
 *
 * 1. a hard per-client cap on every portal request (`admitClient`, called before the
 *    body is even parsed): over it, the answer is a cheap 429, sent after a delay
 *    (tarpit) so that a flooding client slows itself down and costs others almost nothing;
 * 2. a valid solved challenge lets a request past the soft limits below (the token is
 *    single use);
 * 3. in challenge mode (switched on automatically when many clients exceed their soft
 *    limits, or configured `always`) every request needs a solved challenge;
 * 4. a soft per-client limit and a per-village limit (region + name lookups): over them,
 *    the client must solve a challenge rather than being refused, because many people
 *    share one address behind mobile carriers' NAT;
 * 5. a per-NIK limit on look-ups of the same NIK, whoever asks: over it, 429 — the same
 *    answer whether the NIK exists or not.
 *
 * Buckets live in memory (one process), bounded in size (src/platform/rate-limit.ts).
 */
import { isIP } from 'node:net';
import { createRateLimiter, type RateLimiter } from '../platform/rate-limit.js';
import type { ChallengeIssuer, IssuedChallenge } from './challenge.js';

export interface BucketOptions {
  readonly capacity: number;
  /** Tokens added per second. */
  readonly refillPerSecond: number;
}

export interface DefenceOptions {
  readonly hardPerClient: BucketOptions;
  readonly softPerClient: BucketOptions;
  readonly perVillage: BucketOptions;
  readonly perNik: BucketOptions;
  readonly mode: 'auto' | 'always' | 'off';
  /** Auto mode: distinct clients over their soft limit within a minute that switch challenge mode on. */
  readonly abuseClients: number;
  /** Auto mode: minutes challenge mode stays on after the last trigger. */
  readonly coolDownMinutes: number;
  /** Wait-lane (no-JS) passes accepted per minute in total, so the lane cannot be farmed at scale. */
  readonly waitLanePerMinute: number;
  /**
   * A client over the hard cap gets its 429 only after this delay (a tarpit): a flooder
   * waiting for answers is slowed to one request per connection per delay, at the cost
   * of a timer. 0 answers at once.
   */
  readonly tarpitMs: number;
  /** Most answers held in the tarpit at once; beyond it, refusals are immediate. */
  readonly maxTarpitted: number;
}

export const DEFAULT_DEFENCE: DefenceOptions = {
  hardPerClient: { capacity: 120, refillPerSecond: 2 },
  softPerClient: { capacity: 20, refillPerSecond: 20 / 60 },
  perVillage: { capacity: 300, refillPerSecond: 300 / 3600 },
  perNik: { capacity: 10, refillPerSecond: 10 / 3600 },
  mode: 'auto',
  abuseClients: 20,
  coolDownMinutes: 10,
  waitLanePerMinute: 300,
  tarpitMs: 1000,
  maxTarpitted: 10_000,
};

export interface AdmitRequest {
  readonly client: string;
  /** Hex of the NIK's blind index, for NIK look-ups and submissions naming a NIK. */
  readonly nikKey?: string | undefined;
  /** Village code, for region + name look-ups. */
  readonly villageKey?: string | undefined;
  readonly challenge?: { token: string; solution?: string | undefined } | undefined;
}

export type AdmitDecision =
  | { kind: 'allow' }
  | { kind: 'deny'; scope: 'nik'; retryAfterSeconds: number }
  | { kind: 'challenge'; challenge: IssuedChallenge; reason: 'mode' | 'client' | 'village' | 'invalid' };

export interface Defence {
  admit(req: AdmitRequest, now?: number): AdmitDecision;
  /** Whether a form page should carry a challenge up front for this client. */
  needsChallenge(client: string, now?: number): boolean;
  /** The hard per-client cap, for every request: false when the client is over it. */
  admitClient(client: string, now?: number): boolean;
  /** Seconds a client over the hard cap should wait. */
  readonly retryAfterSeconds: number;
  /** Resolves when a refusal over the hard cap may be sent (see `tarpitMs`). */
  tarpit(): Promise<void>;
  issue(now?: number): IssuedChallenge;
  isChallengeMode(now?: number): boolean;
  /** Called when challenge mode switches (for the audit trail). */
  onModeChange?: (on: boolean) => void;
}

/**
 * The key a client is limited by: an IPv4 address, or the /64 prefix of an IPv6
 * address (one subscriber line usually owns a whole /64).
 * @example clientKey('2001:db8:1:2:3:4:5:6') === '2001:db8:1:2::/64'
 * @example clientKey('::ffff:10.0.0.7') === '10.0.0.7'
 */
export function clientKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (isIP(ip) !== 6) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

export function createDefence(opts: DefenceOptions, issuer: ChallengeIssuer): Defence {
  const bucket = (b: BucketOptions, maxKeys?: number): RateLimiter => createRateLimiter({ capacity: b.capacity, refillPerSecond: b.refillPerSecond, maxKeys });
  const hard = bucket(opts.hardPerClient);
  const soft = bucket(opts.softPerClient);
  const village = bucket(opts.perVillage);
  const nik = bucket(opts.perNik, 500_000);
  const waitLane = createRateLimiter({ capacity: opts.waitLanePerMinute, refillPerSecond: opts.waitLanePerMinute / 60 });
  // Clients over their soft limit in the last minute, by last time seen.
  const offenders = new Map<string, number>();
  // Challenge mode for everyone until this time (auto mode).
  let modeUntil = 0;
  let tarpitted = 0;
  let modeOn = false;

  const defence: Defence = {
    isChallengeMode(now = Date.now()) {
      if (opts.mode === 'always') return true;
      if (opts.mode === 'off') return false;
      const on = now < modeUntil;
      if (on !== modeOn) { modeOn = on; defence.onModeChange?.(on); }
      return on;
    },
    needsChallenge(client, now = Date.now()) {
      if (opts.mode === 'off') return false;
      return defence.isChallengeMode(now) || (offenders.get(client) ?? 0) > now - 60_000;
    },
    admitClient(client, now = Date.now()) {
      return hard.take(client, now);
    },
    retryAfterSeconds: Math.max(1, Math.ceil(1 / opts.hardPerClient.refillPerSecond)),
    tarpit() {
      if (opts.tarpitMs <= 0 || tarpitted >= opts.maxTarpitted) return Promise.resolve();
      tarpitted++;
      return new Promise((resolve) => setTimeout(() => { tarpitted--; resolve(); }, opts.tarpitMs));
    },
    issue(now) {
      return issuer.issue(now);
    },
    admit(req, now = Date.now()) {
      let solved = false;
      if (req.challenge && opts.mode !== 'off') {
        const v = issuer.verify(req.challenge.token, req.challenge.solution, now);
        if (!v.ok) return { kind: 'challenge', challenge: issuer.issue(now), reason: 'invalid' };
        solved = v.lane === 'work' || waitLane.take('all', now);
      }
      if (!solved) {
        if (defence.isChallengeMode(now)) return { kind: 'challenge', challenge: issuer.issue(now), reason: 'mode' };
        if (opts.mode !== 'off') {
          if (!soft.take(req.client, now)) {
            noteOffender(req.client, now);
            return { kind: 'challenge', challenge: issuer.issue(now), reason: 'client' };
          }
          if (req.villageKey && !village.take(req.villageKey, now)) {
            return { kind: 'challenge', challenge: issuer.issue(now), reason: 'village' };
          }
        }
      }
      if (req.nikKey && !nik.take(req.nikKey, now)) {
        return { kind: 'deny', scope: 'nik', retryAfterSeconds: Math.ceil(1 / opts.perNik.refillPerSecond) };
      }
      return { kind: 'allow' };
    },
  };

  function noteOffender(client: string, now: number): void {
    offenders.delete(client);
    offenders.set(client, now);
    for (const [c, at] of offenders) {
      if (at > now - 60_000 && offenders.size <= 100_000) break;
      offenders.delete(c);
    }
    if (opts.mode === 'auto' && offenders.size >= opts.abuseClients) {
      modeUntil = now + opts.coolDownMinutes * 60_000;
      defence.isChallengeMode(now);
    }
  }

  return defence;
}
