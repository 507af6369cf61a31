/**
 * Pure rules of verification: how a registry compares claimed data with its record, and
 * how Tepat turns a per-field answer into one of four outcomes.
 */
import type { FieldMatch, VerificationOutcome, VerifyRequest, VerifyResult } from './types.js';

/**
 * Name as compared: letters only, upper case, single spaces. Accents, punctuation and
 * spacing are not differences (`Ma'ruf` = `MARUF`); spelling is (`Soeparman` ≠ `Suparman`).
 * @example normalizeName("  Ma'ruf   Amin ") // 'MARUF AMIN'
 */
export function normalizeName(name: string): string {
  return name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toUpperCase().replace(/[^A-Z ]/g, '').replace(/\s+/g, ' ').trim();
}

/** Levenshtein distance, two rows; names are short. */
function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/**
 * Similarity 0–100 of two names after normalisation (100 = same).
 * @example nameScore('Suparman', 'Soeparman') // 78
 */
export function nameScore(a: string, b: string): number {
  const x = normalizeName(a);
  const y = normalizeName(b);
  const longest = Math.max(x.length, y.length);
  if (longest === 0) return 100;
  return Math.round(100 * (1 - editDistance(x, y) / longest));
}

export interface RegistryRecord {
  readonly name: string;
  readonly birthDate: string;
  readonly kk: string;
  readonly deathDate: string | null;
}

/**
 * The registry's side: compare a claim with the record held for its NIK.
 * @example compareWithRecord({ nik, name: 'Siti', birthDate: '1990-01-02' }, record).name // { result: 'sesuai', score: 100 }
 */
export function compareWithRecord(claim: VerifyRequest, record: RegistryRecord | undefined): VerifyResult {
  if (!record) return { nikStatus: 'tidak_ditemukan' };
  const score = nameScore(claim.name, record.name);
  const result: { -readonly [K in keyof VerifyResult]: VerifyResult[K] } = {
    nikStatus: record.deathDate ? 'meninggal' : 'aktif',
    name: { result: score === 100 ? 'sesuai' : 'tidak_sesuai', score },
    birthDate: { result: claim.birthDate === record.birthDate ? 'sesuai' : 'tidak_sesuai' },
  };
  if (claim.kk) result.kk = { result: claim.kk === record.kk ? 'sesuai' : 'tidak_sesuai' };
  return result;
}

export type MismatchField = 'name' | 'birthDate' | 'kk';

/**
 * Tepat's side: one outcome for the record. A NIK unknown to the registry or of a
 * deceased person outranks field differences; a differing No. KK counts as a mismatch
 * because the family card Tepat holds is then out of date.
 * @example classifyVerification({ nikStatus: 'aktif', name: { result: 'tidak_sesuai' } }) // { outcome: 'mismatch', mismatched: ['name'] }
 */
export function classifyVerification(r: VerifyResult): { outcome: VerificationOutcome; mismatched: MismatchField[] } {
  const fields: Array<[MismatchField, FieldMatch | undefined]> = [['name', r.name], ['birthDate', r.birthDate], ['kk', r.kk]];
  const mismatched = fields.filter(([, m]) => m?.result === 'tidak_sesuai').map(([f]) => f);
  if (r.nikStatus === 'tidak_ditemukan') return { outcome: 'not_found', mismatched };
  if (r.nikStatus === 'meninggal') return { outcome: 'deceased', mismatched };
  return { outcome: mismatched.length > 0 ? 'mismatch' : 'verified', mismatched };
}
