/**
 * Staging on worker threads must give exactly what staging on the calling thread gives:
 * the same records, row numbers, rejects and counts, for CSV (with quoted cells, CRLF
 * and empty lines) and XLSX, whatever the batch size.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { openTestDb, nationalActor, type TestDb } from '../support/db.js';
import { buildFamilyRow, buildMemberRow, writeCsv } from '../support/builders.js';
import { openKeyring } from '../../src/platform/keyring.js';
import { DEV_INDEX_KEY, DEV_MASTER_KEY } from '../../src/platform/config.js';
import type { Db } from '../../src/platform/db.js';
import { importFile, rejectReport, type FileSummary } from '../../src/registry/import/import-file.js';
import { memberColumns } from '../../src/registry/import-columns.js';
import { verifyRegistryIntegrity } from '../../src/registry/integrity.js';

const dir = mkdtempSync(join(tmpdir(), 'tepat-workers-'));
const today = new Date('2026-11-27T00:00:00Z');
let inline: TestDb;
let pooled: TestDb;

beforeAll(async () => {
  const families = Array.from({ length: 60 }, (_, i) => buildFamilyRow(i, i === 7 ? { alamat: 'Jl. "Kenari", Gg. 2\nBlok C' } : {}));
  families[11] = { ...families[11]!, no_kk: '3.20101E+15' };
  families[9] = { ...families[8]! }; // the same KK twice in one batch
  writeCsv(join(dir, 'keluarga.csv'), 'families', families);
  const members = Array.from({ length: 240 }, (_, i) => buildMemberRow(i, i % 60));
  members[5] = { ...members[5]!, nik: '3201013102900001' };
  members[12] = { ...members[12]!, nama: 'siti, ani', tempat_lahir: 'Kota "Hujan"; Bogor – Jawa Barat' };
  members[13] = { ...members[13]!, nama: 'René Ñúñez', disabilitas: 'melihat;mendengar', jam_kerja: '40', no_hp: '081234567890' };
  members[30] = { ...members[30]!, tanggal_lahir: '32874' };
  members[31] = { ...members[31]!, no_kk: '3201011501209999' };
  members[77] = { ...members[77]!, nik: '' };
  writeCsv(join(dir, 'anggota.csv'), 'members', members);
  // The same members with CRLF line ends and empty lines between records.
  writeFileSync(join(dir, 'anggota-crlf.csv'), readFileSync(join(dir, 'anggota.csv'), 'utf8').replace(/\n(?=[0-9])/g, '\n\n').replace(/\n/g, '\r\n'));
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Anggota');
  const cols = memberColumns.map((c) => c.name);
  ws.addRow(cols);
  for (const m of members.slice(0, 50)) ws.addRow(cols.map((c) => (c === 'nik' && m === members[3] ? Number(m.nik) : m[c] ?? '')));
  await wb.xlsx.writeFile(join(dir, 'anggota.xlsx'));
  [inline, pooled] = [await openTestDb(), await openTestDb()];
}, 120_000);

afterAll(async () => {
  await inline?.drop();
  await pooled?.drop();
});

async function importAll(db: Db, workers: number, batchSize: number): Promise<FileSummary[]> {
  const keyring = await openKeyring(db, { masterKey: DEV_MASTER_KEY, indexKey: DEV_INDEX_KEY });
  const out: FileSummary[] = [];
  for (const f of ['keluarga.csv', 'anggota.csv', 'anggota-crlf.csv', 'anggota.xlsx']) {
    out.push(await importFile({ db, keyring, actor: nationalActor, today }, join(dir, f), { workers, batchSize }));
  }
  return out;
}

async function snapshot(db: Db, summaries: FileSummary[]): Promise<unknown> {
  const data = await db.transaction(async ({ raw }) => ({
    families: (await raw.query<{ k: string }>(`select encode(kk_bidx, 'hex') || encode(row_hash, 'hex') || source_row as k from family order by 1`)).rows.map((r) => r.k),
    members: (await raw.query<{ k: string }>(`select encode(member_key, 'hex') || encode(row_hash, 'hex') || nik_warnings::text as k from member order by 1`)).rows.map((r) => r.k),
  }), nationalActor);
  const rejects = [];
  for (const s of summaries) rejects.push(await rejectReport(db, nationalActor, s.importId, s.file));
  return { data, rejects, summaries: summaries.map(({ seconds: _s, importId: _i, ...rest }) => rest) };
}

describe('import on worker threads', () => {
  it('gives the same registry, rejects and counts as staging on the calling thread', async () => {
    const a = await importAll(inline.db, 0, 7);
    const b = await importAll(pooled.db, 2, 7);
    expect(a[0]).toMatchObject({ rows: 60, rejected: 2 });
    // 3 bad rows, and 8 members of the two rejected families.
    expect(a[1]).toMatchObject({ rows: 240, rejected: 11 });
    expect(a[2]).toMatchObject({ rows: 240, unchanged: 229, rejected: 11 });
    const left = await snapshot(inline.db, a);
    expect(await snapshot(pooled.db, b)).toEqual(left);
    const report = (left as { rejects: Array<Array<{ row: number; code: string }>> }).rejects;
    // Row numbers are spreadsheet rows: a quoted cell with a line break stays one row.
    expect(report[0]!.map((r) => `${r.row}:${r.code}`)).toEqual(['11:DUPLICATE_ROW', '13:KK_SCIENTIFIC_NOTATION']);
    const codes = (i: number) => report[i]!.map((r) => `${r.row}:${r.code}`);
    expect(codes(1)).toEqual(expect.arrayContaining(['7:NIK_INVALID_DATE', '11:KK_NOT_FOUND', '32:DATE_EXCEL_SERIAL', '33:KK_NOT_FOUND']));
    // With an empty line before every record, data row i sits on spreadsheet row 2i + 3.
    expect(codes(2)).toEqual(expect.arrayContaining(['13:NIK_INVALID_DATE', '21:KK_NOT_FOUND', '63:DATE_EXCEL_SERIAL', '65:KK_NOT_FOUND']));
    expect(codes(3)).toContain('5:IDENTIFIER_STORED_AS_NUMBER');
  });

  it('stores every column as validated (row hashes recomputed from the database match)', async () => {
    for (const t of [inline, pooled]) {
      const keyring = await openKeyring(t.db, { masterKey: DEV_MASTER_KEY, indexKey: DEV_INDEX_KEY });
      const result = await verifyRegistryIntegrity(t.db, keyring);
      expect(result).toMatchObject({ families: 58, broken: [] });
      expect(result.members).toBeGreaterThan(200);
    }
    const names = await pooled.db.transaction(async ({ raw }) => (await raw.query<{ full_name: string; birth_place: string; disabilities: string[] }>(
      `select full_name, birth_place, disabilities from member where full_name like 'REN%' or birth_place like 'Kota%' order by 1`)).rows, nationalActor);
    expect(names).toEqual([
      { full_name: 'RENÉ ÑÚÑEZ', birth_place: 'Bogor', disabilities: ['melihat', 'mendengar'] },
      { full_name: 'SITI, ANI', birth_place: 'Kota "Hujan"; Bogor – Jawa Barat', disabilities: [] },
    ]);
  });
});
