/**
 * Per-person attributes: schooling by age, work by age, sex, area and welfare,
 * disability and chronic illness (rarer among the young, commoner among the old),
 * pregnancy (married women 18–45 only), identity documents and health insurance.
 */
import type { Random } from './random.js';

const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);

export interface Schooling {
  readonly participation: string | null;
  readonly level: string | null;
  readonly grade: number | null;
}

const none: Schooling = { participation: null, level: null, grade: null };

/** Highest level reached by an adult, from welfare, generation, sex and area. */
function attainedLevel(rng: Random, birthYear: number, isFemale: boolean, welfare: number, isUrban: boolean): string {
  const cohort = birthYear >= 1995 ? 0.9 : birthYear >= 1985 ? 0.5 : birthYear >= 1975 ? 0.1 : birthYear >= 1965 ? -0.4 : -1.0;
  const s = 0.75 * welfare + cohort + (isUrban ? 0.35 : 0) - (isFemale && birthYear < 1975 ? 0.3 : 0) + 0.7 * rng.normal();
  if (s < -1.7) return 'tidak_sekolah';
  if (s < -0.35) return 'sd';
  if (s < 0.3) return 'smp';
  if (s < 1.45) return 'sma';
  if (s < 1.65) return 'diploma';
  if (s < 2.75) return 's1';
  return 's2_s3';
}

function finishedGrade(rng: Random, level: string): number | null {
  switch (level) {
    case 'sd': return rng.chance(0.85) ? 6 : rng.int(1, 5);
    case 'smp': return rng.chance(0.88) ? 9 : rng.int(7, 8);
    case 'sma': return rng.chance(0.9) ? 12 : rng.int(10, 11);
    default: return null;
  }
}

/**
 * Schooling by age: SD grades 1–6 at 7–12, SMP 7–9 at 13–15, SMA 10–12 at 16–18
 * (grades numbered 1–12 across levels), with drop-outs likelier in poor families.
 */
export function schooling(rng: Random, age: number, birthYear: number, isFemale: boolean, welfare: number, isUrban: boolean, severeDisability: boolean, isMarried = false): Schooling {
  if (age < 5) return none;
  // Married teenagers have left school; married young adults rarely still study.
  if (isMarried && age <= 18) return { participation: 'tidak_lagi', level: age >= 16 ? 'smp' : 'sd', grade: age >= 16 ? 9 : 6 };
  if (severeDisability && age < 19 && rng.chance(0.4)) return { participation: 'tidak_pernah', level: 'tidak_sekolah', grade: null };
  if (age <= 6) return rng.chance(0.6 + 0.1 * welfare) ? { participation: 'masih_sekolah', level: 'paud', grade: null } : { participation: 'tidak_pernah', level: 'tidak_sekolah', grade: null };
  if (age <= 12) {
    if (rng.chance(0.01)) return { participation: 'tidak_pernah', level: 'tidak_sekolah', grade: null };
    return { participation: 'masih_sekolah', level: 'sd', grade: age - 6 };
  }
  if (age <= 15) {
    if (rng.chance(clamp(0.06 - 0.04 * welfare, 0.01, 0.2))) return { participation: 'tidak_lagi', level: 'sd', grade: 6 };
    return { participation: 'masih_sekolah', level: 'smp', grade: age - 6 };
  }
  if (age <= 18) {
    if (rng.chance(clamp(0.2 - 0.12 * welfare, 0.04, 0.5))) {
      const level = rng.chance(0.75) ? 'smp' : 'sd';
      return { participation: 'tidak_lagi', level, grade: level === 'smp' ? 9 : 6 };
    }
    return { participation: 'masih_sekolah', level: 'sma', grade: age - 6 };
  }
  let level = attainedLevel(rng, birthYear, isFemale, welfare, isUrban);
  if (age <= 24 && (level === 'diploma' || level === 's1' || level === 's2_s3' || (level === 'sma' && welfare > 0.3 && rng.chance(0.35)))) {
    // Still studying: a student reports the level being attended.
    if (rng.chance((age <= 22 ? 0.75 : 0.35) * (isMarried ? 0.15 : 1))) return { participation: 'masih_sekolah', level: rng.chance(0.25) ? 'diploma' : 's1', grade: null };
    if (age < 22 && level !== 'sma') level = age < 21 ? 'sma' : 'diploma';
  }
  if (level === 's2_s3' && age < 25) level = 's1';
  if (level === 'tidak_sekolah') return { participation: 'tidak_pernah', level, grade: null };
  return { participation: 'tidak_lagi', level, grade: finishedGrade(rng, level) };
}

export interface Work {
  readonly status: string | null;
  readonly occupation: string | null;
  readonly hours: number | null;
  readonly hasBusiness: boolean | null;
}

type Weighted = readonly (readonly [string, number, number])[];

/** [occupation, weight in rural areas, weight in cities, welfare slope]. */
const occupations: readonly (readonly [string, number, number, number])[] = [
  ['petani', 30, 1.5, -0.2],
  ['buruh_tani', 12, 0.5, -1.0],
  ['nelayan', 1, 0.3, -0.6],
  ['buruh', 12, 14, -0.7],
  ['pedagang', 9, 15, 0.1],
  ['wiraswasta', 6, 13, 0.45],
  ['karyawan_swasta', 7, 28, 0.6],
  ['asn', 1.6, 3, 1.2],
  ['tni', 0.5, 1, 0.8],
  ['polri', 0.5, 1, 0.8],
  ['bumn_bumd', 0.3, 1, 1.3],
  ['pejabat_negara', 0.002, 0.006, 2],
  ['lainnya', 4, 8, -0.2],
  ['tidak_bekerja', 3, 4, -0.6],
];

function occupationOptions(isUrban: boolean, isCoastal: boolean, isFemale: boolean): Weighted {
  return occupations.map(([code, rural, urban, slope]) => {
    let w = isUrban ? urban : rural;
    if (code === 'nelayan' && isCoastal) w *= isUrban ? 8 : 14;
    if (isFemale) {
      if (code === 'pedagang') w *= 2;
      else if (code === 'nelayan' || code === 'tni' || code === 'polri') w *= 0.05;
      else if (code === 'buruh' || code === 'buruh_tani') w *= 0.6;
      else if (code === 'tidak_bekerja') w *= 2;
    }
    return [code, w, slope] as const;
  });
}

function statusFor(rng: Random, occupation: string, welfare: number, isFamilyWorker: boolean): string {
  switch (occupation) {
    case 'petani':
      if (isFamilyWorker) return 'pekerja_keluarga';
      return rng.choose([['berusaha_sendiri', 55, 0], ['berusaha_buruh_tidak_tetap', 35, 0.4], ['berusaha_buruh_tetap', 4, 1.2]], welfare);
    case 'buruh_tani': return rng.chance(0.9) ? 'pekerja_bebas' : 'buruh_karyawan';
    case 'nelayan': return rng.choose([['berusaha_sendiri', 50, 0.3], ['pekerja_bebas', 40, -0.5], ['berusaha_buruh_tidak_tetap', 10, 0.8]], welfare);
    case 'buruh': return rng.chance(0.65) ? 'pekerja_bebas' : 'buruh_karyawan';
    case 'pedagang':
      if (isFamilyWorker) return 'pekerja_keluarga';
      return rng.choose([['berusaha_sendiri', 70, 0], ['berusaha_buruh_tidak_tetap', 20, 0.6], ['berusaha_buruh_tetap', 5, 1.2]], welfare);
    case 'wiraswasta': return rng.choose([['berusaha_sendiri', 50, 0], ['berusaha_buruh_tidak_tetap', 30, 0.4], ['berusaha_buruh_tetap', 20, 0.9]], welfare);
    case 'lainnya': return rng.choose([['berusaha_sendiri', 50, 0], ['pekerja_bebas', 30, 0], ['buruh_karyawan', 20, 0]]);
    case 'karyawan_swasta': case 'asn': case 'tni': case 'polri': case 'bumn_bumd': case 'pejabat_negara':
      return 'buruh_karyawan';
    default: return 'tidak_bekerja';
  }
}

function hoursFor(rng: Random, status: string, occupation: string): number {
  const [mean, sd] = status === 'buruh_karyawan' ? [42, 8]
    : occupation === 'petani' || occupation === 'buruh_tani' ? [34, 12]
      : occupation === 'pedagang' ? [50, 12]
        : status === 'pekerja_keluarga' ? [25, 10]
          : [38, 14];
  return Math.round(clamp(mean + sd * rng.normal(), 4, 84));
}

function working(occupation: string, status: string, rng: Random, welfare: number): Work {
  if (status === 'tidak_bekerja') return { status, occupation, hours: null, hasBusiness: false };
  const hasBusiness = status.startsWith('berusaha') || (status === 'pekerja_keluarga' && rng.chance(0.5));
  return { status, occupation, hours: hoursFor(rng, status, occupation), hasBusiness: hasBusiness || (welfare > 1 && rng.chance(0.1)) };
}

const notWorking = (occupation: string): Work => ({ status: 'tidak_bekerja', occupation, hours: null, hasBusiness: false });

export interface WorkContext {
  readonly age: number;
  readonly isFemale: boolean;
  readonly role: 'head' | 'wife' | 'other';
  readonly inSchool: boolean;
  readonly educationLevel: string | null;
  readonly welfare: number;
  readonly isUrban: boolean;
  readonly isCoastal: boolean;
  /** The head's occupation, for a wife helping on the farm or at the stall. */
  readonly headOccupation?: string | null | undefined;
}

/**
 * Work from 15 years old; under 15 the cells stay empty. The welfare score shifts the
 * odds towards formal jobs (ASN, TNI, Polri, BUMN, private employees) and away from
 * farm and day labour, and education adds to it.
 */
export function work(rng: Random, c: WorkContext): Work {
  if (c.age < 15) return { status: null, occupation: null, hours: null, hasBusiness: null };
  if (c.inSchool) return { status: 'tidak_bekerja', occupation: 'pelajar', hours: null, hasBusiness: false };
  const edu = c.educationLevel === 's1' || c.educationLevel === 's2_s3' ? 0.8 : c.educationLevel === 'diploma' ? 0.5
    : c.educationLevel === 'sma' ? 0.2 : c.educationLevel === 'smp' ? -0.1 : -0.4;
  const score = c.welfare + edu + 0.5 * rng.normal();
  if (c.age >= 60) {
    const keepWorking = c.age >= 75 ? 0.12 : c.age >= 65 ? (c.isUrban ? 0.25 : 0.45) : 0.65;
    if (!rng.chance(keepWorking * (c.isFemale ? 0.7 : 1))) {
      if (score > 0.8 && rng.chance(0.5)) return notWorking('pensiunan');
      return notWorking(c.isFemale && rng.chance(0.5) ? 'mengurus_rumah_tangga' : 'tidak_bekerja');
    }
    const occ = rng.choose<string>([
      ['petani', c.isUrban ? 3 : 40, 0], ['pedagang', 20, 0], ['wiraswasta', 10, 0.3], ['buruh', 8, -0.5],
      ['buruh_tani', c.isUrban ? 0 : 8, -0.8], ['lainnya', 8, 0],
    ], score);
    return working(occ, statusFor(rng, occ, score, false), rng, c.welfare);
  }
  if (c.role === 'wife') {
    if (rng.chance(0.45)) return notWorking('mengurus_rumah_tangga');
    if ((c.headOccupation === 'petani' || c.headOccupation === 'pedagang') && rng.chance(0.5)) {
      return working(c.headOccupation, 'pekerja_keluarga', rng, c.welfare);
    }
  } else if (c.role === 'other') {
    const idle = c.age < 25 ? 0.3 : 0.2;
    if (rng.chance(idle)) return notWorking(c.isFemale && c.age >= 20 && rng.chance(0.5) ? 'mengurus_rumah_tangga' : 'tidak_bekerja');
  }
  let occ = rng.choose(occupationOptions(c.isUrban, c.isCoastal, c.isFemale), score);
  // ASN, TNI, Polri and BUMN posts need at least upper-secondary schooling.
  if ((occ === 'asn' || occ === 'tni' || occ === 'polri' || occ === 'bumn_bumd' || occ === 'pejabat_negara') &&
    (c.educationLevel === 'sd' || c.educationLevel === 'smp' || c.educationLevel === 'tidak_sekolah')) {
    occ = c.isUrban ? 'buruh' : 'petani';
  }
  if (occ === 'tidak_bekerja' && c.isFemale && rng.chance(0.5)) return notWorking('mengurus_rumah_tangga');
  return working(occ, statusFor(rng, occ, score, false), rng, c.welfare);
}

const childDomains = [['belajar', 3, 0], ['komunikasi', 2, 0], ['perilaku', 2, 0], ['berjalan', 1, 0], ['melihat', 1, 0], ['mendengar', 1, 0], ['mengurus_diri', 1, 0], ['tangan', 0.5, 0]] as const;
const adultDomains = [['berjalan', 3, 0], ['melihat', 2, 0], ['mendengar', 1.5, 0], ['tangan', 1, 0], ['belajar', 0.5, 0], ['perilaku', 0.5, 0], ['komunikasi', 0.5, 0], ['mengurus_diri', 0.5, 0]] as const;
const elderDomains = [['melihat', 3, 0], ['berjalan', 3, 0], ['mendengar', 3, 0], ['mengurus_diri', 1, 0], ['belajar', 1, 0], ['tangan', 0.5, 0], ['komunikasi', 0.5, 0]] as const;
const domainOrder = ['melihat', 'mendengar', 'berjalan', 'tangan', 'belajar', 'perilaku', 'komunikasi', 'mengurus_diri'];

/**
 * Washington Group domains with a lot of difficulty or worse: about 1% of children,
 * 2% of working-age adults, 9% at 60–74 and a quarter from 75 (SUSENAS/WG orders of magnitude).
 */
export function disability(rng: Random, age: number, welfare: number): { domains: string[]; severe: boolean } {
  const base = age < 18 ? 0.012 : age < 60 ? 0.02 : age < 75 ? 0.09 : 0.25;
  if (!rng.chance(base * (welfare < -1 ? 1.4 : 1))) return { domains: [], severe: false };
  const pool = age < 18 ? childDomains : age < 60 ? adultDomains : elderDomains;
  const n = rng.choose([[1, 70, 0], [2, 20, 0], [3, 10, 0]] as const);
  const set = new Set<string>();
  for (let i = 0; i < n * 3 && set.size < n; i++) set.add(rng.choose(pool));
  const domains = domainOrder.filter((d) => set.has(d));
  return { domains, severe: rng.chance(age >= 75 ? 0.35 : 0.25) };
}

const illness40 = [['hipertensi', 5, 0], ['diabetes', 3, 0], ['rematik', 2, 0], ['kolesterol', 1.5, 0], ['jantung', 1, 0], ['asma', 1, 0], ['tbc', 0.7, 0], ['stroke', 0.3, 0], ['gagal_ginjal', 0.2, 0], ['kanker', 0.2, 0], ['lainnya', 0.5, 0]] as const;
const illness60 = [['hipertensi', 5, 0], ['rematik', 3, 0], ['diabetes', 2.5, 0], ['jantung', 1.5, 0], ['stroke', 1, 0], ['kolesterol', 1, 0], ['ppok', 0.7, 0], ['kanker', 0.3, 0], ['gagal_ginjal', 0.3, 0], ['alzheimer', 0.3, 0], ['sirosis', 0.1, 0], ['lainnya', 0.5, 0]] as const;
const illnessYoung = [['asma', 4, 0], ['tbc', 1.5, 0], ['hipertensi', 1, 0], ['thalasemia', 0.3, 0], ['leukemia', 0.2, 0], ['hiv_aids', 0.2, 0], ['lainnya', 1, 0]] as const;

/** Chronic illness: 1% of children, 3% under 40, 15% at 40–59, 32% from 60. */
export function chronicIllness(rng: Random, age: number): string {
  const p = age < 15 ? 0.01 : age < 40 ? 0.03 : age < 60 ? 0.15 : 0.32;
  if (!rng.chance(p)) return 'tidak_ada';
  const pool = age < 40 ? illnessYoung : age < 60 ? illness40 : illness60;
  const code = rng.choose(pool);
  return code === 'alzheimer' && age < 70 ? 'hipertensi' : code;
}

/** Pregnancy only for married women aged 18–45; others of 15–49 answer "tidak". */
export function pregnancy(rng: Random, age: number, isFemale: boolean, isMarried: boolean, hasInfant: boolean): boolean | null {
  if (!isFemale || age < 15 || age > 49) return null;
  if (!isMarried || age < 18 || age > 45) return false;
  const p = age < 25 ? 0.09 : age < 35 ? 0.07 : age < 40 ? 0.035 : 0.01;
  return rng.chance(hasInfant ? p * 0.15 : p);
}

export function identityDocument(rng: Random, age: number, isMarried: boolean, hasNik: boolean, welfare: number, isUrban: boolean): string {
  if (!hasNik) return 'tidak_ada';
  if (age >= 17 || isMarried) return rng.choose([['ktp_el', 96.5, 0], ['akta_lahir', 1.5, 0], ['tidak_ada', 2, -0.8]], welfare);
  return rng.choose([['akta_lahir', 60, 0], ['kia', isUrban ? 40 : 25, 0.5], ['tidak_ada', 10, -1]], welfare);
}
