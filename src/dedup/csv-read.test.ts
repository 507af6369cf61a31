import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, readCsvRows } from './csv-read.js';

async function rows(chunks: string[]): Promise<Array<[number, string[]]>> {
  const out: Array<[number, string[]]> = [];
  async function* source() {
    for (const c of chunks) yield Buffer.from(c, 'utf8');
  }
  await readCsvRows(source(), (fields, line) => out.push([line, fields]));
  return out;
}

/** Every way of cutting `text` into two chunks gives the same records. */
async function allSplits(text: string): Promise<Array<[number, string[]]>> {
  const whole = await rows([text]);
  for (let k = 1; k < text.length; k++) expect(await rows([text.slice(0, k), text.slice(k)])).toEqual(whole);
  return whole;
}

describe('readCsvRows', () => {
  it('splits plain lines, with LF or CRLF, skipping empty lines and a BOM', async () => {
    expect(await allSplits('\ufeffa,b,c\r\n1,2,3\n\n4,,6\n')).toEqual([
      [1, ['a', 'b', 'c']],
      [2, ['1', '2', '3']],
      [4, ['4', '', '6']],
    ]);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks, counting lines', async () => {
    expect(await allSplits('id,name\n1,"Budi, S.Pd."\n2,"say ""hi"""\n3,"two\nlines",x\n4,last')).toEqual([
      [1, ['id', 'name']],
      [2, ['1', 'Budi, S.Pd.']],
      [3, ['2', 'say "hi"']],
      [4, ['3', 'two\nlines', 'x']],
      [6, ['4', 'last']],
    ]);
  });

  it('keeps an empty quoted field and a trailing empty field', async () => {
    expect(await allSplits('"",a,\n"x",""\n')).toEqual([
      [1, ['', 'a', '']],
      [2, ['x', '']],
    ]);
  });

  it('reads multi-byte characters split across chunks', async () => {
    const text = 'nama\nSoekarnó Hatta\n';
    const bytes = Buffer.from(text, 'utf8');
    for (let k = 1; k < bytes.length; k++) {
      const out: string[][] = [];
      async function* source() {
        yield bytes.subarray(0, k);
        yield bytes.subarray(k);
      }
      await readCsvRows(source(), (f) => out.push(f));
      expect(out).toEqual([['nama'], ['Soekarnó Hatta']]);
    }
  });

  it('names the line of an unclosed quote and of text after a closing quote', async () => {
    await expect(rows(['a\n1,"open\n2,x\n'])).rejects.toThrow(new CsvSyntaxError(2, 'tanda kutip (") tidak ditutup'));
    await expect(rows(['a\nb\n"x"y,1\n'])).rejects.toThrow(/baris 3: teks sesudah/);
  });
});
