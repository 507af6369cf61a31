/**
 * Verifying the whole audit log. Each record stores the previous record's hash, so
 * a record's own hash can be checked without its predecessors: on PostgreSQL the log
 * is split into seq ranges verified in parallel worker threads (each streaming its
 * range with COPY), and the ranges are then stitched (each range's first prevHash
 * must equal the previous range's last hash). Any anomaly — a broken range, an empty
 * range, a failed stitch — falls back to the sequential verifier, which names the
 * first broken record exactly as it always has. PGlite runs in-process: sequential.
 */
import { availableParallelism } from 'node:os';
import type { Db } from './db.js';
import type { AuditChainVerification } from './audit-chain.js';
import { verifyAuditLog } from './audit.js';
import { runWorker, siblingModule } from './worker.js';

export interface RangeTask { url: string; fromSeq: number; toSeq: number }

export type RangeVerification = RangeTask & (
  | { result: 'ok'; count: number; firstPrevHash: string; lastHash: string; lastSeq: number }
  | { result: 'broken' | 'empty' }
);

const GENESIS_HEX = '0'.repeat(64);
/** Below this many records, starting threads costs more than it saves. */
const PARALLEL_MIN_RECORDS = 50_000;

export interface VerifyOptions {
  /** Worker threads (default: available cores, at least 2). */
  workers?: number;
  /** Smallest log verified in parallel (default 50,000; tests lower it). */
  minRecords?: number;
}

/**
 * Verifies the audit log, in parallel where the database allows it.
 * @example const result = await verifyAuditLogFast(ctx.db); if (!result.ok) report(result.firstBroken);
 */
export async function verifyAuditLogFast(db: Db, opts: VerifyOptions = {}): Promise<AuditChainVerification> {
  return (await verifyAuditLogParallel(db, opts)) ?? verifyAuditLog(db);
}

/**
 * The parallel path alone: the verification of an intact log, or undefined when the
 * log is small, the database is PGlite, or any range or join is irregular (then only
 * the sequential verifier can name the first broken record).
 */
export async function verifyAuditLogParallel(db: Db, opts: VerifyOptions = {}): Promise<AuditChainVerification | undefined> {
  if (!db.url) return undefined;
  const bounds = (await db.withConnection((c) => c.query<{ lo: number | null; hi: number | null }>(
    'select min(seq) as lo, max(seq) as hi from audit_log'))).rows[0];
  const lo = bounds?.lo == null ? null : Number(bounds.lo);
  const hi = bounds?.hi == null ? null : Number(bounds.hi);
  if (lo === null || hi === null || hi - lo + 1 < (opts.minRecords ?? PARALLEL_MIN_RECORDS)) return undefined;

  const workers = Math.max(2, opts.workers ?? availableParallelism());
  const span = Math.ceil((hi - lo + 1) / workers);
  const tasks: RangeTask[] = [];
  for (let from = lo; from <= hi; from += span) tasks.push({ url: db.url, fromSeq: from, toSeq: Math.min(hi, from + span - 1) });
  const url = siblingModule(import.meta.url, 'audit-verify-worker');
  const ranges = await Promise.all(tasks.map((task) => runWorker<RangeVerification>(url, task)));
  return stitch(ranges, lo);
}

/** The chain's verification when every range is intact and they join up; undefined otherwise. */
function stitch(ranges: RangeVerification[], lo: number): AuditChainVerification | undefined {
  if (lo !== 1) return undefined; // the chain starts at seq 1 from the genesis hash
  let expectedPrev = GENESIS_HEX;
  let count = 0;
  let last: Extract<RangeVerification, { result: 'ok' }> | undefined;
  for (const range of ranges) {
    if (range.result !== 'ok' || range.lastSeq !== range.toSeq) return undefined;
    if (range.firstPrevHash.toLowerCase() !== expectedPrev) return undefined;
    expectedPrev = range.lastHash;
    count += range.count;
    last = range;
  }
  if (!last) return undefined;
  return { ok: true, count, headHash: Buffer.from(last.lastHash, 'hex'), headSeq: BigInt(last.lastSeq) };
}
