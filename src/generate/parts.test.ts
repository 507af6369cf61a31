import { describe, expect, it } from 'vitest';
import { civilFromDays, daysFromCivil, daysFromIso } from './calendar.js';
import { corruptPerson, damageMemberRow } from './corruption.js';
import { memberCells } from './csv.js';
import { SerialAllocator, buildNumber, hasLongRun, judgeNik, nikDatePart } from './identifiers.js';
import { personName, toNewSpelling, toOldSpelling } from './names.js';
import { generatePopulation } from './population.js';
import { Random } from './random.js';

describe('Random', () => {
  it('repeats its sequence for a seed and stream, and differs across them', () => {
    const a = new Random(42, 1);
    const b = new Random(42, 1);
    const seqA = Array.from({ length: 5 }, () => a.u32());
    expect(Array.from({ length: 5 }, () => b.u32())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => new Random(42, 2).u32())).not.toEqual(seqA);
    expect(Array.from({ length: 5 }, () => new Random(43, 1).u32())).not.toEqual(seqA);
  });

  it('pins the first outputs so a change of generator is noticed', () => {
    const r = new Random(1, 0);
    expect([r.u32(), r.u32(), r.u32()]).toEqual([263198935, 2914611070, 1614718797]);
  });

  it('draws uniforms in [0,1) and normals with mean 0 and sd 1', () => {
    const r = new Random(7);
    let sum = 0;
    let sq = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      expect(u >= 0 && u < 1).toBe(true);
      const z = r.normal();
      sum += z;
      sq += z * z;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.03);
    expect(Math.abs(sq / n - 1)).toBeLessThan(0.05);
  });
});

describe('calendar', () => {
  it('round-trips day numbers, including leap days', () => {
    for (const iso of ['1900-02-28', '1900-03-01', '2000-02-29', '2024-02-29', '1970-01-01', '2025-12-31']) {
      const d = daysFromIso(iso)!;
      const c = civilFromDays(d);
      expect(`${c.y}-${String(c.m).padStart(2, '0')}-${String(c.d).padStart(2, '0')}`).toBe(iso);
    }
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromIso('2023-02-29')).toBeUndefined();
  });
});

describe('NIK and No. KK numbers', () => {
  it('adds 40 to the day for women', () => {
    expect(nikDatePart({ y: 1990, m: 5, d: 12 }, true)).toBe('520590');
    expect(nikDatePart({ y: 2001, m: 12, d: 3 }, false)).toBe('031201');
    expect(buildNumber('32.01.05', '520590', 3)).toBe('3201055205900003');
  });

  it('hands out unique serials per key, also after the table grows', () => {
    const s = new SerialAllocator(9);
    const seen = new Set<number>();
    let outOfRange = 0;
    for (let i = 0; i < 200_000; i++) {
      const key = (i * 7919) % 90_000;
      const serial = s.next(key);
      if (serial < 1 || serial >= 9000) outOfRange++;
      seen.add(key * 10_000 + serial);
    }
    expect(outOfRange).toBe(0);
    expect(seen.size).toBe(200_000);
  });

  it('judges damaged numbers as the import rules say', () => {
    const known = (c: string): boolean => c === '32.01.05';
    const birth = { y: 1990, m: 5, d: 12 };
    expect(judgeNik('3201055205900003', { birthDate: birth, sex: 'P' }, known).verdict).toBe('ok');
    expect(judgeNik('320105520590003', { birthDate: birth, sex: 'P' }, known).verdict).toBe('reject');
    expect(judgeNik('3201055213900003', { birthDate: birth, sex: 'P' }, known).verdict).toBe('reject'); // month 13
    expect(judgeNik('3201057205900003', { birthDate: birth, sex: 'P' }, known).verdict).toBe('reject'); // day 72
    expect(judgeNik('3201056902010003', {}, known).verdict).toBe('reject'); // 29 Feb 1901 and 2001
    expect(judgeNik('3201056902000003', {}, known).verdict).toBe('ok'); // 29 Feb 2000
    expect(judgeNik('3201055205900000', { birthDate: birth, sex: 'P' }, known).verdict).toBe('reject');
    expect(judgeNik('3201051205900003', { birthDate: birth, sex: 'P' }, known).reasons).toEqual(['sex_mismatch']);
    expect(judgeNik('3299055205900003', { birthDate: birth, sex: 'P' }, known).reasons).toEqual(['unknown_region']);
    expect(hasLongRun('1271011111110001')).toBe(true);
    expect(hasLongRun('3201055205900003')).toBe(false);
  });
});

describe('names', () => {
  it('converts between old and current spelling', () => {
    expect(toOldSpelling('Suparman Cahyono')).toBe('Soeparman Tjahjono');
    expect(toOldSpelling('Joko Susilo')).toBe('Djoko Soesilo');
    expect(toOldSpelling('Syarifah')).toBe('Sjarifah');
    expect(toNewSpelling('Soedjono')).toBe('Sujono');
    expect(toNewSpelling('Tjahjo Koemolo')).toBe('Cahyo Kumolo');
  });

  it('gives Balinese names the sex prefix and the birth-order name', () => {
    const rng = new Random(3);
    const orders = [['Wayan', 'Putu', 'Gede'], ['Made', 'Kadek', 'Nengah'], ['Nyoman', 'Komang'], ['Ketut']];
    for (let i = 0; i < 200; i++) {
      const order = (i % 6) + 1;
      const sex = i % 2 === 0 ? 'L' : 'P';
      const name = personName(rng, { ethnicity: 'balinese', sex, birthYear: 1980, birthMonth: 3, isMuslim: false, birthOrder: order, caste: 'sudra' });
      const words = name.split(' ');
      expect(words[0]).toBe(sex === 'L' ? 'I' : 'Ni');
      const orderWord = words[1] === 'Luh' ? words[2] : words[1];
      expect(orders[(order - 1) % 4]).toContain(orderWord);
    }
  });

  it('writes Batak names with the marga last', () => {
    const rng = new Random(4);
    for (let i = 0; i < 50; i++) {
      const name = personName(rng, { ethnicity: 'batak', sex: 'L', birthYear: 1975, birthMonth: 1, isMuslim: false, surname: 'Simanjuntak' });
      expect(name.endsWith(' Simanjuntak')).toBe(true);
    }
  });
});

describe('corruption', () => {
  const family = [...generatePopulation({ families: 30, seed: 2 })];
  const person = family.flatMap((f) => f.members).find((m) => m.record.nik !== null && m.age >= 40)!;

  it('corrupts duplicates only in the ways it reports', () => {
    const rng = new Random(5);
    for (let i = 0; i < 300; i++) {
      const c = corruptPerson(rng, { record: person.record, age: person.age, isMuslim: person.isMuslim, kkNumber: '3201050101250001', refDate: { y: 2025, m: 7, d: 1 } });
      if (!c.corruptions.some((k) => k.startsWith('nik_'))) expect(c.record.nik).toBe(person.record.nik);
      if (!c.corruptions.some((k) => k.startsWith('name_'))) expect(c.record.fullName).toBe(person.record.fullName);
      expect(c.record.birthDate < '2025-07-01').toBe(true);
    }
  });

  it('damages a row in one cell and says which', () => {
    const rng = new Random(6);
    for (let i = 0; i < 200; i++) {
      const cells = memberCells(person.record);
      const before = [...cells];
      const d = damageMemberRow(rng, cells, () => true);
      const changed = cells.flatMap((c, k) => (c !== before[k] ? [k] : []));
      if (!d) { expect(changed).toEqual([]); continue; }
      expect(changed).toHaveLength(1);
      expect(cells[changed[0]!]).toBe(d.written);
      expect(before[changed[0]!]).toBe(d.original);
    }
  });
});
