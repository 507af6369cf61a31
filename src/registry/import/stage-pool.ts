/**
 * Where import batches are staged: on a pool of worker threads (large files), or on
 * the calling thread (small files, and when the keys cannot be handed to a worker).
 * Either way a batch's result is the same (stage-rows.ts); the pool only lets the
 * parsing, validation and encryption of later batches run while the main thread
 * writes earlier ones to the database.
 */
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { KeyObject } from 'node:crypto';
import { AppError } from '../../platform/errors.js';
import { createStager, type CellRow, type Reject, type StageCrypto, type StageSpec } from './stage-rows.js';
import type { ValidationContext } from '../validate-row.js';

export interface StageWorkerData {
  readonly spec: StageSpec;
  readonly keys: { readonly keyId: number; readonly dataKey: KeyObject; readonly indexKey: KeyObject };
  /** Kemendagri village and district codes, one per line. */
  readonly villages: string;
  readonly districts: string;
  readonly csv?: { readonly delimiter: string; readonly newline: string };
}

export interface StageWorkerJob {
  readonly seq: number;
  readonly csv?: { readonly bytes: Uint8Array; readonly rowsBefore: number };
  readonly rows?: CellRow[];
}

export type StageWorkerReply =
  | { readonly seq: number; readonly copy: Uint8Array; readonly count: number; readonly rows: number; readonly rejects: Reject[]; readonly error?: undefined }
  | { readonly seq: number; readonly error: string };

/** A batch to stage: a run of CSV records, or spreadsheet rows. */
export type StageJob = { readonly csv: { readonly bytes: Uint8Array; readonly rowsBefore: number } } | { readonly rows: CellRow[] };

export interface StagedOutput {
  /** Stage-table rows in binary COPY format. */
  readonly copy: Uint8Array;
  readonly count: number;
  readonly rows: number;
  readonly rejects: Reject[];
}

export interface StageRunner {
  /** Worker threads in use; 0 when batches are staged on the calling thread. */
  readonly threads: number;
  stage(job: StageJob): Promise<StagedOutput>;
  close(): Promise<void>;
}

/**
 * Threads for a pool: one per available core, but one fewer when the database runs on
 * this process's main thread (PGlite); at least one, at most four (the database writes
 * one batch at a time: more threads would only hold more memory).
 */
export function defaultPoolSize(databaseOnMainThread: boolean): number {
  return Math.min(4, Math.max(1, availableParallelism() - (databaseOnMainThread ? 1 : 0)));
}

/**
 * Stages on the calling thread.
 * @example const runner = inlineStageRunner(spec, keyring, ctx, { delimiter: ',', newline: '\n' });
 */
export function inlineStageRunner(spec: StageSpec, crypto: StageCrypto, ctx: ValidationContext, csv?: { delimiter: string; newline: string }): StageRunner {
  const stager = createStager(spec, crypto, ctx);
  const decoder = new TextDecoder();
  return {
    threads: 0,
    async stage(job) {
      // Let timers and I/O run between batches (PGlite answers in microtasks).
      await new Promise((r) => setImmediate(r));
      if ('csv' in job) return stager.stageCsv(decoder.decode(job.csv.bytes), job.csv.rowsBefore, csv!.delimiter, csv!.newline);
      return stager.stageRows(job.rows);
    },
    async close() {},
  };
}

function spawnWorker(data: StageWorkerData, batchSize: number): Worker {
  // A batch's live data is its text and its rejected rows; without a limit V8 lets each
  // thread's heap grow far beyond that before collecting (~80 MB more per thread).
  const resourceLimits = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: Math.max(96, Math.ceil(batchSize / 400)) };
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    // Running from source (tsx, vitest): the worker loads the TypeScript through tsx's
    // require hook, which (unlike the ESM hooks on Node 20) works inside a worker.
    const entry = fileURLToPath(new URL('./stage-worker.ts', here));
    const tsx = createRequire(here).resolve('tsx/cjs');
    return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(entry)});`, { eval: true, workerData: data, resourceLimits });
  }
  return new Worker(new URL('./stage-worker.js', here), { workerData: data, resourceLimits });
}

interface Pending {
  resolve(out: StagedOutput): void;
  reject(err: unknown): void;
}

/**
 * Starts `size` worker threads for one file's import, in batches of up to `batchSize` rows.
 * @example const pool = startStagePool(defaultPoolSize(false), data, 5000); … await pool.close();
 */
export function startStagePool(size: number, data: StageWorkerData, batchSize: number): StageRunner {
  const workers: Array<{ worker: Worker; pending: Map<number, Pending> }> = [];
  let seq = 0;
  let failure: unknown;
  let closing = false;

  const fail = (w: { pending: Map<number, Pending> }, err: unknown) => {
    failure ??= err;
    for (const p of w.pending.values()) p.reject(err);
    w.pending.clear();
  };

  for (let i = 0; i < size; i++) {
    const worker = spawnWorker(data, batchSize);
    const entry = { worker, pending: new Map<number, Pending>() };
    worker.on('message', (reply: StageWorkerReply) => {
      const p = entry.pending.get(reply.seq);
      if (!p) return;
      entry.pending.delete(reply.seq);
      if (reply.error !== undefined) p.reject(new AppError('internal', `Impor gagal di thread pemeriksa baris: ${reply.error}`));
      else p.resolve({ copy: reply.copy, count: reply.count, rows: reply.rows, rejects: reply.rejects });
    });
    worker.on('error', (err) => fail(entry, err));
    worker.on('exit', (code) => {
      if (!closing) fail(entry, new AppError('internal', `Thread pemeriksa baris berhenti tiba-tiba (kode ${code}).`));
    });
    workers.push(entry);
  }

  return {
    threads: size,
    stage(job) {
      if (failure) return Promise.reject(failure);
      // The least busy worker; ties go to the first.
      let target = workers[0]!;
      for (const w of workers) if (w.pending.size < target.pending.size) target = w;
      const message: StageWorkerJob = { seq: ++seq, ...job };
      return new Promise<StagedOutput>((resolve, reject) => {
        target.pending.set(message.seq, { resolve, reject });
        // Copied, not transferred: the bytes are views into the reader's buffers.
        target.worker.postMessage(message);
      });
    },
    async close() {
      closing = true;
      await Promise.all(workers.map((w) => w.worker.terminate()));
    },
  };
}
