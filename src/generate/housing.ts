/**
 * Housing, utilities and assets of a family, all driven by one latent welfare score
 * plus item-level noise, so they are correlated with each other and with the hidden
 * consumption without any one of them giving it away. Area matters too: wooden walls
 * and zinc roofs outside Java and Bali, firewood and wells in rural areas, refill water
 * in cities, pigs only in non-Muslim households.
 */
import { logistic, type Random } from './random.js';

const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);

export interface HousingContext {
  readonly welfare: number;
  readonly isUrban: boolean;
  readonly isCoastal: boolean;
  readonly provinceCode: string;
  readonly householdSize: number;
  readonly isMuslim: boolean;
  readonly hasFarmer: boolean;
  readonly hasFisher: boolean;
  /** ASN, TNI or Polri in the family: official housing is possible. */
  readonly hasUniformedOrCivilServant: boolean;
  readonly youngestHeadAge: number;
  readonly elderlyOnly: boolean;
}

export interface Housing {
  tenure: string;
  landTitle: string;
  floorAreaM2: number;
  floorMaterial: string;
  wallMaterial: string;
  roofMaterial: string;
  waterSource: string;
  lightingSource: string;
  powerVa: number | null;
  cookingFuel: string;
  toiletFacility: string;
  sewageDisposal: string;
  hasGasCylinder: boolean;
  hasFridge: boolean;
  hasAc: boolean;
  hasTv: boolean;
  hasGold: boolean;
  hasComputer: boolean;
  hasMotorbike: boolean;
  hasCar: boolean;
  hasBoat: boolean;
  hasSmartphone: boolean;
  ownsLand: boolean;
  ownsOtherHouse: boolean;
  cattle: number;
  buffalo: number;
  goats: number;
  pigs: number;
  hasInternet: boolean;
  hasBankAccount: boolean;
}

const javaBali = (p: string): boolean => (p >= '31' && p <= '36') || p === '51';
/** Provinces where wooden (often stilt) houses are usual even for families doing well. */
const woodenProvinces = new Set(['14', '15', '16', '19', '21', '61', '62', '63', '64', '65', '71', '72', '73', '74', '75', '76', '81', '82', '91', '92', '93', '94', '95', '96']);
const buffaloProvinces = new Set(['11', '12', '13', '52', '53', '73', '76']);
const pigAreas = new Set(['12', '51', '53', '71', '81', '91', '92', '93', '94', '95', '96']);

/** Welfare as seen by one item: the latent score plus that item's own noise. */
function seen(rng: Random, w: number, noise: number): number {
  return w + noise * rng.normal();
}

function has(rng: Random, w: number, intercept: number, slope: number): boolean {
  return rng.chance(logistic(intercept + slope * seen(rng, w, 0.5)));
}

function livestock(rng: Random, p: number, max: number): number {
  return rng.chance(p) ? rng.int(1, max) : 0;
}

export function buildHousing(rng: Random, c: HousingContext): Housing {
  const w = c.welfare;
  const urban = c.isUrban ? 1 : 0;
  const rural = 1 - urban;
  const s = (): number => seen(rng, w, 0.6);
  const yes = (intercept: number, slope: number): boolean => has(rng, w, intercept, slope);

  const wooden = woodenProvinces.has(c.provinceCode) ? 1 : 0;
  const floorMaterial = rng.choose<string>([
    ['marmer_granit', 0.6, 1.6], ['keramik', 52 + 10 * urban, 0.9], ['parket_vinil', 0.8, 1.0], ['ubin_tegel', 8, 0],
    ['kayu_kualitas_tinggi', 3 * wooden, 0.6], ['semen_bata', 24, -0.5], ['bambu', 0.8 * rural, -1.6],
    ['kayu_kualitas_rendah', (4 + 4 * wooden) * (0.4 + rural), -1.3], ['tanah', 2.2 * (0.3 + rural), -1.8], ['lainnya', 0.3, 0],
  ], s());
  const wallMaterial = rng.choose<string>([
    ['tembok', 86 - 25 * wooden, 0.9], ['plesteran_bambu', 2 * rural, -0.8], ['kayu', 7 + 30 * wooden, -0.4],
    ['anyaman_bambu', (javaBali(c.provinceCode) ? 4 : 1.5) * (0.3 + rural), -1.6], ['batang_kayu', 0.5 * wooden, -1.2],
    ['bambu', 0.8 * (0.3 + rural), -1.6], ['lainnya', 0.3, 0],
  ], s());
  const roofMaterial = javaBali(c.provinceCode)
    ? rng.choose<string>([['beton', 2 * (1 + urban), 1.2], ['genteng', 78, 0.2], ['seng', 6, -0.3], ['asbes', 11, -0.2], ['bambu', 0.3, -1.5], ['kayu_sirap', 0.3, 0], ['jerami_ijuk', 0.4 * rural, -1.8], ['lainnya', 0.2, 0]], s())
    : rng.choose<string>([['beton', 2 * (1 + urban), 1.2], ['genteng', 10, 0.3], ['seng', 74, 0], ['asbes', 9, -0.2], ['bambu', 0.3, -1.5], ['kayu_sirap', 1, 0], ['jerami_ijuk', 0.8 * rural, -1.8], ['lainnya', 0.3, 0]], s());

  const area = Math.round(clamp(Math.exp(Math.log(48) + 0.25 * seen(rng, w, 0.3) + 0.3 * Math.log(c.householdSize / 4) + 0.15 * rural + 0.3 * rng.normal()), 9, 900));

  let tenure = rng.choose<string>([
    ['milik_sendiri', urban ? 70 : 88, 0.3], ['kontrak_sewa', urban ? 20 : 4, c.youngestHeadAge < 35 ? 0.3 : -0.2],
    ['bebas_sewa', 6, -0.8], ['dinas', c.hasUniformedOrCivilServant ? 12 : 0.3, 0], ['lainnya', 1, 0],
  ], s());
  if (c.elderlyOnly && tenure === 'kontrak_sewa' && rng.chance(0.6)) tenure = 'milik_sendiri';
  const landTitle = tenure === 'milik_sendiri'
    ? rng.choose<string>([['shm', 45 + 15 * urban, 0.9], ['sertifikat_lain', 6 * urban, 0.6], ['surat_bukti_lain', 10 + 25 * rural, -0.4], ['tidak_punya', 8, -1.0]], s())
    : tenure === 'dinas' ? rng.choose<string>([['sertifikat_lain', 50, 0], ['shm_lain', 50, 0]])
      : rng.choose<string>([['shm_lain', 65, 0.4], ['tidak_punya', 30, -0.6], ['surat_bukti_lain', 5, 0]], s());

  const waterSource = c.isUrban
    ? rng.choose<string>([['air_isi_ulang', 45, 0.2], ['leding', 15, 0.3], ['sumur_bor', 20, 0], ['air_kemasan', 6, 1.4], ['sumur_terlindung', 8, -0.5], ['sumur_tak_terlindung', 1.5, -1.3], ['mata_air_terlindung', 1, 0], ['air_hujan', 0.3, -1], ['lainnya', 0.3, 0]], s())
    : rng.choose<string>([['sumur_bor', 25, 0.3], ['sumur_terlindung', 30, 0], ['air_isi_ulang', 15, 0.6], ['mata_air_terlindung', 8, -0.2], ['leding', 8, 0.4], ['sumur_tak_terlindung', 6, -1.2], ['mata_air_tak_terlindung', 3, -1.4], ['air_permukaan', 2, -1.6], ['air_hujan', 1, -1], ['air_kemasan', 0.8, 1.5], ['lainnya', 0.3, 0]], s());

  const lightingSource = rng.choose<string>([['pln_meteran', 95.5, 0.5], ['pln_tanpa_meteran', 2.5, -0.6], ['non_pln', 0.8 * rural, -0.8], ['bukan_listrik', 0.3 * rural, -1.2]], s());
  // Installed power: 450 VA is the subsidised tariff of poor households, 2,200 VA and up the well-off.
  const powerVa = lightingSource === 'pln_meteran'
    ? rng.choose<number>([[450, 30, -1.3], [900, 45, 0], [1300, 15, 1.0], [2200, 5, 1.6]], s())
    : null;

  let cookingFuel = rng.choose<string>([
    ['lpg_3kg', 75, 0], ['lpg_12kg', 4 + 3 * urban, 1.6], ['lpg_5_5kg', 3, 1.2], ['kayu_bakar', urban ? 1 : 12, -1.5],
    ['minyak_tanah', 1, -0.8], ['listrik', 0.8, 1.5], ['gas_kota', urban, 0.8], ['arang', 0.3, -1], ['briket', 0.1, 0],
    ['biogas', 0.2 * rural, 0], ['lainnya', 0.2, 0], ['tidak_memasak', c.householdSize === 1 ? 8 : 0.5, 0.5],
  ], s());
  if (cookingFuel === 'kayu_bakar' && c.isUrban && w > 1) cookingFuel = 'lpg_3kg';
  const hasGasCylinder = cookingFuel === 'lpg_12kg' || cookingFuel === 'lpg_5_5kg' || yes(-3.2, 1.2);

  const toiletFacility = rng.choose<string>([['sendiri', 84, 1.2], ['bersama', 6, -0.8], ['komunal', 2, -0.8], ['umum', 3 * urban, -1.2], ['tidak_ada', 3 * rural + 0.3, -1.6]], s());
  const sewageDisposal = toiletFacility === 'tidak_ada'
    ? rng.choose<string>([['pantai_kebun', 50, 0], ['kolam_sungai', 50, 0]])
    : rng.choose<string>([['tangki_septik', 80, 1.0], ['ipal', 2 * urban, 0.5], ['lubang_tanah', 12 * rural + 2, -0.8], ['kolam_sungai', 5, -1.0], ['lainnya', 1, 0]], s());

  const hasSmartphone = yes(1.9 - (c.elderlyOnly ? 2.2 : 0), 1.0);
  const hasBoat = c.hasFisher ? rng.chance(0.7) : c.isCoastal && !c.isUrban ? rng.chance(0.02) : false;
  const farmer = c.hasFarmer ? 1 : 0;
  const pigOk = !c.isMuslim;
  return {
    tenure, landTitle, floorAreaM2: area, floorMaterial, wallMaterial, roofMaterial, waterSource, lightingSource, powerVa,
    cookingFuel, toiletFacility, sewageDisposal, hasGasCylinder,
    hasFridge: yes(0.4, 1.4),
    hasAc: yes(-3.6 + 1.0 * urban, 1.6),
    hasTv: yes(-0.5, 1.2),
    hasGold: yes(-2.0, 1.0),
    hasComputer: yes(-2.1 + 0.6 * urban - (c.elderlyOnly ? 1.5 : 0), 1.5),
    hasMotorbike: yes(1.7 - (c.elderlyOnly ? 1.5 : 0), 1.0),
    hasCar: yes(-3.1 + 0.3 * urban, 1.7),
    hasBoat,
    hasSmartphone,
    ownsLand: c.hasFarmer ? yes(1.0, 0.6) : yes(-2.0 - urban, 0.7),
    ownsOtherHouse: yes(-3.3, 1.2),
    cattle: rural ? livestock(rng, 0.05 + 0.12 * farmer, 4) : 0,
    buffalo: rural && buffaloProvinces.has(c.provinceCode) ? livestock(rng, 0.02 + 0.05 * farmer, 3) : 0,
    goats: livestock(rng, rural ? 0.06 + 0.08 * farmer : 0.01, 8),
    pigs: pigOk ? livestock(rng, pigAreas.has(c.provinceCode) ? (rural ? 0.35 : 0.08) : 0.03, 6) : 0,
    hasInternet: hasSmartphone ? rng.chance(0.88) : rng.chance(0.08),
    hasBankAccount: yes(-0.1, 1.3),
  };
}

const streets = [
  'Melati', 'Mawar', 'Kenanga', 'Anggrek', 'Merdeka', 'Sudirman', 'Diponegoro', 'Gatot Subroto', 'Ahmad Yani',
  'Pahlawan', 'Cendana', 'Flamboyan', 'Beringin', 'Kartini', 'Veteran', 'Pemuda', 'Sisingamangaraja', 'Imam Bonjol',
  'Hasanuddin', 'Teuku Umar', 'Cut Nyak Dien', 'Gajah Mada', 'Hayam Wuruk', 'Pattimura', 'Kenari', 'Nangka',
  'Rambutan', 'Manggis', 'Dahlia', 'Teratai', 'Sakura', 'Cempaka', 'Puri Indah', 'Pelita', 'Bhayangkara', 'Swadaya',
];
const hamlets = ['Krajan', 'Kidul', 'Lor', 'Wetan', 'Kulon', 'Sukamaju', 'Sukamulya', 'Sidomulyo', 'Karanganyar', 'Tegalsari', 'Sumbersari', 'Mekarsari', 'Cibodas', 'Ciherang', 'Margamulya', 'Babakan', 'Pasir', 'Tengah', 'Baru', 'Jaya'];
const roman = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII'];

/** An address line in the local style (Jl./Gg. in towns, dusun/kampung/jorong/banjar in villages). */
export function buildAddress(rng: Random, provinceCode: string, isUrban: boolean, welfare: number): string {
  const no = rng.int(1, 180);
  if (isUrban) {
    if (welfare > 0.8 && rng.chance(0.35)) return `Perumahan ${rng.pick(streets)} Blok ${String.fromCharCode(65 + rng.int(0, 7))} No. ${rng.int(1, 40)}`;
    if (rng.chance(0.4)) return `Jl. ${rng.pick(streets)} Gg. ${rng.pick(streets)} No. ${no}`;
    return `Jl. ${rng.pick(streets)} No. ${no}`;
  }
  switch (provinceCode) {
    case '32': case '36': return `Kp. ${rng.pick(hamlets)}`;
    case '13': return `Jorong ${rng.pick(hamlets)}`;
    case '51': return `Banjar ${rng.pick(hamlets)}`;
    case '33': case '34': case '35': return `Dusun ${rng.pick(hamlets)}`;
    default: return rng.chance(0.5) ? `Dusun ${rng.pick(roman)}` : `Dusun ${rng.pick(hamlets)}`;
  }
}
