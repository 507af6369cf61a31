/**
 * What the simulated civil registry holds: the same people as `generatePopulation` for
 * the same seed and options, as Dukcapil would record them, plus a feed of vital events
 * that happen after the reference date.
 *
 * Most people match the registry file exactly. Deterministically per person (seeded by
 * the person id, so adding people never reshuffles others):
 * - 1.5 % are unknown under the NIK the registry holds (Dukcapil has them under another
 *   NIK: the KPK/BPK findings of invalid NIKs);
 * - 3.5 % have their name spelled differently (old spelling, Muhammad/Muhamad, a
 *   doubled or dropped letter);
 * - 2 % have another birth date (a few days apart, or day and month swapped).
 * People the generator marks deceased have a death date; people who moved away are on
 * another family card. Newborns without a NIK are not registered yet; most are
 * registered later by a birth event.
 */
import { civilFromDays, daysFromIso, isoFromDays, pad2, pad4 } from '../../generate/calendar.js';
import { toOldSpelling } from '../../generate/names.js';
import { defaultReferenceDate } from '../../generate/options.js';
import { generatePopulation } from '../../generate/population.js';
import { Random, hashString, mix32 } from '../../generate/random.js';
import { getRegionIndex } from '../../generate/regions.js';
import type { GeneratedFamily, GeneratedPerson } from '../../generate/types.js';
import type { CivilEvent, CivilEventType } from '../types.js';

export type Discrepancy = 'none' | 'unknown_nik' | 'name' | 'birth_date';

export interface SimPerson {
  nik: string;
  name: string;
  sex: 'L' | 'P';
  birthDate: string;
  kk: string;
  villageCode: string;
  relationship: string;
  deathDate: string | null;
  /** The generator's person id (`F0000012-03`), or `B…` for a child born in the feed. */
  readonly personId: string;
  readonly discrepancy: Discrepancy;
}

export const DISCREPANCY_RATES = { unknownNik: 0.015, name: 0.035, birthDate: 0.02 } as const;

export interface SimPopulationOptions {
  readonly seed: number;
  readonly families: number;
  readonly regions?: readonly string[] | undefined;
  readonly referenceDate?: string | undefined;
  /** Share of living registered people with a personal event in the feed (default 0.03). */
  readonly eventRate?: number | undefined;
}

export interface SimPopulation {
  readonly byNik: Map<string, SimPerson>;
  /** People per No. KK, by NIK. */
  readonly byKk: Map<string, Set<string>>;
  /** The feed in order (seq 1…), `publishedAt` left empty: the server stamps it. */
  readonly events: readonly CivilEvent[];
  readonly counts: { families: number; people: number; registered: number } & Record<Discrepancy, number> & Record<CivilEventType, number>;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type EventDraft = DistributiveOmit<CivilEvent, 'seq' | 'publishedAt' | 'occurredOn'>;

const STREAM_CIVIL = 0xc1f1;
const STREAM_EVENTS = 0xe7e7;
const STREAM_ORDER = 0x0de7;
/** Serials the simulator hands out for new NIKs and KKs: above the generator's ranges. */
const SIM_SERIAL_BASE = 9500;
/** Days after the reference date over which the feed's events happen. */
const FEED_SPAN_DAYS = 120;

const BABY_NAMES = {
  L: ['Muhammad Alfatih', 'Arkana Putra', 'Rizky Ramadhan', 'Kenzo Pratama', 'Ahmad Zidan', 'Bima Saputra', 'Rafka Aditya', 'Fathan Hakim'],
  P: ['Aisyah Putri', 'Naura Azzahra', 'Alesha Ramadhani', 'Kirana Maharani', 'Zahra Nur Aini', 'Adinda Safitri', 'Nabila Khairunnisa', 'Syifa Humaira'],
} as const;

/**
 * A spelling the civil registry might hold for the same person.
 * @example nameVariant(rng, 'Muhammad Yusuf') // e.g. 'Muhamad Yusuf' or 'Moehammad Joesoef'
 */
export function nameVariant(rng: Random, name: string): string {
  const tries: Array<(n: string) => string> = [
    (n) => toOldSpelling(n),
    (n) => n.replace(/\bMuhammad\b/, 'Muhamad').replace(/\bMohammad\b/, 'Mohamad'),
    (n) => n.replace(/ah\b/, 'a'),
    (n) => n.replace(/([bcdfgjklmnprst])([aiueo])/i, '$1$1$2'),
    (n) => n.replace(/i\b/, 'y'),
    (n) => n.replace(/([aiueo])([bcdfgjklmnprst])\2/i, '$1$2'),
    (n) => `${n}h`,
  ];
  const start = rng.int(0, tries.length - 1);
  for (let k = 0; k < tries.length; k++) {
    const v = tries[(start + k) % tries.length]!(name);
    if (v !== name) return v;
  }
  return `${name}h`;
}

/** Another birth date: day and month swapped when that is a valid, different date, else a few days off. */
export function birthDateVariant(rng: Random, iso: string): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  if (d <= 12 && d !== m && rng.chance(0.5)) return `${y}-${pad2(d)}-${pad2(m)}`;
  const day = daysFromIso(iso)!;
  const shift = rng.int(1, 10) * (rng.chance(0.5) ? 1 : -1);
  return isoFromDays(day + shift);
}

function digits(code: string): string {
  return code.replace(/\./g, '');
}

/** Builds the registry's holdings and event feed. Deterministic in the options. */
export function buildSimPopulation(opts: SimPopulationOptions): SimPopulation {
  const seed = opts.seed >>> 0;
  const referenceDate = opts.referenceDate ?? defaultReferenceDate;
  const refDay = daysFromIso(referenceDate)!;
  const eventRate = opts.eventRate ?? 0.03;
  const byNik = new Map<string, SimPerson>();
  const byKk = new Map<string, Set<string>>();
  const counts = { families: 0, people: 0, registered: 0, none: 0, unknown_nik: 0, name: 0, birth_date: 0, death: 0, move: 0, kk_change: 0, correction: 0, birth: 0 };
  const serials = new Map<string, number>();
  const index = getRegionIndex();
  const drafts: Array<{ key: number; event: CivilEvent }> = [];

  /** A NIK or KK not yet used: district + date part + a serial from the simulator's range. */
  const issue = (districtCode: string, datePart: string): string => {
    const prefix = digits(districtCode).slice(0, 6) + datePart;
    for (;;) {
      const serial = (serials.get(prefix) ?? SIM_SERIAL_BASE) + 1;
      serials.set(prefix, serial);
      if (serial > 9999) throw new Error(`simulator ran out of serials for ${prefix}`);
      const n = prefix + pad4(serial);
      if (!byNik.has(n) && !byKk.has(n)) return n;
    }
  };
  const datePart = (iso: string, female: boolean): string => {
    const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
    return pad2(d + (female ? 40 : 0)) + pad2(m) + pad2(y % 100);
  };
  const add = (p: SimPerson): void => {
    byNik.set(p.nik, p);
    let set = byKk.get(p.kk);
    if (!set) byKk.set(p.kk, (set = new Set()));
    set.add(p.nik);
  };
  const draft = (event: EventDraft, key: number): void => {
    drafts.push({ key, event: { ...event, seq: 0, publishedAt: '', occurredOn: referenceDate } });
    counts[event.type]++;
  };

  for (const family of generatePopulation({ families: opts.families, seed, regions: opts.regions, referenceDate })) {
    counts.families++;
    const frng = new Random(seed, mix32(STREAM_EVENTS, family.index));
    const kk = family.record.kkNumber;
    const registered: SimPerson[] = [];
    for (const person of family.members) {
      counts.people++;
      const sim = registerPerson(seed, family, person, refDay, issue);
      if (!sim) continue;
      counts.registered++;
      counts[sim.discrepancy]++;
      add(sim);
      if (sim.deathDate === null && sim.kk === kk && sim.discrepancy !== 'unknown_nik') registered.push(sim);
    }

    // A whole family moves (pindah) now and then; its people then get no other event.
    const moving = registered.length > 0 && frng.chance(eventRate * 0.6);
    if (moving) {
      const villages = index.villagesOf(family.village.regencyCode).filter((v) => v.code !== family.village.code);
      if (villages.length > 0) {
        const to = frng.pick(villages);
        const newKk = issue(to.districtCode, datePart(referenceDate, false));
        byKk.set(newKk, new Set()); // reserve
        draft({ eventId: '', type: 'move', kk, niks: registered.map((p) => p.nik), toVillageCode: to.code, newKk }, frng.u32());
      }
    }
    for (const p of moving ? [] : registered) {
      if (!frng.chance(eventRate)) continue;
      const age = Math.floor((refDay - daysFromIso(p.birthDate)!) / 365.25);
      const type = frng.choose<'death' | 'kk_change' | 'correction'>([
        ['death', age >= 60 ? 5 : 0.6, 0],
        ['kk_change', age >= 17 && p.relationship !== 'kepala' ? 2 : 0, 0],
        ['correction', 2, 0],
      ]);
      if (type === 'death') draft({ eventId: '', type, nik: p.nik }, frng.u32());
      else if (type === 'kk_change') {
        const newKk = issue(family.village.districtCode, datePart(referenceDate, false));
        byKk.set(newKk, new Set());
        draft({ eventId: '', type, nik: p.nik, oldKk: kk, newKk, reason: frng.pick(['pisah_kk', 'perkawinan', 'penerbitan_ulang']) }, frng.u32());
      } else {
        const field = frng.chance(0.6) ? 'name' : 'birth_date';
        const generated = family.members.find((m) => m.personId === p.personId)!.record;
        // Either the registry fixes its own earlier error (back to the family's value) or it
        // corrects a value the family card got wrong (Tepat's copy becomes outdated).
        const value = field === 'name'
          ? (p.discrepancy === 'name' ? generated.fullName : nameVariant(frng, p.name))
          : (p.discrepancy === 'birth_date' ? generated.birthDate : birthDateVariant(frng, p.birthDate));
        draft({ eventId: '', type: 'correction', nik: p.nik, field, value }, frng.u32());
      }
    }

    // Births: newborns on the card without a NIK get registered; some families have a new child.
    if (!moving) {
      for (const person of family.members) {
        if (person.record.nik !== null || person.age > 1 || !frng.chance(0.7)) continue;
        const r = person.record;
        draft({
          eventId: '', type: 'birth', nik: issue(family.village.districtCode, datePart(r.birthDate, r.sex === 'P')), kk, name: r.fullName,
          sex: r.sex, birthDate: r.birthDate, villageCode: family.village.code,
        }, frng.u32());
      }
      const mother = family.members.find((m) => m.record.sex === 'P' && m.record.maritalStatus === 'kawin' && m.age >= 18 && m.age <= 42 && m.record.presenceStatus === null);
      if (mother && frng.chance(eventRate * 1.5)) {
        const sex = frng.chance(0.5) ? 'P' : 'L';
        const birthDate = isoFromDays(refDay + frng.int(1, FEED_SPAN_DAYS - 10));
        draft({
          eventId: '', type: 'birth', nik: issue(family.village.districtCode, datePart(birthDate, sex === 'P')), kk, name: frng.pick(BABY_NAMES[sex]),
          sex, birthDate, villageCode: family.village.code,
        }, frng.u32());
      }
    }
  }

  // A stable order that interleaves regions and types, then dates spread over the span.
  const order = new Random(seed, STREAM_ORDER).u32();
  drafts.sort((a, b) => mix32(a.key, order) - mix32(b.key, order) || a.key - b.key);
  const events = drafts.map(({ event }, i): CivilEvent => {
    const seq = i + 1;
    let occurredOn = isoFromDays(refDay + 1 + Math.floor((i * FEED_SPAN_DAYS) / Math.max(1, drafts.length)));
    if (event.type === 'birth' && event.birthDate > occurredOn) occurredOn = event.birthDate;
    return { ...event, seq, eventId: `dukcapil-${seed.toString(36)}-${seq}`, occurredOn };
  });
  return { byNik, byKk, events, counts };
}

function registerPerson(
  seed: number, family: GeneratedFamily, person: GeneratedPerson, refDay: number, issue: (district: string, datePart: string) => string,
): SimPerson | undefined {
  const r = person.record;
  if (r.nik === null) return undefined;
  const rng = new Random(seed, mix32(STREAM_CIVIL, hashString(person.personId)));
  const u = rng.next();
  const discrepancy: Discrepancy = u < DISCREPANCY_RATES.unknownNik ? 'unknown_nik'
    : u < DISCREPANCY_RATES.unknownNik + DISCREPANCY_RATES.name ? 'name'
      : u < DISCREPANCY_RATES.unknownNik + DISCREPANCY_RATES.name + DISCREPANCY_RATES.birthDate ? 'birth_date' : 'none';
  let nik = r.nik;
  if (discrepancy === 'unknown_nik') {
    // The registry file carries a NIK Dukcapil does not know; Dukcapil has the person under another.
    nik = issue(person.nikDistrict, r.nik.slice(6, 12));
  }
  let deathDate: string | null = null;
  if (r.presenceStatus === 'meninggal') deathDate = isoFromDays(refDay - rng.int(30, 700));
  let kk = r.kkNumber;
  let villageCode = family.village.code;
  if (r.presenceStatus === 'pindah') {
    // Moved away before the reference date: on another family card elsewhere.
    const issued = civilFromDays(refDay - rng.int(30, 700));
    kk = issue(person.nikDistrict, pad2(issued.d) + pad2(issued.m) + pad2(issued.y % 100));
    const there = getRegionIndex().villagesOf(person.nikDistrict.slice(0, 5)).find((v) => v.districtCode === person.nikDistrict);
    if (there) villageCode = there.code;
  }
  return {
    nik,
    name: discrepancy === 'name' ? nameVariant(rng, r.fullName) : r.fullName,
    sex: r.sex,
    birthDate: discrepancy === 'birth_date' ? birthDateVariant(rng, r.birthDate) : r.birthDate,
    kk, villageCode, relationship: r.relationship, deathDate, personId: person.personId, discrepancy,
  };
}

/** Applies a published event to the registry's holdings, so later answers reflect it. */
export function applySimEvent(pop: SimPopulation, e: CivilEvent): void {
  const moveTo = (nik: string, kk: string, villageCode?: string): void => {
    const p = pop.byNik.get(nik);
    if (!p) return;
    pop.byKk.get(p.kk)?.delete(nik);
    p.kk = kk;
    if (villageCode) p.villageCode = villageCode;
    let set = pop.byKk.get(kk);
    if (!set) pop.byKk.set(kk, (set = new Set()));
    set.add(nik);
  };
  switch (e.type) {
    case 'death': {
      const p = pop.byNik.get(e.nik);
      if (p) p.deathDate = e.occurredOn;
      break;
    }
    case 'move': for (const nik of e.niks) moveTo(nik, e.newKk, e.toVillageCode); break;
    case 'kk_change': moveTo(e.nik, e.newKk); break;
    case 'correction': {
      const p = pop.byNik.get(e.nik);
      if (p && e.field === 'name') p.name = e.value;
      else if (p) p.birthDate = e.value;
      break;
    }
    case 'birth': {
      const p: SimPerson = {
        nik: e.nik, name: e.name, sex: e.sex, birthDate: e.birthDate, kk: e.kk, villageCode: e.villageCode,
        relationship: 'anak', deathDate: null, personId: `B${e.seq}`, discrepancy: 'none',
      };
      pop.byNik.set(p.nik, p);
      let set = pop.byKk.get(p.kk);
      if (!set) pop.byKk.set(p.kk, (set = new Set()));
      set.add(p.nik);
      break;
    }
  }
}
