import { describe, expect, it } from 'vitest';
import {
  INPUT_ISSUE_CODES,
  normalizeName,
  parseBoolInput,
  parseDateInput,
  parseEnumInput,
  parseIntInput,
  parsePhone,
  parseRtRw,
  type EnumOption,
  type InputIssueCode,
  type InputResult,
} from './parse-input.js';

const TODAY = new Date('2025-06-15T10:00:00Z');

// Every code seen by any test below; the last test checks that none is untested.
const seen = new Set<InputIssueCode>();
function record<T>(r: InputResult<T>): InputResult<T> {
  if (r.ok) for (const w of r.warnings ?? []) seen.add(w.code);
  else seen.add(r.code);
  return r;
}

/** Assert a failure with `code` whose message contains every fragment in `says`. */
function expectFail<T>(r: InputResult<T>, code: InputIssueCode, ...says: string[]): void {
  record(r);
  expect(r).toMatchObject({ ok: false, code });
  if (!r.ok) for (const s of says) expect(r.message).toContain(s);
}

const date = (raw: string) => record(parseDateInput(raw, { today: TODAY }));

describe('parseDateInput', () => {
  it.each([
    ['1990-03-25', '1990-03-25'],
    ['1990-3-5', '1990-03-05'],
    ['25/03/1990', '1990-03-25'],
    ['25-03-1990', '1990-03-25'],
    ['25.03.1990', '1990-03-25'],
    ['5/3/1990', '1990-03-05'],
    ['  25/03/1990 ', '1990-03-25'],
    ['29/02/2000', '2000-02-29'],
    ['01/01/1900', '1900-01-01'],
    ['15/06/2025', '2025-06-15'],
    // Ambiguous US dates cannot be detected: day first wins.
    ['03/04/1990', '1990-04-03'],
  ])('%s → %s', (raw, value) => {
    expect(date(raw)).toEqual({ ok: true, value });
  });

  it.each([
    { raw: '32874', says: ['nomor seri tanggal Excel', '01/01/1990', 'sebagai Teks'] },
    { raw: '45658', says: ['01/01/2025'] },
    { raw: '32874.5', says: ['01/01/1990'] },
    { raw: '59', says: ['28/02/1900'] },
    { raw: '60', says: ['tidak pernah ada'] },
    { raw: '61', says: ['01/03/1900'] },
  ])('Excel serial $raw is explained, not converted', ({ raw, says }) => {
    expectFail(date(raw), 'DATE_EXCEL_SERIAL', ...says);
  });

  it.each([
    { raw: '03/25/1990', says: ['format Amerika', '25/03/1990'] },
    { raw: '12/31/1999', says: ['31/12/1999'] },
    { raw: '1-13-2001', says: ['13/01/2001'] },
  ])('US order $raw → DATE_US_ORDER with the corrected date', ({ raw, says }) => {
    expectFail(date(raw), 'DATE_US_ORDER', ...says);
  });

  it.each([
    { raw: '31/02/1990', says: ['Februari hanya 28 hari'] },
    { raw: '29/02/1900', says: ['1900 bukan tahun kabisat'] },
    { raw: '29/02/2001', says: ['2001 bukan tahun kabisat'] },
    { raw: '31/04/1990', says: ['April hanya 30 hari'] },
    { raw: '00/04/1990', says: ['tanggal 0'] },
    { raw: '1990-13-01', says: ['bulan harus 1–12, tertulis 13'] },
    { raw: '1990-00-01', says: ['tertulis 0'] },
    { raw: '32/13/1990', says: ['tertulis 13'] },
  ])('impossible $raw → DATE_INVALID', ({ raw, says }) => {
    expectFail(date(raw), 'DATE_INVALID', ...says);
  });

  it.each(['25/03/90', '25-03-00', '1.1.45'])('two-digit year %s → DATE_TWO_DIGIT_YEAR', (raw) => {
    expectFail(date(raw), 'DATE_TWO_DIGIT_YEAR', '4 digit');
  });

  it('suggests the 4-digit form of a two-digit year', () => {
    expectFail(date('25/03/90'), 'DATE_TWO_DIGIT_YEAR', '1990 atau 2090', '25/03/1990');
  });

  it.each([
    ['16/06/2025', 'belum terjadi'],
    ['2030-01-01', 'belum terjadi'],
  ])('future %s → DATE_IN_FUTURE', (raw, says) => {
    expectFail(date(raw), 'DATE_IN_FUTURE', says);
  });

  it('"today" is injectable', () => {
    expect(parseDateInput('16/06/2025', { today: new Date('2025-06-16T00:00:00Z') })).toEqual({
      ok: true,
      value: '2025-06-16',
    });
  });

  it('an invalid "today" is a programming error and throws', () => {
    expect(() => parseDateInput('25/03/1990', { today: new Date('nope') })).toThrow(RangeError);
  });

  it.each(['31/12/1899', '1850-01-01'])('before 1900 %s → DATE_BEFORE_1900', (raw) => {
    expectFail(date(raw), 'DATE_BEFORE_1900', 'sebelum 1900');
  });

  it.each(['1990', '1955'])('year only %s → DATE_YEAR_ONLY', (raw) => {
    expectFail(date(raw), 'DATE_YEAR_ONLY', 'tanggal lengkap');
  });

  it.each([
    { raw: '1990/03/25', says: ['tidak dikenali', 'HH/BB/TTTT'] },
    { raw: '25/03-1990', says: ['tidak dikenali'] },
    { raw: '25/03/199', says: ['tidak dikenali'] },
    { raw: '25 Maret 1990', says: ['tidak dikenali'] },
    { raw: '19900325', says: ['tanpa pemisah'] },
    { raw: '1990-03-25T00:00:00.000Z', says: ['berisi jam'] },
    { raw: '25/03/1990 00:00', says: ['berisi jam'] },
  ])('unrecognised $raw → DATE_FORMAT', ({ raw, says }) => {
    expectFail(date(raw), 'DATE_FORMAT', ...says);
  });

  it('empty → DATE_EMPTY', () => {
    expectFail(date('  '), 'DATE_EMPTY');
  });
});

describe('normalizeName', () => {
  const name = (raw: string) => record(normalizeName(raw));

  it.each([
    ['  siti   aminah ', 'SITI AMINAH'],
    ["ma'ruf amin", "MA'RUF AMIN"],
    ["D'Silva", "D'SILVA"],
    ['Ma\u2019ruf', "MA'RUF"],
    ['Siti Nur-Hasanah', 'SITI NUR-HASANAH'],
    ['Muh. Ali', 'MUH. ALI'],
    ['Siti, S.Pd.', 'SITI, S.PD.'],
    ['I Gusti\u00a0Ngurah', 'I GUSTI NGURAH'],
    ['José', 'JOSÉ'],
    // Decomposed é (e + U+0301) becomes the same string as the composed form.
    ['Jose\u0301', 'JOSÉ'],
  ])('%j → %j', (raw, value) => {
    expect(name(raw)).toEqual({ ok: true, value });
  });

  it('digits mixed with letters are kept with a warning', () => {
    const r = name('budi 2');
    expect(r).toMatchObject({ ok: true, value: 'BUDI 2', warnings: [{ code: 'NAME_HAS_DIGITS' }] });
  });

  it.each(['', '   '])('empty %j → NAME_EMPTY', (raw) => {
    expectFail(name(raw), 'NAME_EMPTY');
  });

  it('digits only → NAME_DIGITS_ONLY', () => {
    expectFail(name('12345'), 'NAME_DIGITS_ONLY', 'hanya berisi angka');
  });

  it('a NIK in the name column is recognised', () => {
    expectFail(name('3201011205900003'), 'NAME_DIGITS_ONLY', 'tampaknya NIK');
  });

  it.each(['-', "'", '. .'])('no letters %j → NAME_NO_LETTERS', (raw) => {
    expectFail(name(raw), 'NAME_NO_LETTERS');
  });

  it.each([
    { raw: 'SITI\nIBU RUMAH TANGGA', says: 'baris baru' },
    { raw: 'SITI\tAMINAH', says: 'tab' },
    { raw: 'SITI\u200bAMINAH', says: 'U+200B' },
    { raw: 'SITI\u0007AMINAH', says: 'U+0007' },
  ])('control/invisible character → NAME_CONTROL_CHARACTERS ($says)', ({ raw, says }) => {
    expectFail(name(raw), 'NAME_CONTROL_CHARACTERS', says);
  });

  it.each([
    { raw: 'BUDI (ALM)', says: ['"("', '")"', '(ALM)'] },
    { raw: 'SITI/AMINAH', says: ['"/"'] },
    { raw: 'budi@example.com', says: ['"@"'] },
    { raw: '#', says: ['"#"'] },
  ])('symbols in $raw → NAME_INVALID_CHARACTERS', ({ raw, says }) => {
    expectFail(name(raw), 'NAME_INVALID_CHARACTERS', ...says);
  });
});

describe('parsePhone', () => {
  const phone = (raw: string) => record(parsePhone(raw));

  it.each([
    ['081234567890', '+6281234567890'],
    ['0812-3456-7890', '+6281234567890'],
    ['0812 3456 7890', '+6281234567890'],
    ['0812.3456.7890', '+6281234567890'],
    ['+62 812 3456 7890', '+6281234567890'],
    ['+62 (0)812-3456-7890', '+6281234567890'],
    ['6281234567890', '+6281234567890'],
    ['006281234567890', '+6281234567890'],
    ['0812345678', '+62812345678'],
    ['0812345678901', '+62812345678901'],
    ['(021) 555-1234', '+62215551234'],
    ['021-5551-2345', '+622155512345'],
    ['0361 234567', '+62361234567'],
  ])('%s → %s', (raw, value) => {
    expect(phone(raw)).toEqual({ ok: true, value });
  });

  it.each(['81234567890', '812345678'])('lost leading zero %s is read as 08… with a warning', (raw) => {
    const r = phone(raw);
    expect(r).toMatchObject({ ok: true, value: '+62' + raw, warnings: [{ code: 'PHONE_LOST_LEADING_ZERO' }] });
    expect(r.ok && r.warnings?.[0]?.message).toContain(`0${raw}`);
  });

  it.each(['6.28123E+12', '8,12346E+10'])('scientific notation %s → PHONE_SCIENTIFIC_NOTATION', (raw) => {
    expectFail(phone(raw), 'PHONE_SCIENTIFIC_NOTATION', 'digit sudah hilang', 'sebagai Teks');
  });

  it('trailing .0 → PHONE_DECIMAL_SUFFIX', () => {
    expectFail(phone('81234567890.0'), 'PHONE_DECIMAL_SUFFIX', 'sebagai Teks');
  });

  it.each([
    { raw: '0812-3456-7890 / 0813-1111-2222', says: ['"/"', 'satu nomor'] },
    { raw: '0812345678 ext 12', says: ['"e"'] },
    { raw: 'tidak ada', says: ['bukan angka'] },
  ])('non-digits $raw → PHONE_INVALID_CHARACTERS', ({ raw, says }) => {
    expectFail(phone(raw), 'PHONE_INVALID_CHARACTERS', ...says);
  });

  it.each(['+1 555 123 4567', '0065 6123 4567'])('foreign %s → PHONE_NOT_INDONESIAN', (raw) => {
    expectFail(phone(raw), 'PHONE_NOT_INDONESIAN', '62');
  });

  it.each([
    { raw: '5551234', says: 'kode area' },
    { raw: '215551234', says: 'diawali 0, 62, atau +62' },
    // Too short for +62: this is area code 0622 with the 0 lost, not the country code.
    { raw: '622123456', says: 'diawali 0, 62, atau +62' },
    { raw: '0112', says: 'bukan nomor HP' },
    { raw: '()', says: 'tidak berisi angka' },
  ])('$raw → PHONE_FORMAT', ({ raw, says }) => {
    expectFail(phone(raw), 'PHONE_FORMAT', says);
  });

  it.each([
    { raw: '08123456', says: 'tertulis 8 digit' },
    { raw: '08123456789012', says: 'tertulis 14 digit' },
    { raw: '021555', says: 'telepon rumah' },
  ])('$raw → PHONE_LENGTH', ({ raw, says }) => {
    expectFail(phone(raw), 'PHONE_LENGTH', says);
  });

  it('empty → PHONE_EMPTY', () => {
    expectFail(phone(''), 'PHONE_EMPTY');
  });
});

describe('parseEnumInput', () => {
  const TENURE = [
    { code: 'milik_sendiri', aliases: ['Milik sendiri', 'milik'], questionnaireCode: 1 },
    { code: 'kontrak_sewa', aliases: ['Kontrak/sewa', 'sewa', 'kontrak'], questionnaireCode: 2 },
    { code: 'bebas_sewa', aliases: ['Bebas sewa'], questionnaireCode: 3 },
    { code: 'lainnya', aliases: [] },
  ] as const satisfies readonly EnumOption[];
  const tenure = (raw: string) => record(parseEnumInput(raw, TENURE));

  it.each([
    ['milik_sendiri', 'milik_sendiri'],
    ['MILIK_SENDIRI', 'milik_sendiri'],
    [' Milik  Sendiri ', 'milik_sendiri'],
    ['miliksendiri', 'milik_sendiri'],
    ['milik-sendiri', 'milik_sendiri'],
    ['MILIK', 'milik_sendiri'],
    ['1', 'milik_sendiri'],
    ['01', 'milik_sendiri'],
    ['kontrak/sewa', 'kontrak_sewa'],
    ['SEWA', 'kontrak_sewa'],
    ['2', 'kontrak_sewa'],
    ['Lainnya', 'lainnya'],
  ])('%j → %s', (raw, value) => {
    expect(tenure(raw)).toEqual({ ok: true, value });
  });

  it('unknown value lists the allowed values with their questionnaire numbers', () => {
    expectFail(
      tenure('numpang'),
      'ENUM_UNKNOWN',
      '"numpang" tidak dikenal',
      '1 = Milik sendiri; 2 = Kontrak/sewa; 3 = Bebas sewa; lainnya',
    );
  });

  it('unknown number → ENUM_UNKNOWN', () => {
    expectFail(tenure('9'), 'ENUM_UNKNOWN');
  });

  it('empty → ENUM_EMPTY', () => {
    expectFail(tenure(' '), 'ENUM_EMPTY');
  });

  it('an alias that means two codes is a bug in the code list and throws', () => {
    const bad: EnumOption[] = [
      { code: 'a', aliases: ['sama'] },
      { code: 'b', aliases: ['Sama'] },
    ];
    expect(() => parseEnumInput('a', bad)).toThrow(/ambiguous/);
  });
});

describe('parseIntInput', () => {
  const int = (raw: string, opts?: Parameters<typeof parseIntInput>[1]) => record(parseIntInput(raw, opts));

  it.each([
    ['12', 12],
    [' 7 ', 7],
    ['+3', 3],
    ['-3', -3],
    ['-0', 0],
    ['007', 7],
    ['12.0', 12],
    ['12,00', 12],
    ['0', 0],
  ])('%j → %d', (raw, value) => {
    expect(int(raw)).toEqual({ ok: true, value });
  });

  it.each(['1.000', '12,500', '1.000.000', '-1.000', '12.000'])(
    '%s → INT_AMBIGUOUS_SEPARATOR (thousands or decimal?)',
    (raw) => {
      expectFail(int(raw), 'INT_AMBIGUOUS_SEPARATOR', 'ambigu', 'tanpa pemisah');
    },
  );

  it.each(['1.5', '2,25', '.5'])('%s → INT_NOT_INTEGER', (raw) => {
    expectFail(int(raw), 'INT_NOT_INTEGER', 'bukan bilangan bulat');
  });

  it.each(['abc', '12a', '1e3', '--1', '99999999999999999999'])('%s → INT_FORMAT', (raw) => {
    expectFail(int(raw), 'INT_FORMAT');
  });

  it.each([
    { raw: '-1', opts: { min: 0 }, says: 'paling kecil 0' },
    { raw: '31', opts: { min: 0, max: 30 }, says: '0–30' },
    { raw: '100', opts: { max: 99 }, says: 'paling besar 99' },
  ])('$raw with $opts → INT_OUT_OF_RANGE', ({ raw, opts, says }) => {
    expectFail(int(raw, opts), 'INT_OUT_OF_RANGE', says);
  });

  it('bounds are inclusive', () => {
    expect(int('0', { min: 0, max: 30 })).toEqual({ ok: true, value: 0 });
    expect(int('30', { min: 0, max: 30 })).toEqual({ ok: true, value: 30 });
  });

  it('empty → INT_EMPTY', () => {
    expectFail(int(''), 'INT_EMPTY');
  });
});

describe('parseBoolInput', () => {
  const bool = (raw: string) => record(parseBoolInput(raw));

  it.each([
    ['ya', true],
    ['Ya', true],
    ['Y', true],
    ['1', true],
    ['yes', true],
    ['TRUE', true],
    ['tidak', false],
    ['Tidak', false],
    // Indonesian forms pair Y with T (tidak): t is false here.
    ['t', false],
    ['T', false],
    ['0', false],
    ['no', false],
    ['n', false],
    ['false', false],
    [' ya ', true],
  ])('%j → %s', (raw, value) => {
    expect(bool(raw)).toEqual({ ok: true, value });
  });

  it.each(['mungkin', '2', 'ada'])('%s → BOOL_UNKNOWN listing the accepted words', (raw) => {
    expectFail(bool(raw), 'BOOL_UNKNOWN', 'Ya atau Tidak');
  });

  it('empty → BOOL_EMPTY', () => {
    expectFail(bool(''), 'BOOL_EMPTY');
  });
});

describe('parseRtRw', () => {
  const rtRw = (raw: string) => record(parseRtRw(raw));

  it.each([
    ['001', '001'],
    ['01', '001'],
    ['1', '001'],
    [' 12 ', '012'],
    ['999', '999'],
    ['0005', '005'],
  ])('%j → %s without a warning (Excel dropped the zeros; the number is intact)', (raw, value) => {
    expect(rtRw(raw)).toEqual({ ok: true, value });
  });

  it.each(['0', '000'])('%s → RTRW_ZERO', (raw) => {
    expectFail(rtRw(raw), 'RTRW_ZERO');
  });

  it('1000 → RTRW_TOO_LONG', () => {
    expectFail(rtRw('1000'), 'RTRW_TOO_LONG', '001–999');
  });

  it.each([
    { raw: '001/002', says: 'satu sel' },
    { raw: 'RT 01', says: 'tanpa "RT"/"RW"' },
    { raw: 'satu', says: 'harus berupa angka' },
    { raw: '1.0', says: 'harus berupa angka' },
  ])('$raw → RTRW_FORMAT', ({ raw, says }) => {
    expectFail(rtRw(raw), 'RTRW_FORMAT', says);
  });

  it('empty → RTRW_EMPTY', () => {
    expectFail(rtRw(''), 'RTRW_EMPTY');
  });
});

describe('issue codes', () => {
  // Runs last (tests in a file run in order): every code in the closed list is exercised.
  it('every input issue code is produced by some test above', () => {
    expect([...seen].sort()).toEqual([...INPUT_ISSUE_CODES].sort());
  });
});
