/**
 * Import templates (CSV and XLSX) and the import-format documentation, both made from
 * the column definitions so that they can never drift from what the importer accepts.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ColumnDef } from './import-columns.js';
import { familyColumns, memberColumns } from './import-columns.js';
import { csvLine } from '../platform/csv.js';

const EXAMPLE_FAMILY: Record<string, string> = {
  no_kk: '3201011501200001', kode_desa: '32.01.01.1001', alamat: 'Kp. Babakan', rt: '001', rw: '002', no_hp: '081234567890',
  status_bangunan: 'milik_sendiri', status_lahan: 'tidak_punya', luas_lantai: '36', lantai: 'semen_bata', dinding: 'tembok',
  atap: 'genteng', sumber_air_minum: 'sumur_bor', sumber_penerangan: 'pln_meteran', daya_listrik: '900',
  bahan_bakar_masak: 'lpg_3kg', fasilitas_bab: 'sendiri', pembuangan_tinja: 'tangki_septik', punya_sepeda_motor: 'ya',
  punya_smartphone: 'ya', internet: 'ya', rekening_bank: 'tidak', program_diterima: 'pbi_jk:2024-07',
};

const EXAMPLE_MEMBER: Record<string, string> = {
  no_kk: '3201011501200001', nik: '3201011503900001', nama: 'BUDI SANTOSO', jenis_kelamin: 'L', tempat_lahir: 'BOGOR',
  tanggal_lahir: '15/03/1990', hubungan_keluarga: 'kepala', status_perkawinan: 'kawin', status_keberadaan: 'tinggal',
  nama_ibu: 'SUMIATI', dokumen_identitas: 'ktp_el', partisipasi_sekolah: 'tidak_lagi', jenjang_pendidikan: 'smp', kelas: '9',
  status_pekerjaan: 'berusaha_sendiri', pekerjaan: 'petani', jam_kerja: '40', punya_usaha: 'tidak', penyakit_kronis: 'tidak_ada',
  jaminan_kesehatan: 'pbi_jkn', hamil: 'tidak',
};

function allowedValues(def: ColumnDef): string {
  const k = def.kind;
  switch (k.type) {
    case 'enum':
    case 'enum_set':
      return k.list.entries.map((e) => `\`${e.code}\` (${e.no}: ${e.id})`).join(', ') + (k.type === 'enum_set' ? '; beberapa dipisah `;`' : '');
    case 'bool': return '`ya` / `tidak`';
    case 'int': return `bilangan bulat ${k.min}–${k.max}`;
    case 'power': return '450, 900, 1300, 2200';
    case 'date': return 'HH/BB/TTTT atau TTTT-BB-HH';
    case 'nik': return '16 digit, format kolom Teks';
    case 'kk': return '16 digit, format kolom Teks';
    case 'village': return 'PP.KK.CC.DDDD';
    case 'phone': return '08…, +62…';
    case 'rt_rw': return '1–3 digit';
    case 'programs': return 'kode program, opsional `:TTTT-BB`, dipisah `;`';
    case 'name': return 'huruf, spasi, titik, koma, apostrof, tanda hubung';
    case 'text': return `teks, paling banyak ${k.max} karakter`;
  }
}

function table(columns: readonly ColumnDef[]): string {
  const rows = columns.map((c) => `| \`${c.name}\` | ${c.required ? 'wajib' : ''} | ${c.aliases.map((a) => `\`${a}\``).join(', ')} | ${c.description} | ${allowedValues(c)} |`);
  return ['| kolom | wajib | alias (English) | arti | isian |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

/** docs/import-format.md, generated. */
export function importFormatMarkdown(): string {
  return `# Format impor / Import format

<!-- Generated from src/registry/import-columns.ts by \`npm run tepat -- templates --docs\`; do not edit by hand. -->

Dua jenis berkas: **keluarga** (satu baris per Kartu Keluarga) dan **anggota** (satu baris per orang,
terhubung ke keluarga lewat \`no_kk\`). Berkas CSV (pemisah koma atau titik koma, UTF-8 dengan atau
tanpa BOM) atau XLSX (lembar kerja pertama). Baris pertama berisi judul kolom; urutan kolom bebas;
kolom yang tidak dikenal diabaikan. Jenis berkas dikenali dari judul kolomnya: berkas keluarga
memiliki \`kode_desa\`.

Templat: \`tepat templates --out DIR\` menulis \`templat-keluarga.csv\`, \`templat-keluarga.xlsx\`,
\`templat-anggota.csv\` dan \`templat-anggota.xlsx\`; server menyajikannya di
\`/api/v1/import/templates/{nama}\`.

Setiap baris diperiksa; baris yang ditolak masuk laporan kesalahan (\`--errors FILE\`) dengan nama berkas,
nomor baris (judul = baris 1), kolom dan alasan. Kerusakan khas spreadsheet dikenali dan dijelaskan, tidak
"diperbaiki" diam-diam: NIK/No. KK yang diubah Excel menjadi angka (\`3.20101E+15\`, digit hilang), angka 0
di depan yang hilang, nomor seri tanggal Excel, urutan tanggal Amerika (BB/HH/TTTT). Spasi berlebih dan
huruf besar/kecil pada nama dinormalkan (nama disimpan dengan huruf kapital seperti di KTP).

## Berkas keluarga

${table(familyColumns)}

## Berkas anggota

${table(memberColumns)}
`;
}

async function writeXlsx(path: string, columns: readonly ColumnDef[], example: Record<string, string>): Promise<void> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Data');
  ws.columns = columns.map((c) => ({ header: c.name, key: c.name, width: Math.max(12, c.name.length + 2), style: { numFmt: '@' } }));
  ws.addRow(columns.map((c) => example[c.name] ?? ''));
  // Text format on every cell: Excel must not turn NIKs into numbers or dates into serials.
  ws.eachRow((row) => row.eachCell((cell) => { cell.numFmt = '@'; }));
  const help = wb.addWorksheet('Petunjuk');
  help.addRow(['kolom', 'wajib', 'arti', 'isian']);
  for (const c of columns) help.addRow([c.name, c.required ? 'wajib' : '', c.description, allowedValues(c).replace(/`/g, '')]);
  await wb.xlsx.writeFile(path);
}

/**
 * Writes the four templates into `dir`.
 * @example await writeTemplates('./templat');
 */
export async function writeTemplates(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const [name, columns, example] of [
    ['templat-keluarga', familyColumns, EXAMPLE_FAMILY],
    ['templat-anggota', memberColumns, EXAMPLE_MEMBER],
  ] as const) {
    const csv = join(dir, `${name}.csv`);
    await writeFile(csv, '\uFEFF' + csvLine(columns.map((c) => c.name)) + csvLine(columns.map((c) => example[c.name] ?? '')));
    const xlsx = join(dir, `${name}.xlsx`);
    await writeXlsx(xlsx, columns, example);
    out.push(csv, xlsx);
  }
  return out;
}
