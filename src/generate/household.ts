/**
 * Who lives in a generated family: household type, ages with plausible birth spacing,
 * relationships, marital status, presence, and names (with mothers' names consistent
 * inside the family). Pure: takes a PRNG and context, returns drafts.
 */
import { civilFromDays } from './calendar.js';
import {
  commonFemaleNames, commonMaleNames, isMuslimFamily, personName, pickBalineseCaste, pickEthnicity,
  pickSurname, type BalineseCaste, type Ethnicity, type Sex,
} from './names.js';
import type { Random } from './random.js';
import type { HouseholdKind } from './types.js';

const YEAR = 365.2425;

export type Relationship = 'kepala' | 'istri_suami' | 'anak' | 'menantu' | 'cucu' | 'orang_tua' | 'famili_lain';

export interface PersonDraft {
  rel: Relationship;
  sex: Sex;
  /** Day number of birth. */
  birth: number;
  marital: 'belum_kawin' | 'kawin' | 'cerai_hidup' | 'cerai_mati';
  presence: 'meninggal' | 'pindah' | 'baru' | null;
  ethnicity: Ethnicity;
  isMuslim: boolean;
  surname?: string | undefined;
  caste?: BalineseCaste | undefined;
  birthOrder?: number | undefined;
  /** Index of the mother in the family, or her name when she lives elsewhere. */
  mother?: number | string | undefined;
  father?: number | undefined;
  twinOf?: number | undefined;
  namedAfter?: number | undefined;
  name: string;
  motherName: string;
  hasCommonName: boolean;
  /** Age at marriage of a wife (start of her births). */
  marriedAtAge?: number | undefined;
  /** A child who has left and is no longer on this family card (still counts for birth order). */
  gone?: boolean | undefined;
  /** Scratch index used while ordering the card. */
  sortKey: number;
}

export interface HouseholdContext {
  readonly ref: number;
  readonly provinceCode: string;
  readonly isUrban: boolean;
  readonly welfare: number;
}

export interface Household {
  readonly kind: HouseholdKind;
  readonly ethnicity: Ethnicity;
  readonly isMuslim: boolean;
  readonly members: PersonDraft[];
}

const relOrder: Readonly<Record<Relationship, number>> = {
  kepala: 0, istri_suami: 1, anak: 2, menantu: 3, cucu: 4, orang_tua: 5, famili_lain: 6,
};

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** Groups whose naming is compatible with a Muslim or non-Muslim family, for mixed marriages. */
function compatible(e: Ethnicity, muslim: boolean): boolean {
  if (muslim) return e !== 'balinese' && e !== 'chinese' && e !== 'eastern';
  return e === 'batak' || e === 'chinese' || e === 'eastern' || e === 'balinese';
}

function position(all: readonly PersonDraft[], i: number | undefined): number | undefined {
  if (i === undefined) return undefined;
  const k = all[i]!.sortKey;
  return k >= 0 ? k : undefined;
}

class Builder {
  readonly members: PersonDraft[] = [];
  readonly ethnicity: Ethnicity;
  readonly isMuslim: boolean;
  readonly surname: string | undefined;
  readonly caste: BalineseCaste | undefined;

  constructor(private readonly rng: Random, private readonly ctx: HouseholdContext) {
    this.ethnicity = pickEthnicity(rng, ctx.provinceCode, ctx.isUrban);
    const muslimMarga = this.ethnicity === 'batak' ? rng.chance(ctx.provinceCode === '12' ? 0.3 : 0.4) : false;
    this.surname = pickSurname(rng, this.ethnicity, ctx.provinceCode, muslimMarga);
    this.isMuslim = isMuslimFamily(rng, this.ethnicity, this.surname);
    this.caste = this.ethnicity === 'balinese' ? pickBalineseCaste(rng) : undefined;
  }

  birthForAge(age: number): number {
    return this.ctx.ref - Math.floor((age + this.rng.next()) * YEAR) - 1;
  }

  ageOf(birth: number): number {
    return (this.ctx.ref - birth) / YEAR;
  }

  add(d: Omit<PersonDraft, 'name' | 'motherName' | 'hasCommonName' | 'sortKey'>): number {
    // Every draft gets the same property order: one hidden class keeps property access fast.
    this.members.push({
      rel: d.rel, sex: d.sex, birth: d.birth, marital: d.marital, presence: d.presence, ethnicity: d.ethnicity,
      isMuslim: d.isMuslim, surname: d.surname, caste: d.caste, birthOrder: d.birthOrder, mother: d.mother,
      father: d.father, twinOf: d.twinOf, namedAfter: d.namedAfter, name: '', motherName: '', hasCommonName: false,
      marriedAtAge: d.marriedAtAge, gone: false, sortKey: 0,
    });
    return this.members.length - 1;
  }

  spouseEthnicity(): Ethnicity {
    if (this.rng.chance(0.85)) return this.ethnicity;
    for (let i = 0; i < 5; i++) {
      const e = pickEthnicity(this.rng, this.ctx.provinceCode, this.ctx.isUrban);
      if (compatible(e, this.isMuslim)) return e;
    }
    return this.ethnicity;
  }

  /** A husband of the family's group and his wife; returns their indexes. */
  couple(husbandAge: number, rel: [Relationship, Relationship] = ['kepala', 'istri_suami']): [number, number] {
    const gap = clamp(3 + 3.5 * this.rng.normal(), -4, 15);
    const wifeAge = clamp(husbandAge - gap, 18, 95);
    const wifeEthnicity = this.spouseEthnicity();
    const husband = this.add({
      rel: rel[0], sex: 'L', birth: this.birthForAge(husbandAge), marital: 'kawin', presence: null,
      ethnicity: this.ethnicity, isMuslim: this.isMuslim, surname: this.surname, caste: this.caste,
    });
    const wifeSurname = wifeEthnicity === 'batak' || wifeEthnicity === 'eastern'
      ? pickSurname(this.rng, wifeEthnicity, this.ctx.provinceCode, this.isMuslim, this.surname)
      : undefined;
    const wife = this.add({
      rel: rel[1], sex: 'P', birth: this.birthForAge(wifeAge), marital: 'kawin', presence: null,
      ethnicity: wifeEthnicity, isMuslim: this.isMuslim, surname: wifeSurname,
      caste: wifeEthnicity === 'balinese' ? pickBalineseCaste(this.rng) : undefined,
      marriedAtAge: clamp(19 + Math.abs(this.rng.normal()) * 4.5 + this.rng.next() * 2, 17, wifeAge - 0.3),
    });
    return [husband, wife];
  }

  /** Number of children a mother has had, by generation, welfare and area. */
  targetChildren(motherBirth: number): number {
    const year = civilFromDays(motherBirth).y;
    const cohort = year < 1960 ? 1.6 : year < 1970 ? 1.0 : year < 1985 ? 0.4 : 0;
    const n = 2.7 + cohort + (this.ctx.isUrban ? -0.2 : 0.25) - 0.35 * this.ctx.welfare + this.rng.normal();
    return clamp(Math.round(n), 0, 9);
  }

  /**
   * Children born to `mother` (and `father` when present): the first some time after
   * marriage, then 1.5 years plus an exponential gap, never after 44. Each child's
   * birth order counts all births (Balinese names), and twins share a birth date.
   * Returns all children, including those who no longer live at home (presence set later).
   */
  children(mother: number | string, father: number | undefined, motherBirth: number, marriedAtAge: number,
    target: number, ethnicity: Ethnicity, surname: string | undefined, caste: BalineseCaste | undefined,
  ): number[] {
    const kids: number[] = [];
    let t = marriedAtAge + 0.6 + this.rng.next() * 2.5;
    let order = 0;
    while (order < target && t <= 44) {
      const birth = motherBirth + Math.floor(t * YEAR);
      if (birth >= this.ctx.ref) break;
      const twins = this.rng.chance(0.012) ? 2 : 1;
      let firstTwin: number | undefined;
      let firstSex: Sex | undefined;
      for (let k = 0; k < twins; k++) {
        order++;
        const sex: Sex = firstSex !== undefined && this.rng.chance(0.5) ? firstSex : this.rng.chance(0.51) ? 'L' : 'P';
        firstSex ??= sex;
        const i = this.add({
          rel: 'anak', sex, birth, marital: 'belum_kawin', presence: null, ethnicity, isMuslim: this.isMuslim,
          surname, caste, birthOrder: order, mother, father, twinOf: firstTwin,
        });
        firstTwin ??= i;
        kids.push(i);
      }
      t += 1.5 + -Math.log(1 - this.rng.next()) * 2.3;
    }
    return kids;
  }

  /** Adult children leave home: the older, the likelier. Returns those who stay. */
  settleChildren(kids: number[], keep?: number): number[] {
    const staying: number[] = [];
    for (const i of kids) {
      const m = this.members[i]!;
      const age = this.ageOf(m.birth);
      const stay = i === keep ? 1 : age < 18 ? 1 : age < 23 ? 0.85 : age < 28 ? 0.55 : age < 36 ? 0.28 : 0.08;
      if (this.rng.chance(stay)) {
        staying.push(i);
        if (i !== keep && age >= 20 && this.rng.chance(0.05)) m.marital = 'cerai_hidup';
        else if (i !== keep && age >= 19 && this.rng.chance(0.03)) m.presence = 'pindah'; // still on the card
      } else {
        m.gone = true;
      }
    }
    return staying;
  }

  /** A widowed (or both) parent of `child` moving in with the family. */
  parentsOf(child: number, both: boolean): boolean {
    const c = this.members[child]!;
    const childAge = this.ageOf(c.birth);
    const motherAge = childAge + 20 + this.rng.next() * 16;
    if (motherAge > 95) return false;
    const ethnicity = c.ethnicity;
    let fatherIdx: number | undefined;
    if (both) {
      fatherIdx = this.add({
        rel: 'orang_tua', sex: 'L', birth: this.birthForAge(Math.min(98, motherAge + 2 + this.rng.next() * 6)),
        marital: 'kawin', presence: null, ethnicity, isMuslim: c.isMuslim, surname: c.surname,
      });
    }
    const motherSurname = ethnicity === 'batak' || ethnicity === 'eastern'
      ? pickSurname(this.rng, ethnicity, this.ctx.provinceCode, c.isMuslim, c.surname) : undefined;
    const mother = this.add({
      rel: 'orang_tua', sex: 'P', birth: this.birthForAge(motherAge),
      marital: both ? 'kawin' : this.rng.chance(0.9) ? 'cerai_mati' : 'cerai_hidup',
      presence: this.rng.chance(0.02) ? 'meninggal' : null, ethnicity, isMuslim: c.isMuslim, surname: motherSurname,
    });
    c.mother = mother;
    if (fatherIdx !== undefined) c.father = fatherIdx;
    return true;
  }

  build(): Household {
    const rng = this.rng;
    const kind = rng.choose<HouseholdKind>([
      ['couple_children', 60, 0], ['couple_only', 5, 0], ['single_mother', 7, 0], ['single_father', 2, 0],
      ['elderly_single', 4, 0], ['elderly_couple', 4, 0], ['extended', 9, 0], ['three_generation', 7, 0],
      ['single_adult', this.ctx.isUrban ? 5 : 2, 0],
    ]);
    let actual: HouseholdKind = kind;
    switch (kind) {
      case 'couple_children':
      case 'extended': {
        const [h, w] = this.couple(clamp(41 + 10 * rng.normal(), 22, 72));
        const wife = this.members[w]!;
        const kids = this.children(w, h, wife.birth, wife.marriedAtAge ?? 20,
          Math.max(1, this.targetChildren(wife.birth)), this.ethnicity, this.surname, this.caste);
        this.settleChildren(kids);
        if (kind === 'extended' && !this.parentsOf(rng.chance(0.6) ? h : w, rng.chance(0.15))) actual = 'couple_children';
        if (rng.chance(0.05)) this.relative();
        break;
      }
      case 'couple_only': {
        const young = rng.chance(0.55);
        const [h, w] = this.couple(young ? 20 + rng.next() * 12 : 52 + rng.next() * 24);
        const wife = this.members[w]!;
        if (!young) {
          // Empty nest: all children have left; they still count for birth order.
          const kids = this.children(w, h, wife.birth, wife.marriedAtAge ?? 20, this.targetChildren(wife.birth), this.ethnicity, this.surname, this.caste);
          for (const k of kids) this.members[k]!.gone = true;
        }
        break;
      }
      case 'single_mother': {
        const age = clamp(40 + 10 * rng.normal(), 24, 68);
        const m = this.add({
          rel: 'kepala', sex: 'P', birth: this.birthForAge(age), marital: rng.chance(0.55) ? 'cerai_mati' : 'cerai_hidup',
          presence: null, ethnicity: this.ethnicity, isMuslim: this.isMuslim,
          surname: this.ethnicity === 'batak' || this.ethnicity === 'eastern' ? pickSurname(rng, this.ethnicity, this.ctx.provinceCode, this.isMuslim, this.surname) : undefined,
          caste: this.caste, marriedAtAge: clamp(19 + Math.abs(rng.normal()) * 4, 17, age - 1),
        });
        const mother = this.members[m]!;
        const kids = this.children(m, undefined, mother.birth, mother.marriedAtAge ?? 20, Math.max(1, this.targetChildren(mother.birth)), this.ethnicity, this.surname, this.caste);
        this.settleChildren(kids);
        break;
      }
      case 'single_father': {
        const age = clamp(44 + 9 * rng.normal(), 27, 70);
        const f = this.add({
          rel: 'kepala', sex: 'L', birth: this.birthForAge(age), marital: rng.chance(0.5) ? 'cerai_mati' : 'cerai_hidup',
          presence: null, ethnicity: this.ethnicity, isMuslim: this.isMuslim, surname: this.surname, caste: this.caste,
        });
        const motherBirth = this.birthForAge(clamp(age - 3 - 3 * rng.normal(), 20, 80));
        const exWife = this.outsideWoman(this.spouseEthnicity(), civilFromDays(motherBirth).y);
        const kids = this.children(exWife, f, motherBirth, clamp(20 + Math.abs(rng.normal()) * 4, 17, 40), Math.max(1, this.targetChildren(motherBirth)), this.ethnicity, this.surname, this.caste);
        this.settleChildren(kids);
        break;
      }
      case 'elderly_single': {
        const female = rng.chance(0.72);
        this.add({
          rel: 'kepala', sex: female ? 'P' : 'L', birth: this.birthForAge(clamp(74 + 7 * rng.normal(), 62, 96)),
          marital: rng.choose([['cerai_mati', 85, 0], ['cerai_hidup', 10, 0], ['belum_kawin', 5, 0]] as const),
          presence: null, ethnicity: this.ethnicity, isMuslim: this.isMuslim,
          surname: female && (this.ethnicity === 'batak' || this.ethnicity === 'eastern') ? pickSurname(rng, this.ethnicity, this.ctx.provinceCode, this.isMuslim) : this.surname,
          caste: this.caste,
        });
        break;
      }
      case 'elderly_couple':
        this.couple(clamp(71 + 6 * rng.normal(), 62, 92));
        break;
      case 'three_generation': {
        const [h, w] = this.couple(clamp(62 + 6 * rng.normal(), 50, 80));
        const wife = this.members[w]!;
        const kids = this.children(w, h, wife.birth, wife.marriedAtAge ?? 20, Math.max(2, this.targetChildren(wife.birth)), this.ethnicity, this.surname, this.caste);
        const candidates = kids.filter((k) => { const a = this.ageOf(this.members[k]!.birth); return a >= 21 && a <= 45; });
        if (candidates.length === 0) {
          this.settleChildren(kids);
          actual = 'couple_children';
          break;
        }
        const married = rng.pick(candidates);
        this.settleChildren(kids, married);
        this.marriedChildWithFamily(married);
        break;
      }
      case 'single_adult': {
        const male = rng.chance(0.6);
        this.add({
          rel: 'kepala', sex: male ? 'L' : 'P', birth: this.birthForAge(clamp(27 + 6 * rng.normal(), 19, 50)),
          marital: rng.chance(0.9) ? 'belum_kawin' : 'cerai_hidup', presence: null, ethnicity: this.ethnicity,
          isMuslim: this.isMuslim,
          surname: !male && (this.ethnicity === 'batak' || this.ethnicity === 'eastern') ? pickSurname(rng, this.ethnicity, this.ctx.provinceCode, this.isMuslim) : this.surname,
          caste: this.caste,
        });
        break;
      }
    }
    this.name();
    const all = this.members;
    const members = all.filter((m) => !m.gone);
    // Stable order of the card: by relationship, then age; `sortKey` keeps creation order for ties.
    for (let i = 0; i < all.length; i++) all[i]!.sortKey = i;
    members.sort((a, b) => relOrder[a.rel] - relOrder[b.rel] || a.birth - b.birth || a.sortKey - b.sortKey);
    // Re-point family links at the sorted positions (a link to someone not on the card is dropped).
    for (let i = 0; i < all.length; i++) all[i]!.sortKey = -1;
    for (let i = 0; i < members.length; i++) members[i]!.sortKey = i;
    for (const m of members) {
      if (typeof m.mother === 'number') {
        const mother = all[m.mother]!;
        m.mother = mother.sortKey >= 0 ? mother.sortKey : mother.name;
      }
      m.father = position(all, m.father);
      m.twinOf = position(all, m.twinOf);
      m.namedAfter = position(all, m.namedAfter);
    }
    if (actual === 'couple_children' && !members.some((m) => m.rel === 'anak')) actual = 'couple_only';
    const sorted = members;
    return { kind: actual, ethnicity: this.ethnicity, isMuslim: this.isMuslim, members: sorted };
  }

  /** The married child stays with spouse (menantu) and their children (cucu). */
  marriedChildWithFamily(child: number): void {
    const c = this.members[child]!;
    c.marital = 'kawin';
    const cAge = this.ageOf(c.birth);
    const spouseEthnicity = this.spouseEthnicity();
    const spouseSurname = spouseEthnicity === 'batak' || spouseEthnicity === 'eastern'
      ? pickSurname(this.rng, spouseEthnicity, this.ctx.provinceCode, this.isMuslim, c.surname) : undefined;
    const spouseAge = clamp(cAge + (c.sex === 'L' ? -3 : 3) + 3 * this.rng.normal(), 18, 70);
    const s = this.add({
      rel: 'menantu', sex: c.sex === 'L' ? 'P' : 'L', birth: this.birthForAge(spouseAge), marital: 'kawin', presence: null,
      ethnicity: spouseEthnicity, isMuslim: this.isMuslim, surname: spouseSurname,
      caste: spouseEthnicity === 'balinese' ? pickBalineseCaste(this.rng) : undefined,
    });
    const mother = c.sex === 'P' ? child : s;
    const father = c.sex === 'P' ? s : child;
    const m = this.members[mother]!;
    const mAge = this.ageOf(m.birth);
    m.marriedAtAge = clamp(mAge - 1 - this.rng.next() * Math.max(0, mAge - 19), 17, mAge);
    const f = this.members[father]!;
    const grandkids = this.children(mother, father, m.birth, m.marriedAtAge, this.targetChildren(m.birth), f.ethnicity, f.surname, f.caste);
    for (const g of grandkids) this.members[g]!.rel = 'cucu';
  }

  /** A niece or nephew living with the family. */
  relative(): void {
    const age = 10 + this.rng.next() * 14;
    this.add({
      rel: 'famili_lain', sex: this.rng.chance(0.5) ? 'L' : 'P', birth: this.birthForAge(age), marital: 'belum_kawin',
      presence: null, ethnicity: this.ethnicity, isMuslim: this.isMuslim,
      surname: this.ethnicity === 'batak' || this.ethnicity === 'eastern' ? pickSurname(this.rng, this.ethnicity, this.ctx.provinceCode, this.isMuslim) : undefined,
    });
  }

  outsideWoman(ethnicity: Ethnicity, birthYear: number, avoidSurname?: string): string {
    const surname = ethnicity === 'batak' || ethnicity === 'eastern'
      ? pickSurname(this.rng, ethnicity, this.ctx.provinceCode, this.isMuslim, avoidSurname) : undefined;
    return personName(this.rng, {
      ethnicity, sex: 'P', birthYear, birthMonth: this.rng.int(1, 12), isMuslim: this.isMuslim, surname,
      caste: ethnicity === 'balinese' ? pickBalineseCaste(this.rng) : undefined,
    });
  }

  /**
   * Names in birth order of the household's generations, so mothers are named before
   * their children; names are unique in the family except for a son named after his
   * father (on purpose: a lookalike that is not a duplicate).
   */
  name(): void {
    const rng = this.rng;
    const idx = this.members.map((_, i) => i).sort((a, b) => this.members[a]!.birth - this.members[b]!.birth);
    const used = new Set<string>();
    for (const i of idx) {
      const m = this.members[i]!;
      if (m.gone) continue;
      const c = civilFromDays(m.birth);
      const father = m.father !== undefined ? this.members[m.father] : undefined;
      if (m.sex === 'L' && father && father.name !== '' && m.ethnicity !== 'balinese' && rng.chance(0.012)) {
        m.name = father.name;
        m.namedAfter = m.father;
        continue;
      }
      const twin = m.twinOf !== undefined ? this.members[m.twinOf] : undefined;
      const commonOk = m.isMuslim && m.ethnicity !== 'batak' && m.ethnicity !== 'eastern' && m.ethnicity !== 'chinese';
      for (let attempt = 0; attempt < 8; attempt++) {
        let name: string;
        if (commonOk && attempt === 0 && rng.chance(0.01)) {
          const pool = m.sex === 'P' ? commonFemaleNames : commonMaleNames.filter((n) => c.y >= 1985 || !n.startsWith('Muhammad R'));
          name = rng.pick(pool);
          m.hasCommonName = true;
        } else {
          name = personName(rng, {
            ethnicity: m.ethnicity, sex: m.sex, birthYear: c.y, birthMonth: c.m, isMuslim: m.isMuslim,
            surname: m.surname, birthOrder: m.birthOrder, caste: m.caste,
          });
          m.hasCommonName = false;
          if (twin && twin.name !== '' && m.isMuslim && m.sex === 'L' && twin.sex === 'L' && rng.chance(0.3)) {
            name = twin.name.startsWith('Hasan') ? 'Husein' : 'Hasan';
          }
        }
        if (!used.has(name)) { m.name = name; break; }
        m.name = name; // after 8 tries keep it: genuinely common names do repeat
      }
      used.add(m.name);
    }
    // Mothers' names: the mother in the family, or a name for a mother living elsewhere,
    // shared by siblings whose mother is absent.
    const outside = new Map<string, string>();
    for (const m of this.members) {
      if (m.gone) continue;
      if (typeof m.mother === 'number') m.motherName = this.members[m.mother]!.name;
      else if (typeof m.mother === 'string') m.motherName = m.mother;
      else {
        const key = m.father !== undefined ? `f${m.father}` : `self${this.members.indexOf(m)}`;
        let name = outside.get(key);
        if (name === undefined) {
          name = this.outsideWoman(m.ethnicity, civilFromDays(m.birth).y - 25, m.surname);
          outside.set(key, name);
        }
        m.motherName = name;
      }
    }
  }
}

/**
 * One household's people.
 * @example const h = buildHousehold(new Random(1, 7), { ref, provinceCode: '32', isUrban: false, welfare: -0.4 });
 */
export function buildHousehold(rng: Random, ctx: HouseholdContext): Household {
  return new Builder(rng, ctx).build();
}
