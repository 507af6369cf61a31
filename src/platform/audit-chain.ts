/**
 * Pure core of the tamper-evident audit trail: a hash chain over audit records.
 *
 *   hash(n) = SHA-256( hash(n-1) || canonical(record n) ),  hash(0) = 32 zero bytes
 *
 * Editing, deleting, inserting or reordering a record breaks the chain from that
 * point. The chain alone cannot stop someone with write access from recomputing
 * every later hash: anchor the head hash elsewhere (signed daily checkpoint sent
 * outside the database, e.g. to the data-protection officer or an external log)
 * and verify against those anchors.
 *
 * Writers must append one record at a time (lock the chain head), set
 * `occurredAt` themselves (not `DEFAULT now()`, whose microseconds the hash never
 * saw) and store `changes` as `text` or `json`, not `jsonb` (jsonb rewrites the
 * text, so the stored bytes would no longer hash to the recorded value).
 */
import { hash as oneShotHash } from 'node:crypto';

/** 32-byte hash as bytes, or as 64 hex characters. */
export type HashInput = Uint8Array | string;

/** The fields covered by the hash, in canonical order after `seq`. */
export interface AuditRecordFields {
  /** Position in the chain; consecutive integers. */
  seq: bigint | number | string;
  /** ISO-8601 UTC with milliseconds (`Date#toISOString()` form), or a Date. */
  occurredAt: string | Date;
  actor: string;
  role: string;
  region: string | null;
  channel: string;
  action: string;
  entityType: string;
  entityId: string | null;
  /** JSON text, identifiers already masked; hashed byte for byte. */
  changes: string | null;
  requestId: string | null;
}

export interface AuditRecord extends AuditRecordFields {
  prevHash: HashInput;
  hash: HashInput;
}

export type AuditChainBreak = 'hash_mismatch' | 'prev_mismatch' | 'seq_gap' | 'malformed';

export type AuditChainVerification =
  | { ok: true; count: number; headHash: Buffer; headSeq: bigint | undefined }
  | { ok: false; count: number; firstBroken: { seq: bigint | null; reason: AuditChainBreak } };

const HASH_BYTES = 32;
const GENESIS = Buffer.alloc(HASH_BYTES);
// Domain separation and format version: a future v2 cannot collide with v1.
export const AUDIT_MAGIC = Buffer.from('tepat.audit.v1\0', 'latin1');
const MAGIC = AUDIT_MAGIC;
const MAX_SEQ = (1n << 63n) - 1n;
const MAX_SAFE_SEQ = BigInt(Number.MAX_SAFE_INTEGER);
const ISO_UTC_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * The prevHash of the first record of a chain: 32 zero bytes (a fresh copy).
 *
 * @example
 * const first = sealAuditRecord(genesisPrevHash(), { seq: 1n, … });
 */
export function genesisPrevHash(): Buffer {
  return Buffer.alloc(HASH_BYTES);
}

// One scratch buffer reused across calls (computeAuditHash is synchronous, so
// there is no interleaving): no allocation per record on the verification path.
// Layout: [prevHash 32][MAGIC][seq 8][fields…]; MAGIC is written once.
const FIELDS_OFFSET = HASH_BYTES + MAGIC.length + 8;
const SHORT_TEXT = 32;
let scratch = newScratch(4096);

function newScratch(size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  MAGIC.copy(buf, HASH_BYTES);
  return buf;
}

function ensure(capacity: number, used: number): void {
  if (capacity <= scratch.length) return;
  const bigger = newScratch(Math.max(capacity, scratch.length * 2));
  scratch.copy(bigger, 0, 0, used);
  scratch = bigger;
}

function writeText(value: string | null | undefined, offset: number, field: string): number {
  if (value === null || value === undefined) {
    ensure(offset + 1, offset);
    scratch[offset] = 0;
    return offset + 1;
  }
  if (typeof value !== 'string') throw new TypeError(`audit field ${field} must be a string or null`);
  const length = value.length;
  // Worst case 3 UTF-8 bytes per UTF-16 unit.
  ensure(offset + 5 + length * 3, offset);
  const start = offset + 5;
  const buf = scratch;
  let written = length;
  if (length > SHORT_TEXT) {
    written = buf.write(value, start, 'utf8');
  } else {
    // Short fields (role, channel, action…) are almost always ASCII: a JS loop is
    // about twice as fast as a native encoder call; fall back at the first
    // non-ASCII unit. Longer text amortises the call, so it goes native directly.
    for (let i = 0; i < length; i++) {
      const code = value.charCodeAt(i);
      if (code > 0x7f) {
        written = buf.write(value, start, 'utf8');
        break;
      }
      buf[start + i] = code;
    }
  }
  buf[offset] = 1;
  buf[offset + 1] = written >>> 24;
  buf[offset + 2] = (written >>> 16) & 0xff;
  buf[offset + 3] = (written >>> 8) & 0xff;
  buf[offset + 4] = written & 0xff;
  return start + written;
}

/** Parses a seq to bigint, or throws on a negative, fractional or out-of-range value. */
function toSeq(seq: bigint | number | string): bigint {
  let value: bigint;
  if (typeof seq === 'bigint') value = seq;
  else if (typeof seq === 'number' && Number.isSafeInteger(seq)) value = BigInt(seq);
  else if (typeof seq === 'string' && /^\d{1,19}$/.test(seq)) value = BigInt(seq);
  else throw new TypeError('audit seq must be a non-negative integer');
  if (value < 0n || value > MAX_SEQ) throw new TypeError('audit seq is out of range');
  return value;
}

function occurredAtText(value: string | Date): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== 'string' || !ISO_UTC_MS.test(value)) {
    throw new TypeError('audit occurredAt must be a Date or an ISO UTC string like 2025-01-31T08:15:00.000Z');
  }
  return value;
}

/**
 * Writes canonical(record) after the prevHash slot of the scratch buffer (the
 * caller fills bytes 0..31 with prevHash); returns the end offset.
 */
function writeCanonical(record: AuditRecordFields, seq: bigint): number {
  if (seq <= MAX_SAFE_SEQ) {
    // Same bytes as writeBigUInt64BE, without its BigInt shifts and masks.
    const n = Number(seq);
    scratch.writeUInt32BE(Math.floor(n / 0x1_0000_0000), FIELDS_OFFSET - 8);
    scratch.writeUInt32BE(n >>> 0, FIELDS_OFFSET - 4);
  } else {
    scratch.writeBigUInt64BE(seq, FIELDS_OFFSET - 8);
  }
  let offset = FIELDS_OFFSET;
  offset = writeText(occurredAtText(record.occurredAt), offset, 'occurredAt');
  offset = writeText(record.actor, offset, 'actor');
  offset = writeText(record.role, offset, 'role');
  offset = writeText(record.region, offset, 'region');
  offset = writeText(record.channel, offset, 'channel');
  offset = writeText(record.action, offset, 'action');
  offset = writeText(record.entityType, offset, 'entityType');
  offset = writeText(record.entityId, offset, 'entityId');
  offset = writeText(record.changes, offset, 'changes');
  offset = writeText(record.requestId, offset, 'requestId');
  return offset;
}

function hashBytes(value: HashInput): Buffer {
  if (typeof value === 'string') {
    if (value.length !== HASH_BYTES * 2 || !/^[0-9a-fA-F]+$/.test(value)) {
      throw new TypeError('hash must be 32 bytes or 64 hex characters');
    }
    return Buffer.from(value, 'hex');
  }
  if (!(value instanceof Uint8Array) || value.length !== HASH_BYTES) {
    throw new TypeError('hash must be 32 bytes or 64 hex characters');
  }
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/**
 * Canonical byte serialisation of a record (without prevHash), for inspection and
 * for other implementations to reproduce. Layout:
 *
 * `"tepat.audit.v1\0"`, seq as uint64 BE, then for each of occurredAt, actor,
 * role, region, channel, action, entityType, entityId, changes, requestId:
 * `0x00` for null, or `0x01` + uint32 BE byte length + UTF-8 bytes.
 *
 * Length prefixes make it unambiguous (no separator can be forged inside a
 * value) and null differs from `''`. `changes` is hashed as the exact JSON text,
 * so key order is whatever the writer produced and stored.
 *
 * @example
 * canonicalAuditBytes(record).subarray(0, 15).toString('latin1'); // 'tepat.audit.v1\0'
 */
export function canonicalAuditBytes(record: AuditRecordFields): Buffer {
  const end = writeCanonical(record, toSeq(record.seq));
  return Buffer.from(scratch.subarray(HASH_BYTES, end));
}

/**
 * SHA-256(prevHash || canonical(record)): the hash to store with the record.
 * Throws a TypeError on a malformed record (bad seq, occurredAt or field type).
 *
 * @example
 * const hash = computeAuditHash(head.hash, { seq: head.seq + 1n, occurredAt: new Date().toISOString(), … });
 */
export function computeAuditHash(prevHash: HashInput, record: AuditRecordFields): Buffer {
  const prev = hashBytes(prevHash);
  const seq = toSeq(record.seq);
  scratch.set(prev, 0);
  const end = writeCanonical(record, seq);
  return oneShotHash('sha256', scratch.subarray(0, end), 'buffer');
}

/**
 * Returns the record with `prevHash` and `hash` filled in, ready to insert.
 *
 * @example
 * const record = sealAuditRecord(head?.hash ?? genesisPrevHash(), {
 *   seq: (head?.seq ?? 0n) + 1n, occurredAt: new Date().toISOString(), actor: 'u-17',
 *   role: 'operator_desa', region: '32.01.01.2001', channel: 'web', action: 'household.update',
 *   entityType: 'household', entityId: 'h-991', changes: '{"phone":["*********890","*********123"]}',
 *   requestId: 'req-5f2',
 * });
 */
export function sealAuditRecord(prevHash: HashInput, fields: AuditRecordFields): AuditRecord & { prevHash: Buffer; hash: Buffer } {
  const prev = Buffer.from(hashBytes(prevHash));
  const hash = computeAuditHash(prev, fields);
  // An explicit literal (not `...fields`): one stable object shape, and no stray
  // extra properties carried along. Verification reads these fields 10^6 times.
  return {
    seq: fields.seq,
    occurredAt: fields.occurredAt,
    actor: fields.actor,
    role: fields.role,
    region: fields.region,
    channel: fields.channel,
    action: fields.action,
    entityType: fields.entityType,
    entityId: fields.entityId,
    changes: fields.changes,
    requestId: fields.requestId,
    prevHash: prev,
    hash,
  };
}

// The verifier keeps hashes as 32-character latin1 strings (one char per byte):
// crypto.hash returning a string is about twice as fast as returning a Buffer,
// whose separately allocated backing store dominates at this size.

const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(i)] = i;
}

/** Compares a stored hash (bytes or hex text) with a latin1-string digest, allocation-free. */
function sameHash(stored: HashInput, expected: string): boolean {
  if (typeof stored === 'string') {
    if (stored.length !== HASH_BYTES * 2) return false;
    for (let i = 0; i < HASH_BYTES; i++) {
      const hi = HEX_VALUE[stored.charCodeAt(2 * i)] ?? -1;
      const lo = HEX_VALUE[stored.charCodeAt(2 * i + 1)] ?? -1;
      if (hi < 0 || lo < 0 || ((hi << 4) | lo) !== expected.charCodeAt(i)) return false;
    }
    return true;
  }
  if (!(stored instanceof Uint8Array) || stored.length !== HASH_BYTES) return false;
  for (let i = 0; i < HASH_BYTES; i++) if (stored[i] !== expected.charCodeAt(i)) return false;
  return true;
}

/**
 * SHA-256(prev || canonical(record)) as a latin1 string. `prevBytes`, when given,
 * holds the same 32 bytes as `prev` (the record's stored prevHash, already
 * checked equal) and is copied with one memcpy instead of a per-byte loop.
 */
function digestLatin1(prev: string, prevBytes: Uint8Array | undefined, record: AuditRecordFields, seq: bigint): string {
  const buf = scratch;
  if (prevBytes !== undefined) buf.set(prevBytes, 0);
  else for (let i = 0; i < HASH_BYTES; i++) buf[i] = prev.charCodeAt(i);
  const end = writeCanonical(record, seq);
  return oneShotHash('sha256', scratch.subarray(0, end), 'binary'); // 'binary' = latin1
}

function seqOrNull(seq: unknown): bigint | null {
  try {
    return toSeq(seq as bigint);
  } catch {
    return null;
  }
}

/** Verifier state machine shared by the sync and async loops. */
class ChainVerifier {
  count = 0;
  prev: string;
  nextSeq: bigint | undefined;
  headSeq: bigint | undefined;
  broken: { seq: bigint | null; reason: AuditChainBreak } | undefined;

  constructor(startPrevHash: HashInput, startSeq: bigint | number | string | undefined) {
    this.prev = hashBytes(startPrevHash).toString('latin1');
    this.nextSeq = startSeq === undefined ? undefined : toSeq(startSeq);
  }

  /** Returns false once the chain is broken. */
  step(record: AuditRecord): boolean {
    let seq: bigint;
    let computed: string;
    try {
      seq = toSeq(record.seq);
      if (this.nextSeq !== undefined && seq !== this.nextSeq) return this.fail(seq, 'seq_gap');
      if (!sameHash(record.prevHash, this.prev)) return this.fail(seq, 'prev_mismatch');
      const prevHash = record.prevHash;
      computed = digestLatin1(this.prev, typeof prevHash === 'string' ? undefined : prevHash, record, seq);
    } catch {
      return this.fail(seqOrNull(record?.seq), 'malformed');
    }
    if (!sameHash(record.hash, computed)) return this.fail(seq, 'hash_mismatch');
    this.prev = computed;
    this.headSeq = seq;
    this.nextSeq = seq + 1n;
    this.count++;
    return true;
  }

  fail(seq: bigint | null, reason: AuditChainBreak): false {
    this.broken = { seq, reason };
    return false;
  }

  result(): AuditChainVerification {
    return this.broken === undefined
      ? { ok: true, count: this.count, headHash: Buffer.from(this.prev, 'latin1'), headSeq: this.headSeq }
      : { ok: false, count: this.count, firstBroken: this.broken };
  }
}

/**
 * Walks records in seq order and checks every link: seq is the previous seq + 1
 * (`seq_gap`, which also catches deletions and reordering), prevHash equals the
 * previous record's hash (`prev_mismatch`), and hash equals the recomputed one
 * (`hash_mismatch`). A record that cannot be serialised is `malformed`. Stops at
 * the first break; `count` is the number of records verified before it.
 *
 * Streams: pass the database cursor as an async iterable, of records or of
 * arrays of records (one page per fetch is cheaper than one await per record);
 * memory stays constant.
 * To resume from an anchored checkpoint, pass its hash as `startPrevHash` and the
 * next seq as `startSeq`.
 *
 * @example
 * const result = await verifyChain(auditRepo.streamFrom(1n), { startSeq: 1n });
 * if (!result.ok) alertDpo(`audit chain broken at seq ${result.firstBroken.seq}: ${result.firstBroken.reason}`);
 * else await checkpoints.save(result.headSeq, result.headHash);
 */
export async function verifyChain(
  records: AsyncIterable<AuditRecord | readonly AuditRecord[]> | Iterable<AuditRecord>,
  options: { startPrevHash?: HashInput; startSeq?: bigint | number | string } = {},
): Promise<AuditChainVerification> {
  const verifier = new ChainVerifier(options.startPrevHash ?? GENESIS, options.startSeq);
  if (Symbol.iterator in records) {
    // Synchronous fast path: `for await` over a plain array costs a microtask per record.
    for (const record of records) if (!verifier.step(record)) break;
  } else {
    outer: for await (const item of records) {
      if (isBatch(item)) {
        for (const record of item) if (!verifier.step(record)) break outer;
      } else if (!verifier.step(item)) {
        break;
      }
    }
  }
  return verifier.result();
}

function isBatch(item: AuditRecord | readonly AuditRecord[]): item is readonly AuditRecord[] {
  return Array.isArray(item);
}
