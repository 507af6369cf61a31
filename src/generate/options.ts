/**
 * Options of the generator and their checks, shared by the CLI (which reports problems
 * with exit code 2) and `generatePopulation` (which throws on them).
 */
import { daysFromIso } from './calendar.js';
import { defaultRegencies, getRegionIndex } from './regions.js';

export interface PopulationOptions {
  /** Number of families (family cards) to generate. */
  readonly families: number;
  /** Any integer 0 … 2^32-1; the same seed and options give the same population. */
  readonly seed: number;
  /** Regency codes (`32.01`); default `defaultRegencies`. */
  readonly regions?: readonly string[] | undefined;
  /** Date on which ages, schooling and program months are computed; default 2025-07-01. */
  readonly referenceDate?: string | undefined;
}

export const defaultReferenceDate = '2025-07-01';
export const maxFamilies = 10_000_000;

/** Problems with the options, in Bahasa Indonesia with English after a slash; [] when fine. */
export function checkPopulationOptions(o: PopulationOptions): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(o.families) || o.families < 1 || o.families > maxFamilies) {
    problems.push(`--families harus bilangan bulat 1–${maxFamilies} / --families must be an integer from 1 to ${maxFamilies}`);
  }
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff) {
    problems.push('--seed harus bilangan bulat 0–4294967295 / --seed must be an integer from 0 to 4294967295');
  }
  const regions = o.regions ?? defaultRegencies;
  if (regions.length === 0) problems.push('--regions kosong / --regions is empty');
  const index = getRegionIndex();
  for (const code of regions) {
    if (!/^\d{2}\.\d{2}$/.test(code)) {
      problems.push(`kode kabupaten/kota tidak valid: "${code}" (contoh 32.01) / invalid regency code "${code}" (e.g. 32.01)`);
    } else if (index.regencyName(code) === undefined) {
      problems.push(`kabupaten/kota ${code} tidak dikenal / unknown regency ${code}`);
    } else if (index.villagesOf(code).length === 0) {
      problems.push(`kabupaten/kota ${code} tidak punya desa / regency ${code} has no villages`);
    }
  }
  if (o.referenceDate !== undefined) {
    const d = daysFromIso(o.referenceDate);
    if (d === undefined || o.referenceDate < '2000-01-01' || o.referenceDate > '2060-12-31') {
      problems.push('--reference-date harus tanggal YYYY-MM-DD antara 2000 dan 2060 / --reference-date must be a YYYY-MM-DD date between 2000 and 2060');
    }
  }
  return problems;
}
