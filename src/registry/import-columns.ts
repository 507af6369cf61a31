/**
 * The import format: one definition per column, used by the importer, the templates,
 * the generator and docs/import-format.md. Column names are those an Indonesian
 * operator uses; English aliases are accepted on import.
 */
import * as codes from './codes.js';
import type { CodeList } from './codes.js';

export type ColumnKind =
  | { type: 'nik' }
  | { type: 'kk' }
  | { type: 'village' }
  | { type: 'text'; max: number }
  | { type: 'name' }
  | { type: 'date' }
  | { type: 'phone' }
  | { type: 'rt_rw' }
  | { type: 'int'; min: number; max: number }
  | { type: 'bool' }
  | { type: 'power' }
  | { type: 'enum'; list: CodeList }
  | { type: 'enum_set'; list: CodeList }
  | { type: 'programs' };

export interface ColumnDef {
  /** Column name in the file (Bahasa Indonesia). */
  readonly name: string;
  /** Accepted alternatives (English and common variants). */
  readonly aliases: readonly string[];
  /** Field name in the registry (camelCase). */
  readonly field: string;
  readonly kind: ColumnKind;
  readonly required: boolean;
  /** What the column means, for the docs and the template's second sheet. */
  readonly description: string;
}

function col(
  name: string,
  field: string,
  kind: ColumnKind,
  description: string,
  opts: { aliases?: string[]; required?: boolean } = {},
): ColumnDef {
  return { name, field, kind, description, aliases: opts.aliases ?? [], required: opts.required ?? false };
}

const bool = { type: 'bool' } as const;
const count = { type: 'int', min: 0, max: 10_000 } as const;
const enumOf = (list: CodeList) => ({ type: 'enum', list }) as const;

/** Columns of a families file (one row per family card). */
export const familyColumns: readonly ColumnDef[] = [
  col('no_kk', 'kkNumber', { type: 'kk' }, 'Nomor Kartu Keluarga, 16 digit (format kolom: Teks)', { aliases: ['kk_number', 'nomor_kk'], required: true }),
  col('kode_desa', 'villageCode', { type: 'village' }, 'Kode wilayah desa/kelurahan Kemendagri PP.KK.CC.DDDD', { aliases: ['village_code', 'kode_wilayah'], required: true }),
  col('alamat', 'address', { type: 'text', max: 300 }, 'Alamat jalan/dusun (tanpa RT/RW)', { aliases: ['address'] }),
  col('rt', 'rt', { type: 'rt_rw' }, 'Nomor RT', {}),
  col('rw', 'rw', { type: 'rt_rw' }, 'Nomor RW', {}),
  col('no_hp', 'phone', { type: 'phone' }, 'Nomor HP yang dapat dihubungi', { aliases: ['phone', 'telepon'] }),
  col('status_bangunan', 'tenure', enumOf(codes.tenure), 'Status kepemilikan bangunan tempat tinggal', { aliases: ['tenure'] }),
  col('status_lahan', 'landTitle', enumOf(codes.landTitle), 'Bukti kepemilikan lahan', { aliases: ['land_title'] }),
  col('luas_lantai', 'floorAreaM2', { type: 'int', min: 1, max: 10_000 }, 'Luas lantai bangunan (m²)', { aliases: ['floor_area'] }),
  col('lantai', 'floorMaterial', enumOf(codes.floorMaterial), 'Jenis lantai terluas', { aliases: ['floor'] }),
  col('dinding', 'wallMaterial', enumOf(codes.wallMaterial), 'Jenis dinding terluas', { aliases: ['wall'] }),
  col('atap', 'roofMaterial', enumOf(codes.roofMaterial), 'Jenis atap terluas', { aliases: ['roof'] }),
  col('sumber_air_minum', 'waterSource', enumOf(codes.waterSource), 'Sumber air minum utama', { aliases: ['water_source'] }),
  col('sumber_penerangan', 'lightingSource', enumOf(codes.lightingSource), 'Sumber penerangan utama', { aliases: ['lighting'] }),
  col('daya_listrik', 'powerVa', { type: 'power' }, 'Daya terpasang (VA): 450, 900, 1300, 2200 (2200 ke atas)', { aliases: ['power_va'] }),
  col('bahan_bakar_masak', 'cookingFuel', enumOf(codes.cookingFuel), 'Bahan bakar utama untuk memasak', { aliases: ['cooking_fuel'] }),
  col('fasilitas_bab', 'toiletFacility', enumOf(codes.toiletFacility), 'Fasilitas buang air besar', { aliases: ['toilet'] }),
  col('pembuangan_tinja', 'sewageDisposal', enumOf(codes.sewageDisposal), 'Tempat pembuangan akhir tinja', { aliases: ['sewage'] }),
  col('punya_tabung_gas', 'hasGasCylinder', bool, 'Memiliki tabung gas 5,5 kg atau lebih (ya/tidak)', { aliases: ['has_gas_cylinder'] }),
  col('punya_kulkas', 'hasFridge', bool, 'Memiliki lemari es/kulkas', { aliases: ['has_fridge'] }),
  col('punya_ac', 'hasAc', bool, 'Memiliki AC', { aliases: ['has_ac'] }),
  col('punya_tv', 'hasTv', bool, 'Memiliki televisi layar datar ≥ 30 inci', { aliases: ['has_tv'] }),
  col('punya_emas', 'hasGold', bool, 'Memiliki emas/perhiasan ≥ 10 gram', { aliases: ['has_gold'] }),
  col('punya_komputer', 'hasComputer', bool, 'Memiliki komputer/laptop/tablet', { aliases: ['has_computer'] }),
  col('punya_sepeda_motor', 'hasMotorbike', bool, 'Memiliki sepeda motor', { aliases: ['has_motorbike'] }),
  col('punya_mobil', 'hasCar', bool, 'Memiliki mobil', { aliases: ['has_car'] }),
  col('punya_perahu', 'hasBoat', bool, 'Memiliki perahu/perahu motor', { aliases: ['has_boat'] }),
  col('punya_smartphone', 'hasSmartphone', bool, 'Memiliki telepon pintar', { aliases: ['has_smartphone'] }),
  col('punya_lahan', 'ownsLand', bool, 'Memiliki lahan (selain yang ditempati)', { aliases: ['owns_land'] }),
  col('punya_rumah_lain', 'ownsOtherHouse', bool, 'Memiliki rumah di tempat lain', { aliases: ['owns_other_house'] }),
  col('ternak_sapi', 'cattle', count, 'Jumlah sapi', { aliases: ['cattle'] }),
  col('ternak_kerbau', 'buffalo', count, 'Jumlah kerbau', { aliases: ['buffalo'] }),
  col('ternak_kambing', 'goats', count, 'Jumlah kambing/domba', { aliases: ['goats'] }),
  col('ternak_babi', 'pigs', count, 'Jumlah babi', { aliases: ['pigs'] }),
  col('internet', 'hasInternet', bool, 'Mengakses internet dalam 3 bulan terakhir', { aliases: ['has_internet'] }),
  col('rekening_bank', 'hasBankAccount', bool, 'Memiliki rekening bank/dompet digital', { aliases: ['has_bank_account'] }),
  col('program_diterima', 'programsReceived', { type: 'programs' }, 'Program yang diterima, dipisah titik koma, opsional dengan bulan: pkh:2025-01;bpnt', { aliases: ['programs_received'] }),
];

/** Columns of a members file (one row per person), linked to a family by no_kk. */
export const memberColumns: readonly ColumnDef[] = [
  col('no_kk', 'kkNumber', { type: 'kk' }, 'Nomor KK keluarga (harus ada di berkas/registri keluarga)', { aliases: ['kk_number', 'nomor_kk'], required: true }),
  col('nik', 'nik', { type: 'nik' }, 'NIK 16 digit (format kolom: Teks); kosongkan bila belum punya', { aliases: ['nomor_induk_kependudukan'] }),
  col('nama', 'fullName', { type: 'name' }, 'Nama lengkap sesuai KTP/KK', { aliases: ['full_name', 'name', 'nama_lengkap'], required: true }),
  col('jenis_kelamin', 'sex', enumOf(codes.sex), 'L atau P', { aliases: ['sex', 'jk', 'gender'], required: true }),
  col('tempat_lahir', 'birthPlace', { type: 'text', max: 100 }, 'Tempat lahir', { aliases: ['birth_place'] }),
  col('tanggal_lahir', 'birthDate', { type: 'date' }, 'Tanggal lahir DD/MM/YYYY atau YYYY-MM-DD', { aliases: ['birth_date', 'tgl_lahir'], required: true }),
  col('hubungan_keluarga', 'relationship', enumOf(codes.relationship), 'Hubungan dengan kepala keluarga', { aliases: ['relationship', 'shdk'], required: true }),
  col('status_perkawinan', 'maritalStatus', enumOf(codes.maritalStatus), 'Status perkawinan', { aliases: ['marital_status'] }),
  col('status_keberadaan', 'presenceStatus', enumOf(codes.presenceStatus), 'Keberadaan anggota keluarga (kosong = tinggal)', { aliases: ['presence_status'] }),
  col('nama_ibu', 'motherName', { type: 'name' }, 'Nama ibu kandung', { aliases: ['mother_name'] }),
  col('dokumen_identitas', 'identityDocument', enumOf(codes.identityDocument), 'Dokumen kependudukan yang dimiliki', { aliases: ['identity_document'] }),
  col('partisipasi_sekolah', 'schoolParticipation', enumOf(codes.schoolParticipation), 'Partisipasi sekolah', { aliases: ['school_participation'] }),
  col('jenjang_pendidikan', 'educationLevel', enumOf(codes.educationLevel), 'Jenjang pendidikan yang sedang/pernah diduduki', { aliases: ['education_level'] }),
  col('kelas', 'schoolGrade', { type: 'int', min: 1, max: 12 }, 'Kelas tertinggi yang sedang/pernah diduduki', { aliases: ['school_grade'] }),
  col('status_pekerjaan', 'workStatus', enumOf(codes.workStatus), 'Status dalam pekerjaan utama', { aliases: ['work_status'] }),
  col('pekerjaan', 'occupation', enumOf(codes.occupation), 'Pekerjaan utama', { aliases: ['occupation'] }),
  col('jam_kerja', 'workHours', { type: 'int', min: 0, max: 112 }, 'Jam kerja seminggu terakhir', { aliases: ['work_hours'] }),
  col('punya_usaha', 'hasBusiness', bool, 'Memiliki usaha sendiri/bersama', { aliases: ['has_business'] }),
  col('disabilitas', 'disabilities', { type: 'enum_set', list: codes.disabilityType }, 'Kesulitan fungsional (banyak kesulitan/tidak bisa sama sekali), dipisah titik koma', { aliases: ['disabilities'] }),
  col('disabilitas_berat', 'severeDisability', bool, 'Disabilitas berat (tidak bisa sama sekali)', { aliases: ['severe_disability'] }),
  col('penyakit_kronis', 'chronicIllness', enumOf(codes.chronicIllness), 'Penyakit kronis/menahun', { aliases: ['chronic_illness'] }),
  col('jaminan_kesehatan', 'healthInsurance', enumOf(codes.healthInsurance), 'Jaminan kesehatan yang dimiliki', { aliases: ['health_insurance'] }),
  col('hamil', 'isPregnant', bool, 'Sedang hamil (ya/tidak)', { aliases: ['is_pregnant', 'pregnant'] }),
  col('no_hp', 'phone', { type: 'phone' }, 'Nomor HP pribadi', { aliases: ['phone'] }),
];
