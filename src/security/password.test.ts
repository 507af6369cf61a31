import { describe, expect, it } from 'vitest';
import { COMMON_PASSWORDS } from './common-passwords.js';
import {
  DEFAULT_ARGON2_PARAMS,
  checkPasswordPolicy,
  hashPassword,
  passwordNeedsRehash,
  verifyPassword,
  type Argon2Params,
  type PasswordViolationCode,
} from './password.js';

// Cheap parameters keep the suite fast; one test exercises the defaults.
const FAST: Argon2Params = { memoryKiB: 64, iterations: 1, parallelism: 1, hashLength: 32, saltLength: 16 };

describe('hashPassword / verifyPassword', () => {
  it('verifies the argon2id reference vector (phc-winner-argon2 test.c)', async () => {
    const reference = '$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc';
    expect(await verifyPassword('password', reference)).toBe(true);
    expect(await verifyPassword('Password', reference)).toBe(false);
  });

  it('produces an OWASP-parameter PHC string by default that verifies', async () => {
    const encoded = await hashPassword('Gunung-Salak-di-Bogor');
    expect(encoded).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await verifyPassword('Gunung-Salak-di-Bogor', encoded)).toBe(true);
    expect(await verifyPassword('Gunung-Salak-di-Bogor ', encoded)).toBe(false);
    expect(passwordNeedsRehash(encoded)).toBe(false);
  });

  it('salts every hash', async () => {
    const a = await hashPassword('kopi tubruk di Sleman', FAST);
    const b = await hashPassword('kopi tubruk di Sleman', FAST);
    expect(a).not.toBe(b);
    expect(await verifyPassword('kopi tubruk di Sleman', a)).toBe(true);
    expect(await verifyPassword('kopi tubruk di Sleman', b)).toBe(true);
  });

  it('rejects a modified hash or salt', async () => {
    const encoded = await hashPassword('kopi tubruk di Sleman', FAST);
    const parts = encoded.split('$');
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    const badHash = [...parts.slice(0, 5), flip(parts[5]!)].join('$');
    const badSalt = [...parts.slice(0, 4), flip(parts[4]!), parts[5]].join('$');
    expect(await verifyPassword('kopi tubruk di Sleman', badHash)).toBe(false);
    expect(await verifyPassword('kopi tubruk di Sleman', badSalt)).toBe(false);
  });

  it('normalises Unicode (NFKC) so the same password typed on another device verifies', async () => {
    const composed = 'Kafé-di-Ubud-2024';
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    const encoded = await hashPassword(composed, FAST);
    expect(await verifyPassword(decomposed, encoded)).toBe(true);
  });

  it('returns false for an unknown account after doing the same work', async () => {
    const start = performance.now();
    expect(await verifyPassword('anything at all', undefined)).toBe(false);
    expect(await verifyPassword('anything at all', null)).toBe(false);
    // Two default-cost argon2id runs: clearly not a shortcut.
    expect(performance.now() - start).toBeGreaterThan(20);
  });

  it('throws on a malformed stored hash or absurd parameters instead of silently failing', async () => {
    await expect(verifyPassword('x', 'not-a-hash')).rejects.toThrow(/argon2id/);
    await expect(verifyPassword('x', '$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc')).rejects.toThrow();
    await expect(
      verifyPassword('x', '$argon2id$v=19$m=4194304,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc'),
    ).rejects.toThrow();
  });

  it('refuses to hash empty or absurdly long input and never verifies it', async () => {
    await expect(hashPassword('a'.repeat(2000), FAST)).rejects.toThrow(RangeError);
    await expect(hashPassword('', FAST)).rejects.toThrow(RangeError);
    const encoded = await hashPassword('kopi tubruk di Sleman', FAST);
    expect(await verifyPassword('a'.repeat(2000), encoded)).toBe(false);
    expect(await verifyPassword('', encoded)).toBe(false);
  });

  it('flags hashes made with other parameters for re-hashing', async () => {
    expect(passwordNeedsRehash(await hashPassword('kopi tubruk di Sleman', FAST))).toBe(true);
    expect(passwordNeedsRehash('garbage')).toBe(true);
    expect(passwordNeedsRehash(`$argon2id$v=19$m=19456,t=2,p=1$${'A'.repeat(22)}$${'A'.repeat(43)}`)).toBe(false);
    expect(DEFAULT_ARGON2_PARAMS).toMatchObject({ memoryKiB: 19456, iterations: 2, parallelism: 1 });
  });
});

function codes(password: string, username?: string): PasswordViolationCode[] {
  const result = checkPasswordPolicy(password, username === undefined ? {} : { username });
  return result.ok ? [] : result.violations.map((v) => v.code);
}

describe('checkPasswordPolicy', () => {
  it('accepts long, uncommon passphrases', () => {
    expect(checkPasswordPolicy('kopi tubruk di Sleman', { username: 'wawan' })).toEqual({ ok: true });
    expect(checkPasswordPolicy('Gunung-Salak-di-Bogor')).toEqual({ ok: true });
    expect(checkPasswordPolicy('Rumah_Gadang#7Bukittinggi')).toEqual({ ok: true });
    expect(checkPasswordPolicy('Kucing🐈Hitam tidur')).toEqual({ ok: true });
  });

  it('requires at least 10 characters, counted as code points', () => {
    expect(codes('Kd8#pQ2!x')).toEqual(['too_short']);
    expect(codes('Kd8#pQ2!xz')).toEqual([]);
    expect(codes('🐈🐕🐓🦆🐟🦜🐍🦎🐢')).toEqual(['too_short']); // 9 emoji, 18 UTF-16 units
    expect(codes('🐈🐕🐓🦆🐟🦜🐍🦎🐢🦀')).toEqual([]);
    expect(codes('')).toEqual(['too_short']);
  });

  it('caps the length', () => {
    const long = Array.from({ length: 129 }, (_, i) => 'kopiSusu7#'[i % 10]! + String.fromCharCode(97 + (i % 26))).join('').slice(0, 129);
    expect(codes(long)).toContain('too_long');
  });

  it.each([
    'Bismillah123!',
    'bismillah2024',
    'SAYANGKU2024',
    'Merdeka1945!',
    'jakarta12345',
    'Indonesia#1945',
    'rahasia123456',
    'P@ssw0rd!!',
    'B1sm1llah123',
    '4dm1n2024!',
    'Kemensos#2025',
    'dinsos12345',
    '2024persib!!',
    'akucintakamu',
    'Sayang-Ku-123',
  ])('refuses common password %s', (password) => {
    expect(codes(password)).toContain('common');
  });

  it('refuses passwords containing the username, including the e-mail local part', () => {
    expect(codes('WawanLuthfi-Bogor', 'wawan.luthfi')).toContain('contains_username');
    expect(codes('Kopi-budi-tubruk', 'budi@dinsos.go.id')).toContain('contains_username');
    expect(codes('kopi tubruk di Sleman', 'Sleman')).toContain('contains_username');
    // Very short usernames would reject too much.
    expect(codes('kopi tubruk di Sleman', 'di')).toEqual([]);
  });

  it('refuses repeated characters and short repeated patterns', () => {
    expect(codes('aaaaaaaaaaaa')).toEqual(['repeated']);
    expect(codes('############')).toEqual(['repeated']);
    expect(codes('121212121212')).toEqual(['repeated']);
    expect(codes('ababababababab')).toEqual(['repeated']);
  });

  it('refuses keyboard, alphabet and digit sequences', () => {
    expect(codes('zxcvbnmasdf')).toEqual(['sequence']);
    expect(codes('0987654321')).toContain('sequence');
    expect(codes('1qaz2wsx3edc')).toContain('sequence');
    expect(codes('abcdefghijk')).toContain('sequence');
    expect(codes('qwerty12345')).toContain('sequence');
    expect(codes('asdfghjkl;')).toContain('sequence');
    expect(codes('poiuytrewq')).toEqual(['sequence']);
    expect(codes('qwertyuiop')).toEqual(expect.arrayContaining(['sequence', 'common']));
  });

  it('gives every reason in Bahasa Indonesia', () => {
    const result = checkPasswordPolicy('rahasia', { username: 'rahasia' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.violations.map((v) => v.code)).toEqual(['too_short', 'common', 'contains_username']);
    for (const violation of result.violations) expect(violation.message).toMatch(/^Kata sandi /);
  });
});

describe('COMMON_PASSWORDS', () => {
  it('has a few hundred lower-case entries including the Indonesian favourites', () => {
    expect(COMMON_PASSWORDS.size).toBeGreaterThanOrEqual(300);
    for (const word of COMMON_PASSWORDS) expect(word).toBe(word.toLowerCase().trim());
    for (const word of ['rahasia', 'bismillah', 'sayangku', 'indonesia', 'merdeka', 'jakarta', '123456', 'password', 'qwerty', 'admin', 'kemensos', 'dinsos']) {
      expect(COMMON_PASSWORDS.has(word)).toBe(true);
    }
  });
});
