import { createDecipheriv, createHmac, createSecretKey, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  BLIND_INDEX_BYTES,
  BlindIndex,
  CryptoError,
  FieldCipher,
  LocalKeyProvider,
  createDataKey,
  generateKey,
  parseKey,
} from './crypto.js';

const NIK = '3201011503900001';
const seqKey = (start: number) => Buffer.from(Array.from({ length: 32 }, (_, i) => (start + i) & 0xff));

function expectCryptoError(fn: () => unknown, code: CryptoError['code']): CryptoError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CryptoError);
    expect((error as CryptoError).code).toBe(code);
    return error as CryptoError;
  }
  throw new Error(`expected CryptoError ${code}`);
}

async function expectCryptoErrorAsync(promise: Promise<unknown>, code: CryptoError['code']): Promise<CryptoError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CryptoError);
  expect((error as CryptoError).code).toBe(code);
  return error as CryptoError;
}

describe('generateKey', () => {
  it('returns 32 random bytes', () => {
    const a = generateKey();
    const b = generateKey();
    expect(a).toHaveLength(32);
    expect(a.equals(b)).toBe(false);
  });
});

describe('parseKey', () => {
  const key = seqKey(1);

  it('accepts hex, base64 with and without padding, base64url and surrounding whitespace', () => {
    expect(parseKey(key.toString('hex')).equals(key)).toBe(true);
    expect(parseKey(key.toString('hex').toUpperCase()).equals(key)).toBe(true);
    expect(parseKey(key.toString('base64')).equals(key)).toBe(true);
    expect(parseKey(key.toString('base64').replace(/=+$/, '')).equals(key)).toBe(true);
    const urlKey = Buffer.alloc(32, 0xfb); // encodes with '-' and '_'
    expect(urlKey.toString('base64url')).toMatch(/[-_]/);
    expect(parseKey(urlKey.toString('base64url')).equals(urlKey)).toBe(true);
    expect(parseKey(`  ${key.toString('base64')}\n`).equals(key)).toBe(true);
  });

  it('rejects wrong lengths and junk with a message that names the setting but not the value', () => {
    const secretish = key.toString('hex').slice(0, 62);
    const error = expectCryptoError(() => parseKey(secretish, 'TEPAT_MASTER_KEY'), 'invalid_key');
    expect(error.message).toContain('TEPAT_MASTER_KEY');
    expect(error.message).not.toContain(secretish);
    expectCryptoError(() => parseKey(Buffer.alloc(31, 7).toString('base64')), 'invalid_key');
    expectCryptoError(() => parseKey(Buffer.alloc(33, 7).toString('base64')), 'invalid_key');
    expectCryptoError(() => parseKey(`${key.toString('base64').slice(0, 40)}!!!=`), 'invalid_key');
    expectCryptoError(() => parseKey(''), 'invalid_key');
  });

  it('rejects an all-zero placeholder key', () => {
    expectCryptoError(() => parseKey('0'.repeat(64)), 'invalid_key');
  });
});

describe('LocalKeyProvider', () => {
  const master = seqKey(100);

  it('wraps and unwraps a data key', async () => {
    const provider = new LocalKeyProvider(master);
    const dataKey = generateKey();
    const wrapped = await provider.wrapKey(dataKey);
    expect(wrapped).toHaveLength(61);
    expect(wrapped.includes(dataKey)).toBe(false);
    expect((await provider.unwrapKey(wrapped)).equals(dataKey)).toBe(true);
  });

  it('has a stable id derived from the master key that does not reveal it', () => {
    const a = new LocalKeyProvider(master);
    expect(a.id).toMatch(/^local:[0-9a-f]{16}$/);
    expect(new LocalKeyProvider(seqKey(100)).id).toBe(a.id);
    expect(new LocalKeyProvider(seqKey(101)).id).not.toBe(a.id);
    expect(master.toString('hex')).not.toContain(a.id.slice(6));
    expect(new LocalKeyProvider(master, { id: 'dev' }).id).toBe('dev');
  });

  it('refuses to unwrap with the wrong master key or after tampering', async () => {
    const wrapped = await new LocalKeyProvider(master).wrapKey(generateKey());
    await expectCryptoErrorAsync(new LocalKeyProvider(seqKey(7)).unwrapKey(wrapped), 'unwrap_failed');
    for (const index of [0, 5, 20, 60]) {
      const bad = Buffer.from(wrapped);
      bad[index]! ^= 0x01;
      await expectCryptoErrorAsync(new LocalKeyProvider(master).unwrapKey(bad), 'unwrap_failed');
    }
    await expectCryptoErrorAsync(new LocalKeyProvider(master).unwrapKey(wrapped.subarray(0, 60)), 'unwrap_failed');
  });

  it('rejects bad key sizes', async () => {
    expectCryptoError(() => new LocalKeyProvider(Buffer.alloc(16, 1)), 'invalid_key');
    await expectCryptoErrorAsync(new LocalKeyProvider(master).wrapKey(Buffer.alloc(16, 1)), 'invalid_key');
  });
});

describe('FieldCipher', () => {
  const k1 = seqKey(0);
  const k2 = seqKey(50);
  const cipher = new FieldCipher(
    [
      [1, k1],
      [2, k2],
    ],
    2,
  );

  it('round-trips ASCII, empty and multibyte values', () => {
    for (const value of [NIK, '', 'Jl. Merdeka No. 5, RT 003/RW 002', 'Ni Luh Putu Ayu Ṣāliḥ', 'Ñoño 李 👩‍👧']) {
      expect(cipher.decrypt(cipher.encrypt(value))).toBe(value);
    }
  });

  it('writes [version][key id BE][iv 12][tag 16][ciphertext]', () => {
    const c = new FieldCipher([[0x0102, k1]], 0x0102);
    const buf = c.encrypt('Ayu');
    expect(buf[0]).toBe(1);
    expect(buf[1]).toBe(0x01);
    expect(buf[2]).toBe(0x02);
    expect(buf).toHaveLength(31 + 3);
    expect(c.encrypt('é')).toHaveLength(31 + 2); // UTF-8 length, not UTF-16
    expect(c.keyIdOf(buf)).toBe(0x0102);
  });

  it('can be decrypted by a plain AES-256-GCM implementation of the documented format', () => {
    const buf = cipher.encrypt(NIK, 'person.nik');
    const d = createDecipheriv('aes-256-gcm', k2, buf.subarray(3, 15));
    d.setAAD(Buffer.concat([buf.subarray(0, 3), Buffer.from('person.nik')]));
    d.setAuthTag(buf.subarray(15, 31));
    expect(Buffer.concat([d.update(buf.subarray(31)), d.final()]).toString('utf8')).toBe(NIK);
  });

  it('decrypts a fixed test vector (format is stable across releases)', () => {
    const vector = Buffer.from(
      '010007000102030405060708090a0b79bf56a8034a27dfec5016062a43ffc47430e62af5d4f32ebd72aebb81d9485c',
      'hex',
    );
    const c = new FieldCipher([[7, seqKey(0)]], 7);
    expect(c.decrypt(vector, 'person.nik')).toBe(NIK);
    expectCryptoError(() => c.decrypt(vector), 'authentication_failed');
  });

  it('uses a fresh IV every time, across IV-pool refills', () => {
    const ivs = new Set<string>();
    const outputs = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const buf = cipher.encrypt(NIK);
      ivs.add(buf.subarray(3, 15).toString('hex'));
      outputs.add(buf.toString('hex'));
    }
    expect(ivs.size).toBe(10_000);
    expect(outputs.size).toBe(10_000);
  });

  it('accepts a plain Uint8Array view with a byte offset (as PGlite returns bytea)', () => {
    const buf = cipher.encrypt(NIK);
    const backing = new Uint8Array(buf.length + 10);
    backing.set(buf, 7);
    const view = backing.subarray(7, 7 + buf.length);
    expect(Buffer.isBuffer(view)).toBe(false);
    expect(cipher.keyIdOf(view)).toBe(2);
    expect(cipher.decrypt(view)).toBe(NIK);
  });

  it('keeps old ciphertexts readable after rotation and flags them for re-encryption', () => {
    const old = new FieldCipher([[1, k1]], 1).encrypt(NIK);
    expect(cipher.keyIdOf(old)).toBe(1);
    expect(cipher.needsReencryption(old)).toBe(true);
    expect(cipher.decrypt(old)).toBe(NIK);
    const fresh = cipher.encrypt(cipher.decrypt(old));
    expect(cipher.needsReencryption(fresh)).toBe(false);
  });

  it('detects tampering anywhere in the ciphertext', () => {
    const buf = cipher.encrypt(NIK);
    for (let index = 3; index < buf.length; index++) {
      const bad = Buffer.from(buf);
      bad[index]! ^= 0x80;
      expectCryptoError(() => cipher.decrypt(bad), 'authentication_failed');
    }
    const relabelled = Buffer.from(buf);
    relabelled[2] = 1; // claim key 1: header is authenticated, and key 1 is the wrong key
    expectCryptoError(() => cipher.decrypt(relabelled), 'authentication_failed');
  });

  it('reports version, length and unknown key problems distinctly', () => {
    const buf = cipher.encrypt(NIK);
    const v2 = Buffer.from(buf);
    v2[0] = 2;
    expectCryptoError(() => cipher.decrypt(v2), 'unsupported_version');
    expectCryptoError(() => cipher.decrypt(buf.subarray(0, 30)), 'malformed_ciphertext');
    expectCryptoError(() => cipher.decrypt(new Uint8Array(0)), 'malformed_ciphertext');
    const unknown = Buffer.from(buf);
    unknown[1] = 0x7f;
    const error = expectCryptoError(() => cipher.decrypt(unknown), 'unknown_key_id');
    expect(error.message).toContain(String(0x7f02));
  });

  it('fails with the wrong key under the same id, without leaking plaintext or key', () => {
    const other = new FieldCipher([[2, seqKey(51)]], 2);
    const error = expectCryptoError(() => other.decrypt(cipher.encrypt(NIK)), 'authentication_failed');
    expect(error.message).not.toContain(NIK);
    expect(error.message).not.toContain(k2.toString('hex'));
    expect(error.message).not.toContain(k2.toString('base64'));
  });

  it('binds the context: a NIK ciphertext cannot be read as a phone', () => {
    const buf = cipher.encrypt(NIK, 'person.nik');
    expect(cipher.decrypt(buf, 'person.nik')).toBe(NIK);
    expectCryptoError(() => cipher.decrypt(buf, 'person.phone'), 'authentication_failed');
    expectCryptoError(() => cipher.decrypt(buf), 'authentication_failed');
    expectCryptoError(() => cipher.decrypt(cipher.encrypt(NIK), 'person.nik'), 'authentication_failed');
  });

  it('validates its key set', () => {
    expectCryptoError(() => new FieldCipher([[1, k1]], 2), 'unknown_key_id');
    expectCryptoError(() => new FieldCipher([[70_000, k1]], 70_000), 'invalid_key');
    expectCryptoError(() => new FieldCipher([[-1, k1]], -1), 'invalid_key');
    expectCryptoError(() => new FieldCipher([[1, Buffer.alloc(16, 1)]], 1), 'invalid_key');
    expectCryptoError(
      () =>
        new FieldCipher(
          [
            [1, k1],
            [1, k2],
          ],
          1,
        ),
      'invalid_key',
    );
    const fromKeyObject = new FieldCipher([[3, createSecretKey(k1)]], 3);
    expect(fromKeyObject.decrypt(fromKeyObject.encrypt('x'))).toBe('x');
  });

  it('loads wrapped keys from a key provider', async () => {
    const provider = new LocalKeyProvider(seqKey(200));
    const a = await createDataKey(provider);
    const b = await createDataKey(provider);
    const loaded = await FieldCipher.fromWrappedKeys(
      provider,
      [
        { keyId: 1, wrappedKey: new Uint8Array(a.wrappedKey) },
        { keyId: 2, wrappedKey: b.wrappedKey },
      ],
      2,
    );
    const direct = new FieldCipher([[1, a.dataKey]], 1);
    expect(loaded.decrypt(direct.encrypt(NIK))).toBe(NIK);
    expect(loaded.keyIdOf(loaded.encrypt(NIK))).toBe(2);
    await expect(
      FieldCipher.fromWrappedKeys(new LocalKeyProvider(seqKey(201)), [{ keyId: 1, wrappedKey: a.wrappedKey }], 1),
    ).rejects.toMatchObject({ code: 'unwrap_failed' });
  });
});

describe('BlindIndex', () => {
  const key = Buffer.alloc(32, 0x42);
  const index = new BlindIndex(key);

  it('is deterministic and 16 bytes long', () => {
    const a = index.compute('nik', NIK);
    expect(a).toHaveLength(BLIND_INDEX_BYTES);
    expect(index.compute('nik', NIK).equals(a)).toBe(true);
    expect(new BlindIndex(Buffer.alloc(32, 0x42)).compute('nik', NIK).equals(a)).toBe(true);
    expect(index.compute('nik', '3201011503900002').equals(a)).toBe(false);
  });

  it('is HMAC-SHA256 under an HKDF subkey per purpose, truncated (fixed vector)', () => {
    const subkey = hkdfSync('sha256', key, Buffer.alloc(0), 'tepat/blind-index/v1/nik', 32);
    const expected = createHmac('sha256', Buffer.from(subkey)).update(NIK).digest().subarray(0, 16);
    expect(index.compute('nik', NIK).toString('hex')).toBe(expected.toString('hex'));
    expect(index.compute('nik', NIK).toString('hex')).toBe('9f76132ed4ba7888dd5e6aaff8501ace');
  });

  it('equals node:crypto HMAC for values of every length and script (short values take a JavaScript path)', () => {
    const subkey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'tepat/blind-index/v1/member', 32));
    const pieces = ['3', 'a', 'é', '中', '😀', '|', ' '];
    let seed = 7;
    for (let length = 1; length <= 120; length++) {
      for (let round = 0; round < 3; round++) {
        let value = '';
        while (value.length < length) {
          seed = (seed * 1103515245 + 12345) & 0x7fffffff;
          value += pieces[seed % (round === 0 ? 1 : pieces.length)]!;
        }
        const expected = createHmac('sha256', subkey).update(value, 'utf8').digest().subarray(0, 16).toString('hex');
        expect(index.compute('member', value).toString('hex'), `length ${value.length}`).toBe(expected);
      }
    }
  });

  it('separates purposes and keys', () => {
    const nik = index.compute('nik', NIK);
    expect(index.compute('kk', NIK).equals(nik)).toBe(false);
    expect(index.compute('phone', NIK).equals(nik)).toBe(false);
    expect(new BlindIndex(Buffer.alloc(32, 0x43)).compute('nik', NIK).equals(nik)).toBe(false);
  });

  it('rejects ambiguous purposes, empty values and short keys', () => {
    expect(() => index.compute('', NIK)).toThrow(TypeError);
    expect(() => index.compute('NIK', NIK)).toThrow(TypeError);
    expect(() => index.compute('nik/phone', NIK)).toThrow(TypeError);
    expect(() => index.compute('nik', '')).toThrow(TypeError);
    expectCryptoError(() => new BlindIndex(Buffer.alloc(16, 1)), 'invalid_key');
  });
});
