/**
 * Worker thread: verifies one seq range of the audit log on its own PostgreSQL
 * connection. Rows stream with binary COPY; a text field in that format is an int32
 * byte length followed by the UTF-8 bytes, which is exactly its canonical encoding
 * (audit-chain.ts) after a 0x01 marker, so records are hashed from the wire bytes
 * without decoding strings. Any irregularity answers 'broken'; the caller then runs
 * the sequential verifier, which names the first broken record.
 */
import { hash as oneShotHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { AUDIT_MAGIC } from './audit-chain.js';
import type { RangeTask, RangeVerification } from './audit-verify.js';

const HASH_BYTES = 32;
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const FIELDS = 13; // seq, occurred_at, 9 texts, prev_hash, hash
const TEXT_FIELDS = 9;
const EPOCH_2000_MS = 946_684_800_000;
const FIELDS_OFFSET = HASH_BYTES + AUDIT_MAGIC.length + 8;

function two(s: Buffer, o: number, value: number): void {
  s[o] = 48 + Math.floor(value / 10);
  s[o + 1] = 48 + (value % 10);
}

/** Whether the 32 bytes at `at` equal the latin1 digest string. */
function sameBytes(buf: Buffer, at: number, digest: string): boolean {
  for (let i = 0; i < HASH_BYTES; i++) if (buf[at + i] !== digest.charCodeAt(i)) return false;
  return true;
}

class RangeChecker {
  scratch = Buffer.alloc(64 * 1024);
  /** The previous record's hash as a latin1 string (one char per byte). */
  lastHash: string | undefined;
  isoDay = Number.NaN;
  /** `YYYY-MM-DDT` of `isoDay`, as bytes. */
  isoDate = new Uint8Array(11);
  /** Views of the scratch buffer's first n bytes, by n: the hash input without a new view per record. */
  views = new Map<number, Uint8Array>();
  firstPrevHash: Buffer | undefined;
  nextSeq: number;
  count = 0;
  broken = false;

  constructor(fromSeq: number) {
    this.nextSeq = fromSeq;
    AUDIT_MAGIC.copy(this.scratch, HASH_BYTES);
  }

  /** Checks the tuple at `p` (after its field count); returns the offset after it, -1 if incomplete, -2 if broken. */
  tuple(buf: Buffer, p: number, end: number): number {
    // seq (int8) and occurred_at (timestamptz: int8 microseconds since 2000-01-01)
    if (p + 24 > end) return -1;
    if (buf.readInt32BE(p) !== 8 || buf.readInt32BE(p + 12) !== 8) return this.fail();
    const seq = buf.readUInt32BE(p + 4) * 0x1_0000_0000 + buf.readUInt32BE(p + 8);
    const micros = buf.readInt32BE(p + 16) * 0x1_0000_0000 + buf.readUInt32BE(p + 20);
    p += 24;
    const textsAt = p;
    for (let i = 0; i < TEXT_FIELDS; i++) {
      if (p + 4 > end) return -1;
      const length = buf.readInt32BE(p);
      p += 4 + (length > 0 ? length : 0);
    }
    if (p + 2 * (4 + HASH_BYTES) > end) return -1;
    if (buf.readInt32BE(p) !== HASH_BYTES || buf.readInt32BE(p + 4 + HASH_BYTES) !== HASH_BYTES) return this.fail();
    const prevAt = p + 4;
    const hashAt = p + 8 + HASH_BYTES;

    if (seq !== this.nextSeq || micros % 1000 !== 0) return this.fail(); // hashed timestamps have millisecond precision
    if (this.lastHash === undefined) this.firstPrevHash = Buffer.from(buf.subarray(prevAt, prevAt + HASH_BYTES));
    else if (!sameBytes(buf, prevAt, this.lastHash)) return this.fail();

    const needed = FIELDS_OFFSET + 29 + (p - textsAt) + TEXT_FIELDS;
    if (needed > this.scratch.length) this.grow(needed);
    const s = this.scratch;
    for (let k = 0; k < HASH_BYTES; k++) s[k] = buf[prevAt + k]!;
    s.writeUInt32BE(Math.floor(seq / 0x1_0000_0000), FIELDS_OFFSET - 8);
    s.writeUInt32BE(seq >>> 0, FIELDS_OFFSET - 4);
    let o = FIELDS_OFFSET;
    s[o] = 1;
    s.writeUInt32BE(24, o + 1);
    this.writeIso(EPOCH_2000_MS + micros / 1000, o + 5);
    o += 29;
    for (let i = 0, q = textsAt; i < TEXT_FIELDS; i++) {
      const length = buf.readInt32BE(q);
      if (length < 0) {
        s[o++] = 0;
        q += 4;
      } else {
        s[o] = 1;
        // Short fields byte by byte: cheaper than Buffer#copy's per-call overhead.
        if (length <= 48) for (let k = 0; k < 4 + length; k++) s[o + 1 + k] = buf[q + k]!;
        else buf.copy(s, o + 1, q, q + 4 + length);
        o += 5 + length;
        q += 4 + length;
      }
    }
    // A latin1 string digest is about twice as fast as a Buffer one (see audit-chain.ts).
    let view = this.views.get(o);
    if (view === undefined) {
      view = s.subarray(0, o);
      this.views.set(o, view);
    }
    const computed = oneShotHash('sha256', view, 'binary') // 'binary' = latin1;
    if (!sameBytes(buf, hashAt, computed)) return this.fail();
    this.lastHash = computed;
    this.nextSeq = seq + 1;
    this.count++;
    return hashAt + HASH_BYTES;
  }

  /** Writes `Date#toISOString()` of `ms` (24 ASCII bytes) at `o`; the date part is cached per day. */
  writeIso(ms: number, o: number): void {
    const day = Math.floor(ms / 86_400_000);
    if (day !== this.isoDay) {
      this.isoDay = day;
      this.isoDate = Buffer.from(new Date(day * 86_400_000).toISOString().slice(0, 11), 'latin1');
    }
    const s = this.scratch;
    const date = this.isoDate;
    for (let k = 0; k < 11; k++) s[o + k] = date[k]!;
    let rest = ms - day * 86_400_000;
    const millis = rest % 1000;
    rest = (rest - millis) / 1000;
    const seconds = rest % 60;
    rest = (rest - seconds) / 60;
    const minutes = rest % 60;
    const hours = (rest - minutes) / 60;
    two(s, o + 11, hours);
    s[o + 13] = 58; // ':'
    two(s, o + 14, minutes);
    s[o + 16] = 58;
    two(s, o + 17, seconds);
    s[o + 19] = 46; // '.'
    s[o + 20] = 48 + Math.floor(millis / 100);
    s[o + 21] = 48 + (Math.floor(millis / 10) % 10);
    s[o + 22] = 48 + (millis % 10);
    s[o + 23] = 90; // 'Z'
  }

  grow(size: number): void {
    const bigger = Buffer.alloc(Math.max(size, this.scratch.length * 2));
    AUDIT_MAGIC.copy(bigger, HASH_BYTES);
    this.scratch = bigger;
    this.views.clear();
  }

  fail(): number {
    this.broken = true;
    return -2;
  }
}

async function verifyRange(task: RangeTask): Promise<RangeVerification> {
  const client = new pg.Client({ connectionString: task.url });
  await client.connect();
  const checker = new RangeChecker(task.fromSeq);
  try {
    const stream = client.query(copyTo(
      `copy (select seq, occurred_at, actor, actor_role, scope, channel, action, entity_type, entity_id, changes, request_id, prev_hash, hash
               from audit_log where seq between ${Number(task.fromSeq)} and ${Number(task.toSeq)} order by seq) to stdout with (format binary)`));
    // Chunks are appended to one reusable buffer; the unparsed tail moves to its start.
    let acc = Buffer.allocUnsafe(4 * 1024 * 1024);
    let accEnd = 0;
    let headerDone = false;
    let finished = false;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (checker.broken || finished) continue; // drain the stream, then answer
      if (accEnd + chunk.length > acc.length) {
        const bigger = Buffer.allocUnsafe(Math.max(acc.length * 2, accEnd + chunk.length));
        acc.copy(bigger, 0, 0, accEnd);
        acc = bigger;
      }
      chunk.copy(acc, accEnd);
      accEnd += chunk.length;
      let p = 0;
      if (!headerDone) {
        if (accEnd < SIGNATURE.length + 8) continue;
        if (acc.compare(SIGNATURE, 0, SIGNATURE.length, 0, SIGNATURE.length) !== 0) { checker.fail(); continue; }
        p = SIGNATURE.length + 8 + acc.readUInt32BE(SIGNATURE.length + 4);
        headerDone = true;
      }
      while (p + 2 <= accEnd) {
        const fields = acc.readInt16BE(p);
        if (fields === -1) { finished = true; break; }
        if (fields !== FIELDS) { checker.fail(); break; }
        const next = checker.tuple(acc, p + 2, accEnd);
        if (next < 0) break; // -1: incomplete tuple, wait for more; -2: broken
        p = next;
      }
      acc.copyWithin(0, p, accEnd);
      accEnd -= p;
    }
  } finally {
    await client.end();
  }
  if (checker.broken) return { ...task, result: 'broken' };
  if (checker.count === 0 || !checker.lastHash || !checker.firstPrevHash) return { ...task, result: 'empty' };
  return {
    ...task, result: 'ok', count: checker.count, firstPrevHash: checker.firstPrevHash.toString('hex'),
    lastHash: Buffer.from(checker.lastHash, 'latin1').toString('hex'), lastSeq: checker.nextSeq - 1,
  };
}

parentPort!.postMessage(await verifyRange(workerData as RangeTask));
