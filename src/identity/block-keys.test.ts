import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BlindIndex } from '../platform/crypto.js';
import type { Keyring } from '../platform/keyring.js';
import { blockingKeys, prepareRecords } from '../dedup/index.js';
import { KeyHasher } from './block-keys.js';

function keyring(): Keyring {
  return { index: new BlindIndex(randomBytes(32)) } as unknown as Keyring;
}

const person = { id: '1', nik: '3201014505800001', kkNumber: '3201011501200003', fullName: 'Siti Aminah', sex: 'P', birthDate: '1980-05-05', villageCode: '32.01.01.2001' };

describe('KeyHasher', () => {
  it('hashes NIK keys with the secret (unguessable) and other keys alike for every installation', () => {
    const a = new KeyHasher(keyring());
    const b = new KeyHasher(keyring());
    expect(a.hashKey('i:3201014505800001')).not.toBe(b.hashKey('i:3201014505800001'));
    expect(a.hashKey('ia:14505800001')).not.toBe(b.hashKey('ia:14505800001'));
    expect(a.hashKey('dn:1980:5-5:aminah')).toBe(b.hashKey('dn:1980:5-5:aminah'));
    expect(a.hashKey('i:3201014505800001')).toBe(a.hashKey('i:3201014505800001'));
    expect(BigInt(a.hashKey('nn:aminah|siti'))).toBeGreaterThanOrEqual(-(2n ** 63n));
  });

  it('gives the engine keys of a record, deduplicated, with their stop-key caps', () => {
    const h = new KeyHasher(keyring());
    const fromPrepared = h.forPrepared(prepareRecords([person]), 0);
    const direct = h.hashAll(blockingKeys(person));
    expect(new Set(fromPrepared.hashes)).toEqual(new Set(direct.hashes));
    expect(new Set(fromPrepared.hashes).size).toBe(fromPrepared.hashes.length);
    expect(fromPrepared.limits.every((l) => l === 50 || l === 12)).toBe(true);
    expect(fromPrepared.limits).toContain(12);
  });
});
