/**
 * Imports uploaded through the console: the file is streamed to disk (size-limited,
 * hashed on the way), checked for a known header, and imported by the same pipeline as
 * `tepat import` (import-file.ts) as a durable job in the `job` table, under the
 * uploader's account and scope: rows outside the scope are rejected by the import with
 * their reason. Progress comes from the import's own bookkeeping (import_file, committed
 * with each batch), rejects from import_reject, so the console and the CLI report alike.
 * A job left running by a stopped server is taken up again (the import resumes after its
 * last committed batch); one import runs at a time per server. After a members file, the
 * members it wrote are checked for duplicates as `tepat import` does (check-import.ts),
 * with the job's heartbeat kept and the outcome in its result (`identityCheck`).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import { z } from 'zod';
import { appendAudit } from '../platform/audit.js';
import { csvLine } from '../platform/csv.js';
import type { Actor, Db } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import type { Keyring } from '../platform/keyring.js';
import { isWithinScope } from '../regions/names.js';
import { checkAfterImport, type ImportCheckOutcome } from '../identity/check-import.js';
import { importFile, orderImportFiles } from './import/import-file.js';

export const IMPORT_JOB_KIND = 'registry.import';
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Upload content types and the file extension the import reads them by. */
export const UPLOAD_TYPES: Readonly<Record<string, '.csv' | '.xlsx'>> = { 'text/csv': '.csv', [XLSX_TYPE]: '.xlsx' };

/** A job left 'running' without a heartbeat for this long is taken up again. */
const STALE_AFTER = '2 minutes';

const RegionCode = z.string().regex(/^(ID|\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?)$/);

/** Parameters of an import job, validated when read back from the database. */
export const ImportJobParams = z.object({
  scope: RegionCode,
  role: z.string(),
  path: z.string().min(1),
  fileName: z.string().min(1),
  kind: z.enum(['families', 'members']),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
});
export type ImportJobParams = z.infer<typeof ImportJobParams>;

const ImportJobResult = z.object({
  importFileId: z.number().int().optional(),
  bytesRead: z.number().optional(),
  bytesTotal: z.number().optional(),
  warnings: z.number().int().optional(),
  rows: z.number().int().optional(),
}).passthrough();

export interface ImportDeps {
  readonly db: Db;
  readonly keyring: Keyring;
  readonly logger?: Logger;
}

export interface StoredUpload {
  readonly path: string;
  readonly fileName: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** A display name safe as a file name: no folders, no control characters, the right extension. */
export function safeFileName(raw: string | undefined, ext: '.csv' | '.xlsx'): string {
  let name = raw ?? '';
  try { name = decodeURIComponent(name); } catch { /* keep as sent */ }
  name = name.split(/[\\/]/).pop() ?? '';
  name = name.normalize('NFC').replace(/[^\p{L}\p{N} ._()-]+/gu, '_').replace(/\s+/g, ' ').trim().slice(0, 100);
  if (name === '' || name.startsWith('.')) name = `unggahan${name}`;
  return extname(name).toLowerCase() === ext ? name : `${name}${ext}`;
}

export class UploadTooLarge extends Error {}

/**
 * Streams an upload into `root/<random>/<name>`, hashing it; refuses more than `maxBytes`.
 * @example const stored = await storeUpload(dataDir, request.body, { fileName: 'keluarga.csv', maxBytes: MAX_UPLOAD_BYTES });
 */
export async function storeUpload(root: string, body: NodeJS.ReadableStream | Buffer, opts: { fileName: string; maxBytes: number }): Promise<StoredUpload> {
  const dir = join(root, randomUUID());
  await mkdir(dir, { recursive: true });
  const path = join(dir, opts.fileName);
  const hash = createHash('sha256');
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > opts.maxBytes) return done(new UploadTooLarge());
      hash.update(chunk);
      done(null, chunk);
    },
  });
  const source = Buffer.isBuffer(body) ? Readable.from([body]) : body;
  try {
    await pipeline(source, meter, createWriteStream(path));
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return { path, fileName: opts.fileName, bytes, sha256: hash.digest('hex') };
}

/**
 * Checks the stored file's header (families or members) and queues its import.
 * @example const id = await enqueueImport(deps, actor, stored)
 */
export async function enqueueImport(deps: ImportDeps, actor: Actor, upload: StoredUpload): Promise<number> {
  let kind: 'families' | 'members';
  try {
    if (upload.bytes === 0) throw new AppError('unknown_format', 'Berkas kosong.');
    kind = (await orderImportFiles([upload.path]))[0]!.kind;
  } catch (err) {
    await rm(dirname(upload.path), { recursive: true, force: true });
    throw err;
  }
  const params: ImportJobParams = { scope: actor.scope, role: actor.role, path: upload.path, fileName: upload.fileName, kind, sha256: upload.sha256, bytes: upload.bytes };
  return deps.db.transaction(async (tx) => {
    const id = Number((await tx.raw.query<{ id: number }>(
      `insert into job (kind, params, created_by, progress_total, result) values ($1, $2::jsonb, $3, $4, '{}'::jsonb) returning id`,
      [IMPORT_JOB_KIND, JSON.stringify(params), actor.id, upload.bytes])).rows[0]!.id);
    await appendAudit(tx, { action: 'registry.import.upload', entityType: 'job', entityId: id, changes: { file: upload.fileName, kind, bytes: upload.bytes } });
    return id;
  }, actor);
}

interface ClaimedJob { params: unknown; created_by: string }

async function claim(db: Db, id: number): Promise<ClaimedJob | undefined> {
  return db.transaction(async (tx) => (await tx.raw.query<ClaimedJob>(
    `update job set status = 'running', started_at = coalesce(started_at, now()), heartbeat_at = now(), error = null
      where id = $1 and kind = $2
        and (status = 'queued' or (status = 'running' and heartbeat_at < now() - interval '${STALE_AFTER}'))
      returning params, created_by`, [id, IMPORT_JOB_KIND])).rows[0]);
}

/**
 * Runs one queued (or abandoned) import job to its end. Never throws: a failure is the
 * job's state. The uploaded file is removed when the job ends.
 */
export async function runImportJob(deps: ImportDeps, id: number): Promise<'done' | 'failed' | 'not_runnable'> {
  const job = await claim(deps.db, id);
  if (!job) return 'not_runnable';
  const parsed = ImportJobParams.safeParse(job.params);
  if (!parsed.success) {
    await deps.db.transaction((tx) => tx.raw.query(`update job set status = 'failed', error = $2, finished_at = now() where id = $1`, [id, 'Parameter tugas impor tidak valid.']));
    return 'failed';
  }
  const p = parsed.data;
  const actor: Actor = { id: job.created_by, role: p.role, scope: p.scope, channel: 'job', requestId: `job:${id}` };
  let importFileId: number | undefined;
  let writes: Promise<unknown> = Promise.resolve();
  try {
    const summary = await importFile({ db: deps.db, keyring: deps.keyring, actor }, p.path, {
      onProgress: (progress) => {
        writes = writes.then(async () => {
          importFileId ??= (await deps.db.transaction((tx) => tx.raw.query<{ id: number }>(
            `select id from import_file where sha256 = $1 and kind = $2 and started_by = $3 order by id desc limit 1`, [p.sha256, p.kind, actor.id]))).rows[0]?.id;
          await deps.db.transaction((tx) => tx.raw.query(
            `update job set heartbeat_at = now(), progress_done = $2, result = $3::jsonb where id = $1`,
            [id, progress.rowsDone, JSON.stringify({ importFileId: importFileId === undefined ? undefined : Number(importFileId), bytesRead: progress.bytesRead, bytesTotal: progress.bytesTotal })]));
        }).catch(() => {});
      },
    });
    await writes;
    const identityCheck = p.kind === 'members' ? await checkImported(deps, actor, id, summary) : undefined;
    const table = p.kind === 'families' ? 'family' : 'member';
    const column = p.kind === 'families' ? 'kk_warnings' : 'nik_warnings';
    await deps.db.transaction(async (tx) => {
      // Rows this import wrote that carry warnings (NIK date or sex mismatch, unknown region…).
      const warnings = Number((await tx.raw.query<{ n: number }>(
        `select count(*)::int as n from ${table} where source_file_id = $1 and ${column} <> '{}'`, [summary.importId])).rows[0]!.n);
      const result = {
        importFileId: summary.importId, kind: p.kind, rows: summary.rows, inserted: summary.inserted, updated: summary.updated,
        unchanged: summary.unchanged, rejected: summary.rejected, warnings, bytesRead: p.bytes, bytesTotal: p.bytes, seconds: summary.seconds,
        ...(identityCheck ? { identityCheck } : {}),
      };
      await tx.raw.query(
        `update job set status = 'done', progress_done = $2, result = $3::jsonb, finished_at = now(), heartbeat_at = now() where id = $1`,
        [id, summary.rows, JSON.stringify(result)]);
      await appendAudit(tx, { action: 'registry.import.done', entityType: 'job', entityId: id, changes: result });
    }, actor);
    return 'done';
  } catch (err) {
    await writes;
    const message = err instanceof AppError ? err.message : 'Impor gagal karena kesalahan di server; hubungi admin dengan nomor tugas ini.';
    if (!(err instanceof AppError)) deps.logger?.error({ err, job: id }, 'import job failed');
    await deps.db.transaction(async (tx) => {
      await tx.raw.query(`update job set status = 'failed', error = $2, finished_at = now(), heartbeat_at = now() where id = $1`, [id, message.slice(0, 1000)]);
      await appendAudit(tx, { action: 'registry.import.failed', entityType: 'job', entityId: id, changes: { file: p.fileName, error: message.slice(0, 300) } });
    }, actor).catch(() => {});
    return 'failed';
  } finally {
    await rm(dirname(p.path), { recursive: true, force: true }).catch(() => {});
  }
}

/**
 * The duplicate check after a members upload. Its progress goes to the job (heartbeat,
 * `result.identityCheck: { done, total }`) so a long check is not taken for abandoned.
 * A failed check does not fail the import, whose rows are committed: it is logged and
 * reported, and a later upload of the file (or `tepat identity run`) takes it up.
 */
async function checkImported(deps: ImportDeps, actor: Actor, id: number, summary: { importId: number; inserted: number; updated: number }): Promise<ImportCheckOutcome | { error: string }> {
  let writes: Promise<unknown> = Promise.resolve();
  try {
    return await checkAfterImport({ db: deps.db, keyring: deps.keyring, actor }, summary, {
      onProgress: (progress) => {
        writes = writes.then(() => deps.db.transaction((tx) => tx.raw.query(
          `update job set heartbeat_at = now(), result = coalesce(result, '{}'::jsonb) || $2::jsonb where id = $1`,
          [id, JSON.stringify({ importFileId: summary.importId, identityCheck: { done: progress.done, total: progress.total } })]))).catch(() => {});
      },
    });
  } catch (err) {
    deps.logger?.error({ err, job: id }, 'identity check after import failed');
    return { error: 'Pemeriksaan duplikat setelah impor gagal; data impor tersimpan. Jalankan `tepat identity run` untuk wilayah ini.' };
  } finally {
    await writes;
  }
}

/**
 * Runs import jobs one after another in this process (imports are heavy; one at a time
 * keeps the server responsive), and takes up jobs a stopped server left behind.
 */
export class ImportRunner {
  #chain: Promise<unknown> = Promise.resolve();
  constructor(private readonly deps: ImportDeps) {}

  start(id: number): void {
    this.#chain = this.#chain.then(() => runImportJob(this.deps, id)).catch((err: unknown) => this.deps.logger?.error({ err, job: id }, 'import job crashed'));
  }

  /**
   * Queued jobs, and running ones without a recent heartbeat, whose upload is on this
   * server's disk (with several servers, each takes up its own uploads).
   */
  async resumeAbandoned(): Promise<number> {
    const rows = (await this.deps.db.transaction((tx) => tx.raw.query<{ id: number; path: string | null }>(
      `select id, params->>'path' as path from job
        where kind = $1 and (status = 'queued' or (status = 'running' and heartbeat_at < now() - interval '${STALE_AFTER}')) order by id`,
      [IMPORT_JOB_KIND]))).rows.filter((r) => r.path !== null && existsSync(r.path));
    for (const r of rows) this.start(Number(r.id));
    return rows.length;
  }

  /** Resolves when every started job has ended. */
  async idle(): Promise<void> {
    let seen: Promise<unknown>;
    do {
      seen = this.#chain;
      await seen;
    } while (seen !== this.#chain);
  }
}

export interface ImportStatus {
  readonly id: number;
  readonly status: 'queued' | 'running' | 'done' | 'failed';
  readonly fileName: string;
  readonly kind: 'families' | 'members';
  readonly rowsTotal?: number;
  readonly rowsDone: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly warnings: number;
  readonly bytesRead: number;
  readonly bytesTotal: number;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly error?: string;
  /** import_file id, for the reject report. */
  readonly importFileId?: number;
  /** The duplicate check of the members this file wrote (members files only). */
  readonly identityCheck?: IdentityCheckStatus;
}

export type IdentityCheckStatus =
  | { readonly state: 'running'; readonly checked: number; readonly total: number }
  | { readonly state: 'done'; readonly checked: number; readonly pairs: number; readonly pending: number; readonly autoAccepted: number }
  | { readonly state: 'skipped'; readonly reason: 'disabled' | 'too_many' }
  | { readonly state: 'failed'; readonly message: string };

const StoredCheck = z.union([
  z.object({ checked: z.number(), pairs: z.number(), pending: z.number(), autoAccepted: z.number() }),
  z.object({ done: z.number(), total: z.number() }),
  z.object({ skipped: z.enum(['disabled', 'too_many']) }),
  z.object({ error: z.string() }),
]);

/** The check's outcome as the job's result stores it (see checkImported), for the console. */
function identityCheckStatus(stored: unknown): IdentityCheckStatus | undefined {
  const parsed = StoredCheck.safeParse(stored);
  if (!parsed.success) return undefined;
  const c = parsed.data;
  if ('checked' in c) return { state: 'done', checked: c.checked, pairs: c.pairs, pending: c.pending, autoAccepted: c.autoAccepted };
  if ('done' in c) return { state: 'running', checked: c.done, total: c.total };
  if ('skipped' in c) return { state: 'skipped', reason: c.skipped };
  return { state: 'failed', message: c.error };
}

interface JobRow {
  id: number; status: string; params: unknown; result: unknown; error: string | null; progress_done: number;
  created_at: string; started_at: string | null; finished_at: string | null;
}

/**
 * An import job as the console shows it; undefined when absent or uploaded for a region
 * outside the caller's scope.
 */
export async function findImport(db: Db, actor: Actor, id: number): Promise<ImportStatus | undefined> {
  return db.transaction(async (tx) => {
    const job = (await tx.raw.query<JobRow>(
      'select id, status, params, result, error, progress_done, created_at, started_at, finished_at from job where id = $1 and kind = $2',
      [id, IMPORT_JOB_KIND])).rows[0];
    if (!job) return undefined;
    const params = ImportJobParams.safeParse(job.params);
    if (!params.success || !isWithinScope(actor.scope, params.data.scope)) return undefined;
    const result = ImportJobResult.safeParse(job.result ?? {});
    const r = result.success ? result.data : {};
    const file = r.importFileId === undefined ? undefined : (await tx.raw.query<{ rows_done: number; rejected: number }>(
      'select rows_done, rejected from import_file where id = $1', [r.importFileId])).rows[0];
    const rowsDone = file ? Number(file.rows_done) : Number(job.progress_done);
    const rejected = file ? Number(file.rejected) : 0;
    const status = job.status === 'cancelled' ? 'failed' : (job.status as ImportStatus['status']);
    const identityCheck = identityCheckStatus((job.result as { identityCheck?: unknown } | null)?.identityCheck);
    return {
      id: Number(job.id), status, fileName: params.data.fileName, kind: params.data.kind,
      ...(status === 'done' ? { rowsTotal: r.rows ?? rowsDone } : {}),
      rowsDone, accepted: rowsDone - rejected, rejected, warnings: r.warnings ?? 0,
      bytesRead: status === 'done' ? params.data.bytes : r.bytesRead ?? 0, bytesTotal: params.data.bytes,
      startedAt: new Date(job.started_at ?? job.created_at).toISOString(),
      ...(job.finished_at ? { finishedAt: new Date(job.finished_at).toISOString() } : {}),
      ...(job.error ? { error: job.error } : {}),
      ...(r.importFileId !== undefined ? { importFileId: r.importFileId } : {}),
      ...(identityCheck ? { identityCheck } : {}),
    };
  }, actor);
}

/**
 * The reject report of an import as CSV (the columns of `tepat import --errors`), read a
 * page at a time.
 */
export function rejectReportCsv(db: Db, actor: Actor, importFileId: number, fileName: string): Readable {
  async function* lines(): AsyncGenerator<string> {
    yield '\uFEFF' + csvLine(['berkas', 'baris', 'kolom', 'kode', 'alasan', 'nilai']);
    let after: [number, string, string] = [0, '', ''];
    for (;;) {
      const rows = (await db.transaction((tx) => tx.raw.query<{ row_no: number; column_name: string; code: string; message: string; value_masked: string | null }>(
        `select row_no, column_name, code, message, value_masked from import_reject
          where file_id = $1 and (row_no, column_name, code) > ($2, $3, $4)
          order by row_no, column_name, code limit 5000`, [importFileId, ...after]), actor)).rows;
      if (rows.length === 0) return;
      let chunk = '';
      for (const r of rows) chunk += csvLine([fileName, r.row_no, r.column_name, r.code, r.message, r.value_masked ?? '']);
      yield chunk;
      const last = rows[rows.length - 1]!;
      after = [last.row_no, last.column_name, last.code];
      if (rows.length < 5000) return;
    }
  }
  return Readable.from(lines());
}
