/**
 * Time-based one-time passwords (RFC 6238) over HOTP (RFC 4226), with RFC 4648
 * base32 secrets, compatible with Google Authenticator, Aegis, Microsoft
 * Authenticator etc. (SHA-1, 6 digits, 30-second steps).
 *
 * Store TOTP secrets encrypted (FieldCipher) and remember the last accepted
 * step per user: a code is valid for a whole step, so without that a code seen
 * over someone's shoulder could be replayed within the window.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BASE32_LOOKUP = new Map([...BASE32_ALPHABET].map((ch, i) => [ch, i] as const));

/**
 * RFC 4648 base32 encoding without padding (what otpauth URIs expect).
 *
 * @example
 * base32Encode(Buffer.from('foobar')); // 'MZXW6YTBOI'
 */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/**
 * RFC 4648 base32 decoding; case-insensitive, ignores spaces, hyphens and `=`
 * padding (users retype secrets in groups). Throws on any other character.
 *
 * @example
 * base32Decode('mzxw 6ytb oi======').toString(); // 'foobar'
 */
export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=-]/g, '').toUpperCase();
  const out = Buffer.alloc(Math.floor((clean.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let index = 0;
  for (const ch of clean) {
    const value = BASE32_LOOKUP.get(ch);
    if (value === undefined) throw new TypeError('secret is not valid base32 (A–Z, 2–7)');
    buffer = ((buffer << 5) | value) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      out[index++] = (buffer >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  return out;
}

/**
 * Generates a random 160-bit TOTP secret (the length RFC 4226 recommends),
 * base32-encoded: 32 characters.
 *
 * @example
 * const secret = generateTotpSecret(); // 'JBSWY3DPEHPK3PXP…'
 */
export function generateTotpSecret(bytes = 20): string {
  if (!Number.isInteger(bytes) || bytes < 16 || bytes > 64) throw new RangeError('TOTP secret must be 16–64 bytes');
  return base32Encode(randomBytes(bytes));
}

/**
 * Builds the `otpauth://` URI that authenticator apps read from a QR code.
 *
 * @example
 * totpUri({ secret, account: 'operator.cibinong@bogorkab.go.id', issuer: 'Tepat' });
 * // 'otpauth://totp/Tepat:operator.cibinong%40bogorkab.go.id?secret=…&issuer=Tepat&algorithm=SHA1&digits=6&period=30'
 */
export function totpUri(input: { secret: string; account: string; issuer?: string }): string {
  const issuer = input.issuer ?? 'Tepat';
  const secret = base32Encode(base32Decode(input.secret)); // canonical form, validates
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(input.account)}`;
  const query = new URLSearchParams({ secret, issuer, algorithm: 'SHA1', digits: '6', period: '30' });
  return `otpauth://totp/${label}?${query.toString()}`;
}

export type TotpAlgorithm = 'sha1' | 'sha256' | 'sha512';

export interface TotpOptions {
  /** Current time: a Date or milliseconds since the epoch. Default: now. */
  now?: Date | number;
  /** Step length in seconds. Default 30. */
  period?: number;
  /** Code length. Default 6. */
  digits?: number;
  /** HMAC hash. Default `'sha1'` (what authenticator apps use). */
  algorithm?: TotpAlgorithm;
}

function secretBytes(secret: string | Uint8Array): Uint8Array {
  return typeof secret === 'string' ? base32Decode(secret) : secret;
}

function hotp(key: Uint8Array, counter: number, digits: number, algorithm: TotpAlgorithm): string {
  const message = Buffer.alloc(8);
  message.writeUInt32BE(Math.floor(counter / 0x1_0000_0000), 0);
  message.writeUInt32BE(counter >>> 0, 4);
  const mac = createHmac(algorithm, key).update(message).digest();
  // RFC 4226 §5.3 dynamic truncation.
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(binary).padStart(digits, '0');
}

function timeStep(now: Date | number | undefined, period: number): number {
  const ms = now === undefined ? Date.now() : typeof now === 'number' ? now : now.getTime();
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError('TOTP time must be a non-negative finite time');
  return Math.floor(ms / 1000 / period);
}

function settings(options: TotpOptions): { period: number; digits: number; algorithm: TotpAlgorithm } {
  const period = options.period ?? 30;
  const digits = options.digits ?? 6;
  if (!Number.isInteger(period) || period < 1) throw new RangeError('TOTP period must be a positive integer');
  if (!Number.isInteger(digits) || digits < 6 || digits > 10) throw new RangeError('TOTP digits must be 6–10');
  return { period, digits, algorithm: options.algorithm ?? 'sha1' };
}

/**
 * Computes the TOTP code for a secret at a time (for tests, enrolment checks).
 *
 * @example
 * generateTotp(secret); // '492039'
 * generateTotp(Buffer.from('12345678901234567890'), { now: 59_000, digits: 8 }); // '94287082' (RFC 6238)
 */
export function generateTotp(secret: string | Uint8Array, options: TotpOptions = {}): string {
  const { period, digits, algorithm } = settings(options);
  return hotp(secretBytes(secret), timeStep(options.now, period), digits, algorithm);
}

export type TotpVerification =
  | { ok: true; step: number }
  | { ok: false; reason: 'invalid_format' | 'mismatch' | 'replay' };

/**
 * Verifies a code, allowing `window` steps of clock drift either side (default 1,
 * i.e. ±30 s). On success returns the matched time step: store it and pass it
 * back as `lastUsedStep` next time so the same (or an older) code is refused as
 * `replay`. Every step in the window is checked with a constant-time comparison.
 *
 * @example
 * const result = verifyTotp(secret, '492039', { lastUsedStep: user.totpLastStep });
 * if (result.ok) await users.setTotpLastStep(user.id, result.step);
 */
export function verifyTotp(
  secret: string | Uint8Array,
  code: string,
  options: TotpOptions & { window?: number; lastUsedStep?: number | null } = {},
): TotpVerification {
  const { period, digits, algorithm } = settings(options);
  const window = options.window ?? 1;
  if (!Number.isInteger(window) || window < 0 || window > 10) throw new RangeError('TOTP window must be 0–10');
  const typed = typeof code === 'string' ? code.replace(/\s/g, '') : '';
  if (typed.length !== digits || !/^\d+$/.test(typed)) return { ok: false, reason: 'invalid_format' };

  const key = secretBytes(secret);
  const current = timeStep(options.now, period);
  const given = Buffer.from(typed, 'ascii');
  let matched: number | undefined;
  for (let step = current - window; step <= current + window; step++) {
    if (step < 0) continue;
    const expected = Buffer.from(hotp(key, step, digits, algorithm), 'ascii');
    // No early exit: timing does not reveal which step (if any) matched. On the
    // rare double match keep the later step, the safer one for replay checks.
    if (timingSafeEqual(expected, given)) matched = step;
  }
  if (matched === undefined) return { ok: false, reason: 'mismatch' };
  const last = options.lastUsedStep;
  if (last !== undefined && last !== null && matched <= last) return { ok: false, reason: 'replay' };
  return { ok: true, step: matched };
}
