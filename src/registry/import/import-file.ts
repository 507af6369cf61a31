/**
 * Import of a families or members file into the registry.
 *
 * Streaming and set-based: the file is cut into batches of whole rows; each batch is
 * parsed, validated, hashed and encrypted (stage-rows.ts; on worker threads for large
 * files, see stage-pool.ts) while earlier batches are written: binary COPY into a
 * temporary stage table, then one upsert statement. Batches are written in file order
 * and each commits its data, its rejected rows and the file's progress in one
 * transaction, so a run killed at any point resumes after its last committed batch, and
 * running a file again changes nothing (rows are keyed by keyed hashes of their
 * identifiers and compared by a keyed hash of their content).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { AppError } from '../../platform/errors.js';
import type { Actor, Db, Tx } from '../../platform/db.js';
import { appendAudit } from '../../platform/audit.js';
import type { Keyring } from '../../platform/keyring.js';
import { readRegions } from '../../regions/data.js';
import { familyColumns, memberColumns, type ColumnDef } from '../import-columns.js';
import type { ValidationContext } from '../validate-row.js';
import { detectFormat, openRowSource, type SourceRow } from './read-rows.js';
import { csvHead, recordRuns } from './csv-records.js';
import {
  FAMILY_STAGE_COLUMNS, FAMILY_STAGE_DDL, MEMBER_STAGE_COLUMNS, MEMBER_STAGE_DDL,
  regionValidation, type CellRow, type ImportKind, type Reject, type StageSpec,
} from './stage-rows.js';
import { defaultPoolSize, inlineStageRunner, startStagePool, type StageJob, type StageRunner, type StagedOutput } from './stage-pool.js';

export type { ImportKind } from './stage-rows.js';
export interface FileSummary {
  file: string;
  kind: ImportKind;
  rows: number;
  imported: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** Data rows already committed by an earlier, interrupted run of the same file. */
  resumedAfterRows: number;
  importId: number;
  /** Wall-clock time of this run (hashing, reading, validating, writing). */
  seconds: number;
}

export interface ImportProgress {
  file: string;
  rowsDone: number;
  bytesRead: number;
  bytesTotal: number;
}

export interface ImportDeps {
  db: Db;
  keyring: Keyring;
  actor: Actor;
  today?: Date;
}

export interface ImportOptions {
  batchSize?: number;
  onProgress?: (p: ImportProgress) => void;
  /**
   * Worker threads that parse, validate and encrypt batches while earlier ones are
   * written: 0 stages on the calling thread. Default for files of 4 MB and more: one per
   * core (one fewer on PGlite, which runs on the main thread), at most four; none for
   * smaller files (starting threads costs more than they save).
   */
  workers?: number;
  /** Filled with milliseconds spent per phase, for benchmarks (see bench/import-run.ts). */
  timings?: Record<string, number>;
}

function normalizeHeader(h: string): string {
  return h.replace(/^\uFEFF/, '').trim().toLowerCase().replace(/[\s-]+/g, '_');
}

/** Which kind of file a header describes, and where each known column sits in it. */
export function mapHeader(header: string[]): { kind: ImportKind; columns: ColumnDef[]; indexes: number[]; ignored: string[] } {
  const names = header.map(normalizeHeader);
  const seen = new Map<string, number>();
  names.forEach((n, i) => {
    if (n === '') return;
    if (seen.has(n)) throw new AppError('unknown_format', `Judul kolom "${header[i]}" muncul dua kali (kolom ${seen.get(n)! + 1} dan ${i + 1}).`);
    seen.set(n, i);
  });
  const find = (def: ColumnDef) => [def.name, ...def.aliases].map((a) => seen.get(a)).find((i) => i !== undefined) ?? -1;
  const hasVillage = find(familyColumns.find((c) => c.name === 'kode_desa')!) >= 0;
  const hasPerson = find(memberColumns.find((c) => c.name === 'nama')!) >= 0 || find(memberColumns.find((c) => c.name === 'nik')!) >= 0;
  if (!hasVillage && !hasPerson) {
    throw new AppError('unknown_format',
      'Format berkas tidak dikenal: berkas keluarga harus memiliki kolom no_kk dan kode_desa; berkas anggota harus memiliki kolom no_kk, nik dan nama. Lihat docs/import-format.md.');
  }
  const kind: ImportKind = hasVillage ? 'families' : 'members';
  const columns = [...(kind === 'families' ? familyColumns : memberColumns)];
  const indexes = columns.map(find);
  const missing = columns.filter((c, i) => c.required && indexes[i] === -1).map((c) => c.name);
  if (missing.length > 0) {
    throw new AppError('unknown_format', `Kolom wajib tidak ada di berkas ${kind === 'families' ? 'keluarga' : 'anggota'}: ${missing.join(', ')}.`);
  }
  const used = new Set(indexes.filter((i) => i >= 0));
  const ignored = header.filter((h, i) => !used.has(i) && h.trim() !== '');
  return { kind, columns, indexes, ignored };
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

interface RegionCodes {
  villages: Set<string>;
  districts: Set<string>;
  /** The same codes one per line, for worker threads. */
  villagesText?: string;
  districtsText?: string;
}

let regionCodes: RegionCodes | undefined;
function loadRegionCodes(): RegionCodes {
  if (!regionCodes) {
    const villages = new Set<string>();
    const districts = new Set<string>();
    for (const r of readRegions()) {
      if (r.level === 4) villages.add(r.code);
      else if (r.level === 3) districts.add(r.code);
    }
    regionCodes = { villages, districts };
  }
  return regionCodes;
}

/** The import's validation context (Kemendagri villages and districts), shared with API edits. */
export function regionContext(today: Date): ValidationContext {
  const codes = loadRegionCodes();
  return regionValidation(codes.villages, codes.districts, today.getTime());
}

// ------------------------------------------------------------------ upserts

// Identifiers that are part of the conflict key cannot differ on update: keep their ciphertext.
const KEPT_ON_UPDATE = new Set(['kk_enc', 'kk_bidx', 'nik_enc', 'nik_bidx', 'member_key', 'regency_code']);

function upsertSql(table: 'family' | 'member', columns: string[], conflict: string, fromSql: string): string {
  const updates = columns.filter((c) => !KEPT_ON_UPDATE.has(c)).map((c) => `${c} = excluded.${c}`);
  return `insert into ${table} (${columns.join(', ')}, source_file_id, source_row)
    ${fromSql}
    on conflict (${conflict}) do update set ${updates.join(', ')},
      source_file_id = excluded.source_file_id, source_row = excluded.source_row,
      version = ${table}.version + 1, updated_at = now()
    where ${table}.row_hash <> excluded.row_hash
    returning (xmax = 0) as inserted`;
}

const FAMILY_TARGET = FAMILY_STAGE_COLUMNS.filter((c) => c !== 'row_no');
const FAMILY_UPSERT = `with written as (${upsertSql('family', FAMILY_TARGET, 'kk_bidx, regency_code',
  `select ${FAMILY_TARGET.join(', ')}, $1::bigint, row_no from family_stage`)})
  select count(*) filter (where inserted)::int as inserted, count(*) filter (where not inserted)::int as updated from written`;

const MEMBER_TARGET = ['regency_code', 'family_id', 'village_code', ...MEMBER_STAGE_COLUMNS.filter((c) => c !== 'row_no' && c !== 'kk_bidx')];
// Columns that are NOT NULL with a meaningful default when the file leaves them empty.
const MEMBER_DEFAULTS: Record<string, string> = {
  presence_status: "'tinggal'", severe_disability: 'false', is_pregnant: 'false', disabilities: "'{}'",
};
function memberSelect(c: string): string {
  if (c === 'family_id') return 'f.id';
  if (c === 'regency_code' || c === 'village_code') return `f.${c}`;
  const fallback = MEMBER_DEFAULTS[c];
  return fallback ? `coalesce(s.${c}, ${fallback})` : `s.${c}`;
}
// One statement per member batch: the families of its KKs (with how many families carry
// each KK: exactly one is required; none means not registered or out of scope, two or
// more a KK duplicated across regencies), the upsert of the members whose KK resolves,
// and the rows whose KK does not. The first result row (row_no -1) carries the counts.
const MEMBER_UPSERT = `with f as materialized (
    select f.kk_bidx, min(f.id) as id, min(f.regency_code) as regency_code, min(f.village_code) as village_code, count(*)::int as n
      from family f where f.kk_bidx in (select kk_bidx from member_stage) group by f.kk_bidx),
  written as (${upsertSql('member', MEMBER_TARGET, 'member_key, regency_code',
    `select ${MEMBER_TARGET.map(memberSelect).join(', ')}, $1::bigint, s.row_no
       from member_stage s join f on f.kk_bidx = s.kk_bidx and f.n = 1`)})
  select -1 as row_no, count(*) filter (where inserted)::int as inserted, count(*) filter (where not inserted)::int as updated from written
  union all
  select s.row_no, coalesce(f.n, 0), 0 from member_stage s left join f on f.kk_bidx = s.kk_bidx where coalesce(f.n, 0) <> 1`;

function orphanReject(rowNo: number, families: number): Reject {
  return {
    rowNo,
    errors: [{
      column: 'no_kk', code: families === 0 ? 'KK_NOT_FOUND' : 'KK_AMBIGUOUS', valueMasked: '',
      message: families === 0
        ? 'No. KK belum terdaftar di registri (atau di luar wilayah Anda); impor berkas keluarga terlebih dahulu.'
        : 'No. KK terdaftar di lebih dari satu kabupaten/kota; selesaikan duplikasi keluarga terlebih dahulu.',
    }],
  };
}

async function writeRejects(tx: Tx, importId: number, rejects: Reject[]): Promise<void> {
  if (rejects.length === 0) return;
  const rowNos: number[] = [];
  const columns: string[] = [];
  const codes: string[] = [];
  const messages: string[] = [];
  const values: string[] = [];
  for (const r of rejects) {
    for (const e of r.errors) {
      rowNos.push(r.rowNo); columns.push(e.column); codes.push(e.code); messages.push(e.message); values.push(e.valueMasked);
    }
  }
  await tx.raw.query(
    `insert into import_reject (file_id, row_no, column_name, code, message, value_masked)
     select $1, * from unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[])
     on conflict do nothing`,
    [importId, rowNos, columns, codes, messages, values],
  );
}

// ------------------------------------------------------------------ reading

/** Files from this size on are staged on worker threads by default. */
const POOL_MIN_BYTES = 4 << 20;

interface Source {
  readonly header: string[];
  progress(): { bytesRead: number; bytesTotal: number };
  /** Batches of at most `batchSize` data rows, after the first `skip`. */
  jobs(batchSize: number, skip: number): AsyncIterable<StageJob>;
  /** CSV: the dialect the workers parse with. */
  readonly csv?: { delimiter: string; newline: string };
  close(): void;
}

async function openCsvSource(path: string, size: number): Promise<Source> {
  const fh = await open(path, 'r');
  let head: Buffer;
  try {
    const buf = Buffer.alloc(Math.min(size, 1 << 20));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  const { header, dialect, dataOffset, rowsBefore } = csvHead(head, head.length >= size);
  let bytesRead = dataOffset;
  let stream: ReturnType<typeof createReadStream> | undefined;
  return {
    header,
    csv: { delimiter: String.fromCharCode(dialect.delimiter), newline: String.fromCharCode(dialect.newline) },
    progress: () => ({ bytesRead, bytesTotal: size }),
    close: () => stream?.destroy(),
    async *jobs(batchSize, skip) {
      if (dataOffset >= size) return;
      stream = createReadStream(path, { start: dataOffset, highWaterMark: 1 << 20 });
      const chunks = async function* (s: AsyncIterable<Buffer>) {
        for await (const chunk of s) {
          bytesRead += chunk.length;
          yield chunk;
        }
      };
      for await (const run of recordRuns(chunks(stream), dialect, { maxRecords: batchSize, skipRecords: skip, rowsBefore })) {
        yield { csv: { bytes: run.bytes, rowsBefore: run.rowsBefore } };
      }
    },
  };
}

async function openXlsxSource(path: string): Promise<Source> {
  const source = await openRowSource(path);
  return {
    header: source.header,
    progress: () => source.progress(),
    close: () => source.close(),
    async *jobs(batchSize, skip) {
      let index = 0;
      let rows: CellRow[] = [];
      for await (const row of source.rows() as AsyncIterable<SourceRow>) {
        if (++index <= skip) continue;
        rows.push(row.numericCells ? { rowNo: row.rowNo, cells: row.cells, numericCells: [...row.numericCells] } : { rowNo: row.rowNo, cells: row.cells });
        if (rows.length >= batchSize) {
          yield { rows };
          rows = [];
        }
      }
      if (rows.length > 0) yield { rows };
    },
  };
}

function stageRunner(deps: ImportDeps, spec: StageSpec, ctx: ValidationContext, csv: Source['csv'], threads: number, batchSize: number): StageRunner {
  const { cipher, index } = deps.keyring;
  // Workers get the keys as KeyObjects; a keyring whose cipher cannot give them (a test
  // double) is used on this thread.
  if (threads > 0 && typeof cipher.currentKeyForWorker === 'function' && typeof index.keyForWorker === 'function') {
    const codes = loadRegionCodes();
    codes.villagesText ??= [...codes.villages].join('\n');
    codes.districtsText ??= [...codes.districts].join('\n');
    const { keyId, key } = cipher.currentKeyForWorker();
    return startStagePool(threads, {
      spec, keys: { keyId, dataKey: key, indexKey: index.keyForWorker() },
      villages: codes.villagesText, districts: codes.districtsText, ...(csv ? { csv } : {}),
    }, batchSize);
  }
  return inlineStageRunner(spec, deps.keyring, ctx, csv);
}

function addTime(timings: Record<string, number> | undefined, phase: string, since: number): void {
  if (timings) timings[phase] = (timings[phase] ?? 0) + performance.now() - since;
}

// ------------------------------------------------------------------ the file

/**
 * Imports one file; the kind (families or members) is read from its header.
 * @example const summary = await importFile(deps, 'keluarga.csv');
 */
export async function importFile(deps: ImportDeps, path: string, opts: ImportOptions = {}): Promise<FileSummary> {
  const batchSize = opts.batchSize ?? 5000;
  const started = performance.now();
  const { timings } = opts;
  const { format, size } = await detectFormat(path);
  const source = format === 'csv' ? await openCsvSource(path, size) : await openXlsxSource(path);
  const { kind, indexes } = mapHeader(source.header);
  const sha = await sha256File(path);
  const { db, actor } = deps;
  const today = deps.today ?? new Date();
  const fileName = basename(path);
  addTime(timings, 'open', started);

  const previous = await db.transaction(async ({ kysely }) => kysely.selectFrom('importFile').selectAll()
    .where('sha256', '=', sha).where('status', '=', 'running').where('kind', '=', kind)
    .orderBy('id', 'desc').limit(1).executeTakeFirst(), actor);
  const record = previous ?? await db.transaction(async ({ kysely }) => kysely.insertInto('importFile')
    .values({ sha256: sha, fileName, kind, startedBy: actor.id }).returningAll().executeTakeFirstOrThrow(), actor);
  const importId = record.id;
  const resumedAfterRows = record.rowsDone;
  const totals = { rows: record.rowsDone, inserted: record.inserted, updated: record.updated, unchanged: record.unchanged, rejected: record.rejected };

  const spec: StageSpec = { kind, indexes, today: today.getTime(), scope: actor.scope };
  const threads = opts.workers ?? (size >= POOL_MIN_BYTES ? defaultPoolSize(db.kind === 'pglite') : 0);
  const runner = stageRunner(deps, spec, regionContext(today), source.csv, threads, batchSize);
  const stageTable = kind === 'families' ? 'family_stage' : 'member_stage';
  const copySql = `copy ${stageTable} (${(kind === 'families' ? FAMILY_STAGE_COLUMNS : MEMBER_STAGE_COLUMNS).join(', ')}) from stdin with (format binary)`;

  // A batch commits its data, its rejected rows and the file's progress together.
  const commit = async (staged: StagedOutput) => {
    const t0 = performance.now();
    const rejects = [...staged.rejects];
    await db.transaction(async (tx) => {
      let inserted = 0;
      let updated = 0;
      // A batch's rows and the file's progress commit together: a batch lost to a server
      // crash before its WAL reached disk is imported again on resume, so the commit need
      // not wait for the flush (the final 'done' commit does).
      await tx.raw.exec(`set local synchronous_commit = off;${staged.count > 0 ? (kind === 'families' ? FAMILY_STAGE_DDL : MEMBER_STAGE_DDL) : ''}`);
      if (staged.count > 0) {
        let t = performance.now();
        await tx.raw.copyFrom(copySql, staged.copy);
        addTime(timings, 'db.copy', t);
        t = performance.now();
        if (kind === 'families') {
          const counts = await tx.raw.query<{ inserted: number; updated: number }>(FAMILY_UPSERT, [importId]);
          inserted = counts.rows[0]?.inserted ?? 0;
          updated = counts.rows[0]?.updated ?? 0;
        } else {
          const result = await tx.raw.query<{ row_no: number; inserted: number; updated: number }>(MEMBER_UPSERT, [importId]);
          for (const r of result.rows) {
            if (r.row_no === -1) {
              inserted = r.inserted;
              updated = r.updated;
            } else rejects.push(orphanReject(r.row_no, r.inserted));
          }
        }
        addTime(timings, 'db.upsert', t);
      }
      const t = performance.now();
      await writeRejects(tx, importId, rejects);
      const rejectedRows = new Set(rejects.map((r) => r.rowNo)).size;
      totals.rows += staged.rows;
      totals.inserted += inserted;
      totals.updated += updated;
      totals.rejected += rejectedRows;
      totals.unchanged = totals.rows - totals.inserted - totals.updated - totals.rejected;
      await tx.kysely.updateTable('importFile').set({
        rowsDone: totals.rows, inserted: totals.inserted, updated: totals.updated, unchanged: totals.unchanged, rejected: totals.rejected,
      }).where('id', '=', importId).execute();
      await appendAudit(tx, {
        action: 'import.batch', entityType: 'import_file', entityId: importId,
        changes: { file: fileName, kind, rows: staged.rows, inserted, updated, rejected: rejectedRows, rowsDone: totals.rows },
      });
      addTime(timings, 'db.bookkeeping', t);
    }, actor);
    addTime(timings, 'db.batch', t0);
    opts.onProgress?.({ file: fileName, rowsDone: totals.rows, ...source.progress() });
  };

  // Batches are staged ahead (on the workers, or here) while earlier ones are written;
  // they are written in file order, so progress is always a prefix of the file.
  const ahead = Math.max(2, runner.threads * 2 + 1);
  const window: Array<Promise<void>> = [];
  let tail: Promise<void> = Promise.resolve();
  try {
    for await (const job of source.jobs(batchSize, resumedAfterRows)) {
      const staged = runner.stage(job);
      staged.catch(() => {});
      const previousBatch = tail;
      tail = (async () => {
        await previousBatch;
        const t = performance.now();
        const out = await staged;
        addTime(timings, 'stage.wait', t);
        await commit(out);
      })();
      window.push(tail);
      if (window.length >= ahead) await window.shift();
    }
    await tail;
  } catch (err) {
    await tail.catch(() => {});
    throw err;
  } finally {
    source.close();
    await runner.close();
  }
  await db.transaction(async ({ kysely }) => kysely.updateTable('importFile')
    .set({ status: 'done', finishedAt: new Date() }).where('id', '=', importId).execute(), actor);

  return {
    file: fileName, kind, rows: totals.rows, imported: totals.inserted + totals.updated,
    inserted: totals.inserted, updated: totals.updated, unchanged: totals.unchanged, rejected: totals.rejected,
    resumedAfterRows, importId, seconds: Math.round(performance.now() - started) / 1000,
  };
}

/** Families files first: members need their family in the registry. */
export async function orderImportFiles(paths: string[]): Promise<Array<{ path: string; kind: ImportKind }>> {
  const out: Array<{ path: string; kind: ImportKind }> = [];
  for (const path of paths) {
    const source = await openRowSource(path);
    source.close();
    out.push({ path, kind: mapHeader(source.header).kind });
  }
  return out.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'families' ? -1 : 1));
}

/** Rejected rows of an import as error-report lines (file, row, column, reason). */
export async function rejectReport(db: Db, actor: Actor, importId: number, fileName: string): Promise<Array<{ file: string; row: number; column: string; code: string; message: string; value: string }>> {
  const rows = await db.transaction(async ({ kysely }) => kysely.selectFrom('importReject').selectAll()
    .where('fileId', '=', importId).orderBy('rowNo').orderBy('columnName').execute(), actor);
  return rows.map((r) => ({ file: fileName, row: r.rowNo, column: r.columnName, code: r.code, message: r.message, value: r.valueMasked ?? '' }));
}
