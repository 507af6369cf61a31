/**
 * What goes wrong with real registry files, applied to generated rows with ground truth:
 *
 * - Duplicates: the same person registered again, with the corruption seen in DTKS
 *   (old spelling oe/u dj/j tj/c, Muhammad → M./Moch., titles H./Hj./S.Pd. added, a
 *   typo, Nur Aini ↔ Nuraini, a swapped or substituted NIK digit, the KK number typed
 *   as NIK, placeholder or missing NIK, day and month swapped, 1 January placeholder,
 *   birth year off by one).
 * - Damage: typing errors and spreadsheet damage in single cells (NIK digits swapped or
 *   substituted, Excel scientific notation and lost precision, Excel date serials,
 *   US-order dates, stray spaces, mixed case, unknown codes), each with what the
 *   importer is expected to make of it.
 */
import { familyColumns, memberColumns, type ColumnDef } from '../registry/import-columns.js';
import { daysInMonth, pad2, type CivilDate } from './calendar.js';
import { judgeNik } from './identifiers.js';
import { toNewSpelling, toOldSpelling } from './names.js';
import type { Random } from './random.js';
import type { MemberRecord } from './types.js';

// --- Duplicates ---------------------------------------------------------------------

export type NameCorruption = 'name_old_spelling' | 'name_muhammad_abbrev' | 'name_title' | 'name_typo' | 'name_spacing';
export type NikCorruption = 'nik_digit_swap' | 'nik_digit_substitution' | 'nik_is_kk' | 'nik_placeholder' | 'nik_missing';
export type DateCorruption = 'birth_day_month_swap' | 'birth_jan1' | 'birth_year_shift';
export type Corruption = NameCorruption | NikCorruption | DateCorruption;

const MUHAMMAD = /\b(Muhammad|Mohammad|Muhamad|Mohamad)\b/;

function swapAdjacentDigit(rng: Random, s: string, from = 0): string {
  for (let t = 0; t < 10; t++) {
    const i = rng.int(from, s.length - 2);
    if (s[i] !== s[i + 1]) return s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
  }
  return substituteDigit(rng, s, from);
}

function substituteDigit(rng: Random, s: string, from = 0): string {
  const i = rng.int(from, s.length - 1);
  const d = (Number(s[i]) + rng.int(1, 9)) % 10;
  return s.slice(0, i) + String(d) + s.slice(i + 1);
}

function typo(rng: Random, name: string): string {
  const letters: number[] = [];
  for (let i = 1; i < name.length; i++) if (/[a-z]/.test(name[i]!)) letters.push(i);
  if (letters.length < 3) return `${name}h`;
  const i = rng.pick(letters);
  const ch = name[i]!;
  switch (rng.int(0, 3)) {
    case 0: return name.slice(0, i) + ch + name.slice(i); // doubled letter
    case 1: return name.slice(0, i) + name.slice(i + 1); // dropped letter
    case 2: {
      const vowels: Readonly<Record<string, string>> = { a: 'e', e: 'i', i: 'e', o: 'u', u: 'o' };
      const v = vowels[ch];
      if (v) return name.slice(0, i) + v + name.slice(i + 1);
      return name.slice(0, i) + ch + name.slice(i);
    }
    default: {
      const j = i + 1 < name.length && /[a-z]/.test(name[i + 1]!) ? i + 1 : i - 1;
      if (j < 1 || !/[a-z]/.test(name[j]!)) return name.slice(0, i) + name.slice(i + 1);
      const [a, b] = j > i ? [i, j] : [j, i];
      return name.slice(0, a) + name[b] + name[a] + name.slice(b + 1);
    }
  }
}

/** Nur Aini ↔ Nuraini, Sri Wahyuni → Sriwahyuni. */
function respace(name: string): string | undefined {
  const words = name.split(' ');
  if (words.length >= 2 && /^[A-Z][a-z]{1,3}$/.test(words[0]!) && /^[A-Z][a-z]+$/.test(words[1]!) && !/^(Ni|Ida|Andi|Br)$/.test(words[0]!)) {
    return [words[0]! + words[1]!.toLowerCase(), ...words.slice(2)].join(' ');
  }
  const m = /^Nur([a-z]{3,})(.*)$/.exec(name);
  if (m) return `Nur ${m[1]![0]!.toUpperCase()}${m[1]!.slice(1)}${m[2]}`;
  return undefined;
}

const academic = {
  diploma: ['A.Md.', 'A.Md.Keb.', 'A.Md.Kep.'],
  s1: ['S.Pd.', 'S.E.', 'S.H.', 'S.Kom.', 'S.T.', 'S.Sos.', 'S.Ag.', 'S.Pd.I.'],
  s2_s3: ['M.Pd.', 'M.M.', 'M.Si.'],
} as const;

export interface DuplicateInput {
  readonly record: MemberRecord;
  readonly age: number;
  readonly isMuslim: boolean;
  /** The No. KK of the row the duplicate is written in. */
  readonly kkNumber: string;
  readonly refDate: CivilDate;
}

export interface Corrupted {
  readonly record: MemberRecord;
  readonly corruptions: readonly Corruption[];
}

/**
 * A duplicate record of a person: none to three kinds of corruption (a quarter of
 * duplicates are exact copies, which only the NIK gives away).
 */
export function corruptPerson(rng: Random, d: DuplicateInput): Corrupted {
  const r = d.record;
  const count = rng.choose([[0, 25, 0], [1, 40, 0], [2, 25, 0], [3, 10, 0]] as const);
  const candidates: Corruption[] = ['name_typo'];
  // The spelling reform was in 1972: old spelling is written back only for people born
  // before it, while an old-spelled name may be modernised by any operator.
  const [y, m, dd] = r.birthDate.split('-').map(Number) as [number, number, number];
  if (/oe|dj|tj/i.test(r.fullName) || (y < 1972 && /[ujyc]/i.test(r.fullName))) candidates.push('name_old_spelling', 'name_old_spelling');
  if (MUHAMMAD.test(r.fullName)) candidates.push('name_muhammad_abbrev', 'name_muhammad_abbrev');
  const level = r.educationLevel;
  if ((d.isMuslim && d.age >= 35) || (d.age >= 22 && (level === 'diploma' || level === 's1' || level === 's2_s3'))) candidates.push('name_title');
  if (respace(r.fullName) !== undefined) candidates.push('name_spacing');
  if (r.nik !== null) candidates.push(rng.choose<NikCorruption>([['nik_digit_swap', 30, 0], ['nik_digit_substitution', 25, 0], ['nik_missing', 20, 0], ['nik_is_kk', 15, 0], ['nik_placeholder', 10, 0]]));
  if (dd <= 12 && dd !== m) candidates.push('birth_day_month_swap');
  if (!(m === 1 && dd === 1)) candidates.push('birth_jan1');
  candidates.push('birth_year_shift');

  const chosen: Corruption[] = [];
  for (let t = 0; t < 20 && chosen.length < count; t++) {
    const c = rng.pick(candidates);
    const group = c.slice(0, 4);
    if (chosen.some((x) => x.slice(0, 4) === group && (group !== 'name' || x === c))) continue;
    chosen.push(c);
  }

  // Titles go on last, as an operator would add them to a name already typed.
  chosen.sort((a, b) => Number(a === 'name_title') - Number(b === 'name_title'));
  let fullName = r.fullName;
  let nik = r.nik;
  let birthDate = r.birthDate;
  const applied: Corruption[] = [];
  for (const c of chosen) {
    const before = `${fullName}|${nik}|${birthDate}`;
    switch (c) {
      case 'name_old_spelling':
        fullName = /oe|dj|tj/i.test(fullName) ? toNewSpelling(fullName) : toOldSpelling(fullName);
        break;
      case 'name_muhammad_abbrev':
        fullName = fullName.replace(MUHAMMAD, rng.pick(['M.', 'Moch.', 'Muh.', 'Mhd.', 'Moh.', 'Muhamad', 'Mohammad']));
        break;
      case 'name_title': {
        const edu = level === 'diploma' || level === 's1' || level === 's2_s3' ? academic[level] : undefined;
        if (edu && (!d.isMuslim || d.age < 35 || rng.chance(0.5))) fullName = `${fullName}, ${rng.pick(edu)}`;
        else fullName = `${r.sex === 'P' ? 'Hj.' : 'H.'} ${fullName}`;
        break;
      }
      case 'name_typo': fullName = typo(rng, fullName); break;
      case 'name_spacing': fullName = respace(fullName) ?? fullName; break;
      case 'nik_digit_swap': nik = swapAdjacentDigit(rng, nik!); break;
      case 'nik_digit_substitution': nik = substituteDigit(rng, nik!); break;
      case 'nik_is_kk': nik = d.kkNumber; break;
      case 'nik_placeholder':
        nik = rng.pick(['1234567890123456', '1111111111111111', '0000000000000000', `${nik!.slice(0, 6)}0000000000`]);
        break;
      case 'nik_missing': nik = null; break;
      case 'birth_day_month_swap': birthDate = `${y}-${pad2(dd)}-${pad2(m)}`; break;
      case 'birth_jan1': birthDate = `${y}-01-01`; break;
      case 'birth_year_shift': {
        let ny = y + (rng.chance(0.5) ? 1 : -1);
        if (ny > d.refDate.y || (ny === d.refDate.y && (m > d.refDate.m || (m === d.refDate.m && dd >= d.refDate.d)))) ny = y - 1;
        birthDate = `${ny}-${pad2(m)}-${pad2(Math.min(dd, daysInMonth(ny, m)))}`;
        break;
      }
    }
    // Record only what changed something (a typo swapping "mm" changes nothing).
    if (`${fullName}|${nik}|${birthDate}` !== before) applied.push(c);
  }
  return {
    record: { ...r, fullName, nik, birthDate, kkNumber: d.kkNumber },
    corruptions: applied,
  };
}

// --- Damage -------------------------------------------------------------------------

/** What the importer should do with a damaged cell. */
export type Expected = 'reject' | 'warning' | 'normalised' | 'undetectable';

export type DamageKind =
  | 'nik_digit_swap' | 'nik_digit_substitution' | 'nik_scientific' | 'nik_precision_lost' | 'nik_truncated'
  | 'kk_scientific' | 'date_excel_serial' | 'date_dmy' | 'date_us_order' | 'stray_spaces' | 'mixed_case' | 'unknown_code';

export interface Damage {
  readonly column: string;
  readonly kind: DamageKind;
  readonly original: string;
  readonly written: string;
  readonly expected: Expected;
}

const memberIndex = new Map(memberColumns.map((c, i) => [c.name, i]));
const familyIndex = new Map(familyColumns.map((c, i) => [c.name, i]));

function col(index: Map<string, number>, name: string): number {
  const i = index.get(name);
  if (i === undefined) throw new Error(`import format has no column ${name}`);
  return i;
}

/** Excel's General format for a 16-digit number: 6 significant digits and an exponent. */
function scientific(digits: string): string {
  const mantissa = `${digits[0]}.${digits.slice(1, 6)}`.replace(/0+$/, '').replace(/\.$/, '');
  return `${mantissa}E+${digits.length - 1}`;
}

/** Excel (1900 system) serial of a date. */
function excelSerial(isoDate: string): number {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return Math.round((Date.UTC(y, m - 1, d) - Date.UTC(1899, 11, 30)) / 86_400_000);
}

function mixCase(rng: Random, s: string): string {
  switch (rng.int(0, 2)) {
    case 0: return s.toLowerCase();
    case 1: return s.toUpperCase() === s ? s.toLowerCase() : s.toUpperCase();
    default: {
      const words = s.split(' ');
      return words.map((w, i) => (i % 2 === 0 ? w.toLowerCase() : w.toUpperCase())).join(' ');
    }
  }
}

function unknownCode(rng: Random, s: string): string {
  if (s.length <= 2 || rng.chance(0.3)) return '99';
  const i = rng.int(1, s.length - 1);
  return s.slice(0, i) + (s[i] === 'x' ? 'q' : 'x') + s.slice(i);
}

function enumColumns(columns: readonly ColumnDef[], cells: readonly string[]): number[] {
  const out: number[] = [];
  columns.forEach((c, i) => { if (c.kind.type === 'enum' && cells[i] !== '') out.push(i); });
  return out;
}

function parseIso(s: string): CivilDate | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  return m ? { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) } : undefined;
}

/**
 * Damages one cell of a members.csv row in place, or returns undefined when the chosen
 * kind does not apply to the row (the caller then leaves the row clean).
 */
export function damageMemberRow(rng: Random, cells: string[], isKnownDistrict: (code: string) => boolean): Damage | undefined {
  const nikI = col(memberIndex, 'nik');
  const nameI = col(memberIndex, 'nama');
  const dateI = col(memberIndex, 'tanggal_lahir');
  const sexI = col(memberIndex, 'jenis_kelamin');
  const kkI = col(memberIndex, 'no_kk');
  const nik = cells[nikI]!;
  const birth = parseIso(cells[dateI]!);
  const sex = cells[sexI] === 'P' ? 'P' : 'L';
  const kind = rng.choose<DamageKind>([
    ['nik_digit_swap', 12, 0], ['nik_digit_substitution', 12, 0], ['nik_scientific', 10, 0], ['nik_precision_lost', 5, 0],
    ['nik_truncated', 5, 0], ['kk_scientific', 4, 0], ['date_excel_serial', 10, 0], ['date_dmy', 8, 0],
    ['date_us_order', 6, 0], ['stray_spaces', 10, 0], ['mixed_case', 8, 0], ['unknown_code', 10, 0],
  ]);
  const judge = (value: string): Expected => {
    const v = judgeNik(value, { birthDate: birth, sex }, isKnownDistrict).verdict;
    return v === 'ok' ? 'undetectable' : v;
  };
  const set = (i: number, k: DamageKind, written: string, expected: Expected): Damage => {
    const original = cells[i]!;
    cells[i] = written;
    return { column: memberColumns[i]!.name, kind: k, original, written, expected };
  };
  switch (kind) {
    case 'nik_digit_swap': {
      if (nik === '') return undefined;
      const v = swapAdjacentDigit(rng, nik);
      return set(nikI, kind, v, judge(v));
    }
    case 'nik_digit_substitution': {
      if (nik === '') return undefined;
      const v = substituteDigit(rng, nik);
      return set(nikI, kind, v, judge(v));
    }
    case 'nik_scientific':
      if (nik === '') return undefined;
      return set(nikI, kind, scientific(nik), 'reject');
    case 'nik_precision_lost': {
      // Excel keeps 15 significant digits: the 16th becomes 0.
      if (nik === '' || nik.endsWith('0')) return undefined;
      const v = `${nik.slice(0, 15)}0`;
      return set(nikI, kind, v, judge(v));
    }
    case 'nik_truncated':
      if (nik === '') return undefined;
      return set(nikI, kind, nik.slice(0, 15), 'reject');
    case 'kk_scientific':
      return set(kkI, kind, scientific(cells[kkI]!), 'reject');
    case 'date_excel_serial':
      return set(dateI, kind, String(excelSerial(cells[dateI]!)), 'reject');
    case 'date_dmy':
      if (!birth) return undefined;
      return set(dateI, kind, `${pad2(birth.d)}/${pad2(birth.m)}/${birth.y}`, 'normalised');
    case 'date_us_order': {
      if (!birth || birth.d === birth.m) return undefined;
      const written = `${pad2(birth.m)}/${pad2(birth.d)}/${birth.y}`;
      // Read day-first: detectable only when the "month" (the real day) exceeds 12;
      // otherwise it is a valid other date that only the NIK contradicts.
      const expected: Expected = birth.d > 12 ? 'reject' : nik === '' ? 'undetectable' : 'warning';
      return set(dateI, kind, written, expected);
    }
    case 'stray_spaces': {
      if (rng.chance(0.5) || nik === '') {
        const name = cells[nameI]!;
        const words = name.split(' ');
        const spaced = words.length > 1 && rng.chance(0.5) ? words.join('  ') : name;
        return set(nameI, kind, `${rng.chance(0.5) ? ' ' : ''}${spaced} `, 'normalised');
      }
      return set(nikI, kind, rng.chance(0.5) ? `${nik} ` : ` ${nik}`, 'normalised');
    }
    case 'mixed_case': {
      if (rng.chance(0.6)) return set(nameI, kind, mixCase(rng, cells[nameI]!), 'normalised');
      const i = rng.pick(enumColumns(memberColumns, cells));
      const v = cells[i]!;
      const written = v.toUpperCase() === v ? v.toLowerCase() : rng.chance(0.5) ? v.toUpperCase() : v[0]!.toUpperCase() + v.slice(1);
      return set(i, kind, written, 'normalised');
    }
    case 'unknown_code': {
      const i = rng.pick(enumColumns(memberColumns, cells));
      return set(i, kind, unknownCode(rng, cells[i]!), 'reject');
    }
  }
}

/** Damages one cell of a families.csv row in place. */
export function damageFamilyRow(rng: Random, cells: string[]): Damage {
  const kind = rng.choose<DamageKind>([['unknown_code', 40, 0], ['mixed_case', 30, 0], ['stray_spaces', 30, 0]]);
  const set = (i: number, written: string, expected: Expected): Damage => {
    const original = cells[i]!;
    cells[i] = written;
    return { column: familyColumns[i]!.name, kind, original, written, expected };
  };
  const enums = enumColumns(familyColumns, cells);
  switch (kind) {
    case 'unknown_code': {
      const i = rng.pick(enums);
      return set(i, unknownCode(rng, cells[i]!), 'reject');
    }
    case 'mixed_case': {
      const i = rng.pick(enums);
      const v = cells[i]!;
      return set(i, rng.chance(0.5) ? v.toUpperCase() : v[0]!.toUpperCase() + v.slice(1).replace(/_/g, ' '), 'normalised');
    }
    default: {
      const i = rng.chance(0.5) ? col(familyIndex, 'kode_desa') : col(familyIndex, 'alamat');
      const v = cells[i]!;
      return set(i, rng.chance(0.5) ? ` ${v}` : `${v}  `, 'normalised');
    }
  }
}
