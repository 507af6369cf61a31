import { describe, expect, it } from 'vitest';
import { maskAccount, maskAddress, maskKk, maskName, maskNik, maskPhone } from './mask.js';

describe('maskNik / maskKk', () => {
  it('keeps the first 4 and last 2 digits', () => {
    expect(maskNik('3201011503900001')).toBe('3201**********01');
    expect(maskKk('3201012001150003')).toBe('3201**********03');
  });

  it('hides the birth date whatever the formatting', () => {
    for (const input of ['3201 0115 0390 0001', '32.01.01.150390.0001', ' 3201011503900001 ', '３２０１０１１５０３９００００１']) {
      const masked = maskNik(input);
      expect(masked).toBe('3201**********01');
      expect(masked).not.toContain('150390');
    }
  });

  it('masks everything when the value is too short to be a NIK', () => {
    expect(maskNik('32010115')).toBe('********');
    expect(maskNik('12345')).toBe('*****');
    expect(maskNik('')).toBe('');
    expect(maskNik(null)).toBe('');
    expect(maskNik(undefined)).toBe('');
  });
});

describe('maskName', () => {
  it('keeps first and last letter of each word with a stable length', () => {
    expect(maskName('WAWAN LUTHFI')).toBe('W***N L****I');
    expect(maskName('Siti Nurhaliza')).toBe('S**i N*******a');
  });

  it('masks words of one or two letters as first letter + *', () => {
    expect(maskName('I GUSTI AYU')).toBe('I* G***I A*U');
    expect(maskName('A')).toBe('A*');
    expect(maskName('AB CD')).toBe('A* C*');
  });

  it('collapses extra spaces and hides apostrophes and hyphens inside words', () => {
    expect(maskName("  Ma'ruf   Amin ")).toBe('M****f A**n');
    expect(maskName('SITI-AISYAH')).toBe('S*********H');
    expect(maskName('\tBUDI\u00a0SANTOSO\n')).toBe('B**I S*****O');
    expect(maskName('   ')).toBe('');
    expect(maskName(null)).toBe('');
  });

  it('is multibyte-safe: combining accents, non-Latin scripts and emoji stay whole', () => {
    const decomposed = 'Jose\u0301'; // é as e + combining acute
    expect(maskName(decomposed)).toBe('J**é');
    expect(maskName('ÑOÑO')).toBe('Ñ**O');
    expect(maskName('李小龍')).toBe('李*龍');
    expect(maskName('👩‍👧Ayu')).toBe('👩‍👧**u');
    const masked = maskName('Ṣāliḥ Ḥasan');
    expect(masked).toBe('Ṣ***ḥ Ḥ***n');
    expect(masked).not.toContain('\uFFFD');
  });
});

describe('maskPhone', () => {
  it('keeps the last 3 digits only', () => {
    expect(maskPhone('081234567890')).toBe('*********890');
    expect(maskPhone('+62 812-3456-7890')).toBe('**********890');
    expect(maskPhone('(021) 555 1234')).toBe('*******234');
  });

  it('hides short or empty input entirely', () => {
    expect(maskPhone('12345')).toBe('*****');
    expect(maskPhone('tidak ada')).toBe('');
    expect(maskPhone(undefined)).toBe('');
  });
});

describe('maskAccount', () => {
  it('keeps the last 4 characters', () => {
    expect(maskAccount('0123-01-012345-50-1')).toBe('***********5501');
    expect(maskAccount('1234567890')).toBe('******7890');
    expect(maskAccount('123 456 7890')).toBe('******7890');
  });

  it('hides short values entirely', () => {
    expect(maskAccount('1234567')).toBe('*******');
    expect(maskAccount('')).toBe('');
  });
});

describe('maskAddress', () => {
  it('keeps only administrative areas and drops street, house number and RT/RW', () => {
    const masked = maskAddress('Jl. Merdeka No. 5, RT 003/RW 002, Desa Sukamaju, Kec. Cibinong, Kab. Bogor');
    expect(masked).toBe('***, Desa Sukamaju, Kec. Cibinong, Kab. Bogor');
    expect(masked).not.toMatch(/Merdeka|003|002|RT|RW/);
  });

  it('drops area segments that carry digits', () => {
    expect(maskAddress('Kp. Babakan, Desa Sukamaju RT 01 RW 02, Kota Bogor 16111')).toBe('***');
    expect(maskAddress('Kelurahan Menteng, Kecamatan Menteng, Kota Jakarta Pusat, Provinsi DKI Jakarta')).toBe(
      '***, Kelurahan Menteng, Kecamatan Menteng, Kota Jakarta Pusat, Provinsi DKI Jakarta',
    );
  });

  it("keeps apostrophes in area names and hides everything it does not recognise", () => {
    expect(maskAddress("Lorong 3, Desa Ba'kara, Kab. Toba")).toBe("***, Desa Ba'kara, Kab. Toba");
    expect(maskAddress('Gang Mawar 3 dekat masjid')).toBe('***');
    expect(maskAddress('Rumah Pak Budi')).toBe('***');
    expect(maskAddress('')).toBe('');
    expect(maskAddress(null)).toBe('');
  });
});
