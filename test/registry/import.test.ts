import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { openTestDb, nationalActor, actorFor, type TestDb } from '../support/db.js';
import { buildFamilyRow, buildMemberRow, writeCsv } from '../support/builders.js';
import { openKeyring, type Keyring } from '../../src/platform/keyring.js';
import { DEV_INDEX_KEY, DEV_MASTER_KEY } from '../../src/platform/config.js';
import { importFile, rejectReport, type ImportDeps } from '../../src/registry/import/import-file.js';
import { familyColumns } from '../../src/registry/import-columns.js';

let t: TestDb;
let keyring: Keyring;
let deps: ImportDeps;
const dir = mkdtempSync(join(tmpdir(), 'tepat-import-'));
const today = new Date('2026-11-27T00:00:00Z');

beforeAll(async () => {
  t = await openTestDb();
  keyring = await openKeyring(t.db, { masterKey: DEV_MASTER_KEY, indexKey: DEV_INDEX_KEY });
  deps = { db: t.db, keyring, actor: nationalActor, today };
});
afterAll(async () => { await t.drop(); });

async function count(table: 'family' | 'member'): Promise<number> {
  return t.db.transaction(async ({ raw }) => Number((await raw.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0]!.n), nationalActor);
}

async function rejectsOf(importId: number, file: string) {
  return rejectReport(t.db, nationalActor, importId, file);
}

describe('import of families and members', () => {
  const families = Array.from({ length: 20 }, (_, i) => buildFamilyRow(i));
  const members = Array.from({ length: 60 }, (_, i) => buildMemberRow(i, i % 20));

  it('imports clean files, and importing them again changes nothing', async () => {
    writeCsv(join(dir, 'keluarga.csv'), 'families', families);
    writeCsv(join(dir, 'anggota.csv'), 'members', members);
    const f1 = await importFile(deps, join(dir, 'keluarga.csv'));
    const m1 = await importFile(deps, join(dir, 'anggota.csv'));
    expect(f1).toMatchObject({ kind: 'families', rows: 20, inserted: 20, updated: 0, unchanged: 0, rejected: 0 });
    expect(m1).toMatchObject({ kind: 'members', rows: 60, inserted: 60, rejected: 0 });
    const changesBefore = await t.db.transaction(async ({ raw }) => (await raw.query<{ n: number }>('select count(*)::int as n from registry_change')).rows[0]!.n, nationalActor);

    const f2 = await importFile(deps, join(dir, 'keluarga.csv'));
    const m2 = await importFile(deps, join(dir, 'anggota.csv'));
    expect(f2).toMatchObject({ rows: 20, imported: 0, unchanged: 20, rejected: 0 });
    expect(m2).toMatchObject({ rows: 60, imported: 0, unchanged: 60, rejected: 0 });
    expect(await count('family')).toBe(20);
    expect(await count('member')).toBe(60);
    const changesAfter = await t.db.transaction(async ({ raw }) => (await raw.query<{ n: number }>('select count(*)::int as n from registry_change')).rows[0]!.n, nationalActor);
    expect(changesAfter).toBe(changesBefore);
  });

  it('updates a changed row and records what changed, who changed it, and from which file', async () => {
    const edited = families.map((r, i) => (i === 3 ? { ...r, lantai: 'tanah', luas_lantai: '20' } : r));
    writeCsv(join(dir, 'keluarga-edit.csv'), 'families', edited);
    const s = await importFile(deps, join(dir, 'keluarga-edit.csv'));
    expect(s).toMatchObject({ updated: 1, inserted: 0, unchanged: 19 });
    const change = await t.db.transaction(async ({ kysely }) => kysely.selectFrom('registryChange').selectAll()
      .where('op', '=', 'update').where('entityType', '=', 'family').executeTakeFirstOrThrow(), nationalActor);
    expect(change.actor).toBe('test');
    expect(change.sourceRow).toBe(5);
    expect(change.changes).toMatchObject({ floor_material: { from: 'semen_bata', to: 'tanah' }, floor_area_m2: { from: 36, to: 20 } });
  });

  it('rejects each kind of damaged row with file, row, column and an Indonesian reason, and imports the rest', async () => {
    const bad = [
      buildMemberRow(100, 0, { nik: '3.20101E+15' }),               // Excel scientific notation
      buildMemberRow(101, 0, { nik: '320101150390001' }),            // lost digit: 15 digits
      buildMemberRow(102, 0, { tanggal_lahir: '32874' }),            // Excel date serial
      buildMemberRow(103, 0, { tanggal_lahir: '03/25/1990' }),       // US month-first
      buildMemberRow(104, 0, { nik: '3201013102900001' }),           // 31 Feb
      buildMemberRow(105, 0, { nik: '3201011503900000' }),           // serial 0000
      buildMemberRow(106, 0, { jenis_kelamin: 'X' }),                // unknown code
      buildMemberRow(107, 0, { nama: '' }),                          // required
      buildMemberRow(108, 0, { no_kk: '3201011501209999' }),         // family not registered
      buildMemberRow(109, 0, { nama: '  siti   AMINAH ', tanggal_lahir: '25/03/1990', jenis_kelamin: 'p', nik: '' }), // fixable: spaces, case, dd/mm/yyyy, no NIK
      buildMemberRow(110, 0, { hamil: 'ya', jenis_kelamin: 'L' }),   // pregnant man
    ];
    writeCsv(join(dir, 'rusak.csv'), 'members', bad);
    const s = await importFile(deps, join(dir, 'rusak.csv'));
    expect(s).toMatchObject({ rows: 11, inserted: 1, rejected: 10 });
    const report = await rejectsOf(s.importId, 'rusak.csv');
    const problems = (row: number) => report.filter((r) => r.row === row).map((r) => `${r.column}:${r.code}`);
    expect(problems(2)).toContain('nik:NIK_SCIENTIFIC_NOTATION');
    expect(report.find((r) => r.row === 2)!.message).toMatch(/Teks/);
    expect(problems(3)).toContain('nik:NIK_WRONG_LENGTH');
    expect(problems(4)).toEqual(['tanggal_lahir:DATE_EXCEL_SERIAL']);
    expect(problems(5)).toEqual(['tanggal_lahir:DATE_US_ORDER']);
    expect(problems(6)).toContain('nik:NIK_INVALID_DATE');
    expect(problems(7)).toContain('nik:NIK_SERIAL_ZERO');
    expect(problems(8)).toContain('jenis_kelamin:ENUM_UNKNOWN');
    expect(problems(9)).toEqual(['nama:REQUIRED']);
    expect(problems(10)).toEqual(['no_kk:KK_NOT_FOUND']);
    expect(problems(11)).toEqual([]);
    expect(problems(12)).toEqual(['hamil:PREGNANT_MALE']);
    for (const r of report) expect(r.value).not.toMatch(/\d{16}/);
    const saved = await t.db.transaction(async ({ kysely }) => kysely.selectFrom('member').select(['fullName', 'birthDate', 'sex', 'nikWarnings', 'nikEnc'])
      .where('fullName', '=', 'SITI AMINAH').executeTakeFirstOrThrow(), nationalActor);
    expect(saved).toMatchObject({ fullName: 'SITI AMINAH', birthDate: '1990-03-25', sex: 'P', nikEnc: null });
    expect(saved.nikWarnings).toContain('NIK_EMPTY');
  });

  it('reads semicolon CSV with a BOM, and refuses a file it cannot understand with a clear message', async () => {
    writeCsv(join(dir, 'titikkoma.csv'), 'families', [buildFamilyRow(40)], { delimiter: ';', bom: true });
    expect(await importFile(deps, join(dir, 'titikkoma.csv'))).toMatchObject({ rows: 1, inserted: 1, rejected: 0 });
    writeFileSync(join(dir, 'asing.csv'), 'a,b,c\n1,2,3\n');
    await expect(importFile(deps, join(dir, 'asing.csv'))).rejects.toThrow(/Format berkas tidak dikenal/);
    writeFileSync(join(dir, 'kurang.csv'), 'no_kk,kode_desa\n');
    writeFileSync(join(dir, 'kurang-anggota.csv'), 'no_kk,nik,nama\n1,2,3\n');
    await expect(importFile(deps, join(dir, 'kurang-anggota.csv'))).rejects.toThrow(/Kolom wajib tidak ada.*jenis_kelamin/);
    await expect(importFile(deps, join(dir, 'tidak-ada.csv'))).rejects.toThrow(/tidak dapat dibaca/);
  });

  it('imports XLSX, and explains a NIK that Excel stored as a number', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Keluarga');
    const cols = familyColumns.map((c) => c.name);
    ws.addRow(cols);
    const good = buildFamilyRow(41);
    ws.addRow(cols.map((c) => good[c] ?? ''));
    const damaged = buildFamilyRow(42);
    ws.addRow(cols.map((c) => (c === 'no_kk' ? Number(damaged.no_kk) : damaged[c] ?? '')));
    const path = join(dir, 'keluarga.xlsx');
    await wb.xlsx.writeFile(path);
    const s = await importFile(deps, path);
    expect(s).toMatchObject({ rows: 2, inserted: 1, rejected: 1 });
    const report = await rejectsOf(s.importId, 'keluarga.xlsx');
    expect(report[0]).toMatchObject({ row: 3, column: 'no_kk', code: 'IDENTIFIER_STORED_AS_NUMBER' });
  });

  it('keeps an operator inside their region: families elsewhere are refused row by row', async () => {
    writeCsv(join(dir, 'luar.csv'), 'families', [buildFamilyRow(50, { kode_desa: '73.71.01.1001' })]);
    const s = await importFile({ ...deps, actor: actorFor('32.01.01') }, join(dir, 'luar.csv'));
    expect(s).toMatchObject({ rows: 1, imported: 0, rejected: 1 });
    const [r] = await rejectsOf(s.importId, 'luar.csv');
    expect(r).toMatchObject({ row: 2, column: 'kode_desa', code: 'VILLAGE_OUT_OF_SCOPE' });
    expect(r!.message).toContain('di luar wilayah akun Anda (32.01.01)');
  });

  it('stores no NIK or No. KK in plaintext anywhere in the database', async () => {
    const niks = members.map((m) => m.nik!);
    const kks = families.map((f) => f.no_kk!);
    const dump = await t.db.transaction(async ({ raw }) => {
      const tables = ['family', 'member', 'registry_change', 'import_reject', 'import_file', 'audit_log'];
      let text = '';
      for (const table of tables) {
        const rows = await raw.query<{ j: string }>(`select row_to_json(x)::text as j from ${table} x`);
        text += rows.rows.map((r) => r.j).join('\n');
      }
      return text;
    });
    expect(dump.length).toBeGreaterThan(1000);
    for (const id of [...niks, ...kks]) expect(dump.includes(id)).toBe(false);
    expect(dump).toContain('WARGA NOMOR 1');
  });
});

describe('error report', () => {
  it('is readable as CSV with one line per problem', async () => {
    writeCsv(join(dir, 'satu.csv'), 'members', [buildMemberRow(200, 0, { nik: 'abc' })]);
    const s = await importFile(deps, join(dir, 'satu.csv'));
    const report = await rejectsOf(s.importId, 'satu.csv');
    expect(report).toHaveLength(1);
    expect(report[0]!.message.length).toBeGreaterThan(10);
    expect(readFileSync(join(dir, 'satu.csv'), 'utf8')).toContain('abc');
  });
});
