import { describe, expect, it, vi } from 'vitest';
import { ISSUE_CODES, parseKk, parseNik, type Issue, type IssueCode } from './nik.js';

const TODAY = new Date('2025-06-15T10:00:00Z');

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** A NIK made from its parts, so each case says what it varies. */
function buildNik(
  parts: { region?: string; day?: number; month?: number; yy?: number; serial?: string; isFemale?: boolean } = {},
): string {
  const { region = '320101', day = 12, month = 5, yy = 90, serial = '0003', isFemale = false } = parts;
  return region + pad2(isFemale ? day + 40 : day) + pad2(month) + pad2(yy) + serial;
}

function codes(issues: readonly Issue[]): IssueCode[] {
  return issues.map((i) => i.code);
}

// Every code seen by any test below; the last test checks that none is untested.
const seen = new Set<IssueCode>();
function record<T extends { ok: boolean; warnings: Issue[] } & ({ ok: true } | { ok: false; errors: Issue[] })>(r: T): T {
  for (const w of r.warnings) seen.add(w.code);
  if (!r.ok && 'errors' in r) for (const e of r.errors) seen.add(e.code);
  return r;
}

function nik(raw: string, opts: Parameters<typeof parseNik>[1] = {}) {
  return record(parseNik(raw, { today: TODAY, ...opts }));
}

function kk(raw: string, opts: Parameters<typeof parseKk>[1] = {}) {
  return record(parseKk(raw, { today: TODAY, ...opts }));
}

describe('parseNik: valid numbers', () => {
  it('splits a man’s NIK into region, sex, birth date and serial', () => {
    expect(nik('3201011205900003')).toEqual({
      ok: true,
      nik: '3201011205900003',
      provinceCode: '32',
      regencyCode: '32.01',
      districtCode: '32.01.01',
      sex: 'L',
      birthDate: '1990-05-12',
      serial: '0003',
      warnings: [],
    });
  });

  it.each([
    { label: 'day 41 is the 1st, female', day: 1, isFemale: true, sex: 'P', date: '1990-05-01' },
    { label: 'day 71 is the 31st, female', day: 31, isFemale: true, sex: 'P', date: '1990-05-31' },
    { label: 'day 52 is the 12th, female', day: 12, isFemale: true, sex: 'P', date: '1990-05-12' },
    { label: 'day 01, male', day: 1, isFemale: false, sex: 'L', date: '1990-05-01' },
    { label: 'day 31, male', day: 31, isFemale: false, sex: 'L', date: '1990-05-31' },
  ])('$label', ({ day, isFemale, sex, date }) => {
    const r = nik(buildNik({ day, month: 5, yy: 90, isFemale }));
    expect(r).toMatchObject({ ok: true, sex, birthDate: date });
  });

  it('accepts serial 9999 and 0001', () => {
    expect(nik(buildNik({ serial: '9999' }))).toMatchObject({ ok: true, serial: '9999' });
    expect(nik(buildNik({ serial: '0001' }))).toMatchObject({ ok: true, serial: '0001' });
  });

  it.each([
    ['spaces', '  3201011205900003  '],
    ['tab and newline', '\t3201011205900003\n'],
    ['non-breaking space and BOM', '\u00a0\ufeff3201011205900003\u00a0'],
  ])('trims surrounding whitespace silently (%s)', (_label, raw) => {
    expect(nik(raw)).toMatchObject({ ok: true, nik: '3201011205900003', warnings: [] });
  });
});

describe('parseNik: two-digit year', () => {
  it.each([
    { label: 'yy=90 without birth date → 1990', day: 12, month: 5, yy: 90, birthDate: undefined, year: 1990 },
    { label: 'yy=10 without birth date → 2010', day: 12, month: 5, yy: 10, birthDate: undefined, year: 2010 },
    { label: 'yy=25, today’s date → 2025', day: 15, month: 6, yy: 25, birthDate: undefined, year: 2025 },
    { label: 'yy=25, tomorrow → 1925 (not in the future)', day: 16, month: 6, yy: 25, birthDate: undefined, year: 1925 },
    { label: 'yy=10 with recorded 1910 → 1910', day: 12, month: 5, yy: 10, birthDate: '1910-05-12', year: 1910 },
    { label: 'yy=10 with recorded 2010 → 2010', day: 12, month: 5, yy: 10, birthDate: '2010-05-12', year: 2010 },
    { label: 'yy=60 with recorded 1961 → 1960', day: 12, month: 5, yy: 60, birthDate: '1961-01-01', year: 1960 },
    { label: 'yy=20 with recorded 1930 → 1920', day: 12, month: 5, yy: 20, birthDate: '1930-01-01', year: 1920 },
    { label: 'yy=00, recorded exactly between 1900 and 2000 → later', day: 1, month: 1, yy: 0, birthDate: '1950-01-01', year: 2000 },
    { label: 'yy=20 with recorded 2099 never picks the future', day: 12, month: 5, yy: 20, birthDate: '2099-01-01', year: 2020 },
    { label: 'malformed recorded birth date is ignored', day: 12, month: 5, yy: 10, birthDate: '12/05/1910', year: 2010 },
  ])('$label', ({ day, month, yy, birthDate, year }) => {
    const r = nik(buildNik({ day, month, yy }), birthDate === undefined ? {} : { birthDate });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.birthDate.slice(0, 4)).toBe(String(year));
  });

  it.each([
    { label: '29 Feb 2000 (00): leap year', yy: 0, isFemale: false, birthDate: undefined, date: '2000-02-29' },
    { label: '29 Feb 1996', yy: 96, isFemale: false, birthDate: undefined, date: '1996-02-29' },
    { label: '29 Feb 2024, female (day 69)', yy: 24, isFemale: true, birthDate: undefined, date: '2024-02-29' },
    // 1900 is not a leap year, so even a 1900 recorded date cannot pull 29-02-00 there.
    { label: '29 Feb 00 with recorded 1900 → 2000', yy: 0, isFemale: false, birthDate: '1900-03-01', date: '2000-02-29' },
  ])('$label', ({ yy, isFemale, birthDate, date }) => {
    const r = nik(buildNik({ day: 29, month: 2, yy, isFemale }), birthDate === undefined ? {} : { birthDate });
    expect(r).toMatchObject({ ok: true, birthDate: date });
  });

  it('an invalid "today" is a programming error and throws', () => {
    expect(() => parseNik(buildNik(), { today: new Date('nope') })).toThrow(RangeError);
    expect(() => parseKk('3201011502150007', { today: new Date('nope') })).toThrow(RangeError);
  });

  it('29 Feb 00 with a recorded 1900 birth date resolves to 2000 and flags the mismatch', () => {
    const r = nik(buildNik({ day: 29, month: 2, yy: 0 }), { birthDate: '1900-03-01' });
    expect(codes(r.warnings)).toEqual(['NIK_BIRTH_DATE_MISMATCH']);
  });

  it.each([
    { label: '29 Feb 01 (neither 1901 nor 2001 is leap)', day: 29, yy: 1, isFemale: false },
    { label: '29 Feb 01, female (day 69)', day: 29, yy: 1, isFemale: true },
    { label: '29 Feb 23', day: 29, yy: 23, isFemale: false },
  ])('rejects $label', ({ day, yy, isFemale }) => {
    const r = nik(buildNik({ day, month: 2, yy, isFemale }));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(codes(r.errors)).toEqual(['NIK_INVALID_DATE']);
      expect(r.errors[0]?.message).toContain('kabisat');
    }
  });

  it('names both candidate years when 29 Feb exists in neither', () => {
    const r = nik(buildNik({ day: 29, month: 2, yy: 1 }));
    expect(!r.ok && r.errors[0]?.message).toContain('tahun 2001 dan 1901 bukan tahun kabisat');
  });
});

describe('parseNik: impossible dates and serials are errors', () => {
  it.each([
    { label: 'day 00', day: '00', month: '05', code: 'NIK_INVALID_DAY', says: 'tertulis 00' },
    { label: 'day 32', day: '32', month: '05', code: 'NIK_INVALID_DAY', says: '32–40 tidak mungkin' },
    { label: 'day 40', day: '40', month: '05', code: 'NIK_INVALID_DAY', says: '32–40 tidak mungkin' },
    { label: 'day 72', day: '72', month: '05', code: 'NIK_INVALID_DAY', says: '41–71 untuk perempuan' },
    { label: 'day 99', day: '99', month: '05', code: 'NIK_INVALID_DAY', says: 'tertulis 99' },
    { label: 'month 00', day: '12', month: '00', code: 'NIK_INVALID_MONTH', says: 'harus 01–12; tertulis 00' },
    { label: 'month 13', day: '12', month: '13', code: 'NIK_INVALID_MONTH', says: 'tertulis 13' },
    { label: '31 Feb', day: '31', month: '02', code: 'NIK_INVALID_DATE', says: 'Februari' },
    { label: '30 Feb, female (70)', day: '70', month: '02', code: 'NIK_INVALID_DATE', says: 'Februari' },
    { label: '31 Apr', day: '31', month: '04', code: 'NIK_INVALID_DATE', says: 'April hanya 30 hari' },
    { label: '31 Jun, female (71)', day: '71', month: '06', code: 'NIK_INVALID_DATE', says: 'Juni hanya 30 hari' },
  ])('$label → $code', ({ day, month, code, says }) => {
    const r = nik('320101' + day + month + '90' + '0003');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(codes(r.errors)).toEqual([code]);
      expect(r.errors[0]?.message).toContain(says);
    }
  });

  it('serial 0000 → NIK_SERIAL_ZERO', () => {
    const r = nik(buildNik({ serial: '0000' }));
    expect(r).toMatchObject({ ok: false, errors: [{ code: 'NIK_SERIAL_ZERO' }] });
  });

  it('reports every structural error at once', () => {
    const r = nik('320101' + '35' + '13' + '90' + '0000');
    expect(!r.ok && codes(r.errors)).toEqual(['NIK_INVALID_DAY', 'NIK_INVALID_MONTH', 'NIK_SERIAL_ZERO']);
  });
});

describe('parseNik: shape and spreadsheet damage', () => {
  it.each(['', '   ', '\t\n'])('empty %j → NIK_EMPTY only', (raw) => {
    expect(nik(raw)).toEqual({ ok: false, errors: [{ code: 'NIK_EMPTY', message: 'NIK kosong.' }], warnings: [] });
  });

  it.each([
    { raw: '320101120590003', digits: 15, says: 'satu digit yang hilang' },
    { raw: '32010112059000031', digits: 17, says: 'terketik dua kali' },
    { raw: '3', digits: 1, says: 'tertulis 1 digit' },
    { raw: '32010112059000031234', digits: 20, says: 'tertulis 20 digit' },
  ])('$digits digits → NIK_WRONG_LENGTH', ({ raw, digits, says }) => {
    const r = nik(raw);
    expect(!r.ok && codes(r.errors)).toEqual(['NIK_WRONG_LENGTH']);
    expect(!r.ok && r.errors[0]?.message).toContain(`NIK harus 16 digit angka; tertulis ${digits} digit`);
    expect(!r.ok && r.errors[0]?.message).toContain(says);
  });

  it.each(['3.20101E+15', '3,20101E+15', '3.201011E+15', '3.20101e+15', '3E+15', '3.20101E15'])(
    'scientific notation %s → NIK_SCIENTIFIC_NOTATION, telling the operator to format as Text',
    (raw) => {
      const r = nik(raw);
      expect(!r.ok && codes(r.errors)).toEqual(['NIK_SCIENTIFIC_NOTATION']);
      const message = (!r.ok && r.errors[0]?.message) || '';
      expect(message).toContain('digit sudah hilang');
      expect(message).toContain('sebagai Teks');
      expect(message).toContain('ketik ulang');
    },
  );

  it.each(['3201011205900003.0', '3201011205900000.00', '3201011205900003,0'])(
    'trailing .0 %s → NIK_DECIMAL_SUFFIX (not silently stripped)',
    (raw) => {
      const r = nik(raw);
      expect(!r.ok && codes(r.errors)).toEqual(['NIK_DECIMAL_SUFFIX']);
      expect(!r.ok && r.errors[0]?.message).toContain('sebagai Teks');
    },
  );

  it.each([
    { raw: '3201 0112 0590 0003', says: 'spasi' },
    { raw: '32.01.01.120590.0003', says: 'titik' },
    { raw: '3201-0112-0590-0003', says: 'tanda hubung' },
    { raw: '32.01.01 120590-0003', says: 'titik, spasi, tanda hubung' },
  ])('separators in $raw → NIK_HAS_SEPARATORS naming $says', ({ raw, says }) => {
    const r = nik(raw);
    expect(!r.ok && codes(r.errors)).toEqual(['NIK_HAS_SEPARATORS']);
    expect(!r.ok && r.errors[0]?.message).toContain(says);
  });

  it('separators and a missing digit → both errors', () => {
    const r = nik('32.01.01.120590.003');
    expect(!r.ok && codes(r.errors)).toEqual(['NIK_HAS_SEPARATORS', 'NIK_WRONG_LENGTH']);
    expect(!r.ok && r.errors[1]?.message).toContain('tanpa pemisah pun hanya ada 15 digit');
  });

  it.each([
    { raw: '32010112O5900003', says: ['"O" (posisi 9)', 'huruf O mungkin maksudnya angka 0'] },
    { raw: '3201011205900l03', says: ['"l" (posisi 14)', 'huruf I/l'] },
    { raw: "'3201011205900003", says: ['"\'" (posisi 1)', 'tanda petik di awal'] },
    { raw: '32010112\u200b05900003', says: ['U+200B (posisi 9)'] },
    { raw: 'NIK3201011205900', says: ['"N" (posisi 1)', '"I" (posisi 2)', '"K" (posisi 3)'] },
  ])('non-digits in $raw → NIK_INVALID_CHARACTERS naming them', ({ raw, says }) => {
    const r = nik(raw);
    expect(!r.ok && codes(r.errors)).toEqual(['NIK_INVALID_CHARACTERS']);
    for (const s of says) expect(!r.ok && r.errors[0]?.message).toContain(s);
  });

  it('does not echo the number back in shape errors', () => {
    const r = nik('320101120590003');
    expect(!r.ok && r.errors[0]?.message).not.toContain('320101120590003');
  });
});

describe('parseNik: warnings keep the record', () => {
  it('sex mismatch is a warning, not an error', () => {
    const r = nik(buildNik({ day: 12, isFemale: true }), { sex: 'L' });
    expect(r).toMatchObject({ ok: true, sex: 'P' });
    expect(codes(r.warnings)).toEqual(['NIK_SEX_MISMATCH']);
    expect(r.warnings[0]?.message).toContain('perempuan');
    expect(r.warnings[0]?.message).toContain('laki-laki');
  });

  it('matching sex and birth date give no warning', () => {
    const r = nik(buildNik({ day: 12, isFemale: true }), { sex: 'P', birthDate: '1990-05-12' });
    expect(r).toMatchObject({ ok: true, warnings: [] });
  });

  it('birth date mismatch is a warning that shows both dates', () => {
    const r = nik(buildNik({ day: 12, month: 5, yy: 90 }), { birthDate: '1990-05-21' });
    expect(r).toMatchObject({ ok: true, birthDate: '1990-05-12' });
    expect(codes(r.warnings)).toEqual(['NIK_BIRTH_DATE_MISMATCH']);
    expect(r.warnings[0]?.message).toContain('1990-05-12');
    expect(r.warnings[0]?.message).toContain('1990-05-21');
  });

  it('unknown district is a warning; the lookup gets PP.KK.CC', () => {
    const isKnownDistrict = vi.fn((code: string) => code !== '32.01.99');
    const r = nik(buildNik({ region: '320199' }), { isKnownDistrict });
    expect(isKnownDistrict).toHaveBeenCalledWith('32.01.99');
    expect(r).toMatchObject({ ok: true, districtCode: '32.01.99' });
    expect(codes(r.warnings)).toEqual(['NIK_UNKNOWN_REGION']);
    expect(r.warnings[0]?.message).toContain('pemekaran');
  });

  it('old Papua code 91 is kept with a warning when the lookup no longer knows it', () => {
    const r = nik(buildNik({ region: '910101' }), { isKnownDistrict: () => false });
    expect(r).toMatchObject({ ok: true, provinceCode: '91' });
    expect(codes(r.warnings)).toEqual(['NIK_UNKNOWN_REGION']);
  });

  it('known district gives no warning', () => {
    expect(nik(buildNik(), { isKnownDistrict: (c) => c === '32.01.01' }).warnings).toEqual([]);
  });

  it.each(['000101', '100101', '320001', '320100'])('region %s cannot exist even without a lookup', (region) => {
    expect(codes(nik(buildNik({ region })).warnings)).toContain('NIK_UNKNOWN_REGION');
  });

  it('NIK equal to the KK number is a warning', () => {
    const n = buildNik();
    const r = nik(n, { kk: ` ${n} ` });
    expect(r.ok).toBe(true);
    expect(codes(r.warnings)).toEqual(['NIK_EQUALS_KK']);
    expect(codes(nik(n, { kk: buildNik({ serial: '0009' }) }).warnings)).toEqual([]);
  });

  it.each([
    { label: 'all ones (valid otherwise)', raw: '1111111111111111', isOk: true, says: 'semua digitnya sama' },
    { label: 'all zeros', raw: '0000000000000000', isOk: false, says: 'semua digitnya sama' },
    { label: 'ascending', raw: '1234567890123456', isOk: false, says: 'berurutan' },
    { label: 'descending', raw: '9876543210987654', isOk: false, says: 'berurutan' },
    { label: 'region then zeros', raw: '3201010000000001', isOk: false, says: '9 angka 0' },
    { label: 'region then nines', raw: '3201019999999999', isOk: false, says: '10 angka 9' },
  ])('placeholder: $label', ({ raw, isOk, says }) => {
    const r = nik(raw);
    expect(r.ok).toBe(isOk);
    const placeholder = r.warnings.find((w) => w.code === 'NIK_PLACEHOLDER');
    expect(placeholder?.message).toContain(says);
  });

  it('all-ones NIK still parses (11-11-2011) so the warning reaches verval', () => {
    expect(nik('1111111111111111')).toMatchObject({ ok: true, birthDate: '2011-11-11', sex: 'L' });
  });

  it('the longest zero run a real NIK can have (month 10, year 00, serial 0001) is not a placeholder', () => {
    const r = nik(buildNik({ day: 1, month: 10, yy: 0, serial: '0001' }));
    expect(r).toMatchObject({ ok: true, birthDate: '2000-10-01', warnings: [] });
  });
});

describe('parseKk', () => {
  it('splits a KK into region, issue date and serial', () => {
    expect(kk('3201011502150007')).toEqual({
      ok: true,
      kk: '3201011502150007',
      provinceCode: '32',
      regencyCode: '32.01',
      districtCode: '32.01.01',
      issueDate: '2015-02-15',
      serial: '0007',
      warnings: [],
    });
  });

  it('resolves the year to the latest issue date not after today', () => {
    expect(kk('3201011506250007')).toMatchObject({ ok: true, issueDate: '2025-06-15' });
    expect(kk('3201011606250007')).toMatchObject({ ok: true, issueDate: '1925-06-16' });
  });

  it.each([
    { label: 'empty', raw: ' ', code: 'KK_EMPTY' },
    { label: '15 digits', raw: '320101150215007', code: 'KK_WRONG_LENGTH' },
    { label: '17 digits', raw: '32010115021500071', code: 'KK_WRONG_LENGTH' },
    { label: 'scientific notation', raw: '3,20101E+15', code: 'KK_SCIENTIFIC_NOTATION' },
    { label: 'trailing .0', raw: '3201011502150007.0', code: 'KK_DECIMAL_SUFFIX' },
    { label: 'dots', raw: '32.01.01.150215.0007', code: 'KK_HAS_SEPARATORS' },
    { label: 'letter', raw: '320101150215OOO7', code: 'KK_INVALID_CHARACTERS' },
    { label: 'day 00', raw: '3201010002150007', code: 'KK_INVALID_DAY' },
    { label: 'day 32', raw: '3201013202150007', code: 'KK_INVALID_DAY' },
    { label: 'month 13', raw: '3201011513150007', code: 'KK_INVALID_MONTH' },
    { label: '30 Feb', raw: '3201013002150007', code: 'KK_INVALID_DATE' },
    { label: '29 Feb 2015', raw: '3201012902150007', code: 'KK_INVALID_DATE' },
    { label: 'serial 0000', raw: '3201011502150000', code: 'KK_SERIAL_ZERO' },
  ])('$label → $code', ({ raw, code }) => {
    const r = kk(raw);
    expect(r.ok).toBe(false);
    expect(!r.ok && codes(r.errors)).toEqual([code]);
    expect(!r.ok && r.errors[0]?.message).toMatch(/Nomor KK/);
  });

  it('day 41–71 is an error for a KK (no +40), with a hint that it may be a woman’s NIK', () => {
    const r = kk('3201015502150007');
    expect(!r.ok && codes(r.errors)).toEqual(['KK_INVALID_DAY']);
    expect(!r.ok && r.errors[0]?.message).toContain('NIK perempuan');
  });

  it('unknown region and placeholders are warnings', () => {
    const r = kk('3201991502150007', { isKnownDistrict: () => false });
    expect(r.ok).toBe(true);
    expect(codes(r.warnings)).toEqual(['KK_UNKNOWN_REGION']);
    const p = kk('1111111111111111');
    expect(p.ok).toBe(true);
    expect(codes(p.warnings)).toEqual(['KK_PLACEHOLDER']);
  });
});

describe('messages', () => {
  it('15-digit NIK reads as the brief asks', () => {
    const r = nik('320101120590003');
    expect(!r.ok && r.errors[0]?.message).toMatch(/^NIK harus 16 digit angka; tertulis 15 digit\./);
  });

  // Runs last (tests in a file run in order): every code in the closed list is exercised.
  it('every issue code is produced by some test above', () => {
    expect([...seen].sort()).toEqual([...ISSUE_CODES].sort());
  });
});
