import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, generateTotp, generateTotpSecret, totpUri, verifyTotp } from './totp.js';

const SEED_SHA1 = Buffer.from('12345678901234567890');
const SEED_SHA256 = Buffer.from('12345678901234567890123456789012');
const SEED_SHA512 = Buffer.from('1234567890123456789012345678901234567890123456789012345678901234');

describe('base32 (RFC 4648 §10 vectors)', () => {
  const vectors: [string, string][] = [
    ['', ''],
    ['f', 'MY'],
    ['fo', 'MZXQ'],
    ['foo', 'MZXW6'],
    ['foob', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI'],
  ];
  it.each(vectors)('%j <-> %s', (plain, encoded) => {
    expect(base32Encode(Buffer.from(plain))).toBe(encoded);
    expect(base32Decode(encoded).toString()).toBe(plain);
  });

  it('decodes padded, lower-case, grouped input and rejects other characters', () => {
    expect(base32Decode('mzxw 6ytb-oi======').toString()).toBe('foobar');
    expect(() => base32Decode('MZXW1')).toThrow(TypeError);
    expect(() => base32Decode('MZXW0')).toThrow(TypeError);
  });

  it('round-trips random bytes', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff));
      expect(base32Decode(base32Encode(bytes)).equals(bytes)).toBe(true);
    }
  });
});

describe('generateTotp', () => {
  // RFC 6238 Appendix B.
  const rfc6238: [number, string, string, string][] = [
    [59, '94287082', '46119246', '90693936'],
    [1111111109, '07081804', '68084774', '25091201'],
    [1111111111, '14050471', '67062674', '99943326'],
    [1234567890, '89005924', '91819424', '93441116'],
    [2000000000, '69279037', '90698825', '38618901'],
    [20000000000, '65353130', '77737706', '47863826'],
  ];
  it.each(rfc6238)('RFC 6238 vector at T=%i s', (seconds, sha1, sha256, sha512) => {
    const now = seconds * 1000;
    expect(generateTotp(SEED_SHA1, { now, digits: 8 })).toBe(sha1);
    expect(generateTotp(SEED_SHA256, { now, digits: 8, algorithm: 'sha256' })).toBe(sha256);
    expect(generateTotp(SEED_SHA512, { now, digits: 8, algorithm: 'sha512' })).toBe(sha512);
  });

  it('matches the RFC 4226 HOTP vectors (counter = step)', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    expect(expected.map((_, counter) => generateTotp(SEED_SHA1, { now: counter * 30_000 }))).toEqual(expected);
  });

  it('accepts the secret as base32 text', () => {
    const secret = base32Encode(SEED_SHA1);
    expect(secret).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(generateTotp(secret, { now: new Date(59_000), digits: 8 })).toBe('94287082');
  });
});

describe('verifyTotp', () => {
  const secret = base32Encode(SEED_SHA1);
  const now = 1_111_111_111_000; // step 37037037
  const step = Math.floor(now / 30_000);
  const at = (s: number) => generateTotp(secret, { now: s * 30_000 });

  it('accepts the current code and returns its step', () => {
    expect(verifyTotp(secret, '050471', { now })).toEqual({ ok: true, step });
    expect(verifyTotp(secret, '050 471', { now })).toEqual({ ok: true, step });
  });

  it('allows one step of drift either side by default, not two', () => {
    expect(verifyTotp(secret, at(step - 1), { now })).toEqual({ ok: true, step: step - 1 });
    expect(verifyTotp(secret, at(step + 1), { now })).toEqual({ ok: true, step: step + 1 });
    expect(verifyTotp(secret, at(step - 2), { now })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyTotp(secret, at(step + 2), { now })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyTotp(secret, at(step - 1), { now, window: 0 })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyTotp(secret, at(step - 2), { now, window: 2 })).toEqual({ ok: true, step: step - 2 });
  });

  it('refuses a replay of the same or an older step', () => {
    const first = verifyTotp(secret, at(step), { now });
    expect(first.ok).toBe(true);
    const lastUsedStep = first.ok ? first.step : -1;
    expect(verifyTotp(secret, at(step), { now, lastUsedStep })).toEqual({ ok: false, reason: 'replay' });
    expect(verifyTotp(secret, at(step - 1), { now, lastUsedStep })).toEqual({ ok: false, reason: 'replay' });
    expect(verifyTotp(secret, at(step + 1), { now, lastUsedStep })).toEqual({ ok: true, step: step + 1 });
  });

  it('rejects malformed codes and wrong secrets', () => {
    expect(verifyTotp(secret, '05047', { now })).toEqual({ ok: false, reason: 'invalid_format' });
    expect(verifyTotp(secret, '0504711', { now })).toEqual({ ok: false, reason: 'invalid_format' });
    expect(verifyTotp(secret, '05o471', { now })).toEqual({ ok: false, reason: 'invalid_format' });
    expect(verifyTotp(secret, '', { now })).toEqual({ ok: false, reason: 'invalid_format' });
    expect(verifyTotp(generateTotpSecret(), '050471', { now }).ok).toBe(false);
  });
});

describe('generateTotpSecret / totpUri', () => {
  it('generates 160-bit base32 secrets', () => {
    const a = generateTotpSecret();
    expect(a).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(a)).toHaveLength(20);
    expect(generateTotpSecret()).not.toBe(a);
  });

  it('builds an otpauth URI with an encoded label', () => {
    const uri = totpUri({ secret: 'gezd gnbv gy3t qojq gezd gnbv gy3t qojq', account: 'operator.cibinong@bogorkab.go.id', issuer: 'Tepat' });
    expect(uri).toBe(
      'otpauth://totp/Tepat:operator.cibinong%40bogorkab.go.id?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Tepat&algorithm=SHA1&digits=6&period=30',
    );
    const parsed = new URL(uri);
    expect(parsed.protocol).toBe('otpauth:');
    expect(totpUri({ secret: 'GEZDGNBV', account: 'a:b c' })).toContain('otpauth://totp/Tepat:a%3Ab%20c?');
  });
});
