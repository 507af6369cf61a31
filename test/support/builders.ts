/**
 * Builders for import rows: valid by default, each field overridable, so a test
 * states only what it is about. Deterministic in `i`.
 */
import { writeFileSync } from 'node:fs';
import { familyColumns, memberColumns } from '../../src/registry/import-columns.js';

export type Row = Record<string, string>;

const VILLAGES = ['32.01.01.1001', '32.01.01.1002', '32.01.02.2001', '33.74.01.1001', '73.71.01.1001'];

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** A valid No. KK: district of the village + issue date + serial. */
export function kkFor(i: number, village = VILLAGES[i % VILLAGES.length]!): string {
  return village.slice(0, 8).replace(/\./g, '') + '150120' + pad((i % 9999) + 1, 4);
}

/** A valid NIK for a birth date (YYYY-MM-DD) and sex, women with day + 40. */
export function nikFor(i: number, birthDate: string, sex: 'L' | 'P', district = '320101'): string {
  const [y, m, d] = birthDate.split('-');
  const day = Number(d) + (sex === 'P' ? 40 : 0);
  return district + pad(day, 2) + m + y!.slice(2) + pad((i % 9999) + 1, 4);
}

export function buildFamilyRow(i: number, over: Row = {}): Row {
  const village = over.kode_desa ?? VILLAGES[i % VILLAGES.length]!;
  return {
    no_kk: kkFor(i, village), kode_desa: village, alamat: `Jl. Mawar No. ${i}`, rt: '001', rw: '002',
    status_bangunan: 'milik_sendiri', luas_lantai: '36', lantai: 'semen_bata', dinding: 'tembok', atap: 'genteng',
    sumber_air_minum: 'sumur_bor', sumber_penerangan: 'pln_meteran', daya_listrik: '900', bahan_bakar_masak: 'lpg_3kg',
    fasilitas_bab: 'sendiri', pembuangan_tinja: 'tangki_septik', punya_kulkas: i % 2 ? 'ya' : 'tidak', punya_sepeda_motor: 'ya',
    program_diterima: i % 3 === 0 ? 'pkh:2025-01;bpnt' : '', ...over,
  };
}

export function buildMemberRow(i: number, familyIndex: number, over: Row = {}): Row {
  const sex = (over.jenis_kelamin ?? (i % 2 ? 'P' : 'L')) as 'L' | 'P';
  const defaultBirth = `19${pad(60 + (i % 40), 2)}-${pad((i % 12) + 1, 2)}-${pad((i % 28) + 1, 2)}`;
  // A damaged birth date in a test must not also damage the NIK derived from it.
  const birth = over.tanggal_lahir && /^\d{4}-\d{2}-\d{2}$/.test(over.tanggal_lahir) ? over.tanggal_lahir : defaultBirth;
  const village = VILLAGES[familyIndex % VILLAGES.length]!;
  return {
    no_kk: kkFor(familyIndex, village), nik: nikFor(i, birth, sex), nama: `Warga Nomor ${i}`, jenis_kelamin: sex,
    tempat_lahir: 'Bogor', tanggal_lahir: over.tanggal_lahir ?? birth, hubungan_keluarga: i % 4 === 0 ? 'kepala' : 'anak',
    status_perkawinan: 'kawin', nama_ibu: 'Ibu Warga', pekerjaan: 'petani', hamil: 'tidak', ...over,
  };
}

function csvCell(v: string): string {
  return /[",;\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Writes rows as CSV with the import header (all columns, in order). */
export function writeCsv(path: string, kind: 'families' | 'members', rows: Row[], opts: { delimiter?: string; bom?: boolean } = {}): void {
  const cols = (kind === 'families' ? familyColumns : memberColumns).map((c) => c.name);
  const d = opts.delimiter ?? ',';
  const lines = [cols.join(d), ...rows.map((r) => cols.map((c) => csvCell(r[c] ?? '')).join(d))];
  writeFileSync(path, (opts.bom ? '\uFEFF' : '') + lines.join('\n') + '\n');
}
