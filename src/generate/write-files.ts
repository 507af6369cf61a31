/**
 * Writes a generated population to import files plus ground truth, streaming: rows go
 * out as families are generated, and only a window of recent families is kept to draw
 * duplicates from.
 *
 * Files in DIR:
 * - families.csv, members.csv: the import format (`familyColumns`, `memberColumns`).
 * - truth.csv: per family, hidden per-capita consumption and poverty flag.
 * - duplicates.csv, lookalikes.csv (duplicate rate > 0): duplicate records → the
 *   original person, and pairs that look alike but are different people.
 * - errors.csv (error rate > 0): every damaged cell, with what the importer should do.
 * Row numbers are line numbers as a spreadsheet shows them (header = 1, first data row = 2).
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { familyColumns, memberColumns } from '../registry/import-columns.js';
import { civilFromDays, daysFromIso } from './calendar.js';
import { corruptPerson, damageFamilyRow, damageMemberRow, type Damage } from './corruption.js';
import { CsvWriter, familyCells, memberCells } from './csv.js';
import { SerialAllocator, allocateNumber, nikDatePart, serialKey, supplementarySerialBase } from './identifiers.js';
import { buildAddress } from './housing.js';
import { commonFemaleNames, commonMaleNames } from './names.js';
import { checkPopulationOptions, defaultReferenceDate, type PopulationOptions } from './options.js';
import { generatePopulation } from './population.js';
import { Random } from './random.js';
import { defaultRegencies, getRegionIndex, type Village } from './regions.js';
import type { FamilyRecord, GeneratedFamily, GeneratedPerson, MemberRecord } from './types.js';

export interface GenerateFilesOptions extends PopulationOptions {
  readonly out: string;
  /** Extra member records that duplicate existing people, as a fraction of the original members (0–1). */
  readonly duplicateRate?: number | undefined;
  /** Fraction of original rows (both files) given one damaged cell (0–1). */
  readonly errorRate?: number | undefined;
}

export interface GenerateSummary {
  readonly out: string;
  readonly seed: number;
  readonly referenceDate: string;
  readonly regions: readonly string[];
  readonly families: number;
  readonly members: number;
  readonly poorFamilies: number;
  readonly familiesReceivingPrograms: number;
  readonly duplicateFamilies: number;
  readonly duplicateMembers: number;
  readonly lookalikePairs: number;
  readonly damagedFamilyRows: number;
  readonly damagedMemberRows: number;
  readonly familyRows: number;
  readonly memberRows: number;
  readonly files: readonly string[];
  readonly seconds: number;
}

const STREAM_DUPLICATES = 0xd0b;
const STREAM_ERRORS = 0xe55;
/** Families kept in memory to draw duplicates from (and row numbers for their people). */
const WINDOW = 512;

interface WrittenFamily {
  readonly family: GeneratedFamily;
  readonly memberRows: readonly number[];
}

type DuplicateEvent = 'family_reregistered' | 'person_own_family' | 'person_in_other_family';

interface Pending {
  readonly source: WrittenFamily;
  readonly person: GeneratedPerson;
  readonly memberIndex: number;
}

export function checkFileOptions(o: GenerateFilesOptions): string[] {
  const problems = checkPopulationOptions(o);
  for (const [name, v] of [['--duplicate-rate', o.duplicateRate], ['--error-rate', o.errorRate]] as const) {
    if (v !== undefined && !(Number.isFinite(v) && v >= 0 && v <= 1)) {
      problems.push(`${name} harus angka 0–1 / ${name} must be a number from 0 to 1`);
    }
  }
  if (o.out.trim() === '') problems.push('--out wajib diisi / --out is required');
  return problems;
}

/**
 * Generates the population and writes the files; resolves with figures for a summary.
 * @example await generateFiles({ families: 1000, seed: 1, out: 'demo', duplicateRate: 0.05 })
 */
export async function generateFiles(o: GenerateFilesOptions): Promise<GenerateSummary> {
  const problems = checkFileOptions(o);
  if (problems.length > 0) throw new RangeError(problems.join('; '));
  const started = performance.now();
  const duplicateRate = o.duplicateRate ?? 0;
  const errorRate = o.errorRate ?? 0;
  const referenceDate = o.referenceDate ?? defaultReferenceDate;
  const refDay = daysFromIso(referenceDate)!;
  const ref = civilFromDays(refDay);
  const seed = o.seed >>> 0;
  const index = getRegionIndex();
  await mkdir(o.out, { recursive: true });

  const open = (name: string, header: readonly string[]): CsvWriter => new CsvWriter(createWriteStream(join(o.out, name)), header);
  const families = open('families.csv', familyColumns.map((c) => c.name));
  const members = open('members.csv', memberColumns.map((c) => c.name));
  const truth = open('truth.csv', ['family_id', 'no_kk', 'kode_desa', 'jumlah_anggota', 'konsumsi_per_kapita', 'garis_kemiskinan', 'miskin']);
  const writers: CsvWriter[] = [families, members, truth];
  const files = ['families.csv', 'members.csv', 'truth.csv'];
  let duplicates: CsvWriter | undefined;
  let lookalikes: CsvWriter | undefined;
  let errors: CsvWriter | undefined;
  if (duplicateRate > 0) {
    duplicates = open('duplicates.csv', [
      'duplicate_row', 'duplicate_no_kk', 'duplicate_nik', 'duplicate_name', 'duplicate_birth_date', 'event', 'moved',
      'corruptions', 'original_person_id', 'original_row', 'original_no_kk', 'original_nik', 'original_name', 'original_birth_date',
    ]);
    lookalikes = open('lookalikes.csv', ['kind', 'row_a', 'person_id_a', 'nik_a', 'name_a', 'row_b', 'person_id_b', 'nik_b', 'name_b']);
    writers.push(duplicates, lookalikes);
    files.push('duplicates.csv', 'lookalikes.csv');
  }
  if (errorRate > 0) {
    errors = open('errors.csv', ['file', 'row', 'column', 'kind', 'original', 'written', 'expected']);
    writers.push(errors);
    files.push('errors.csv');
  }

  const dupRng = new Random(seed, STREAM_DUPLICATES);
  const errRng = new Random(seed, STREAM_ERRORS);
  const dupKk = new SerialAllocator(0, supplementarySerialBase, 9999);
  const isKnownDistrict = (code: string): boolean => index.isDistrict(code);
  const window: WrittenFamily[] = [];
  const commonSeen = new Map<string, { row: number; person: GeneratedPerson }>();
  const commonNames = new Set([...commonFemaleNames, ...commonMaleNames]);
  let pending: Pending[] = [];
  let debt = 0;
  const counts = { families: 0, members: 0, poor: 0, programs: 0, dupFamilies: 0, dupMembers: 0, lookalikes: 0, damagedFamilies: 0, damagedMembers: 0 };

  const recordDamage = (file: string, row: number, d: Damage): void => {
    errors!.push([file, String(row), d.column, d.kind, d.original, d.written, d.expected]);
  };

  const newKk = (village: Village, notBefore: number): string => {
    const from = Math.max(notBefore, refDay - 3 * 365);
    const day = Math.min(refDay - 1, from + Math.floor(dupRng.next() * Math.max(1, refDay - 1 - from)));
    const issue = civilFromDays(day);
    return allocateNumber(dupKk, serialKey(index.districtIndex(village.districtCode), issue, 0), village.districtCode, nikDatePart(issue, false));
  };

  const writeDuplicateMember = (
    record: MemberRecord, source: WrittenFamily, person: GeneratedPerson, memberIndex: number,
    event: DuplicateEvent, moved: boolean, kkNumber: string, relationship: string,
  ): void => {
    const c = corruptPerson(dupRng, { record: { ...record, relationship }, age: person.age, isMuslim: person.isMuslim, kkNumber, refDate: ref });
    const row = members.push(memberCells(c.record));
    const orig = person.record;
    duplicates!.push([
      String(row), kkNumber, c.record.nik ?? '', c.record.fullName, c.record.birthDate, event, moved ? 'ya' : 'tidak',
      c.corruptions.join(';'), person.personId, String(source.memberRows[memberIndex]), orig.kkNumber, orig.nik ?? '',
      orig.fullName, orig.birthDate,
    ]);
    counts.dupMembers++;
  };

  /** A family card for duplicates registered in `village`: housing as the source family's. */
  const writeDuplicateFamily = (source: GeneratedFamily, village: Village, kkNumber: string): void => {
    const rec: FamilyRecord = {
      ...source.record,
      kkNumber,
      villageCode: village.code,
      address: buildAddress(dupRng, village.provinceCode, village.isUrban, source.truth.welfare),
      rt: `00${dupRng.int(1, 15)}`.slice(-3),
      rw: `00${dupRng.int(1, 8)}`.slice(-3),
    };
    families.push(familyCells(rec));
    counts.dupFamilies++;
  };

  const living = (f: GeneratedFamily): number[] =>
    f.members.flatMap((m, i) => (m.record.presenceStatus === null || m.record.presenceStatus === 'baru' ? [i] : []));

  const duplicateEvent = (current: WrittenFamily): number => {
    const source = window[dupRng.int(0, window.length - 1)]!;
    const f = source.family;
    const alive = living(f);
    if (alive.length === 0) return 0;
    const adults = alive.filter((i) => f.members[i]!.age >= 17);
    const event: DuplicateEvent = dupRng.choose<DuplicateEvent>([
      ['family_reregistered', 45, 0], ['person_own_family', adults.length > 0 ? 25 : 0, 0], ['person_in_other_family', 30, 0],
    ]);
    const village = current.family.village;
    const moved = village.code !== f.village.code;
    const issuedAfter = daysFromIso(f.kkIssueDate)!;
    if (event === 'family_reregistered') {
      let chosen = alive;
      if (chosen.length > 2 && dupRng.chance(0.2)) {
        const drop = dupRng.int(1, chosen.length - 1); // the head stays
        chosen = chosen.filter((_, k) => k !== drop);
      }
      const youngest = Math.max(...chosen.map((i) => daysFromIso(f.members[i]!.record.birthDate)!));
      const kk = newKk(village, Math.max(issuedAfter, youngest));
      writeDuplicateFamily(f, village, kk);
      for (const i of chosen) {
        const p = f.members[i]!;
        writeDuplicateMember(p.record, source, p, i, event, moved, kk, p.record.relationship);
      }
      return chosen.length;
    }
    if (event === 'person_own_family') {
      const i = dupRng.pick(adults);
      const p = f.members[i]!;
      const kk = newKk(village, Math.max(issuedAfter, daysFromIso(p.record.birthDate)!));
      writeDuplicateFamily(f, village, kk);
      writeDuplicateMember({ ...p.record, presenceStatus: null }, source, p, i, event, moved, kk, 'kepala');
      return 1;
    }
    const i = dupRng.pick(alive);
    pending.push({ source, person: f.members[i]!, memberIndex: i });
    return 1;
  };

  for (const family of generatePopulation(o)) {
    counts.families++;
    if (family.truth.isPoor) counts.poor++;
    if (family.record.programsReceived.length > 0) counts.programs++;
    const fCells = familyCells(family.record);
    let fDamage: Damage | undefined;
    if (errors && errRng.chance(errorRate)) fDamage = damageFamilyRow(errRng, fCells);
    const fRow = families.push(fCells);
    if (fDamage) { recordDamage('families.csv', fRow, fDamage); counts.damagedFamilies++; }
    truth.push([
      family.familyId, family.record.kkNumber, family.village.code, String(family.truth.householdSize),
      String(family.truth.consumptionPerCapita), String(family.truth.povertyLine), family.truth.isPoor ? 'ya' : 'tidak',
    ]);

    const rows: number[] = [];
    for (const m of family.members) {
      const cells = memberCells(m.record);
      let damage: Damage | undefined;
      if (errors && errRng.chance(errorRate)) damage = damageMemberRow(errRng, cells, isKnownDistrict);
      const row = members.push(cells);
      rows.push(row);
      counts.members++;
      if (damage) { recordDamage('members.csv', row, damage); counts.damagedMembers++; }
    }
    const written: WrittenFamily = { family, memberRows: rows };

    if (duplicates && lookalikes) {
      // People who look alike but are not duplicates: the truth a deduplicator must respect.
      family.members.forEach((m, i) => {
        const pair = (kind: string, other: number): void => {
          const o2 = family.members[other]!;
          lookalikes!.push([kind, String(rows[other]), o2.personId, o2.record.nik ?? '', o2.record.fullName, String(rows[i]), m.personId, m.record.nik ?? '', m.record.fullName]);
          counts.lookalikes++;
        };
        if (m.twinOf !== undefined) pair('twins', Number(m.twinOf.slice(-2)) - 1);
        if (m.namedAfter !== undefined) pair('named_after_father', Number(m.namedAfter.slice(-2)) - 1);
        if (commonNames.has(m.record.fullName)) {
          const key = `${family.village.districtCode}|${m.record.fullName}`;
          const first = commonSeen.get(key);
          if (first) {
            lookalikes!.push(['common_name', String(first.row), first.person.personId, first.person.record.nik ?? '', first.person.record.fullName, String(rows[i]), m.personId, m.record.nik ?? '', m.record.fullName]);
            counts.lookalikes++;
          } else commonSeen.set(key, { row: rows[i]!, person: m });
        }
      });

      // Someone from an earlier family also listed on this family's card.
      if (pending.length > 0) {
        const head = family.members[0]!;
        for (const p of pending) {
          const rel = p.person.age >= head.age + 15 ? 'orang_tua' : 'famili_lain';
          writeDuplicateMember(p.person.record, p.source, p.person, p.memberIndex, 'person_in_other_family',
            p.source.family.village.code !== family.village.code, family.record.kkNumber, rel);
        }
        pending = [];
      }
      window.push(written);
      if (window.length > WINDOW) window.shift();
      debt += duplicateRate * family.members.length;
      while (debt >= 1) {
        const n = duplicateEvent(written);
        if (n === 0) break;
        debt -= n;
      }
    }
    for (const w of writers) if (w.wantsFlush) await w.flush();
  }
  // A person waiting for a next family gets a card of their own instead.
  for (const p of pending) {
    const village = p.source.family.village;
    const kk = newKk(village, daysFromIso(p.source.family.kkIssueDate)!);
    writeDuplicateFamily(p.source.family, village, kk);
    writeDuplicateMember({ ...p.person.record, presenceStatus: null }, p.source, p.person, p.memberIndex, 'person_own_family', false, kk, 'kepala');
  }
  for (const w of writers) await w.close();
  return {
    out: o.out,
    seed,
    referenceDate,
    regions: o.regions ?? defaultRegencies,
    families: counts.families,
    members: counts.members,
    poorFamilies: counts.poor,
    familiesReceivingPrograms: counts.programs,
    duplicateFamilies: counts.dupFamilies,
    duplicateMembers: counts.dupMembers,
    lookalikePairs: counts.lookalikes,
    damagedFamilyRows: counts.damagedFamilies,
    damagedMemberRows: counts.damagedMembers,
    familyRows: families.rows,
    memberRows: members.rows,
    files,
    seconds: Math.round(performance.now() - started) / 1000,
  };
}

