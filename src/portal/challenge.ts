/**
 * Self-hosted proof-of-work challenge. The server signs a random nonce with an expiry;
 * the browser (public/pow.js) finds a number whose SHA-256 with the token has
 * `difficulty` leading zero bits. Without JavaScript a token is also accepted once its
 * `waitSeconds` have passed (the "wait lane"): a person filling in the form needs that
 * long anyway, a bot pays with time. Tokens are single use.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export type Sign = (payload: string) => Buffer;

export interface ChallengeOptions {
  /** Leading zero bits of SHA-256 required (16 ≈ 65,000 hashes: about a second in a cheap phone's browser). */
  readonly difficulty: number;
  /** Seconds after which the token is accepted without a solution (no-JS fallback); 0 disables the lane. */
  readonly waitSeconds: number;
  /** Lifetime of a token. */
  readonly ttlSeconds: number;
}

export interface IssuedChallenge {
  readonly token: string;
  readonly difficulty: number;
  readonly algorithm: 'sha256-leading-zero-bits';
  readonly expiresAt: string;
  readonly waitSeconds: number;
}

interface TokenPayload {
  n: string;
  iat: number;
  nbf: number;
  exp: number;
  d: number;
}

export type VerifyResult =
  | { ok: true; lane: 'work' | 'wait' }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' | 'replayed' | 'too_early' | 'wrong_solution' };

/** Leading zero bits of a digest. */
export function leadingZeroBits(digest: Uint8Array): number {
  let bits = 0;
  for (const byte of digest) {
    if (byte === 0) { bits += 8; continue; }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

/** Whether `solution` solves `token` at `difficulty`. */
export function isSolution(token: string, solution: string, difficulty: number): boolean {
  return leadingZeroBits(createHash('sha256').update(`${token}:${solution}`).digest()) >= difficulty;
}

/**
 * Finds a solution by brute force (tests, benchmarks and API-client examples).
 * @example const solution = solveChallenge(token, 12);
 */
export function solveChallenge(token: string, difficulty: number): string {
  for (let i = 0; ; i++) if (isSolution(token, String(i), difficulty)) return String(i);
}

export interface ChallengeIssuer {
  issue(now?: number): IssuedChallenge;
  verify(token: string, solution: string | undefined, now?: number): VerifyResult;
}

/**
 * @example
 * const issuer = createChallengeIssuer((p) => keyring.index.compute('portal.challenge', p), { difficulty: 16, waitSeconds: 15, ttlSeconds: 600 });
 */
export function createChallengeIssuer(sign: Sign, opts: ChallengeOptions, maxRemembered = 200_000): ChallengeIssuer {
  // Used nonces until their expiry; oldest first (insertion order = expiry order).
  const used = new Map<string, number>();
  const forget = (now: number) => {
    for (const [nonce, exp] of used) {
      if (exp > now && used.size < maxRemembered) break;
      used.delete(nonce);
    }
  };
  return {
    issue(now = Date.now()) {
      const iat = Math.floor(now / 1000);
      const payload: TokenPayload = { n: randomBytes(12).toString('base64url'), iat, nbf: iat + opts.waitSeconds, exp: iat + opts.ttlSeconds, d: opts.difficulty };
      const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
      return {
        token: `${body}.${sign(body).toString('base64url')}`,
        difficulty: opts.difficulty,
        algorithm: 'sha256-leading-zero-bits',
        expiresAt: new Date(payload.exp * 1000).toISOString(),
        waitSeconds: opts.waitSeconds,
      };
    },
    verify(token, solution, now = Date.now()) {
      const [body, mac] = token.split('.');
      if (!body || !mac || token.length > 400) return { ok: false, reason: 'malformed' };
      const expected = sign(body);
      const given = Buffer.from(mac, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
      let p: TokenPayload;
      try {
        p = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenPayload;
      } catch {
        return { ok: false, reason: 'malformed' };
      }
      const t = Math.floor(now / 1000);
      if (t > p.exp) return { ok: false, reason: 'expired' };
      if (used.has(p.n)) return { ok: false, reason: 'replayed' };
      let lane: 'work' | 'wait';
      if (solution !== undefined && solution !== '') {
        if (solution.length > 24 || !isSolution(token, solution, p.d)) return { ok: false, reason: 'wrong_solution' };
        lane = 'work';
      } else {
        if (opts.waitSeconds <= 0 || t < p.nbf) return { ok: false, reason: 'too_early' };
        lane = 'wait';
      }
      forget(now / 1000);
      used.set(p.n, p.exp);
      return { ok: true, lane };
    },
  };
}
