/**
 * Turns raw import rows into stage-table rows: validation, normalisation, keyed hashes,
 * encryption, and the COPY text the database loads. Pure CPU work with no database, so
 * it runs the same on the main thread (small files) and on worker threads (see
 * stage-pool.ts): a batch's result depends only on the batch's rows.
 */
import { CIPHER_CONTEXT } from '../../platform/keyring.js';
import { CopyBinaryWriter } from '../../platform/copy.js';
import type { BlindIndex, FieldCipher } from '../../platform/crypto.js';
import { familyColumns, memberColumns, type ColumnDef } from '../import-columns.js';
import { familyRowHash, memberRowHash } from '../integrity.js';
import { maskForReport, validateRow, type CellError, type RowValues, type ValidationContext } from '../validate-row.js';
import { isWithinScope } from '../../regions/names.js';
import { parseRecords } from './csv-records.js';

export type ImportKind = 'families' | 'members';

export interface Reject {
  rowNo: number;
  errors: CellError[];
}

/** What a stager needs to know about the file. Plain data: it is posted to workers. */
export interface StageSpec {
  readonly kind: ImportKind;
  /** For each column of the kind (import-columns order): its index in the file's rows, or -1. */
  readonly indexes: readonly number[];
  /** The validation date (ms since epoch). */
  readonly today: number;
  /** The importing actor's region scope (`ID` or a Kemendagri code). */
  readonly scope: string;
}

/** The cipher and blind index as the stager uses them. */
export interface StageCrypto {
  readonly cipher: Pick<FieldCipher, 'encrypt'>;
  readonly index: Pick<BlindIndex, 'compute'>;
}

/** One row of a spreadsheet (XLSX), already split into cells. */
export interface CellRow {
  readonly rowNo: number;
  readonly cells: string[];
  /** Indexes of cells stored as numbers (an identifier there has lost digits). */
  readonly numericCells?: readonly number[];
}

export interface StagedBatch {
  /** Stage-table rows in binary COPY format. */
  readonly copy: Uint8Array;
  /** Rows in `copy`. */
  readonly count: number;
  /** Data rows of the batch (staged, rejected and duplicates). */
  readonly rows: number;
  readonly rejects: Reject[];
}

export function columnsOf(kind: ImportKind): readonly ColumnDef[] {
  return kind === 'families' ? familyColumns : memberColumns;
}

function snake(field: string): string {
  return field.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
}

// ------------------------------------------------------------------ stage tables

const FAMILY_SPECIAL = new Set(['kkNumber', 'villageCode', 'address', 'phone', 'programsReceived']);
const MEMBER_SPECIAL = new Set(['kkNumber', 'nik', 'phone']);

const FAMILY_PLAIN = familyColumns.filter((c) => !FAMILY_SPECIAL.has(c.field));
const MEMBER_PLAIN = memberColumns.filter((c) => !MEMBER_SPECIAL.has(c.field));

export const FAMILY_STAGE_COLUMNS = [
  'row_no', 'regency_code', 'village_code', 'kk_enc', 'kk_bidx', 'kk_warnings', 'address_enc', 'phone_enc',
  ...FAMILY_PLAIN.map((c) => snake(c.field)), 'programs_received', 'programs_received_periods', 'row_hash',
];
export const MEMBER_STAGE_COLUMNS = [
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

export const FAMILY_STAGE_DDL = stageDdl('family_stage', FAMILY_PLAIN,
  ['row_no integer', 'regency_code text', 'village_code text', 'kk_enc bytea', 'kk_bidx bytea', 'kk_warnings text[]', 'address_enc bytea', 'phone_enc bytea'],
  ['programs_received text[]', 'programs_received_periods text[]', 'row_hash bytea']);
export const MEMBER_STAGE_DDL = stageDdl('member_stage', MEMBER_PLAIN,
  ['row_no integer', 'kk_bidx bytea', 'member_key bytea', 'nik_enc bytea', 'nik_bidx bytea', 'nik_warnings text[]', 'phone_enc bytea'],
  ['row_hash bytea']);

/** How each plain column is written to the stage table (binary COPY needs its exact type). */
type FieldWriter = (w: CopyBinaryWriter, v: RowValues[string] | undefined) => void;

function writerFor(def: ColumnDef): FieldWriter {
  switch (sqlType(def)) {
    case 'integer': return (w, v) => (typeof v === 'number' ? w.int4(v) : w.null());
    case 'boolean': return (w, v) => (typeof v === 'boolean' ? w.bool(v) : w.null());
    case 'date': return (w, v) => (typeof v === 'string' ? w.date(v) : w.null());
    // Empty enum sets are `{}`: the columns are NOT NULL.
    case 'text[]': return (w, v) => w.textArray(Array.isArray(v) ? v : []);
    default: return (w, v) => (v === null || v === undefined ? w.null() : w.text(String(v)));
  }
}

function plainWriter(plain: readonly ColumnDef[]): (w: CopyBinaryWriter, values: RowValues) => void {
  const fields = plain.map((c) => ({ field: c.field, write: writerFor(c) }));
  return (w, values) => {
    for (let i = 0; i < fields.length; i++) fields[i]!.write(w, values[fields[i]!.field]);
  };
}

const writeFamilyPlain = plainWriter(FAMILY_PLAIN);
const writeMemberPlain = plainWriter(MEMBER_PLAIN);

// ------------------------------------------------------------------ the stager

const IDENTIFIER_LABEL: Record<string, string> = { nik: 'NIK', kk: 'Nomor KK', phone: 'Nomor HP' };

/**
 * Excel keeps only 15 significant digits of a number: a 16-digit NIK or KK typed into a
 * General/Number cell has already lost its last digit, and a phone number its leading 0.
 */
function numericIdentifierErrors(columns: readonly ColumnDef[], indexes: readonly number[], numeric: readonly number[], cells: Array<string | undefined>): CellError[] {
  const errors: CellError[] = [];
  columns.forEach((c, i) => {
    const label = IDENTIFIER_LABEL[c.kind.type];
    if (!label || !numeric.includes(indexes[i]!)) return;
    errors.push({
      column: c.name, code: 'IDENTIFIER_STORED_AS_NUMBER', valueMasked: maskForReport(c.kind.type, cells[i] ?? ''),
      message: `${label} tersimpan sebagai angka di Excel, sehingga digit terakhir atau angka 0 di depan bisa sudah berubah. Format kolom ${c.name} sebagai Teks, lalu ketik ulang dari dokumen.`,
    });
  });
  return errors;
}

export interface Stager {
  /** Stages rows given as cells (XLSX). */
  stageRows(rows: Iterable<CellRow>): StagedBatch;
  /** Stages the records of a CSV run (see csv-records.ts). */
  stageCsv(text: string, rowsBefore: number, delimiter: string, newline: string): StagedBatch;
}

/**
 * @example const stager = createStager(spec, keyring, regionValidation(villages, districts, spec.today));
 */
export function createStager(spec: StageSpec, crypto: StageCrypto, ctx: ValidationContext): Stager {
  const columns = columnsOf(spec.kind);
  const { indexes } = spec;
  const { cipher, index } = crypto;
  const isFamilies = spec.kind === 'families';
  const cells: Array<string | undefined> = new Array(columns.length);

  // Per batch.
  let seen = new Map<string, number>();
  let rejects: Reject[] = [];
  const out = new CopyBinaryWriter(1 << 20);
  let count = 0;
  let rows = 0;
  // The KK's blind index, for consecutive members of one family.
  let lastKk = '';
  let lastKkBidx: Buffer = Buffer.alloc(0);

  const kkBidxOf = (kk: string): Buffer => {
    if (kk !== lastKk) {
      lastKk = kk;
      lastKkBidx = index.compute('kk', kk);
    }
    return lastKkBidx;
  };

  const stageFamily = (rowNo: number, values: RowValues, warnings: string[]) => {
    const kk = values.kkNumber as string;
    const village = values.villageCode as string;
    const kkBidx = index.compute('kk', kk);
    const key = kkBidx.toString('latin1') + village.slice(0, 5);
    const first = seen.get(key);
    if (first !== undefined) {
      rejects.push({ rowNo, errors: [{ column: 'no_kk', code: 'DUPLICATE_ROW', message: `No. KK yang sama sudah ada di baris ${first} berkas ini.`, valueMasked: '' }] });
      return;
    }
    seen.set(key, rowNo);
    const programs = (values.programsReceived as string[] | null) ?? [];
    const w = out;
    w.row(FAMILY_STAGE_COLUMNS.length);
    w.int4(rowNo);
    w.text(village.slice(0, 5));
    w.text(village);
    w.bytes(cipher.encrypt(kk, CIPHER_CONTEXT.kk));
    w.bytes(kkBidx);
    w.textArray(warnings);
    if (values.address) w.bytes(cipher.encrypt(values.address as string, CIPHER_CONTEXT.address)); else w.null();
    if (values.phone) w.bytes(cipher.encrypt(values.phone as string, CIPHER_CONTEXT.familyPhone)); else w.null();
    writeFamilyPlain(w, values);
    w.textArray(programs.map((p) => p.split(':')[0]!));
    w.textArray(programs.map((p) => p.split(':')[1] ?? ''));
    w.bytes(familyRowHash(crypto, values));
    count++;
  };

  const stageMember = (rowNo: number, values: RowValues, warnings: string[]) => {
    // The database's defaults for NOT NULL columns, applied before hashing (integrity.ts).
    values.presenceStatus ??= 'tinggal';
    values.severeDisability ??= false;
    values.isPregnant ??= false;
    const kk = values.kkNumber as string;
    const nik = values.nik as string | null;
    // Without a NIK a person is identified within the family by name and birth date.
    const memberKey = index.compute('member', nik ? `${kk}|${nik}` : `${kk}|${values.fullName as string}|${(values.birthDate as string | null) ?? ''}`);
    const key = memberKey.toString('latin1');
    const first = seen.get(key);
    if (first !== undefined) {
      rejects.push({ rowNo, errors: [{ column: nik ? 'nik' : 'nama', code: 'DUPLICATE_ROW', message: `Orang yang sama (No. KK dan ${nik ? 'NIK' : 'nama + tanggal lahir'}) sudah ada di baris ${first} berkas ini.`, valueMasked: '' }] });
      return;
    }
    seen.set(key, rowNo);
    const w = out;
    w.row(MEMBER_STAGE_COLUMNS.length);
    w.int4(rowNo);
    w.bytes(kkBidxOf(kk));
    w.bytes(memberKey);
    if (nik) {
      w.bytes(cipher.encrypt(nik, CIPHER_CONTEXT.nik));
      w.bytes(index.compute('nik', nik));
    } else {
      w.null();
      w.null();
    }
    w.textArray(warnings);
    if (values.phone) w.bytes(cipher.encrypt(values.phone as string, CIPHER_CONTEXT.memberPhone)); else w.null();
    writeMemberPlain(w, values);
    w.bytes(memberRowHash(crypto, values));
    count++;
  };

  const stageOne = (rowNo: number, raw: string[], numeric: readonly number[] | undefined) => {
    rows++;
    for (let i = 0; i < columns.length; i++) {
      const idx = indexes[i]!;
      cells[i] = idx >= 0 ? raw[idx] : undefined;
    }
    const result = validateRow(columns, cells, ctx);
    const numericIds = numeric ? numericIdentifierErrors(columns, indexes, numeric, cells) : [];
    if (numericIds.length > 0) {
      rejects.push({ rowNo, errors: [...numericIds, ...(result.ok ? [] : result.errors)] });
    } else if (result.ok && isFamilies && !isWithinScope(spec.scope, result.values.villageCode as string)) {
      // Row-level security would refuse the whole batch: report the row instead.
      const village = result.values.villageCode as string;
      rejects.push({ rowNo, errors: [{ column: 'kode_desa', code: 'VILLAGE_OUT_OF_SCOPE', valueMasked: village,
        message: `Kode desa ${village} di luar wilayah akun Anda (${spec.scope}); baris ini tidak diimpor.` }] });
    } else if (!result.ok) {
      rejects.push({ rowNo, errors: result.errors });
    } else {
      const warnings = result.warnings.length === 0 ? [] : result.warnings.map((w) => w.code);
      if (isFamilies) stageFamily(rowNo, result.values, warnings);
      else stageMember(rowNo, result.values, warnings);
    }
  };

  const finish = (): StagedBatch => {
    const batch = { copy: out.finish(), count, rows, rejects };
    seen = new Map();
    rejects = [];
    count = 0;
    rows = 0;
    return batch;
  };

  return {
    stageRows(batch) {
      for (const r of batch) stageOne(r.rowNo, r.cells, r.numericCells);
      return finish();
    },
    stageCsv(text, rowsBefore, delimiter, newline) {
      parseRecords(text, rowsBefore, delimiter, newline, (rowNo, raw) => stageOne(rowNo, raw, undefined));
      return finish();
    },
  };
}

/** The validation context from the region codes (Kemendagri villages and districts). */
export function regionValidation(villages: ReadonlySet<string>, districts: ReadonlySet<string>, today: number): ValidationContext {
  return { isKnownVillage: (c) => villages.has(c), isKnownDistrict: (c) => districts.has(c), today: new Date(today) };
}
