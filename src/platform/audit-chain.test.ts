import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonicalAuditBytes,
  computeAuditHash,
  genesisPrevHash,
  sealAuditRecord,
  verifyChain,
  type AuditRecord,
  type AuditRecordFields,
} from './audit-chain.js';

function fields(seq: number, overrides: Partial<AuditRecordFields> = {}): AuditRecordFields {
  return {
    seq: BigInt(seq),
    occurredAt: new Date(Date.UTC(2025, 0, 31, 8, 15, 0, seq % 1000)).toISOString(),
    actor: `u-${seq % 7}`,
    role: 'operator_desa',
    region: '32.01.01.2001',
    channel: 'web',
    action: 'household.update',
    entityType: 'household',
    entityId: `h-${seq}`,
    changes: `{"phone":["*********890","*********${String(seq).padStart(3, '0').slice(-3)}"]}`,
    requestId: `req-${seq}`,
    ...overrides,
  };
}

function buildChain(length: number): AuditRecord[] {
  const out: AuditRecord[] = [];
  let prev = genesisPrevHash();
  for (let seq = 1; seq <= length; seq++) {
    const record = sealAuditRecord(prev, fields(seq));
    out.push(record);
    prev = record.hash;
  }
  return out;
}

function reseal(record: AuditRecord, changes: Partial<AuditRecordFields>): AuditRecord {
  return sealAuditRecord(record.prevHash, { ...record, ...changes });
}

describe('canonical serialisation', () => {
  const record = fields(1, { occurredAt: '2025-01-31T08:15:00.000Z', region: null, changes: '{"a":1}' });

  it('matches the documented layout byte for byte', () => {
    const text = (s: string) => {
      const bytes = Buffer.from(s, 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32BE(bytes.length);
      return Buffer.concat([Buffer.from([1]), len, bytes]);
    };
    const seq = Buffer.alloc(8);
    seq.writeBigUInt64BE(1n);
    const expected = Buffer.concat([
      Buffer.from('tepat.audit.v1\0', 'latin1'),
      seq,
      text('2025-01-31T08:15:00.000Z'),
      text('u-1'),
      text('operator_desa'),
      Buffer.from([0]), // region null
      text('web'),
      text('household.update'),
      text('household'),
      text('h-1'),
      text('{"a":1}'),
      text('req-1'),
    ]);
    expect(canonicalAuditBytes(record).equals(expected)).toBe(true);
    const hash = createHash('sha256').update(Buffer.alloc(32)).update(expected).digest();
    expect(computeAuditHash(genesisPrevHash(), record).equals(hash)).toBe(true);
  });

  it('has a fixed known-answer hash (format is stable across releases)', () => {
    expect(computeAuditHash('00'.repeat(32), record).toString('hex')).toBe(
      createHash('sha256').update(Buffer.alloc(32)).update(canonicalAuditBytes(record)).digest('hex'),
    );
    expect(computeAuditHash('00'.repeat(32), record).toString('hex')).toBe(
      'bc2c5e13434639b1645cf4d2765956546fd012c2731151f7c3fe0f48822a204d',
    );
  });

  it('is unambiguous: moving text between fields or null vs empty changes the hash', () => {
    const base = fields(5);
    const h = (r: AuditRecordFields) => computeAuditHash(genesisPrevHash(), r).toString('hex');
    expect(h({ ...base, actor: 'ab', role: 'c' })).not.toBe(h({ ...base, actor: 'a', role: 'bc' }));
    expect(h({ ...base, region: null })).not.toBe(h({ ...base, region: '' }));
    expect(h({ ...base, changes: '{"a":1,"b":2}' })).not.toBe(h({ ...base, changes: '{"b":2,"a":1}' }));
    expect(h({ ...base, seq: 5n })).not.toBe(h({ ...base, seq: 6n }));
  });

  it('treats equivalent seq and occurredAt representations alike and rejects non-canonical times', () => {
    const base = fields(42);
    const h = (r: AuditRecordFields) => computeAuditHash(genesisPrevHash(), r).toString('hex');
    expect(h({ ...base, seq: 42 })).toBe(h({ ...base, seq: 42n }));
    expect(h({ ...base, seq: '42' })).toBe(h({ ...base, seq: 42n }));
    expect(h({ ...base, occurredAt: new Date(base.occurredAt) })).toBe(h(base));
    expect(() => h({ ...base, occurredAt: '2025-01-31T08:15:00Z' })).toThrow(TypeError);
    expect(() => h({ ...base, occurredAt: '2025-01-31 08:15:00.000+00' })).toThrow(TypeError);
    expect(() => h({ ...base, seq: -1 })).toThrow(TypeError);
    expect(() => h({ ...base, seq: 1.5 })).toThrow(TypeError);
    expect(() => computeAuditHash('abcd', base)).toThrow(TypeError);
  });

  it('writes seq as uint64 big-endian across the safe-integer boundary', () => {
    for (const seq of [0n, 1n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n - 1n]) {
      const bytes = canonicalAuditBytes(fields(1, { seq }));
      expect(bytes.readBigUInt64BE(15)).toBe(seq);
    }
    expect(() => canonicalAuditBytes(fields(1, { seq: 2n ** 63n }))).toThrow(TypeError);
  });

  it('handles multibyte text and large changes without truncation', () => {
    const big = JSON.stringify({ note: 'Ṣāliḥ 李 👩‍👧 '.repeat(20_000) });
    const record = fields(9, { changes: big, actor: 'Ñoño', role: 'operator desa Ñ', requestId: 'x'.repeat(40) + 'é' });
    const expected = createHash('sha256').update(Buffer.alloc(32)).update(canonicalAuditBytes(record)).digest();
    expect(canonicalAuditBytes(record).includes(Buffer.from(big, 'utf8'))).toBe(true);
    expect(computeAuditHash(genesisPrevHash(), record).equals(expected)).toBe(true);
    // And the next small record still hashes correctly after the buffer grew.
    const small = fields(10);
    expect(computeAuditHash(genesisPrevHash(), small).equals(
      createHash('sha256').update(Buffer.alloc(32)).update(canonicalAuditBytes(small)).digest(),
    )).toBe(true);
  });
});

describe('verifyChain', () => {
  const chain = buildChain(50);

  it('accepts an intact chain and reports its head', async () => {
    const result = await verifyChain(chain);
    expect(result).toEqual({ ok: true, count: 50, headHash: chain[49]!.hash, headSeq: 50n });
    expect(chain[0]!.prevHash).toEqual(Buffer.alloc(32));
  });

  it('accepts an empty chain', async () => {
    expect(await verifyChain([])).toEqual({ ok: true, count: 0, headHash: Buffer.alloc(32), headSeq: undefined });
  });

  it('reads async iterables (database cursors)', async () => {
    async function* stream() {
      for (const record of chain) yield record;
    }
    expect(await verifyChain(stream())).toMatchObject({ ok: true, count: 50 });
  });

  it('reads async iterables of pages (one array per cursor fetch)', async () => {
    async function* pages() {
      for (let i = 0; i < chain.length; i += 7) yield chain.slice(i, i + 7);
    }
    expect(await verifyChain(pages())).toMatchObject({ ok: true, count: 50, headSeq: 50n });
    const tampered = chain.map((r, i) => (i === 33 ? { ...r, role: 'admin_pusat' } : r));
    async function* tamperedPages() {
      for (let i = 0; i < tampered.length; i += 7) yield tampered.slice(i, i + 7);
    }
    expect(await verifyChain(tamperedPages())).toEqual({ ok: false, count: 33, firstBroken: { seq: 34n, reason: 'hash_mismatch' } });
  });

  it('treats a non-hex or wrongly sized stored hash as a mismatch', async () => {
    const hex = (chain[0]!.hash as Buffer).toString('hex');
    const bad = [{ ...chain[0]!, hash: `zz${hex.slice(2)}` }];
    expect(await verifyChain(bad)).toMatchObject({ ok: false, firstBroken: { reason: 'hash_mismatch' } });
    const short = [{ ...chain[0]!, hash: (chain[0]!.hash as Buffer).subarray(0, 31) }];
    expect(await verifyChain(short)).toMatchObject({ ok: false, firstBroken: { reason: 'hash_mismatch' } });
    const badPrev = [{ ...chain[0]!, prevHash: 'g'.repeat(64) }];
    expect(await verifyChain(badPrev)).toMatchObject({ ok: false, firstBroken: { reason: 'prev_mismatch' } });
  });

  it('accepts hashes as hex strings or plain Uint8Arrays', async () => {
    const hex = chain.map((r) => ({ ...r, prevHash: Buffer.from(r.prevHash as Buffer).toString('hex').toUpperCase(), hash: (r.hash as Buffer).toString('hex') }));
    expect(await verifyChain(hex)).toMatchObject({ ok: true, count: 50 });
    const u8 = chain.map((r) => ({ ...r, prevHash: new Uint8Array(r.prevHash as Buffer), hash: new Uint8Array(r.hash as Buffer) }));
    expect(await verifyChain(u8)).toMatchObject({ ok: true, count: 50 });
  });

  it('detects an edited field', async () => {
    const tampered = [...chain];
    tampered[19] = { ...chain[19]!, changes: '{"phone":["*********890","*********000"]}' };
    expect(await verifyChain(tampered)).toEqual({ ok: false, count: 19, firstBroken: { seq: 20n, reason: 'hash_mismatch' } });
    const actor = [...chain];
    actor[0] = { ...chain[0]!, actor: 'admin' };
    expect(await verifyChain(actor)).toEqual({ ok: false, count: 0, firstBroken: { seq: 1n, reason: 'hash_mismatch' } });
  });

  it('detects an edited record whose own hash was recomputed, at the next link', async () => {
    const tampered = [...chain];
    tampered[19] = reseal(chain[19]!, { action: 'household.delete' });
    expect(await verifyChain(tampered)).toEqual({ ok: false, count: 20, firstBroken: { seq: 21n, reason: 'prev_mismatch' } });
  });

  it('detects deleted, duplicated and reordered records', async () => {
    const deleted = chain.filter((_, i) => i !== 30);
    expect(await verifyChain(deleted)).toEqual({ ok: false, count: 30, firstBroken: { seq: 32n, reason: 'seq_gap' } });
    const duplicated = [...chain.slice(0, 10), chain[9]!, ...chain.slice(10)];
    expect(await verifyChain(duplicated)).toEqual({ ok: false, count: 10, firstBroken: { seq: 10n, reason: 'seq_gap' } });
    const swapped = [...chain];
    [swapped[4], swapped[5]] = [chain[5]!, chain[4]!];
    expect(await verifyChain(swapped)).toEqual({ ok: false, count: 4, firstBroken: { seq: 6n, reason: 'seq_gap' } });
  });

  it('detects a deleted record even when the seqs were renumbered', async () => {
    const renumbered = chain.filter((_, i) => i !== 30).map((r, i) => (i >= 30 ? { ...r, seq: BigInt(i + 1) } : r));
    const result = await verifyChain(renumbered);
    expect(result).toMatchObject({ ok: false, count: 30, firstBroken: { seq: 31n } });
    expect(result.ok || result.firstBroken.reason).toMatch(/prev_mismatch|hash_mismatch/);
  });

  it('detects a truncated head (first records removed)', async () => {
    expect(await verifyChain(chain.slice(3))).toEqual({ ok: false, count: 0, firstBroken: { seq: 4n, reason: 'prev_mismatch' } });
  });

  it('resumes from a checkpoint', async () => {
    const checkpoint = chain[24]!;
    expect(await verifyChain(chain.slice(25), { startPrevHash: checkpoint.hash, startSeq: 26n })).toMatchObject({
      ok: true,
      count: 25,
      headSeq: 50n,
    });
    expect(await verifyChain(chain.slice(26), { startPrevHash: checkpoint.hash, startSeq: 26n })).toMatchObject({
      ok: false,
      firstBroken: { seq: 27n, reason: 'seq_gap' },
    });
  });

  it('reports malformed records instead of throwing', async () => {
    const bad = [...chain];
    bad[2] = { ...chain[2]!, occurredAt: 'yesterday' };
    expect(await verifyChain(bad)).toEqual({ ok: false, count: 2, firstBroken: { seq: 3n, reason: 'malformed' } });
    const badSeq = [...chain];
    badSeq[0] = { ...chain[0]!, seq: 'one' };
    expect(await verifyChain(badSeq)).toEqual({ ok: false, count: 0, firstBroken: { seq: null, reason: 'malformed' } });
  });
});
