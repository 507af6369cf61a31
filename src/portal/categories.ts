/**
 * Closed lists of the portal's forms, with labels in Bahasa Indonesia and English,
 * and the service-level agreement (days to answer) per kind and category.
 */
import type { SubmissionKind } from './tracking-code.js';

export interface Labelled<C extends string> {
  readonly code: C;
  readonly id: string;
  readonly en: string;
}

export const USUL_CATEGORIES = [
  { code: 'diri_sendiri', id: 'Diri sendiri', en: 'Myself' },
  { code: 'keluarga', id: 'Keluarga saya', en: 'My family' },
  { code: 'orang_lain', id: 'Keluarga lain (tetangga, warga)', en: 'Another family (neighbour, resident)' },
] as const satisfies readonly Labelled<string>[];

export const SANGGAH_CATEGORIES = [
  { code: 'mampu', id: 'Tergolong mampu / tidak layak', en: 'Well off / not eligible' },
  { code: 'meninggal', id: 'Sudah meninggal', en: 'Deceased' },
  { code: 'pindah', id: 'Sudah pindah', en: 'Moved away' },
  { code: 'asn_tni_polri', id: 'ASN, TNI, Polri, pejabat atau pegawai BUMN/BUMD', en: 'Civil servant, military, police, official or state-company staff' },
  { code: 'data_ganda', id: 'Terdaftar ganda', en: 'Registered twice' },
  { code: 'lainnya', id: 'Lainnya', en: 'Other' },
] as const satisfies readonly Labelled<string>[];

export const PENGADUAN_CATEGORIES = [
  { code: 'tidak_diterima', id: 'Bantuan tidak diterima', en: 'Aid not received' },
  { code: 'jumlah_kurang', id: 'Jumlah tidak sesuai', en: 'Wrong amount' },
  { code: 'pungli', id: 'Pungutan/potongan oleh petugas atau aparat (pungli)', en: 'Levy or cut taken by an official (pungli)' },
  { code: 'petugas', id: 'Petugas tidak ramah atau tidak hadir', en: 'Officer rude or absent' },
  { code: 'lainnya', id: 'Lainnya', en: 'Other' },
] as const satisfies readonly Labelled<string>[];

export type UsulCategory = (typeof USUL_CATEGORIES)[number]['code'];
export type SanggahCategory = (typeof SANGGAH_CATEGORIES)[number]['code'];
export type PengaduanCategory = (typeof PENGADUAN_CATEGORIES)[number]['code'];

export const codes = <C extends string>(list: readonly Labelled<C>[]) => list.map((c) => c.code) as [C, ...C[]];

/**
 * Days an officer has to answer. Levies (pungli) are urgent; proposals follow the
 * monthly verification cycle (DOMAIN.md, workflow). Operational targets, not law:
 * change here when the ministry sets others.
 */
export function slaDays(kind: SubmissionKind, category: string): number {
  if (kind === 'usul') return 30;
  if (kind === 'sanggah') return 14;
  return category === 'pungli' ? 3 : 7;
}

export function categoryLabel(kind: SubmissionKind, category: string, lang: 'id' | 'en'): string {
  const list: readonly Labelled<string>[] = kind === 'usul' ? USUL_CATEGORIES : kind === 'sanggah' ? SANGGAH_CATEGORIES : PENGADUAN_CATEGORIES;
  return list.find((c) => c.code === category)?.[lang] ?? category;
}
