/**
 * A small proxy means test (OLS of log per-capita consumption on the observable
 * family and member fields), used to check that the hidden consumption is predictable
 * to a realistic degree, no more.
 */
import type { GeneratedFamily } from './types.js';

const floorBad = new Set(['tanah', 'bambu', 'kayu_kualitas_rendah']);
const wallBad = new Set(['anyaman_bambu', 'bambu', 'batang_kayu', 'plesteran_bambu']);
const waterBad = new Set(['sumur_tak_terlindung', 'mata_air_tak_terlindung', 'air_permukaan', 'air_hujan']);
const fuelDirty = new Set(['kayu_bakar', 'arang', 'minyak_tanah']);
const eduRank: Readonly<Record<string, number>> = { tidak_sekolah: 0, paud: 0, sd: 1, smp: 2, sma: 3, diploma: 4, s1: 5, s2_s3: 6 };
const formal = new Set(['asn', 'tni', 'polri', 'bumn_bumd', 'karyawan_swasta', 'pejabat_negara']);
const farmLabour = new Set(['buruh_tani', 'buruh', 'nelayan']);

/** Observable features of a family, as a registry would hold them. */
export function pmtFeatures(f: GeneratedFamily): number[] {
  const r = f.record;
  const living = f.members.filter((m) => m.record.presenceStatus === null || m.record.presenceStatus === 'baru');
  const size = Math.max(1, living.length);
  const head = f.members[0]!;
  const kids = living.filter((m) => m.age < 15).length;
  const old = living.filter((m) => m.age >= 60).length;
  const workers = living.filter((m) => m.record.workStatus !== null && m.record.workStatus !== 'tidak_bekerja').length;
  const b = (x: boolean): number => (x ? 1 : 0);
  return [
    1, Math.log(size), kids / size, old / size, workers / size, b(f.village.isUrban),
    Math.log(r.floorAreaM2 / size), b(floorBad.has(r.floorMaterial)), b(r.floorMaterial === 'keramik' || r.floorMaterial === 'marmer_granit'),
    b(wallBad.has(r.wallMaterial)), b(r.roofMaterial === 'jerami_ijuk' || r.roofMaterial === 'bambu'),
    b(waterBad.has(r.waterSource)), b(r.waterSource === 'air_kemasan'),
    b(r.powerVa === null), b(r.powerVa === 450), b(r.powerVa === 1300), b(r.powerVa === 2200),
    b(fuelDirty.has(r.cookingFuel)), b(r.cookingFuel === 'lpg_12kg' || r.cookingFuel === 'lpg_5_5kg'),
    b(r.toiletFacility === 'sendiri'), b(r.toiletFacility === 'tidak_ada'), b(r.sewageDisposal === 'tangki_septik'),
    b(r.tenure === 'kontrak_sewa'), b(r.landTitle === 'shm'),
    b(r.hasGasCylinder), b(r.hasFridge), b(r.hasAc), b(r.hasTv), b(r.hasGold), b(r.hasComputer), b(r.hasMotorbike),
    b(r.hasCar), b(r.hasSmartphone), b(r.ownsLand), b(r.ownsOtherHouse), b(r.hasInternet), b(r.hasBankAccount),
    Math.min(r.cattle + r.buffalo, 5), Math.min(r.goats + r.pigs, 10),
    eduRank[head.record.educationLevel ?? 'tidak_sekolah'] ?? 0, b(formal.has(head.record.occupation ?? '')),
    b(farmLabour.has(head.record.occupation ?? '')), b(head.record.occupation === 'petani'), head.age / 10,
    b(head.record.sex === 'P'),
  ];
}

/** Solves (XᵀX) β = Xᵀy by Gaussian elimination with partial pivoting and a tiny ridge. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  for (let i = 0; i < n; i++) a[i]![i]! += 1e-6;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    [b[c], b[p]] = [b[p]!, b[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = a[r]![c]! / a[c]![c]!;
      if (f === 0) continue;
      for (let k = c; k < n; k++) a[r]![k]! -= f * a[c]![k]!;
      b[r]! -= f * b[c]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r]!;
    for (let k = r + 1; k < n; k++) s -= a[r]![k]! * x[k]!;
    x[r] = s / a[r]![r]!;
  }
  return x;
}

/** In-sample R² of an OLS PMT fitted on the families. */
export function fitPmt(families: readonly GeneratedFamily[]): { r2: number; coefficients: number[] } {
  const xs = families.map(pmtFeatures);
  const ys = families.map((f) => Math.log(f.truth.consumptionPerCapita));
  const k = xs[0]!.length;
  const xtx = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const xty = new Array<number>(k).fill(0);
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    for (let p = 0; p < k; p++) {
      xty[p]! += x[p]! * ys[i]!;
      for (let q = 0; q < k; q++) xtx[p]![q]! += x[p]! * x[q]!;
    }
  }
  const beta = solve(xtx, xty);
  const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < xs.length; i++) {
    const pred = xs[i]!.reduce((s, v, j) => s + v * beta[j]!, 0);
    ssRes += (ys[i]! - pred) ** 2;
    ssTot += (ys[i]! - mean) ** 2;
  }
  return { r2: 1 - ssRes / ssTot, coefficients: beta };
}
