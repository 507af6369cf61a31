import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { csvHead, parseRecords, recordRuns, sniffDialect, type RecordRun } from './csv-records.js';

async function* chunksOf(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** Records of a whole file (header included in `text`), as [row, cells], through both steps. */
async function readAll(text: string, chunk: number, maxRecords: number, skipRecords = 0): Promise<Array<[number, string[]]>> {
  const bytes = Buffer.from(text);
  const head = csvHead(bytes, true);
  const delimiter = String.fromCharCode(head.dialect.delimiter);
  const newline = String.fromCharCode(head.dialect.newline);
  const out: Array<[number, string[]]> = [];
  const runs: RecordRun[] = [];
  for await (const run of recordRuns(chunksOf(bytes.subarray(head.dataOffset), chunk), head.dialect, { maxRecords, skipRecords, rowsBefore: head.rowsBefore })) runs.push(run);
  for (const run of runs) {
    let n = 0;
    parseRecords(Buffer.from(run.bytes).toString('utf8'), run.rowsBefore, delimiter, newline, (row, cells) => { out.push([row, cells]); n++; });
    expect(n).toBe(run.records);
    expect(n).toBeLessThanOrEqual(maxRecords);
  }
  return out;
}

describe('CSV records', () => {
  it('read like csv-parse, cut anywhere into chunks and runs (deterministic fuzz)', async () => {
    let seed = 11;
    const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
    const pick = (a: string[]) => a[Math.floor(rnd() * a.length)]!;
    const field = () => (rnd() < 0.5
      ? Array.from({ length: Math.floor(rnd() * 6) }, () => pick(['a', ' ', 'é', '1'])).join('')
      : '"' + Array.from({ length: Math.floor(rnd() * 6) }, () => pick(['a', ',', ';', '\n', '""', '\r\n', 'ü'])).join('') + '"');
    for (let iter = 0; iter < 300; iter++) {
      const d = rnd() < 0.5 ? ',' : ';';
      const eol = rnd() < 0.7 ? '\n' : '\r\n';
      let text = `h1${d}h2${eol}`;
      const rows = 1 + Math.floor(rnd() * 10);
      for (let r = 0; r < rows; r++) {
        if (rnd() < 0.1) { text += eol; continue; }
        text += Array.from({ length: 1 + Math.floor(rnd() * 3) }, field).join(d);
        if (r < rows - 1 || rnd() < 0.7) text += eol;
      }
      const expected = (parse(text, { delimiter: d, relax_column_count: true, skip_empty_lines: true, info: true }) as unknown as Array<{ info: { lines: number }; record: string[] }>)
        .slice(1).map((r) => [r.info.lines, r.record] as [number, string[]]);
      // csv-parse numbers physical lines; a spreadsheet shows a multi-line cell as one row.
      const multiline = expected.some(([, cells]) => cells.some((c) => /[\r\n]/.test(c)));
      for (const [chunk, max, skip] of [[1, 1, 0], [5, 2, 1], [64, 3, 0], [1 << 16, 1000, 2]] as const) {
        const got = await readAll(text, chunk, max, skip);
        const want = expected.slice(skip);
        if (multiline) expect(got.map(([, c]) => c)).toEqual(want.map(([, c]) => c));
        else expect(got).toEqual(want);
      }
    }
  });

  it('numbers rows as a spreadsheet does: a cell with a line break stays on one row', async () => {
    expect(await readAll('a,b\n1,"x\ny"\n\n2,z\n', 3, 10)).toEqual([[2, ['1', 'x\ny']], [4, ['2', 'z']]]);
  });

  it('keeps a stray quote inside a cell as written instead of failing the file', async () => {
    expect(await readAll('a,b\n1,2"x\n"3"y,4\n', 2, 10)).toEqual([[2, ['1', '2"x']], [3, ['3y', '4']]]);
  });

  it('stops with a clear message at a quote left open', async () => {
    await expect(readAll('a,b\n1,"open\n2,3\n', 4, 10)).rejects.toThrow(/tanda petik .* baris 2 tidak ditutup/);
  });

  it('reads semicolons, a BOM, CR-only line ends and a last line without line end', async () => {
    expect(sniffDialect(Buffer.from('a;b,c;d\r1;2'))).toEqual({ delimiter: 0x3b, newline: 0x0d });
    expect(csvHead(Buffer.from('\uFEFF\nno_kk;nama\n1;2'), true)).toMatchObject({ header: ['no_kk', 'nama'], rowsBefore: 2 });
    expect(await readAll('a;b\r1;2\r3;4', 2, 1)).toEqual([[2, ['1', '2']], [3, ['3', '4']]]);
    expect(() => csvHead(Buffer.from('\n\n'), true)).toThrow(/Berkas kosong/);
  });
});
