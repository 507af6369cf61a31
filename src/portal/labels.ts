/** Short labels of programs, program states and submission statuses, for pages and CSV. */
import type { Lang } from './i18n.js';
import type { DesilBand, PortalProgram, ProgramState } from './program-status.js';
import type { SubmissionStatus } from './submission-status.js';
import type { SubmissionKind } from './tracking-code.js';

type Pair = readonly [string, string];
const pick = (p: Pair, lang: Lang) => p[lang === 'en' ? 1 : 0];

const PROGRAM: Record<PortalProgram | 'lainnya', Pair> = {
  pkh: ['PKH (Program Keluarga Harapan)', 'PKH (conditional cash transfer)'],
  bpnt: ['Sembako / BPNT', 'Sembako / BPNT (food aid)'],
  pbi_jk: ['PBI-JK (iuran BPJS Kesehatan)', 'PBI-JK (health insurance premium)'],
  blt_dd: ['BLT Dana Desa', 'BLT Dana Desa (village fund cash)'],
  pip: ['PIP (Program Indonesia Pintar)', 'PIP (school grant)'],
  lainnya: ['Lainnya', 'Other'],
};

const SHORT: Record<PortalProgram, string> = { pkh: 'PKH', bpnt: 'Sembako', pbi_jk: 'PBI-JK', blt_dd: 'BLT-DD', pip: 'PIP' };

const STATE: Record<ProgramState, Pair> = {
  menerima: ['Menerima', 'Receiving'],
  diproses: ['Dalam proses', 'In process'],
  tidak_menerima: ['Tidak menerima', 'Not receiving'],
};

const STATUS: Record<SubmissionStatus, Pair> = {
  diterima: ['Diterima', 'Received'],
  diproses: ['Sedang diproses', 'In progress'],
  selesai: ['Selesai', 'Resolved'],
  ditolak: ['Ditolak', 'Rejected'],
};

const KIND: Record<SubmissionKind, Pair> = {
  usul: ['Usul', 'Proposal'],
  sanggah: ['Sanggah', 'Objection'],
  pengaduan: ['Pengaduan', 'Complaint'],
};

export const programLabel = (p: string, lang: Lang) => (p in PROGRAM ? pick(PROGRAM[p as PortalProgram], lang) : p);
export const programShort = (p: PortalProgram) => SHORT[p];
export const stateLabel = (s: ProgramState, lang: Lang) => pick(STATE[s], lang);
export const statusLabel = (s: SubmissionStatus, lang: Lang) => pick(STATUS[s], lang);
export const kindLabel = (k: SubmissionKind, lang: Lang) => pick(KIND[k], lang);

/** @example desilLabel({ from: 1, to: 4 }, 'id') === 'Desil 1–4' */
export function desilLabel(band: DesilBand | null, lang: Lang): string | undefined {
  if (!band) return undefined;
  const word = lang === 'en' ? 'Decile' : 'Desil';
  return band.from === band.to ? `${word} ${band.from}` : `${word} ${band.from}–${band.to}`;
}
