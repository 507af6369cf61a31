import { describe, expect, it } from 'vitest';
import { compareDates, DATE_LEVEL, isValidIsoDate, parseLooseDate } from './dates.js';

const cmp = (a: string, b: string): number => {
  const x = parseLooseDate(a)!;
  const y = parseLooseDate(b)!;
  return compareDates(x.y, x.m, x.d, y.y, y.m, y.d);
};

describe('compareDates', () => {
  it.each([
    ['1990-05-12', '1990-05-12', DATE_LEVEL.exact],
    ['1990-01-01', '1990-01-01', DATE_LEVEL.exactJan1],
    ['1990-05-12', '1990-12-05', DATE_LEVEL.swapped],
    ['1990-05-12', '1990-05-13', DATE_LEVEL.typo],
    ['1990-05-12', '1990-05-21', DATE_LEVEL.typo],
    ['1985-05-12', '1958-05-12', DATE_LEVEL.typo],
    ['1999-05-12', '2000-05-12', DATE_LEVEL.yearOff1],
    ['1990-05-12', '1989-05-12', DATE_LEVEL.yearOff1],
    ['1990-01-01', '1990-08-17', DATE_LEVEL.jan1SameYear],
    ['1990-03-12', '1990-08-27', DATE_LEVEL.near],
    ['1960-03-12', '1988-08-27', DATE_LEVEL.different],
  ])('%s vs %s → level %i', (a, b, level) => {
    expect(cmp(a, b)).toBe(level);
  });
});

describe('date parsing', () => {
  it('parses loosely for comparison, strictly for input', () => {
    expect(parseLooseDate('1856-86-18')).toEqual({ y: 1856, m: 86, d: 18 });
    expect(parseLooseDate('19900512')).toEqual({ y: 1990, m: 5, d: 12 });
    expect(parseLooseDate('12/05/1990')).toBeUndefined();
    expect(isValidIsoDate('2000-02-29')).toBe(true);
    expect(isValidIsoDate('1900-02-29')).toBe(false);
    expect(isValidIsoDate('1990-13-01')).toBe(false);
    expect(isValidIsoDate('1990-5-1')).toBe(false);
  });
});
