import { describe, expect, it } from 'vitest';
import { nameSearchKeys, rankByName } from '../../src/registry/search-members.js';

const rows = (names: string[]) => names.map((full_name, i) => ({ id: i + 1, full_name }));

describe('name search ranking (dedup comparator)', () => {
  it('puts the same person under another spelling first, and drops unrelated names', () => {
    const ranked = rankByName('Moch. Riski', rows(['SITI AMINAH', 'MUHAMMAD YUSUF', 'MUHAMMAD RIZKI', 'RISKI AMALIA', 'M. RIZKY PRATAMA']));
    expect(ranked[0]!.row.full_name).toBe('MUHAMMAD RIZKI');
    expect(ranked[0]!.score).toBeGreaterThanOrEqual(0.9);
    expect(ranked.map((r) => r.row.full_name)).not.toContain('SITI AMINAH');
    const scores = ranked.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(ranked.find((r) => r.row.full_name === 'MUHAMMAD YUSUF')?.score ?? 0).toBeLessThan(ranked[0]!.score);
  });

  it('reads old spellings and titles', () => {
    const ranked = rankByName('Sutrisno', rows(['BUDI SANTOSO', 'H. SOETRISNO, S.PD.']));
    expect(ranked.map((r) => r.row.full_name)).toEqual(['H. SOETRISNO, S.PD.']);
    expect(ranked[0]!.score).toBe(1);
  });
});

describe('name search keys (identity engine blocking keys a name alone yields)', () => {
  it('uses village keys in a village, district keys over a regency, pairs everywhere', () => {
    expect(nameSearchKeys(['muhamad', 'riski'], '32.01.01.1001', [])).toEqual(expect.arrayContaining([
      'nn:muhamad|riski', 'nnr:muhamad|riski:32.01', 'nv:muh:32.01.01.1001', 'n1r:riski:32.01.01.1001', 'del:riski', 'del:iski',
    ]));
    const regency = nameSearchKeys(['muhamad', 'riski'], '32.01', ['32.01.01', '32.01.02']);
    expect(regency).toEqual(expect.arrayContaining(['nd:riski:32.01.01', 'nd:muhamad:32.01.02', 'nnr:muhamad|riski:32.01']));
    expect(regency.some((k) => k.startsWith('nv:'))).toBe(false);
    const national = nameSearchKeys(['muhamad', 'riski'], 'ID', []);
    expect(national.some((k) => k.startsWith('nnr:') || k.startsWith('nd:'))).toBe(false);
    expect(national).toContain('nn:muhamad|riski');
  });
});
