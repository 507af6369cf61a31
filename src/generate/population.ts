/**
 * The deterministic, streaming core: `generatePopulation` yields families one by one,
 * village by village, each with its members and hidden truth. Memory stays small: the
 * only state kept across families is the NIK/KK serial counters (one number per
 * district and date in use).
 */
import { ageOn, civilFromDays, daysFromCivil, daysFromIso, isoFromDays, pad2, type CivilDate } from './calendar.js';
import { chronicIllness, disability, identityDocument, pregnancy, schooling, work, type Schooling, type Work } from './attributes.js';
import { buildHousehold, type PersonDraft } from './household.js';
import { buildAddress, buildHousing } from './housing.js';
import { SerialAllocator, allocateNumber, districtDigits, hasLongRun, nikDatePart, serialKey } from './identifiers.js';
import { homelandProvinces } from './names.js';
import { checkPopulationOptions, defaultReferenceDate, type PopulationOptions } from './options.js';
import { Random, hashString, logistic, mix32 } from './random.js';
import { defaultRegencies, getRegionIndex, type RegionIndex, type Village } from './regions.js';
import type { FamilyRecord, GeneratedFamily, GeneratedPerson, MemberRecord, ProgramReceipt } from './types.js';

export type { PopulationOptions } from './options.js';

// Independent PRNG streams, so adding draws to one part never shifts another.
const STREAM_SETUP = 0x5e7;
const STREAM_FAMILY = 0xfa3;
const STREAM_VILLAGE = 0x711;

/**
 * Welfare shift by province (standard-normal units), after the ordering of BPS
 * provincial poverty rates: Jakarta and Bali well-off, NTT, Maluku and Papua poor.
 */
const provinceWelfare: Readonly<Record<string, number>> = {
  '11': -0.2, '12': -0.05, '13': 0.05, '14': 0.1, '15': 0, '16': -0.15, '17': -0.2, '18': -0.15, '19': 0.2,
  '21': 0.3, '31': 0.5, '32': 0, '33': -0.1, '34': -0.15, '35': -0.05, '36': 0.1, '51': 0.3, '52': -0.3,
  '53': -0.5, '61': -0.05, '62': 0.05, '63': 0.15, '64': 0.3, '65': 0.1, '71': 0, '72': -0.15, '73': -0.05,
  '74': -0.15, '75': -0.3, '76': -0.2, '81': -0.35, '82': -0.1,
};

/**
 * Hidden consumption model: log monthly per-capita consumption = base + welfare effect
 * + economies of scale − dependants + area + noise. The noise is what a proxy means
 * test cannot see; its size sets the PMT's R² (about 0.5, as BPS/World Bank report).
 */
const consumption = {
  base: Math.log(1_750_000),
  welfare: 0.42,
  urban: 0.1,
  logSize: -0.3,
  childShare: -0.25,
  noise: 0.4,
};
/** Monthly per-capita poverty lines (rupiah), near BPS 2024–2025 urban/rural lines. */
export const povertyLines = { urban: 620_000, rural: 570_000 } as const;

interface AreaContext {
  readonly village: Village;
  readonly isCoastal: boolean;
  readonly villageWelfare: number;
}

/** Share of families per village: desa smaller than kelurahan, with lognormal spread. */
function allocate(villages: readonly Village[], families: number, seed: number): Uint32Array {
  const rng = new Random(seed, STREAM_SETUP);
  const weights = villages.map((v) => (v.isUrban ? 1.5 : 1) * Math.exp(0.5 * rng.normal()));
  const total = weights.reduce((a, b) => a + b, 0);
  const counts = new Uint32Array(villages.length);
  const remainders: [number, number][] = [];
  let assigned = 0;
  for (let i = 0; i < villages.length; i++) {
    const exact = (families * weights[i]!) / total;
    counts[i] = Math.floor(exact);
    assigned += counts[i]!;
    remainders.push([exact - counts[i]!, i]);
  }
  remainders.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; assigned < families; k++, assigned++) counts[remainders[k % remainders.length]![1]]! += 1;
  return counts;
}

/** About a third of districts have a coast; fixed per district, not per seed. */
function isCoastalDistrict(districtCode: string): boolean {
  return mix32(hashString(districtCode)) % 100 < 30;
}

function personIdOf(familyId: string, k: number | undefined): string | undefined {
  return k === undefined ? undefined : `${familyId}-${pad2(k + 1)}`;
}

function phoneNumber(rng: Random): string {
  const prefix = rng.pick(['811', '812', '813', '821', '822', '823', '852', '853', '851', '814', '815', '816', '855', '856', '857', '858', '817', '818', '819', '859', '877', '878', '831', '832', '838', '895', '896', '897', '898', '899', '881', '882', '887', '888']);
  const len = rng.int(7, 9);
  let s = `0${prefix}`;
  for (let i = 0; i < len; i++) s += String(rng.int(0, 9));
  return s;
}

/** Where a person's NIK was first issued: their family's district, or where they came from. */
function originDistrict(rng: Random, index: RegionIndex, village: Village, draft: PersonDraft): string {
  const here = village.districtCode;
  const r = rng.next();
  if (r < 0.45) {
    const ds = index.districtsOf(village.regencyCode);
    return ds.length > 1 ? rng.pick(ds) : here;
  }
  let province = village.provinceCode;
  if (r >= 0.75) {
    const homes = homelandProvinces(draft.ethnicity).filter((p) => p !== village.provinceCode);
    if (homes.length > 0) province = rng.pick(homes);
  }
  const regencies = index.regenciesOf(province).filter((c) => c !== village.regencyCode && index.districtsOf(c).length > 0);
  if (regencies.length === 0) return here;
  return rng.pick(index.districtsOf(rng.pick(regencies)));
}

interface PersonWork {
  draft: PersonDraft;
  civil: CivilDate;
  age: number;
  nik: string | null;
  nikDistrict: string;
  birthPlace: string;
  school: Schooling;
  job: Work;
  disabilities: string[];
  severe: boolean;
  illness: string;
  presence: string | null;
}

/**
 * The population, one family at a time, in village-code order.
 * The same options always give the same families, people, NIKs and truth.
 * @example
 * for (const family of generatePopulation({ families: 100, seed: 7 })) {
 *   console.log(family.record.kkNumber, family.members.length, family.truth.isPoor);
 * }
 */
export function* generatePopulation(opts: PopulationOptions): Generator<GeneratedFamily> {
  const problems = checkPopulationOptions(opts);
  if (problems.length > 0) throw new RangeError(problems.join('; '));
  const seed = opts.seed >>> 0;
  const index = getRegionIndex();
  const regions = opts.regions ?? defaultRegencies;
  const refDay = daysFromIso(opts.referenceDate ?? defaultReferenceDate)!;
  const ref = civilFromDays(refDay);
  const villages = regions.flatMap((code) => index.villagesOf(code)).slice().sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const counts = allocate(villages, opts.families, seed);
  const nikSerials = new SerialAllocator(mix32(seed, 0x4e494b));
  const kkSerials = new SerialAllocator(mix32(seed, 0x4b4b));
  const programMonths = monthsFor(ref);
  const kkFloor = daysFromCivil(ref.y - 20, 1, 1);

  let familyIndex = 0;
  for (let v = 0; v < villages.length; v++) {
    const n = counts[v]!;
    if (n === 0) continue;
    const village = villages[v]!;
    const vr = new Random(seed, mix32(STREAM_VILLAGE, hashString(village.code)));
    const area: AreaContext = {
      village,
      isCoastal: isCoastalDistrict(village.districtCode),
      villageWelfare: 0.3 * vr.normal() + (village.isUrban ? 0.35 : 0) + (provinceWelfare[village.provinceCode] ?? -0.4),
    };
    const rw = vr.int(2, 12);
    for (let j = 0; j < n; j++, familyIndex++) {
      yield makeFamily(familyIndex, seed, area, rw, refDay, ref, index, nikSerials, kkSerials, programMonths, kkFloor);
    }
  }
}

function monthsFor(ref: CivilDate): { pkh: string; monthly: string } {
  // PKH is paid in four stages (January, April, July, October); report the last one before the reference month.
  let y = ref.y;
  let m = [10, 7, 4, 1].find((s) => s < ref.m) ?? 0;
  if (m === 0) { m = 10; y -= 1; }
  const prevY = ref.m === 1 ? ref.y - 1 : ref.y;
  const prevM = ref.m === 1 ? 12 : ref.m - 1;
  return { pkh: `${y}-${pad2(m)}`, monthly: `${prevY}-${pad2(prevM)}` };
}

function makeFamily(
  familyIndex: number, seed: number, area: AreaContext, rwCount: number, refDay: number, ref: CivilDate,
  index: RegionIndex, nikSerials: SerialAllocator, kkSerials: SerialAllocator,
  programMonths: { pkh: string; monthly: string }, kkFloor: number,
): GeneratedFamily {
  const rng = new Random(seed, mix32(STREAM_FAMILY, familyIndex));
  const { village } = area;
  const isUrban = village.isUrban;
  let welfare = rng.normal() + area.villageWelfare;
  const household = buildHousehold(rng, { ref: refDay, provinceCode: village.provinceCode, isUrban, welfare });
  const drafts = household.members;
  if (household.kind === 'single_mother') welfare -= 0.35;
  else if (household.kind === 'elderly_single') welfare -= 0.4;

  const familyId = `F${String(familyIndex + 1).padStart(7, '0')}`;
  const districtIdx = index.districtIndex(village.districtCode);
  const localPlace = index.placeName(village.regencyCode);
  const provinceRegencies = index.regenciesOf(village.provinceCode);
  const moveRate = isUrban ? 0.28 : 0.1;

  // People: NIK region and birth place first, then their attributes.
  const people: PersonWork[] = [];
  for (const d of drafts) {
    const civil = civilFromDays(d.birth);
    const age = ageOn(civil, ref);
    let nikDistrict = village.districtCode;
    const isAdultRole = d.rel !== 'anak' && d.rel !== 'cucu';
    if (isAdultRole && age >= 17 && rng.chance(moveRate)) nikDistrict = originDistrict(rng, index, village, d);
    else if (!isAdultRole && age >= 8) {
      const parent = d.father !== undefined ? people[d.father] : typeof d.mother === 'number' ? people[d.mother] : undefined;
      if (parent && parent.nikDistrict !== village.districtCode && rng.chance(0.4)) nikDistrict = parent.nikDistrict;
    }
    const birthPlace = nikDistrict.slice(0, 5) !== village.regencyCode
      ? index.placeName(nikDistrict.slice(0, 5))
      : rng.chance(0.85) || provinceRegencies.length < 2 ? localPlace : index.placeName(rng.pick(provinceRegencies));
    const missingNik = (age === 0 && rng.chance(0.15)) || (age <= 4 && welfare < -1.5 && rng.chance(0.05));
    let nik: string | null = null;
    if (!missingNik) {
      const female = d.sex === 'P';
      const key = serialKey(nikDistrict === village.districtCode ? districtIdx : index.districtIndex(nikDistrict), civil, female ? 40 : 0);
      nik = allocateNumber(nikSerials, key, nikDistrict, nikDatePart(civil, female));
    }
    const dis = disability(rng, age, welfare);
    const school = schooling(rng, age, civil.y, d.sex === 'P', welfare, isUrban, dis.severe, d.marital !== 'belum_kawin');
    let presence: string | null = d.presence;
    if (presence === null && age === 0 && rng.chance(0.3)) presence = 'baru';
    people.push({
      draft: d, civil, age, nik, nikDistrict, birthPlace, school,
      job: { status: null, occupation: null, hours: null, hasBusiness: null },
      disabilities: dis.domains, severe: dis.severe, illness: chronicIllness(rng, age), presence,
    });
  }
  for (const p of people) {
    const role = p.draft.rel === 'kepala' ? 'head' : p.draft.rel === 'istri_suami' && p.draft.sex === 'P' ? 'wife' : 'other';
    p.job = work(rng, {
      age: p.age, isFemale: p.draft.sex === 'P', role, inSchool: p.school.participation === 'masih_sekolah',
      educationLevel: p.school.level, welfare, isUrban, isCoastal: area.isCoastal, headOccupation: people[0]!.job.occupation,
    });
  }
  const living = people.filter((p) => p.presence === null || p.presence === 'baru');
  const size = Math.max(1, living.length);
  const occupations = new Set(people.map((p) => p.job.occupation));
  const housing = buildHousing(rng, {
    welfare, isUrban, isCoastal: area.isCoastal, provinceCode: village.provinceCode, householdSize: size,
    isMuslim: household.isMuslim, hasFarmer: occupations.has('petani') || occupations.has('buruh_tani'),
    hasFisher: occupations.has('nelayan'),
    hasUniformedOrCivilServant: occupations.has('asn') || occupations.has('tni') || occupations.has('polri'),
    youngestHeadAge: people[0]?.age ?? 40,
    elderlyOnly: living.every((p) => p.age >= 60),
  });

  // Hidden consumption and the poverty flag.
  const children = living.filter((p) => p.age < 15).length;
  const lnPc = consumption.base + consumption.welfare * welfare + (isUrban ? consumption.urban : 0)
    + consumption.logSize * Math.log(size) + consumption.childShare * (children / size) + consumption.noise * rng.normal();
  const consumptionPerCapita = Math.round(Math.exp(lnPc) / 1000) * 1000;
  const povertyLine = isUrban ? povertyLines.urban : povertyLines.rural;
  const isPoor = consumptionPerCapita < povertyLine;

  // Programs already received: a few percent of families, mostly among the poor, with
  // the inclusion and exclusion errors DOMAIN.md reports (BLT-DD never with PKH/BPNT).
  const excluded = occupations.has('asn') || occupations.has('tni') || occupations.has('polri') || occupations.has('bumn_bumd') || occupations.has('pejabat_negara');
  const gap = (lnPc - Math.log(povertyLine)) + 0.35 * rng.normal();
  const receives = rng.chance(logistic(-2.6 - 3.2 * gap) * (excluded ? 0.1 : 1));
  const programs: ProgramReceipt[] = [];
  const pregnantOrInfantPossible = living.some((p) => p.age < 6 || p.age >= 60 || (p.school.participation === 'masih_sekolah' && p.age <= 18) || p.severe);
  let healthInsurance: string;
  if (receives) {
    const pkh = pregnantOrInfantPossible && rng.chance(0.65);
    const bpnt = rng.chance(pkh ? 0.8 : 0.85);
    if (pkh) programs.push({ code: 'pkh', month: programMonths.pkh });
    if (bpnt) programs.push({ code: 'bpnt', month: programMonths.monthly });
    if (!pkh && !bpnt) {
      if (!isUrban) programs.push({ code: 'blt_dd', month: programMonths.monthly });
      else programs.push({ code: 'bpnt', month: programMonths.monthly });
    }
  }
  const formal = occupations.has('asn') || occupations.has('tni') || occupations.has('polri') || occupations.has('bumn_bumd') || occupations.has('pejabat_negara') || (occupations.has('karyawan_swasta') && rng.chance(0.6));
  if (formal) healthInsurance = 'jkn_pekerja';
  else if (rng.chance(receives ? 0.85 : logistic(-0.6 - 1.5 * (welfare + 0.5 * rng.normal())))) healthInsurance = 'pbi_jkn';
  else healthInsurance = rng.choose<string>([['jkn_mandiri', 45, 0.8], ['jamkesda', 6, -0.3], ['swasta', 2, 1.5], ['tidak_ada', 30, -0.6]], welfare);
  if (receives) {
    if (healthInsurance === 'pbi_jkn' && rng.chance(0.6)) programs.push({ code: 'pbi_jk' });
    if (living.some((p) => p.school.participation === 'masih_sekolah' && p.age >= 6 && p.age <= 18) && rng.chance(0.5)) programs.push({ code: 'pip' });
    if ((housing.powerVa === 450 || housing.powerVa === 900) && rng.chance(0.3)) programs.push({ code: 'subsidi_listrik' });
  }
  const hasKks = programs.some((p) => p.code === 'pkh' || p.code === 'bpnt');

  // No. KK: issued in the family's district after its youngest member was born
  // (adding a person reissues the card).
  const youngest = people.reduce((m, p) => Math.max(m, p.draft.birth), kkFloor);
  let issueDay = Math.min(refDay - 1, youngest + 1 + Math.floor(rng.next() * Math.max(1, refDay - 1 - youngest)));
  // A card dated so that region and date read like a placeholder (…11-11-11) would be
  // flagged on import; real offices issue cards on other days too, so take the next one.
  while (hasLongRun(districtDigits(village.districtCode) + nikDatePart(civilFromDays(issueDay), false)) && issueDay > youngest + 1) issueDay--;
  const issue = civilFromDays(issueDay);
  const kkNumber = allocateNumber(kkSerials, serialKey(districtIdx, issue, 0), village.districtCode, nikDatePart(issue, false));

  const familyPhone = rng.chance(housing.hasSmartphone ? 0.88 : 0.4) ? phoneNumber(rng) : null;
  const infantsByMother = new Set(people.filter((p) => p.age === 0 && typeof p.draft.mother === 'number').map((p) => p.draft.mother as number));

  const members: GeneratedPerson[] = people.map((p, i) => {
    const d = p.draft;
    const female = d.sex === 'P';
    const married = d.marital === 'kawin';
    const gone = p.presence === 'meninggal' || p.presence === 'pindah';
    let phone: string | null = null;
    if (i === 0 && familyPhone !== null && !gone) phone = familyPhone;
    else if (!gone && p.age >= 17 && p.age <= 65 && housing.hasSmartphone && rng.chance(0.5)) phone = phoneNumber(rng);
    const pregnant = pregnancy(rng, p.age, female, married && !gone, infantsByMother.has(i));
    const record: MemberRecord = {
      kkNumber,
      nik: p.nik,
      fullName: d.name,
      sex: d.sex,
      birthPlace: p.birthPlace,
      birthDate: `${String(p.civil.y).padStart(4, '0')}-${pad2(p.civil.m)}-${pad2(p.civil.d)}`,
      relationship: d.rel,
      maritalStatus: d.marital,
      presenceStatus: p.presence,
      motherName: d.motherName,
      identityDocument: identityDocument(rng, p.age, married, p.nik !== null, welfare, isUrban),
      schoolParticipation: p.school.participation,
      educationLevel: p.school.level,
      schoolGrade: p.school.grade,
      workStatus: p.job.status,
      occupation: p.job.occupation,
      workHours: p.job.hours,
      hasBusiness: p.job.hasBusiness,
      disabilities: p.disabilities,
      severeDisability: p.severe,
      chronicIllness: p.illness,
      healthInsurance: p.age === 0 && rng.chance(0.3) ? 'tidak_ada' : healthInsurance,
      isPregnant: pregnant,
      phone,
    };
    return {
      personId: `${familyId}-${pad2(i + 1)}`,
      record,
      ethnicity: d.ethnicity,
      isMuslim: d.isMuslim,
      age: p.age,
      nikDistrict: p.nikDistrict,
      motherId: typeof d.mother === 'number' ? personIdOf(familyId, d.mother) : undefined,
      fatherId: personIdOf(familyId, d.father),
      twinOf: personIdOf(familyId, d.twinOf),
      namedAfter: personIdOf(familyId, d.namedAfter),
      hasCommonName: d.hasCommonName,
    };
  });

  const record: FamilyRecord = {
    kkNumber,
    villageCode: village.code,
    address: buildAddress(rng, village.provinceCode, isUrban, welfare),
    rt: `00${rng.int(1, 15)}`.slice(-3),
    rw: `00${rng.int(1, rwCount)}`.slice(-3),
    phone: familyPhone,
    // Listed rather than spread: spreading 30 fields per family was the hottest line.
    tenure: housing.tenure, landTitle: housing.landTitle, floorAreaM2: housing.floorAreaM2,
    floorMaterial: housing.floorMaterial, wallMaterial: housing.wallMaterial, roofMaterial: housing.roofMaterial,
    waterSource: housing.waterSource, lightingSource: housing.lightingSource, powerVa: housing.powerVa,
    cookingFuel: housing.cookingFuel, toiletFacility: housing.toiletFacility, sewageDisposal: housing.sewageDisposal,
    hasGasCylinder: housing.hasGasCylinder, hasFridge: housing.hasFridge, hasAc: housing.hasAc, hasTv: housing.hasTv,
    hasGold: housing.hasGold, hasComputer: housing.hasComputer, hasMotorbike: housing.hasMotorbike, hasCar: housing.hasCar,
    hasBoat: housing.hasBoat, hasSmartphone: housing.hasSmartphone, ownsLand: housing.ownsLand,
    ownsOtherHouse: housing.ownsOtherHouse, cattle: housing.cattle, buffalo: housing.buffalo, goats: housing.goats,
    pigs: housing.pigs, hasInternet: housing.hasInternet,
    hasBankAccount: housing.hasBankAccount || hasKks,
    programsReceived: programs,
  };
  return {
    familyId,
    index: familyIndex,
    kind: household.kind,
    village,
    kkIssueDate: isoFromDays(issueDay),
    record,
    members,
    truth: { consumptionPerCapita, povertyLine, isPoor, householdSize: size, welfare },
  };
}
