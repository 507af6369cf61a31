import { describe, expect, it } from 'vitest';
import { analyseNik, compareIds, isPlaceholderId } from './nik.js';

describe('analyseNik', () => {
  it('reads date and sex, women with day + 40', () => {
    const man = analyseNik('3201011205900001', { birthDate: '1990-05-12', sex: 'L' });
    expect(man).toMatchObject({ status: 'valid', sex: 'L', birth: { day: 12, month: 5, yy: 90 }, warnings: [] });
    const woman = analyseNik('3201015205900002', { birthDate: '1990-05-12', sex: 'P' });
    expect(woman).toMatchObject({ status: 'valid', sex: 'P', birth: { day: 12, month: 5, yy: 90 }, warnings: [] });
  });

  it('warns (does not reject) when NIK date or sex differs from the record', () => {
    const a = analyseNik('3201011205900001', { birthDate: '1990-12-05', sex: 'P' });
    expect(a.status).toBe('valid');
    expect(a.warnings).toEqual(['nik-date-mismatch', 'nik-sex-mismatch']);
  });

  it.each([
    ['0000000000000000', 'placeholder'],
    ['1111111111111111', 'placeholder'],
    ['1234567890123456', 'placeholder'],
    ['3201010000000000', 'placeholder'],
    ['', 'missing'],
    ['320101120590001', 'invalid'],
    ['3201013102900001', 'invalid'],
    ['3201017205900001', 'invalid'],
    ['3201011213900001', 'invalid'],
    ['3201011205900000', 'invalid'],
    ['3200011205900001', 'invalid'],
  ])('%s is %s', (nik, status) => {
    expect(analyseNik(nik).status).toBe(status);
  });

  it('recognises the KK number typed into the NIK column', () => {
    expect(analyseNik('3201012001150003', { kkNumber: '3201012001150003' }).status).toBe('kk-as-nik');
  });

  it('accepts 29 February by the year in the NIK', () => {
    expect(analyseNik('3201012902000001').status).toBe('valid');
  });

  it('flags filler identifiers', () => {
    expect(isPlaceholderId('99999999')).toBe(true);
    expect(isPlaceholderId('3201011205900001')).toBe(false);
  });
});

describe('compareIds', () => {
  it.each([
    ['3201011205900001', '3201011205900001', 'exact'],
    ['3201011205900001', '3201011205900007', 'one-digit'],
    ['3201011205900001', '3201011250900001', 'transposed'],
    ['3201011205900001', '3201011250900002', 'different'],
    ['3201011205900001', '320101120590001', 'different'],
  ])('%s vs %s: %s', (a, b, expected) => {
    expect(compareIds(a, b)).toBe(expected);
  });
});
