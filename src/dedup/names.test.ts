import { describe, expect, it } from 'vitest';
import { normalizeName, phoneticKey } from './names.js';

const tokens = (s: string): string[] => [...normalizeName(s).tokens];
const key = (s: string): string => tokens(s).map(phoneticKey).join(' ');

describe('normalizeName', () => {
  it.each([
    ['Muhammad Rizki', ['muhammad', 'rizki']],
    ['M. Rizky', ['muhammad', 'rizky']],
    ['MOCH RISKI', ['muhammad', 'riski']],
    ['Moh. Riski', ['muhammad', 'riski']],
    ['Mohammad Rizqi', ['muhammad', 'rizqi']],
    ['Soetrisno', ['sutrisno']],
    ['Djoko Tjahjono', ['joko', 'cahyono']],
    ['Soerjo', ['suryo']],
    ['Achmad Sjafei', ['ahmad', 'syafei']],
    ['Hj. Siti Aminah, S.Pd.', ['siti', 'aminah']],
    ['St. Aminah', ['siti', 'aminah']],
    ['Sitti Aminah', ['siti', 'aminah']],
    ['Drs. H. Budi Santoso, M.Pd.', ['budi', 'santoso']],
    ['Budi Santoso S.Pd', ['budi', 'santoso']],
    ['Ir. Bambang Sutedjo', ['bambang', 'sutejo']],
    ['Noor Hidayah', ['nur', 'hidayah']],
    ['Nurul Hidayah', ['nur', 'hidayah']],
    ['Abd. Rahman', ['abdul', 'rahman']],
    ['Ramadhan', ['ramadan']],
    ['Abdullah', ['abdulah']],
  ])('%s → %j', (input, expected) => {
    expect(tokens(input)).toEqual(expected);
  });

  it('keeps bin/binti apart as the father', () => {
    const n = normalizeName('Ahmad bin Yusuf');
    expect(n.tokens).toEqual(['ahmad']);
    expect(n.patronym).toEqual(['yusuf']);
    expect(normalizeName('Siti Hajar binti Abdullah').patronym).toEqual(['abdulah']);
  });

  it('does not drop a comma tail that is not a degree', () => {
    expect(tokens('Clifford, 1st baron')).toContain('baron');
  });

  it('reports what it changed', () => {
    expect(normalizeName('Soetrisno').oldSpelling).toBe(true);
    expect(normalizeName('Sutrisno').oldSpelling).toBe(false);
    expect(normalizeName('Hj. Siti').titles).toEqual(['hj']);
    expect(normalizeName('M. Rizki').abbreviated).toBe(true);
  });
});

describe('phoneticKey', () => {
  it.each([
    ['Muhammad Rizki', 'M. Rizky'],
    ['Muhammad Rizki', 'MOCH RISKI'],
    ['Mohammad Rizqi', 'Muhamad Risky'],
    ['Soetrisno', 'Sutrisno'],
    ['Zainal', 'Zaenal'],
    ['Syaiful', 'Saiful'],
    ['Taufik', 'Taufiq'],
    ['Khairul', 'Hairul'],
    ['Fatimah', 'Fatima'],
    ['Slamet', 'Selamet'],
    ['Yusuf', 'Yusup'],
    ['Dzulkifli', 'Zulkifli'],
  ])('%s sounds like %s', (a, b) => {
    expect(key(a)).toBe(key(b));
  });

  it.each([
    ['Ani', 'Ana'],
    ['Hasan', 'Husein'],
    ['Rizki', 'Rizka'],
    ['Budi', 'Badu'],
  ])('%s does not sound like %s', (a, b) => {
    expect(key(a)).not.toBe(key(b));
  });
});
