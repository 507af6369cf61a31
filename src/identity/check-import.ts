/**
 * Incremental identity check after an import (issue 4): the members a members file
 * inserted or changed are checked against the registry with `checkPeople`, a chunk at a
 * time. The upsert sets `member.source_file_id` on insert and on a real update only
 * (rows whose content hash did not change are left alone), so the members of an import
 * are exactly those it wrote. They are walked in id order by keyset; each chunk commits
 * its keys, its pairs and the cursor (`import_file.identity_checked_through`) together,
 * so a killed check resumes after its last committed chunk and a finished one
 * (`identity_check_status = 'done'`) does nothing.
 *
 * Large loads are better served by the regency-wide job (`tepat identity run`), which
 * compares everyone in one pass: callers skip the check above `IMPORT_CHECK_MAX_PEOPLE`
 * changed members and mark the import 'skipped'.
 */
import { appendAudit } from '../platform/audit.js';
import type { Actor, Db } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import type { Keyring } from '../platform/keyring.js';
import { checkPeople } from './check-people.js';

/** Members inserted or updated by one file above which the check is left to `tepat identity run`. */
export const IMPORT_CHECK_MAX_PEOPLE = 50_000;

export interface CheckImportDeps {
  readonly db: Db;
  readonly keyring: Keyring;
  readonly actor: Actor;
}

export interface ImportCheckProgress {
  readonly importId: number;
  /** Members checked by this run so far (each chunk reported after it committed). */
  readonly done: number;
  /** Members left to check when this run started. */
  readonly total: number;
}

export interface CheckImportOptions {
  /** Members per committed chunk (default 1,000). */
  readonly chunkSize?: number;
  readonly onProgress?: (p: ImportCheckProgress) => void;
}

export interface ImportCheckSummary {
  /** Members checked by this run (not those of an earlier, interrupted run). */
  readonly checked: number;
  /** Pairs at or above the review threshold stored or refreshed, of which linked automatically / left for review. */
  readonly pairs: number;
  readonly autoAccepted: number;
  readonly pending: number;
  /** The check had been started before and was taken up after its last committed chunk. */
  readonly resumed: boolean;
  /** Model that scored the pairs; null before the first `tepat identity run` (keys stored, nothing scored). */
  readonly modelId: number | null;
}

export type ImportCheckDecision =
  | { readonly run: true }
  | { readonly run: false; readonly reason: 'disabled' | 'too_many' };

/**
 * Whether to check an import's members now: by default when it wrote at most `max`
 * members; `force` always, `never` never.
 * @example decideImportCheck({ inserted: 10, updated: 2 }, {}) // { run: true }
 */
export function decideImportCheck(
  written: { readonly inserted: number; readonly updated: number },
  opts: { readonly force?: boolean; readonly never?: boolean; readonly max?: number },
): ImportCheckDecision {
  if (opts.never) return { run: false, reason: 'disabled' };
  if (opts.force) return { run: true };
  return written.inserted + written.updated <= (opts.max ?? IMPORT_CHECK_MAX_PEOPLE) ? { run: true } : { run: false, reason: 'too_many' };
}

interface ImportRow {
  kind: string;
  status: string;
  identity_checked_through: number | null;
  identity_check_status: string | null;
}

/**
 * Checks the members an import wrote against the registry, resumably. A finished check
 * returns zeros; an import still running is refused (its members are not all written).
 *
 * @example
 * const r = await checkImportedMembers({ db, keyring, actor }, summary.importId, { chunkSize: 1000 });
 * // { checked: 1200, pairs: 14, autoAccepted: 9, pending: 5, resumed: false, modelId: 3 }
 */
export async function checkImportedMembers(deps: CheckImportDeps, importId: number, opts: CheckImportOptions = {}): Promise<ImportCheckSummary> {
  const chunkSize = opts.chunkSize ?? 1000;
  const { db, keyring, actor } = deps;
  const start = await db.transaction(async (tx) => {
    // The row lock keeps two runs of the same check from interleaving their chunks.
    const row = (await tx.raw.query<ImportRow>(
      `select kind, status, identity_checked_through, identity_check_status from import_file where id = $1 for update`, [importId])).rows[0];
    if (!row) throw new AppError('not_found', `Impor #${importId} tidak ditemukan.`);
    if (row.kind !== 'members') throw new AppError('bad_request', `Impor #${importId} adalah berkas keluarga; pemeriksaan duplikat hanya untuk berkas anggota.`);
    if (row.status !== 'done') throw new AppError('conflict', `Impor #${importId} belum selesai; selesaikan impornya dulu (jalankan ulang perintah impor).`);
    if (row.identity_check_status === 'done') return undefined;
    const after = row.identity_checked_through === null ? 0 : Number(row.identity_checked_through);
    // A started check has a cursor (0 before its first chunk), so a re-run can tell it apart
    // from an import that was never checked.
    if (row.identity_checked_through === null || row.identity_check_status !== null) {
      await tx.raw.query(`update import_file set identity_checked_through = $2, identity_check_status = null where id = $1`, [importId, after]);
    }
    const left = Number((await tx.raw.query<{ n: number }>(
      'select count(*)::int as n from member where source_file_id = $1 and id > $2', [importId, after])).rows[0]!.n);
    return { after, left, resumed: after > 0 };
  }, actor);
  if (!start) return { checked: 0, pairs: 0, autoAccepted: 0, pending: 0, resumed: false, modelId: null };

  const totals = { checked: 0, pairs: 0, autoAccepted: 0, pending: 0 };
  let modelId: number | null = null;
  for (;;) {
    const chunk = await db.transaction(async (tx) => {
      const row = (await tx.raw.query<ImportRow>(
        'select kind, status, identity_checked_through, identity_check_status from import_file where id = $1 for update', [importId])).rows[0]!;
      if (row.identity_check_status === 'done') return undefined;
      const after = Number(row.identity_checked_through ?? 0);
      // Keyset over (source_file_id, id): never more than one chunk of ids in memory.
      const ids = (await tx.raw.query<{ id: number }>(
        'select id from member where source_file_id = $1 and id > $2 order by id limit $3', [importId, after, chunkSize])).rows.map((r) => Number(r.id));
      if (ids.length === 0) {
        await tx.raw.query(`update import_file set identity_check_status = 'done' where id = $1`, [importId]);
        await appendAudit(tx, {
          action: 'import.identity_check.done', entityType: 'import_file', entityId: importId,
          changes: { checkedThrough: after, checked: totals.checked, pairs: totals.pairs, autoAccepted: totals.autoAccepted, pending: totals.pending },
        });
        return undefined;
      }
      const summary = await checkPeople(tx, keyring, ids);
      await tx.raw.query('update import_file set identity_checked_through = $2 where id = $1', [importId, ids[ids.length - 1]]);
      return { summary, count: ids.length };
    }, actor);
    if (!chunk) break;
    totals.checked += chunk.count;
    totals.pairs += chunk.summary.pairs;
    totals.autoAccepted += chunk.summary.autoAccepted;
    totals.pending += chunk.summary.pending;
    modelId = chunk.summary.modelId ?? modelId;
    opts.onProgress?.({ importId, done: totals.checked, total: start.left });
    // PGlite answers in microtasks: let timers (progress bars, heartbeats) run between chunks.
    await new Promise((r) => setImmediate(r));
  }
  return { ...totals, resumed: start.resumed, modelId };
}

/**
 * Records that an import's members were not checked one by one (left to the
 * regency-wide job), with an audit record.
 * @example await skipImportCheck({ db, keyring, actor }, importId, 'too_many');
 */
export async function skipImportCheck(deps: CheckImportDeps, importId: number, reason: 'disabled' | 'too_many'): Promise<void> {
  await deps.db.transaction(async (tx) => {
    await tx.raw.query(`update import_file set identity_check_status = 'skipped' where id = $1 and identity_check_status is null`, [importId]);
    await appendAudit(tx, { action: 'import.identity_check.skipped', entityType: 'import_file', entityId: importId, changes: { reason } });
  }, deps.actor);
}

/**
 * Earlier imports of the same members file (same content) whose check was started and
 * not finished: a run of `tepat import` or an upload job killed during the check leaves
 * one behind, and importing the file again writes nothing new to check.
 */
async function findUnfinishedImportChecks(db: Db, actor: Actor, importId: number): Promise<number[]> {
  return db.transaction(async (tx) => (await tx.raw.query<{ id: number }>(
    `select e.id from import_file f join import_file e on e.sha256 = f.sha256 and e.kind = f.kind and e.id < f.id
      where f.id = $1 and e.status = 'done' and e.identity_checked_through is not null and e.identity_check_status is null
      order by e.id`, [importId])).rows.map((r) => Number(r.id)), actor);
}

export type ImportCheckOutcome = ImportCheckSummary | { readonly skipped: 'disabled' | 'too_many' };

/**
 * The step after a members file is imported (CLI and upload job alike): takes up an
 * unfinished check of an earlier import of the same file, then checks this import's
 * members, or marks the import 'skipped' when `decideImportCheck` says so.
 * @example const outcome = await checkAfterImport(deps, summary, { force: values['cek-duplikat'] });
 */
export async function checkAfterImport(
  deps: CheckImportDeps,
  written: { readonly importId: number; readonly inserted: number; readonly updated: number },
  opts: CheckImportOptions & { readonly force?: boolean; readonly never?: boolean; readonly max?: number } = {},
): Promise<ImportCheckOutcome> {
  const decision = decideImportCheck(written, opts);
  if (!decision.run) {
    await skipImportCheck(deps, written.importId, decision.reason);
    return { skipped: decision.reason };
  }
  const totals = { checked: 0, pairs: 0, autoAccepted: 0, pending: 0 };
  let modelId: number | null = null;
  let resumed = false;
  for (const id of [...await findUnfinishedImportChecks(deps.db, deps.actor, written.importId), written.importId]) {
    const r = await checkImportedMembers(deps, id, opts);
    totals.checked += r.checked;
    totals.pairs += r.pairs;
    totals.autoAccepted += r.autoAccepted;
    totals.pending += r.pending;
    modelId = r.modelId ?? modelId;
    resumed ||= r.resumed || (id !== written.importId && r.checked > 0);
  }
  return { ...totals, resumed, modelId };
}
