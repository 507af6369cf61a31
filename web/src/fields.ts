/**
 * Registry fields as the console shows and edits them: the import column definitions
 * (src/registry/import-columns.ts, shared with the server, so the form offers exactly
 * what the import validator accepts) with short labels in both languages.
 */
import { familyColumns, memberColumns, type ColumnDef } from '../../src/registry/import-columns';
import type { CodeList } from '../../src/registry/codes';
import type { Lang } from './i18n';

const LABELS: Record<string, [string, string]> = {
  kkNumber: ['No. KK', 'KK number'],
  villageCode: ['Kode desa', 'Village code'],
  address: ['Alamat', 'Address'],
  rt: ['RT', 'RT'],
  rw: ['RW', 'RW'],
  phone: ['No. HP', 'Phone'],
  tenure: ['Status bangunan', 'Tenure'],
  landTitle: ['Bukti kepemilikan lahan', 'Land title'],
  floorAreaM2: ['Luas lantai (m²)', 'Floor area (m²)'],
  floorMaterial: ['Lantai', 'Floor'],
  wallMaterial: ['Dinding', 'Walls'],
  roofMaterial: ['Atap', 'Roof'],
  waterSource: ['Sumber air minum', 'Drinking water'],
  lightingSource: ['Sumber penerangan', 'Lighting'],
  powerVa: ['Daya listrik (VA)', 'Electric power (VA)'],
  cookingFuel: ['Bahan bakar masak', 'Cooking fuel'],
  toiletFacility: ['Fasilitas BAB', 'Toilet'],
  sewageDisposal: ['Pembuangan tinja', 'Sewage'],
  hasGasCylinder: ['Tabung gas ≥ 5,5 kg', 'Gas cylinder ≥ 5.5 kg'],
  hasFridge: ['Kulkas', 'Fridge'],
  hasAc: ['AC', 'Air conditioner'],
  hasTv: ['TV layar datar ≥ 30"', 'Flat TV ≥ 30"'],
  hasGold: ['Emas ≥ 10 g', 'Gold ≥ 10 g'],
  hasComputer: ['Komputer/laptop', 'Computer/laptop'],
  hasMotorbike: ['Sepeda motor', 'Motorbike'],
  hasCar: ['Mobil', 'Car'],
  hasBoat: ['Perahu', 'Boat'],
  hasSmartphone: ['Telepon pintar', 'Smartphone'],
  ownsLand: ['Punya lahan lain', 'Owns other land'],
  ownsOtherHouse: ['Punya rumah lain', 'Owns another house'],
  cattle: ['Sapi', 'Cattle'],
  buffalo: ['Kerbau', 'Buffalo'],
  goats: ['Kambing/domba', 'Goats/sheep'],
  pigs: ['Babi', 'Pigs'],
  hasInternet: ['Akses internet', 'Internet access'],
  hasBankAccount: ['Rekening bank', 'Bank account'],
  programsReceived: ['Program diterima', 'Programs received'],
  nik: ['NIK', 'NIK'],
  fullName: ['Nama lengkap', 'Full name'],
  sex: ['Jenis kelamin', 'Sex'],
  birthPlace: ['Tempat lahir', 'Place of birth'],
  birthDate: ['Tanggal lahir', 'Date of birth'],
  relationship: ['Hubungan keluarga', 'Relationship'],
  maritalStatus: ['Status perkawinan', 'Marital status'],
  presenceStatus: ['Keberadaan', 'Presence'],
  motherName: ['Nama ibu kandung', "Mother's name"],
  identityDocument: ['Dokumen identitas', 'Identity document'],
  schoolParticipation: ['Partisipasi sekolah', 'School participation'],
  educationLevel: ['Jenjang pendidikan', 'Education level'],
  schoolGrade: ['Kelas', 'Grade'],
  workStatus: ['Status pekerjaan', 'Work status'],
  occupation: ['Pekerjaan', 'Occupation'],
  workHours: ['Jam kerja/minggu', 'Work hours/week'],
  hasBusiness: ['Punya usaha', 'Has a business'],
  disabilities: ['Disabilitas', 'Disabilities'],
  severeDisability: ['Disabilitas berat', 'Severe disability'],
  chronicIllness: ['Penyakit kronis', 'Chronic illness'],
  healthInsurance: ['Jaminan kesehatan', 'Health insurance'],
  isPregnant: ['Hamil', 'Pregnant'],
};

export function fieldLabel(lang: Lang, field: string): string {
  const l = LABELS[field];
  return l ? l[lang === 'en' ? 1 : 0] : field;
}

export type { ColumnDef };

/** Identifier columns are changed through their own procedures, never in the edit form. */
const NOT_EDITABLE = new Set(['kkNumber', 'villageCode', 'nik', 'phone', 'address']);

export const FAMILY_FIELDS: readonly ColumnDef[] = familyColumns.filter((c) => !NOT_EDITABLE.has(c.field));
export const MEMBER_FIELDS: readonly ColumnDef[] = memberColumns.filter((c) => !NOT_EDITABLE.has(c.field));

const BY_COLUMN = new Map<string, ColumnDef>([...familyColumns, ...memberColumns].map((c) => [c.name, c]));
const BY_FIELD = new Map<string, ColumnDef>([...familyColumns, ...memberColumns].map((c) => [c.field, c]));

/** The camelCase field behind an import column name or alias (validation errors name columns). */
export function fieldOfColumn(column: string): string {
  return BY_COLUMN.get(column)?.field ?? column;
}

export function columnOfField(field: string): ColumnDef | undefined {
  return BY_FIELD.get(field);
}

export function listOf(def: ColumnDef): CodeList | undefined {
  return def.kind.type === 'enum' || def.kind.type === 'enum_set' ? def.kind.list : undefined;
}

/** A stored value as the text the form edits (the import's cell format). */
export function toInput(def: ColumnDef, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (def.kind.type === 'bool') return value === true ? 'ya' : value === false ? 'tidak' : String(value);
  if (Array.isArray(value)) return value.join(';');
  return String(value);
}

/** A stored value for reading: code labels, ya/tidak, lists. */
export function displayValue(lang: Lang, field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '–';
  const def = BY_FIELD.get(field);
  if (def?.kind.type === 'bool' || typeof value === 'boolean') {
    const v = value === true || value === 'ya' || value === 'true';
    const f = value === false || value === 'tidak' || value === 'false';
    if (v) return lang === 'en' ? 'yes' : 'ya';
    if (f) return lang === 'en' ? 'no' : 'tidak';
  }
  const list = def ? listOf(def) : undefined;
  const label = (code: string) => {
    const e = list?.entries.find((x) => x.code === code);
    return e ? e[lang] : code;
  };
  if (Array.isArray(value)) return value.length ? value.map((v) => label(String(v))).join(', ') : '–';
  if (typeof value === 'string' && def?.kind.type === 'enum_set') return value.split(';').filter(Boolean).map(label).join(', ') || '–';
  return label(String(value));
}
