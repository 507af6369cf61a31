/**
 * The slice of the Kemendagri region list the generator needs: villages of the chosen
 * regencies, every district (for NIKs of people first registered elsewhere), and the
 * names used for birth places.
 */
import { readRegions } from '../regions/data.js';

/**
 * Default regencies: a rural regency and cities in six provinces with different
 * ethnic make-up (Sundanese, Javanese, Bugis-Makassar, Batak/Malay/Chinese, Balinese,
 * Minang), plus two rural regencies outside West Java for farmers and fishers.
 */
export const defaultRegencies: readonly string[] = [
  '32.01', // Kabupaten Bogor
  '33.74', // Kota Semarang
  '73.71', // Kota Makassar
  '12.71', // Kota Medan
  '51.71', // Kota Denpasar
  '13.71', // Kota Padang
  '33.01', // Kabupaten Cilacap
  '73.08', // Kabupaten Bone
];

export interface Village {
  readonly code: string;
  readonly name: string;
  readonly districtCode: string;
  readonly regencyCode: string;
  readonly provinceCode: string;
  /** Kelurahan (code DDDD starting with 1) or a village in a kota: urban. */
  readonly isUrban: boolean;
}

export interface RegionIndex {
  readonly provinceCodes: readonly string[];
  regencyName(code: string): string | undefined;
  /** Regency name without "Kabupaten"/"Kota", as written for a birth place. */
  placeName(regencyCode: string): string;
  regenciesOf(provinceCode: string): readonly string[];
  districtsOf(regencyCode: string): readonly string[];
  villagesOf(regencyCode: string): readonly Village[];
  isDistrict(code: string): boolean;
  /** Dense index of a district over all of Indonesia (for packed serial keys). */
  districtIndex(code: string): number;
}

let cached: RegionIndex | undefined;

/** Built once per process from `readRegions()`. */
export function getRegionIndex(): RegionIndex {
  if (cached) return cached;
  const provinceCodes: string[] = [];
  const regencyNames = new Map<string, string>();
  const regenciesByProvince = new Map<string, string[]>();
  const districtsByRegency = new Map<string, string[]>();
  const districtIdx = new Map<string, number>();
  const villagesByRegency = new Map<string, Village[]>();
  const push = <T>(map: Map<string, T[]>, key: string, value: T): void => {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };
  for (const r of readRegions()) {
    if (r.level === 1) provinceCodes.push(r.code);
    else if (r.level === 2) {
      regencyNames.set(r.code, r.name);
      push(regenciesByProvince, r.code.slice(0, 2), r.code);
    } else if (r.level === 3) {
      districtIdx.set(r.code, districtIdx.size);
      push(districtsByRegency, r.code.slice(0, 5), r.code);
    } else {
      const regencyCode = r.code.slice(0, 5);
      const isCity = Number(r.code.slice(3, 5)) >= 71;
      push(villagesByRegency, regencyCode, {
        code: r.code,
        name: r.name,
        districtCode: r.code.slice(0, 8),
        regencyCode,
        provinceCode: r.code.slice(0, 2),
        isUrban: isCity || r.code[9] === '1',
      });
    }
  }
  const placeNames = new Map<string, string>();
  const index: RegionIndex = {
    provinceCodes,
    regencyName: (code) => regencyNames.get(code),
    placeName(code) {
      let name = placeNames.get(code);
      if (name === undefined) {
        name = (regencyNames.get(code) ?? '').replace(/^(Kabupaten|Kota Administrasi|Kota)\s+/, '');
        placeNames.set(code, name);
      }
      return name;
    },
    regenciesOf: (code) => regenciesByProvince.get(code) ?? [],
    districtsOf: (code) => districtsByRegency.get(code) ?? [],
    villagesOf: (code) => villagesByRegency.get(code) ?? [],
    isDistrict: (code) => districtIdx.has(code),
    districtIndex(code) {
      const i = districtIdx.get(code);
      if (i === undefined) throw new Error(`unknown district ${code}`);
      return i;
    },
  };
  cached = index;
  return index;
}
