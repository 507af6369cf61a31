/**
 * Small Indonesian test corpus with ground truth for the deduplication benchmarks:
 * families on one KK (NIK with women's day + 40, KK numbers), names across ethnic
 * groups (Javanese single names, Sundanese, Arabic-Muslim with Muhammad/Siti/Nur,
 * Batak marga, Balinese birth-order names, Bugis, Chinese-Indonesian, Papuan),
 * old spellings for older people, common names shared by many ("Siti Aminah"), twins,
 * sons named after their fathers; then a share of duplicate records with realistic
 * corruption (titles, abbreviations, spelling, typos, NIK typos and placeholders,
 * KK number as NIK, swapped day/month, 1 January, moves).
 *
 * Independent of the engine's rules on purpose: corruption is described from field
 * practice, not from what the matcher recognises.
 */
import { rng } from '../src/dedup/model.js';
import type { PersonRecord } from '../src/dedup/types.js';
import type { LabelledRecords } from './dedup-adapters.js';

type Rand = () => number;

const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
/** Zipf-like pick: early entries are much more common. */
const pickSkewed = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(xs.length * Math.pow(r(), 2.2))]!;
const chance = (r: Rand, p: number): boolean => r() < p;

const JAVA_M = ['Sutrisno', 'Slamet', 'Bambang', 'Joko', 'Budi', 'Agus', 'Suparman', 'Sugeng', 'Wahyu', 'Eko', 'Heru', 'Didik', 'Sukirman', 'Suharto', 'Supriyadi', 'Teguh', 'Bayu', 'Dwi', 'Tri', 'Hadi', 'Purwanto', 'Sunarto', 'Sarwono', 'Mulyono', 'Paiman', 'Tukiman', 'Ngadimin', 'Kasmin', 'Waluyo', 'Gatot'];
const JAVA_M2 = ['Santoso', 'Prasetyo', 'Widodo', 'Susilo', 'Nugroho', 'Wibowo', 'Utomo', 'Setiawan', 'Purnomo', 'Hartono', 'Saputro', 'Kurniawan', 'Hidayat', 'Raharjo', 'Sulistyo', 'Wicaksono', 'Pamungkas', 'Firmansyah'];
const JAVA_F = ['Sri', 'Siti', 'Wahyuni', 'Sumarni', 'Suparmi', 'Sulastri', 'Tumini', 'Painem', 'Rahayu', 'Lestari', 'Endang', 'Yuni', 'Dewi', 'Ratna', 'Tri', 'Dwi', 'Puji', 'Ngatini', 'Suwarni', 'Kasiyem', 'Wulan', 'Ayu'];
const JAVA_F2 = ['Wahyuni', 'Rahayu', 'Lestari', 'Astuti', 'Handayani', 'Suryani', 'Purwanti', 'Mulyani', 'Rahmawati', 'Susanti', 'Wulandari', 'Kurniasih', 'Setyaningsih', 'Utami', 'Ningsih'];
const SUNDA_M = ['Asep', 'Ujang', 'Dadang', 'Cecep', 'Dede', 'Ade', 'Hendra', 'Yayat', 'Engkos', 'Deden', 'Iwan', 'Acep', 'Ujang', 'Endang', 'Dodi', 'Jajang'];
const SUNDA_M2 = ['Sopyan', 'Saepudin', 'Kurnia', 'Hidayat', 'Supriatna', 'Suherman', 'Sunarya', 'Permana', 'Setiadi', 'Rustandi', 'Mulyana', 'Gunawan'];
const SUNDA_F = ['Euis', 'Neneng', 'Yayah', 'Iis', 'Dede', 'Cucu', 'Imas', 'Enok', 'Nining', 'Entin', 'Nani', 'Lilis', 'Tati', 'Yeni'];
const SUNDA_F2 = ['Kurniasih', 'Rohayati', 'Nurhayati', 'Komalasari', 'Sumiati', 'Hayati', 'Rosita', 'Suryani', 'Maryani', 'Herawati'];
const ARAB_M = ['Muhammad', 'Ahmad', 'Abdul', 'Rizki', 'Hasan', 'Husein', 'Ali', 'Umar', 'Yusuf', 'Ibrahim', 'Ismail', 'Zainal', 'Syaiful', 'Taufik', 'Fauzi', 'Hafiz', 'Zulkifli', 'Ridwan', 'Arif', 'Fajar', 'Ilham', 'Khairul', 'Rahmat', 'Hamdan', 'Jamaludin'];
const ARAB_M2 = ['Rizki', 'Ramadhan', 'Hidayat', 'Rahman', 'Hakim', 'Fauzan', 'Aziz', 'Firdaus', 'Akbar', 'Maulana', 'Iskandar', 'Syahputra', 'Nasution', 'Kurniawan', 'Saputra', 'Fadillah', 'Ardiansyah', 'Arifin', 'Hamzah', 'Mustofa'];
const ARAB_F = ['Siti', 'Nur', 'Aminah', 'Fatimah', 'Khadijah', 'Aisyah', 'Zainab', 'Maryam', 'Nurul', 'Halimah', 'Rukiah', 'Salmah', 'Hafsah', 'Rahma', 'Zahra', 'Nabila', 'Anisa', 'Fitri', 'Aulia', 'Laila'];
const ARAB_F2 = ['Aminah', 'Fatimah', 'Hidayah', 'Rahmawati', 'Nurhayati', 'Khasanah', 'Azizah', 'Hasanah', 'Maesaroh', 'Komariah', 'Zulaikha', 'Mardiyah', 'Sholihah', 'Handayani', 'Safitri', 'Ramadhani'];
const BATAK_M = ['Tigor', 'Poltak', 'Rudi', 'Maruli', 'Benny', 'Jhonson', 'Parlindungan', 'Togar', 'Hotman', 'Sahat', 'Binsar', 'Mangasi'];
const BATAK_F = ['Sondang', 'Rosmawati', 'Tiurma', 'Lamria', 'Nurmala', 'Rotua', 'Hotnida', 'Dame', 'Tiara', 'Rumondang'];
const MARGA = ['Simanjuntak', 'Siregar', 'Nasution', 'Harahap', 'Lubis', 'Sitompul', 'Situmorang', 'Hutapea', 'Panjaitan', 'Sinaga', 'Simatupang', 'Pardede', 'Manurung', 'Sihombing', 'Tambunan', 'Hutagalung'];
const BALI_ORDER = ['Wayan', 'Made', 'Nyoman', 'Ketut', 'Putu', 'Kadek', 'Komang', 'Gede', 'Luh'];
const BALI_NAME = ['Sudarsana', 'Ariani', 'Suartini', 'Budiarta', 'Wirawan', 'Suardana', 'Astawa', 'Darmawan', 'Sukerta', 'Widiasih', 'Sriasih', 'Parwati', 'Mahendra', 'Adnyana'];
const BUGIS_M = ['Andi', 'Baso', 'Amir', 'Hasanuddin', 'Syamsuddin', 'Jufri', 'Mappe', 'Sulaiman', 'Arifuddin', 'Nurdin'];
const BUGIS_F = ['Andi', 'Hasnah', 'Nurhaedah', 'Sitti', 'Hadijah', 'Rosmini', 'Marlina', 'Hasmawati', 'Nurbaya'];
const CHINESE = ['Hendra Gunawan', 'Linda Wijaya', 'Budi Santoso', 'Lie Siu Lan', 'Tan Hok Lie', 'Yohanes Tandiono', 'Susanto Halim', 'Lili Tanoto', 'Iwan Setiawan', 'Fenny Kusuma', 'Gunawan Sutanto', 'Meiliana Lim'];
const PAPUA_M = ['Yohanes', 'Fransiskus', 'Yakob', 'Markus', 'Petrus', 'Yulius', 'Agustinus', 'Paulus', 'Simon', 'Daniel'];
const PAPUA_F = ['Maria', 'Agustina', 'Yuliana', 'Martha', 'Elisabeth', 'Ester', 'Debora', 'Susana', 'Rosalina', 'Yosina'];
const PAPUA_CLAN = ['Wonda', 'Kogoya', 'Wenda', 'Rumbiak', 'Ndiken', 'Tabuni', 'Murib', 'Wakerkwa', 'Yikwa', 'Gebze', 'Mote', 'Pigai'];

type Ethnic = 'java' | 'sunda' | 'muslim' | 'batak' | 'bali' | 'bugis' | 'chinese' | 'papua';

interface Province { code: string; ethnic: readonly [Ethnic, number][]; places: readonly string[] }
const PROVINCES: readonly Province[] = [
  { code: '33', ethnic: [['java', 0.75], ['muslim', 0.25]], places: ['Klaten', 'Boyolali', 'Sragen', 'Semarang', 'Cilacap', 'Banyumas', 'Pati', 'Kudus', 'Magelang', 'Wonogiri'] },
  { code: '35', ethnic: [['java', 0.65], ['muslim', 0.3], ['chinese', 0.05]], places: ['Surabaya', 'Malang', 'Kediri', 'Jember', 'Blitar', 'Tulungagung', 'Madiun', 'Ponorogo', 'Lamongan', 'Gresik'] },
  { code: '32', ethnic: [['sunda', 0.65], ['muslim', 0.3], ['java', 0.05]], places: ['Bandung', 'Garut', 'Tasikmalaya', 'Cianjur', 'Sukabumi', 'Bogor', 'Ciamis', 'Sumedang', 'Cirebon', 'Karawang'] },
  { code: '34', ethnic: [['java', 0.8], ['muslim', 0.2]], places: ['Sleman', 'Bantul', 'Gunungkidul', 'Kulon Progo', 'Yogyakarta'] },
  { code: '12', ethnic: [['batak', 0.55], ['muslim', 0.35], ['java', 0.1]], places: ['Medan', 'Deli Serdang', 'Tapanuli Utara', 'Toba', 'Simalungun', 'Padang Sidempuan', 'Asahan'] },
  { code: '73', ethnic: [['bugis', 0.6], ['muslim', 0.4]], places: ['Makassar', 'Bone', 'Gowa', 'Wajo', 'Soppeng', 'Sidrap', 'Pinrang'] },
  { code: '51', ethnic: [['bali', 0.9], ['muslim', 0.1]], places: ['Denpasar', 'Gianyar', 'Tabanan', 'Badung', 'Buleleng', 'Karangasem'] },
  { code: '31', ethnic: [['muslim', 0.4], ['java', 0.3], ['sunda', 0.1], ['chinese', 0.1], ['batak', 0.1]], places: ['Jakarta', 'Jakarta Timur', 'Jakarta Utara', 'Jakarta Barat'] },
  { code: '94', ethnic: [['papua', 0.85], ['muslim', 0.15]], places: ['Jayawijaya', 'Jayapura', 'Merauke', 'Nabire', 'Mimika', 'Puncak Jaya'] },
  { code: '11', ethnic: [['muslim', 1]], places: ['Banda Aceh', 'Aceh Besar', 'Pidie', 'Bireuen', 'Lhokseumawe'] },
];
const STREETS = ['Mawar', 'Melati', 'Kenanga', 'Merdeka', 'Sudirman', 'Diponegoro', 'Pahlawan', 'Veteran', 'Cempaka', 'Anggrek', 'Flamboyan', 'Kartini', 'Gajah Mada', 'Masjid', 'Pasar', 'Raya', 'Sekolah', 'Kebon', 'Sawah', 'Nangka'];
const DUSUN = ['Krajan', 'Sidomulyo', 'Sukamaju', 'Sukajadi', 'Mekarsari', 'Tegalsari', 'Karanganyar', 'Ngasem', 'Cibodas', 'Pasirjaya', 'Lebak', 'Tanjung'];

function weighted<T>(r: Rand, xs: readonly [T, number][]): T {
  let x = r();
  for (const [v, w] of xs) { if (x < w) return v; x -= w; }
  return xs[xs.length - 1]![0];
}

function personName(r: Rand, ethnic: Ethnic, sex: 'L' | 'P', familyName?: string): string {
  const male = sex === 'L';
  switch (ethnic) {
    case 'java':
      if (chance(r, 0.45)) return pickSkewed(r, male ? JAVA_M : JAVA_F);
      return `${pickSkewed(r, male ? JAVA_M : JAVA_F)} ${pickSkewed(r, male ? JAVA_M2 : JAVA_F2)}`;
    case 'sunda':
      return chance(r, 0.3) ? pickSkewed(r, male ? SUNDA_M : SUNDA_F) : `${pickSkewed(r, male ? SUNDA_M : SUNDA_F)} ${pickSkewed(r, male ? SUNDA_M2 : SUNDA_F2)}`;
    case 'muslim': {
      if (male) {
        const first = chance(r, 0.35) ? 'Muhammad' : pickSkewed(r, ARAB_M);
        return chance(r, 0.15) ? `${first} ${pickSkewed(r, ARAB_M2)} ${pickSkewed(r, ARAB_M2)}` : `${first} ${pickSkewed(r, ARAB_M2)}`;
      }
      const first = chance(r, 0.3) ? 'Siti' : chance(r, 0.15) ? 'Nur' : pickSkewed(r, ARAB_F);
      return `${first} ${pickSkewed(r, ARAB_F2)}`;
    }
    case 'batak':
      return `${pickSkewed(r, male ? BATAK_M : BATAK_F)} ${familyName ?? pick(r, MARGA)}`;
    case 'bali':
      return `${male ? 'I' : 'Ni'} ${pick(r, BALI_ORDER)} ${pickSkewed(r, BALI_NAME)}`;
    case 'bugis':
      return chance(r, 0.3) ? `Andi ${pickSkewed(r, male ? BUGIS_M.slice(1) : BUGIS_F.slice(1))}` : `${pickSkewed(r, male ? BUGIS_M : BUGIS_F)} ${pickSkewed(r, male ? BUGIS_M : BUGIS_F)}`;
    case 'chinese':
      return pick(r, CHINESE);
    case 'papua':
      return `${pickSkewed(r, male ? PAPUA_M : PAPUA_F)} ${familyName ?? pick(r, PAPUA_CLAN)}`;
  }
}

/** Write a name in the pre-1972 spelling (u→oe, j→dj, c→tj, y→j, kh→ch). */
function oldSpelling(name: string): string {
  return name
    .replace(/j/g, 'dj').replace(/J/g, 'Dj')
    .replace(/y/g, 'j').replace(/Y/g, 'J')
    .replace(/c/g, 'tj').replace(/C/g, 'Tj')
    .replace(/u/g, 'oe').replace(/U/g, 'Oe')
    .replace(/kh/g, 'ch').replace(/Kh/g, 'Ch');
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

interface Person extends PersonRecord { person: number; ethnic: Ethnic }

/** Generate `people` distinct persons in families, then duplicates up to `duplicateRate` of all records. */
export function* generateIndonesianRecords(options: { people: number; duplicateRate: number; seed: number }): Generator<Person> {
  const r = rng(options.seed);
  const villagesPerDistrict = 8;
  // Aim for ~1,500 people per village so that common names collide as in real districts.
  const villageCount = Math.max(4, Math.ceil(options.people / 1500));
  const villages: { code: string; prov: Province }[] = [];
  for (let v = 0; v < villageCount; v++) {
    const prov = PROVINCES[v % PROVINCES.length]!;
    const reg = 1 + Math.floor(v / PROVINCES.length / (villagesPerDistrict * 4)) % 30;
    const dist = 1 + Math.floor(v / PROVINCES.length / villagesPerDistrict) % 4;
    const vil = 2001 + (Math.floor(v / PROVINCES.length) % villagesPerDistrict);
    villages.push({ code: `${prov.code}.${pad(reg, 2)}.${pad(dist, 2)}.${vil}`, prov });
  }
  const base: Person[] = [];
  let serial = 1;
  let kkSerial = 1;
  const nikFor = (village: string, y: number, m: number, d: number, sex: 'L' | 'P'): string =>
    `${village.slice(0, 2)}${village.slice(3, 5)}${village.slice(6, 8)}${pad(sex === 'P' ? d + 40 : d, 2)}${pad(m, 2)}${pad(y % 100, 2)}${pad(serial++ % 10000 || 1, 4)}`;
  const date = (y: number, m: number, d: number): string => `${y}-${pad(m, 2)}-${pad(d, 2)}`;
  const randomDate = (minY: number, maxY: number): [number, number, number] => {
    const y = minY + Math.floor(r() * (maxY - minY + 1));
    const m = 1 + Math.floor(r() * 12);
    const d = 1 + Math.floor(r() * 28);
    // Registries put 1 January when only the year is known.
    return chance(r, 0.06) ? [y, 1, 1] : [y, m, d];
  };
  let person = 0;
  while (base.length < options.people) {
    const vil = pick(r, villages);
    const ethnic = weighted(r, vil.prov.ethnic);
    const kk = `${vil.code.replace(/\./g, '').slice(0, 6)}${pad(1 + Math.floor(r() * 28), 2)}${pad(1 + Math.floor(r() * 12), 2)}${pad(10 + Math.floor(r() * 15), 2)}${pad(kkSerial++ % 10000, 4)}`;
    const address = chance(r, 0.6)
      ? `Jl. ${pick(r, STREETS)} No. ${1 + Math.floor(r() * 120)} RT ${pad(1 + Math.floor(r() * 12), 3)}/RW ${pad(1 + Math.floor(r() * 8), 3)}`
      : `Dusun ${pick(r, DUSUN)} RT ${pad(1 + Math.floor(r() * 12), 3)}/RW ${pad(1 + Math.floor(r() * 8), 3)}`;
    const clan = ethnic === 'batak' ? pick(r, MARGA) : ethnic === 'papua' ? pick(r, PAPUA_CLAN) : undefined;
    const place = pick(r, vil.prov.places);
    const mk = (name: string, sex: 'L' | 'P', dob: [number, number, number], mother: string): Person => {
      const [y, m, d] = dob;
      const written = y < 1960 && chance(r, 0.35) ? oldSpelling(name) : name;
      return {
        id: '', person: person++, ethnic, nik: nikFor(vil.code, y, m, d, sex), kkNumber: kk, fullName: written, sex,
        birthPlace: place, birthDate: date(y, m, d), motherName: mother, address, villageCode: vil.code,
      };
    };
    const fatherDob = randomDate(1945, 1995);
    const father = mk(personName(r, ethnic, 'L', clan), 'L', fatherDob, personName(r, ethnic, 'P'));
    const motherDob = randomDate(Math.max(1945, fatherDob[0] - 2), Math.min(2000, fatherDob[0] + 8));
    const mother = mk(personName(r, ethnic, 'P', clan), 'P', motherDob, personName(r, ethnic, 'P'));
    const family: Person[] = [father];
    if (chance(r, 0.85)) family.push(mother);
    const children = Math.floor(r() * 4);
    for (let c = 0; c < children; c++) {
      const cy = Math.max(fatherDob[0], motherDob[0]) + 18 + Math.floor(r() * 15);
      if (cy > 2024) break;
      const sex: 'L' | 'P' = chance(r, 0.5) ? 'L' : 'P';
      const dob = randomDate(cy, cy);
      // A son named after his father (a lookalike that is not a duplicate).
      const name = sex === 'L' && chance(r, 0.04) ? father.fullName! : personName(r, ethnic, sex, clan);
      family.push(mk(name, sex, dob, mother.fullName!));
      if (chance(r, 0.03)) {
        // Twins: same birth date and KK, names alike but different.
        const twinSex: 'L' | 'P' = chance(r, 0.5) ? sex : sex === 'L' ? 'P' : 'L';
        const parts = name.split(' ');
        const twinName = parts.length > 1 && chance(r, 0.6) ? `${personName(r, ethnic, twinSex, clan).split(' ')[0]} ${parts.slice(1).join(' ')}` : personName(r, ethnic, twinSex, clan);
        family.push(mk(twinName === name ? `${twinName} ${pick(r, ARAB_M2)}` : twinName, twinSex, dob, mother.fullName!));
      }
    }
    for (const p of family) base.push(p);
  }
  base.length = options.people;
  const dupCount = Math.round((options.people * options.duplicateRate) / (1 - options.duplicateRate));
  const out: Person[] = base.slice();
  for (let k = 0; k < dupCount; k++) out.push(corrupt(r, base[Math.floor(r() * base.length)]!, villages));
  // Shuffle so duplicates are not adjacent to their originals.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    const t = out[i]!; out[i] = out[j]!; out[j] = t;
  }
  for (let i = 0; i < out.length; i++) yield { ...out[i]!, id: `R${pad(i + 1, 7)}` };
}

const TITLES_BEFORE_M = ['H.', 'Drs.', 'Ir.', 'Dr.', 'Bpk.'];
const TITLES_BEFORE_F = ['Hj.', 'Dra.', 'Ibu', 'Ny.'];
const DEGREES = [', S.Pd.', ', S.E.', ', S.H.', ', A.Md.', ', S.Kom.', ' S.Pd', ', S.Ag.', ', M.Pd.'];
const MUHAMMAD_VARIANTS = ['M.', 'Moch.', 'Moh.', 'Muh.', 'Mohammad', 'Muhamad', 'MOCH', 'Mochammad', 'Md.'];

function typo(r: Rand, word: string): string {
  if (word.length < 3) return word;
  const i = 1 + Math.floor(r() * (word.length - 1));
  const letters = 'aiueokrnstlmhgdbpjy';
  switch (Math.floor(r() * 4)) {
    case 0: return word.slice(0, i) + pick(r, [...letters]) + word.slice(i + 1);
    case 1: return word.slice(0, i) + word.slice(i + 1);
    case 2: return word.slice(0, i) + word[i - 1] + word.slice(i);
    default: return i + 1 < word.length ? word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2) : word;
  }
}

const SPELLING_SWAPS: readonly [RegExp, string][] = [
  [/y$/, 'i'], [/i$/, 'y'], [/ph/, 'f'], [/f/, 'p'], [/kh/, 'h'], [/z/, 's'], [/sy/, 's'], [/dh/, 'd'], [/q/, 'k'], [/ae/, 'ai'], [/ai/, 'ae'], [/h$/, ''], [/([lmnrst])/, '$1$1'],
];

function corruptName(r: Rand, name: string, sex: string): string {
  let parts = name.split(' ');
  if (chance(r, 0.25)) {
    const k = Math.floor(r() * parts.length);
    const swaps = SPELLING_SWAPS.filter(([re]) => re.test(parts[k]!.toLowerCase()));
    if (swaps.length > 0) {
      const [re, to] = pick(r, swaps);
      parts[k] = parts[k]!.toLowerCase().replace(re, to);
    }
  }
  if (chance(r, 0.2)) { const k = Math.floor(r() * parts.length); parts[k] = typo(r, parts[k]!); }
  if (parts[0] === 'Muhammad' && chance(r, 0.6)) parts[0] = pick(r, MUHAMMAD_VARIANTS);
  if (parts[0] === 'Siti' && chance(r, 0.3)) parts[0] = pick(r, ['St.', 'Sitti', 'ST']);
  if (parts[0] === 'Nur' && chance(r, 0.3)) parts[0] = pick(r, ['Noor', 'Nurul']);
  if (parts.length >= 3 && chance(r, 0.15)) parts.splice(1 + Math.floor(r() * (parts.length - 1)), 1);
  else if (parts.length === 2 && chance(r, 0.04)) parts = [parts[1]!, parts[0]!];
  else if (parts.length === 2 && chance(r, 0.05)) parts = [parts[0]!];
  let s = parts.join(' ');
  if (chance(r, 0.08)) s = oldSpelling(s);
  if (chance(r, 0.12)) s = `${pick(r, sex === 'P' ? TITLES_BEFORE_F : TITLES_BEFORE_M)} ${s}`;
  if (chance(r, 0.08)) s += pick(r, DEGREES);
  if (chance(r, 0.3)) s = s.toUpperCase();
  return s;
}

function corrupt(r: Rand, p: Person, villages: readonly { code: string }[]): Person {
  const sex = p.sex ?? '';
  let nik = p.nik ?? '';
  const x = r();
  if (x < 0.18) nik = '';
  else if (x < 0.23) nik = pick(r, ['0000000000000000', '1111111111111111', '1234567890123456', nik.slice(0, 6) + '0000000000']);
  else if (x < 0.26) nik = p.kkNumber ?? '';
  else if (x < 0.34) { const i = Math.floor(r() * 16); nik = nik.slice(0, i) + String((Number(nik[i]) + 1 + Math.floor(r() * 9)) % 10) + nik.slice(i + 1); }
  else if (x < 0.39) { const i = Math.floor(r() * 15); nik = nik.slice(0, i) + nik[i + 1] + nik[i] + nik.slice(i + 2); }
  let [y, m, d] = (p.birthDate ?? '2000-01-01').split('-').map(Number) as [number, number, number];
  const dx = r();
  let birthDate: string = p.birthDate ?? '';
  if (dx < 0.05 && d <= 12) birthDate = `${y}-${pad(d, 2)}-${pad(m, 2)}`;
  else if (dx < 0.1) birthDate = `${y}-01-01`;
  else if (dx < 0.15) birthDate = `${y + (chance(r, 0.5) ? 1 : -1)}-${pad(m, 2)}-${pad(d, 2)}`;
  else if (dx < 0.2) { d = Math.min(28, Math.max(1, d + (chance(r, 0.5) ? 1 : -1) * (1 + Math.floor(r() * 9)))); birthDate = `${y}-${pad(m, 2)}-${pad(d, 2)}`; }
  else if (dx < 0.23) birthDate = '';
  let villageCode = p.villageCode ?? '';
  let address = p.address ?? '';
  let kkNumber = p.kkNumber ?? '';
  const mv = r();
  if (mv < 0.12) {
    // Registered again after moving: new village (often nearby), new address, new KK.
    const near = villages.filter((v) => v.code.slice(0, 8) === villageCode.slice(0, 8) && v.code !== villageCode);
    villageCode = (near.length > 0 && chance(r, 0.6) ? pick(r, near) : pick(r, villages)).code;
    address = `Jl. ${pick(r, STREETS)} No. ${1 + Math.floor(r() * 120)} RT ${pad(1 + Math.floor(r() * 12), 3)}/RW ${pad(1 + Math.floor(r() * 8), 3)}`;
    kkNumber = chance(r, 0.7) ? villageCode.replace(/\./g, '').slice(0, 6) + String(Math.floor(r() * 1e10)).padStart(10, '0') : '';
  } else {
    if (chance(r, 0.3)) address = address.replace('Jl.', pick(r, ['Jalan', 'Jln.', 'JL'])).replace(/RT 0+/, 'RT ').replace(/RW 0+/, 'RW ');
    if (chance(r, 0.1)) address = typo(r, address);
    if (chance(r, 0.1)) address = '';
    if (chance(r, 0.15)) kkNumber = '';
    if (chance(r, 0.05)) villageCode = '';
  }
  return {
    ...p,
    nik,
    kkNumber,
    fullName: corruptName(r, p.fullName ?? '', sex),
    sex: chance(r, 0.05) ? '' : chance(r, 0.01) ? (sex === 'L' ? 'P' : 'L') : sex,
    birthPlace: chance(r, 0.12) ? '' : chance(r, 0.1) ? `Kab. ${p.birthPlace}` : chance(r, 0.05) ? oldSpelling(p.birthPlace ?? '') : p.birthPlace,
    birthDate,
    motherName: chance(r, 0.25) ? '' : chance(r, 0.15) ? corruptName(r, p.motherName ?? '', 'P') : p.motherName,
    address,
    villageCode,
  };
}

/** Materialised corpus with truth (person number per record). */
export function generateIndonesianCorpus(options: { people: number; duplicateRate: number; seed: number }): LabelledRecords {
  const records: PersonRecord[] = [];
  const truth: string[] = [];
  for (const p of generateIndonesianRecords(options)) {
    const { person, ethnic: _e, ...rec } = p;
    records.push(rec);
    truth.push(String(person));
  }
  return { records, truth };
}
