/**
 * Import of a families or members file into the registry.
 *
 * Streaming and set-based: rows are validated in batches, each batch is copied into a
 * temporary stage table and upserted with one statement per table. A batch commits its
 * data, its rejected rows and the file's progress in one transaction, so a run killed at
 * any point resumes after its last committed batch, and running a file again changes
 * nothing (rows are keyed by keyed hashes of their identifiers and compared by a keyed
 * hash of their content).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { AppError } from '../../platform/errors.js';
import type { Actor, Db, Tx } from '../../platform/db.js';
import { appendAudit } from '../../platform/audit.js';
import { CIPHER_CONTEXT, type Keyring } from '../../platform/keyring.js';
import { copyBytes, copyEscape, copyTextArray } from '../../platform/copy.js';
import { readRegions } from '../../regions/data.js';
import { familyColumns, memberColumns, type ColumnDef } from '../import-columns.js';
import { maskForReport, validateRow, type CellError, type RowValues, type ValidationContext } from '../validate-row.js';
import { openRowSource, type SourceRow } from './read-rows.js';
import { familyRowHash, memberRowHash, withMemberDefaults } from '../integrity.js';

export type ImportKind = 'families' | 'members';

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
}

interface Reject {
  rowNo: number;
  errors: CellError[];
}

function normalizeHeader(h: string): string {
  return h.replace(/^\uFEFF/, '').trim().toLowerCase().replace(/[\s-]+/g, '_');
}

function snake(field: string): string {
  return field.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
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

let regionSets: { villages: Set<string>; districts: Set<string> } | undefined;
function regionContext(today: Date): ValidationContext {
  if (!regionSets) {
    const villages = new Set<string>();
    const districts = new Set<string>();
    for (const r of readRegions()) {
      if (r.level === 4) villages.add(r.code);
      else if (r.level === 3) districts.add(r.code);
    }
    regionSets = { villages, districts };
  }
  const sets = regionSets;
  return { isKnownVillage: (c) => sets.villages.has(c), isKnownDistrict: (c) => sets.districts.has(c), today };
}

// ------------------------------------------------------------------ stage rows

const FAMILY_SPECIAL = new Set(['kkNumber', 'villageCode', 'address', 'phone', 'programsReceived']);
const MEMBER_SPECIAL = new Set(['kkNumber', 'nik', 'phone']);

function plainColumns(columns: readonly ColumnDef[], special: Set<string>): ColumnDef[] {
  return columns.filter((c) => !special.has(c.field));
}

const FAMILY_PLAIN = plainColumns(familyColumns, FAMILY_SPECIAL);
const MEMBER_PLAIN = plainColumns(memberColumns, MEMBER_SPECIAL);

const FAMILY_STAGE_COLUMNS = [
  'row_no', 'regency_code', 'village_code', 'kk_enc', 'kk_bidx', 'kk_warnings', 'address_enc', 'phone_enc',
  ...FAMILY_PLAIN.map((c) => snake(c.field)), 'programs_received', 'programs_received_periods', 'row_hash',
];
const MEMBER_STAGE_COLUMNS = [
  'row_no', 'kk_bidx', 'member_key', 'nik_enc', 'nik_bidx', 'nik_warnings', 'phone_enc',
  ...MEMBER_PLAIN.map((c) => snake(c.field)), 'row_hash',
];

function sqlType(def: ColumnDef): string {
  switch (def.kind.type) {
    case 'int': case 'power': return 'integer';
    case 'bool': return 'boolean';
    case 'date': return 'date';
    case 'enum_set': return 'text[]';
    default: return 'text';
  }
}

function stageDdl(table: string, plain: ColumnDef[], leading: string[], trailing: string[]): string {
  const cols = [...leading, ...plain.map((c) => `${snake(c.field)} ${sqlType(c)}`), ...trailing];
  return `create temp table if not exists ${table} (${cols.join(', ')}) on commit delete rows`;
}

const FAMILY_STAGE_DDL = stageDdl('family_stage', FAMILY_PLAIN,
  ['row_no integer', 'regency_code text', 'village_code text', 'kk_enc bytea', 'kk_bidx bytea', 'kk_warnings text[]', 'address_enc bytea', 'phone_enc bytea'],
  ['programs_received text[]', 'programs_received_periods text[]', 'row_hash bytea']);
const MEMBER_STAGE_DDL = stageDdl('member_stage', MEMBER_PLAIN,
  ['row_no integer', 'kk_bidx bytea', 'member_key bytea', 'nik_enc bytea', 'nik_bidx bytea', 'nik_warnings text[]', 'phone_enc bytea'],
  ['row_hash bytea']);

function copyValue(def: ColumnDef, v: RowValues[string] | undefined): string {
  if (v === null || v === undefined) return def.kind.type === 'enum_set' ? '{}' : '\\N';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return copyTextArray(v);
  return copyEscape(v);
}

interface StagedBatch {
  lines: string;
  count: number;
  rejects: Reject[];
}

function stageFamilies(keyring: Keyring, rows: Array<{ rowNo: number; values: RowValues; warnings: string[] }>): StagedBatch {
  const { cipher, index } = keyring;
  const seen = new Map<string, number>();
  const rejects: Reject[] = [];
  let lines = '';
  let count = 0;
  for (const { rowNo, values, warnings } of rows) {
    const kk = values.kkNumber as string;
    const village = values.villageCode as string;
    const kkBidx = index.compute('kk', kk);
    const key = kkBidx.toString('hex') + village.slice(0, 5);
    const first = seen.get(key);
    if (first !== undefined) {
      rejects.push({ rowNo, errors: [{ column: 'no_kk', code: 'DUPLICATE_ROW', message: `No. KK yang sama sudah ada di baris ${first} berkas ini.`, valueMasked: '' }] });
      continue;
    }
    seen.set(key, rowNo);
    const programs = (values.programsReceived as string[] | null) ?? [];
    const cells = [
      String(rowNo), village.slice(0, 5), village,
      copyBytes(cipher.encrypt(kk, CIPHER_CONTEXT.kk)), copyBytes(kkBidx), copyTextArray(warnings),
      values.address ? copyBytes(cipher.encrypt(values.address as string, CIPHER_CONTEXT.address)) : '\\N',
      values.phone ? copyBytes(cipher.encrypt(values.phone as string, CIPHER_CONTEXT.familyPhone)) : '\\N',
      ...FAMILY_PLAIN.map((c) => copyValue(c, values[c.field])),
      copyTextArray(programs.map((p) => p.split(':')[0]!)),
      copyTextArray(programs.map((p) => p.split(':')[1] ?? '')),
      copyBytes(familyRowHash(keyring, values)),
    ];
    lines += cells.join('\t') + '\n';
    count++;
  }
  return { lines, count, rejects };
}

function stageMembers(keyring: Keyring, rows: Array<{ rowNo: number; values: RowValues; warnings: string[] }>): StagedBatch {
  const { cipher, index } = keyring;
  const seen = new Map<string, number>();
  const rejects: Reject[] = [];
  let lines = '';
  let count = 0;
  for (const { rowNo, values: raw, warnings } of rows) {
    const values = withMemberDefaults(raw);
    const kk = values.kkNumber as string;
    const nik = values.nik as string | null;
    // Without a NIK a person is identified within the family by name and birth date.
    const memberKey = index.compute('member', nik ? `${kk}|${nik}` : `${kk}|${values.fullName as string}|${(values.birthDate as string | null) ?? ''}`);
    const keyHex = memberKey.toString('hex');
    const first = seen.get(keyHex);
    if (first !== undefined) {
      rejects.push({ rowNo, errors: [{ column: nik ? 'nik' : 'nama', code: 'DUPLICATE_ROW', message: `Orang yang sama (No. KK dan ${nik ? 'NIK' : 'nama + tanggal lahir'}) sudah ada di baris ${first} berkas ini.`, valueMasked: '' }] });
      continue;
    }
    seen.set(keyHex, rowNo);
    const cells = [
      String(rowNo), copyBytes(index.compute('kk', kk)), copyBytes(memberKey),
      nik ? copyBytes(cipher.encrypt(nik, CIPHER_CONTEXT.nik)) : '\\N',
      nik ? copyBytes(index.compute('nik', nik)) : '\\N',
      copyTextArray(warnings),
      values.phone ? copyBytes(cipher.encrypt(values.phone as string, CIPHER_CONTEXT.memberPhone)) : '\\N',
      ...MEMBER_PLAIN.map((c) => copyValue(c, values[c.field])),
      copyBytes(memberRowHash(keyring, values)),
    ];
    lines += cells.join('\t') + '\n';
    count++;
  }
  return { lines, count, rejects };
}

// ------------------------------------------------------------------ upserts

// Identifiers that are part of the conflict key cannot differ on update: keep their ciphertext.
const KEPT_ON_UPDATE = new Set(['kk_enc', 'kk_bidx', 'nik_enc', 'nik_bidx', 'member_key', 'regency_code']);

function upsertSql(table: 'family' | 'member', columns: string[], conflict: string, fromSql: string): string {
  const updates = columns.filter((c) => !KEPT_ON_UPDATE.has(c)).map((c) => `${c} = excluded.${c}`);
  return `with written as (
    insert into ${table} (${columns.join(', ')}, source_file_id, source_row)
    ${fromSql}
    on conflict (${conflict}) do update set ${updates.join(', ')},
      source_file_id = excluded.source_file_id, source_row = excluded.source_row,
      version = ${table}.version + 1, updated_at = now()
    where ${table}.row_hash <> excluded.row_hash
    returning (xmax = 0) as inserted)
  select count(*) filter (where inserted)::int as inserted, count(*) filter (where not inserted)::int as updated from written`;
}

const FAMILY_TARGET = FAMILY_STAGE_COLUMNS.filter((c) => c !== 'row_no');
const FAMILY_UPSERT = upsertSql('family', FAMILY_TARGET, 'kk_bidx, regency_code',
  `select ${FAMILY_TARGET.join(', ')}, $1::bigint, row_no from family_stage`);

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
// Families of this batch's KKs, with how many families carry each KK: exactly one is
// required (none: not registered or out of scope; two or more: duplicated across regencies).
const BATCH_FAMILIES = `(select f.kk_bidx, min(f.id) as id, min(f.regency_code) as regency_code,
    min(f.village_code) as village_code, count(*)::int as n
    from family f where f.kk_bidx in (select kk_bidx from member_stage) group by f.kk_bidx)`;

const MEMBER_UPSERT = upsertSql('member', MEMBER_TARGET, 'member_key, regency_code',
  `select ${MEMBER_TARGET.map(memberSelect).join(', ')}, $1::bigint, s.row_no
     from member_stage s join ${BATCH_FAMILIES} f on f.kk_bidx = s.kk_bidx and f.n = 1`);

const MEMBER_ORPHANS = `select s.row_no, coalesce(f.n, 0) as families
  from member_stage s left join ${BATCH_FAMILIES} f on f.kk_bidx = s.kk_bidx where coalesce(f.n, 0) <> 1`;

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

// ------------------------------------------------------------------ the file

const IDENTIFIER_LABEL: Record<string, string> = { nik: 'NIK', kk: 'Nomor KK', phone: 'Nomor HP' };

/**
 * Excel keeps only 15 significant digits of a number: a 16-digit NIK or KK typed into a
 * General/Number cell has already lost its last digit, and a phone number its leading 0.
 */
function numericIdentifierErrors(columns: ColumnDef[], indexes: number[], numeric: ReadonlySet<number>, cells: Array<string | undefined>): CellError[] {
  const errors: CellError[] = [];
  columns.forEach((c, i) => {
    const label = IDENTIFIER_LABEL[c.kind.type];
    if (!label || !numeric.has(indexes[i]!)) return;
    errors.push({
      column: c.name, code: 'IDENTIFIER_STORED_AS_NUMBER', valueMasked: maskForReport(c.kind.type, cells[i] ?? ''),
      message: `${label} tersimpan sebagai angka di Excel, sehingga digit terakhir atau angka 0 di depan bisa sudah berubah. Format kolom ${c.name} sebagai Teks, lalu ketik ulang dari dokumen.`,
    });
  });
  return errors;
}

interface ValidRow { rowNo: number; values: RowValues; warnings: string[] }

/**
 * Imports one file; the kind (families or members) is read from its header.
 * @example const summary = await importFile(deps, 'keluarga.csv');
 */
export async function importFile(deps: ImportDeps, path: string, opts: ImportOptions = {}): Promise<FileSummary> {
  const batchSize = opts.batchSize ?? 5000;
  const started = performance.now();
  const source = await openRowSource(path);
  const { kind, columns, indexes } = mapHeader(source.header);
  const sha = await sha256File(path);
  const { db, keyring, actor } = deps;
  const ctx = regionContext(deps.today ?? new Date());
  const fileName = basename(path);

  const previous = await db.transaction(async ({ kysely }) => kysely.selectFrom('importFile').selectAll()
    .where('sha256', '=', sha).where('status', '=', 'running').where('kind', '=', kind)
    .orderBy('id', 'desc').limit(1).executeTakeFirst(), actor);
  const record = previous ?? await db.transaction(async ({ kysely }) => kysely.insertInto('importFile')
    .values({ sha256: sha, fileName, kind, startedBy: actor.id }).returningAll().executeTakeFirstOrThrow(), actor);
  const importId = record.id;
  const resumedAfterRows = record.rowsDone;
  const totals = { rows: record.rowsDone, inserted: record.inserted, updated: record.updated, unchanged: record.unchanged, rejected: record.rejected };

  let dataRowIndex = 0;
  let valid: ValidRow[] = [];
  let rejects: Reject[] = [];
  let pending = 0;
  // One batch is committed while the next is read and validated: on PostgreSQL the
  // database works in its own process, so the two overlap. Batches still commit in order.
  let inFlight: Promise<void> = Promise.resolve();
  let failure: unknown;

  const commit = async (batchRows: number, staged: StagedBatch, allRejects: Reject[]) => {
    await db.transaction(async (tx) => {
      let inserted = 0;
      let updated = 0;
      if (staged.count > 0) {
        await tx.raw.exec(kind === 'families' ? FAMILY_STAGE_DDL : MEMBER_STAGE_DDL);
        const table = kind === 'families' ? 'family_stage' : 'member_stage';
        const stageColumns = kind === 'families' ? FAMILY_STAGE_COLUMNS : MEMBER_STAGE_COLUMNS;
        await tx.raw.copyFrom(`copy ${table} (${stageColumns.join(', ')}) from stdin`, staged.lines);
        if (kind === 'members') {
          const orphans = await tx.raw.query<{ row_no: number; families: number }>(MEMBER_ORPHANS);
          for (const o of orphans.rows) {
            allRejects.push({
              rowNo: o.row_no,
              errors: [{
                column: 'no_kk', code: o.families === 0 ? 'KK_NOT_FOUND' : 'KK_AMBIGUOUS', valueMasked: '',
                message: o.families === 0
                  ? 'No. KK belum terdaftar di registri (atau di luar wilayah Anda); impor berkas keluarga terlebih dahulu.'
                  : 'No. KK terdaftar di lebih dari satu kabupaten/kota; selesaikan duplikasi keluarga terlebih dahulu.',
              }],
            });
          }
        }
        const counts = await tx.raw.query<{ inserted: number; updated: number }>(kind === 'families' ? FAMILY_UPSERT : MEMBER_UPSERT, [importId]);
        inserted = counts.rows[0]?.inserted ?? 0;
        updated = counts.rows[0]?.updated ?? 0;
      }
      await writeRejects(tx, importId, allRejects);
      const rejectedRows = new Set(allRejects.map((r) => r.rowNo)).size;
      totals.rows += batchRows;
      totals.inserted += inserted;
      totals.updated += updated;
      totals.rejected += rejectedRows;
      totals.unchanged = totals.rows - totals.inserted - totals.updated - totals.rejected;
      await tx.kysely.updateTable('importFile').set({
        rowsDone: totals.rows, inserted: totals.inserted, updated: totals.updated, unchanged: totals.unchanged, rejected: totals.rejected,
      }).where('id', '=', importId).execute();
      await appendAudit(tx, {
        action: 'import.batch', entityType: 'import_file', entityId: importId,
        changes: { file: fileName, kind, rows: batchRows, inserted, updated, rejected: rejectedRows, rowsDone: totals.rows },
      });
    }, actor);
    opts.onProgress?.({ file: fileName, rowsDone: totals.rows, ...source.progress() });
  };

  const flush = async () => {
    if (pending === 0) return;
    const staged = kind === 'families' ? stageFamilies(keyring, valid) : stageMembers(keyring, valid);
    const allRejects = [...rejects, ...staged.rejects];
    const batchRows = pending;
    valid = [];
    rejects = [];
    pending = 0;
    await inFlight;
    if (failure) throw failure;
    inFlight = commit(batchRows, staged, allRejects).catch((err: unknown) => { failure = err; });
  };

  const cells: Array<string | undefined> = new Array(columns.length);
  for await (const row of source.rows() as AsyncIterable<SourceRow>) {
    dataRowIndex++;
    if (dataRowIndex <= resumedAfterRows) continue;
    for (let i = 0; i < columns.length; i++) {
      const idx = indexes[i]!;
      cells[i] = idx >= 0 ? row.cells[idx] : undefined;
    }
    const result = validateRow(columns, cells, ctx);
    const numericIds = row.numericCells ? numericIdentifierErrors(columns, indexes, row.numericCells, cells) : [];
    if (numericIds.length > 0) rejects.push({ rowNo: row.rowNo, errors: [...numericIds, ...(result.ok ? [] : result.errors)] });
    else if (result.ok) valid.push({ rowNo: row.rowNo, values: result.values, warnings: result.warnings.map((w) => w.code) });
    else rejects.push({ rowNo: row.rowNo, errors: result.errors });
    pending++;
    if (pending >= batchSize) await flush();
  }
  await flush();
  await inFlight;
  if (failure) throw failure;
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
