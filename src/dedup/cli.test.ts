import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDedupCommand } from './cli.js';

const HEADER = 'record_id,nik,kk_number,full_name,sex,birth_place,birth_date,mother_name,address,village_code';
const GOOD = [
  HEADER,
  '1,3201011205900001,3201011001100001,Muhammad Rizki,L,Bandung,1990-05-12,Siti Aminah,Jl. Mawar No. 5 RT 003/RW 001,32.01.01.2001',
  '2,3201011205900001,,M. Rizky,L,Kab. Bandung,1990-12-05,St. Aminah,"Jalan Mawar 5, RT 3 RW 1",32.01.01.2001',
  '3,,,MOCH RISKI,L,Bandung,1990-05-12,Siti Aminah,,32.01.01.2001',
  '4,3201015507850002,3201011001100002,"Hj. Siti Aminah, S.Pd.",P,Garut,1985-07-15,Fatimah,Dusun Krajan RT 1,32.01.01.2002',
  '5,,,,,,,,,',
].join('\n');

function run(csv: string, extra: string[] = [], splitBytes?: number) {
  const dir = mkdtempSync(join(tmpdir(), 'dedup-cli-'));
  const input = join(dir, 'in.csv');
  writeFileSync(input, csv);
  const out: string[] = [];
  const err: string[] = [];
  const io = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) } };
  const clusters = join(dir, 'clusters.csv');
  const pairs = join(dir, 'pairs.csv');
  return runDedupCommand([input, '--out', clusters, '--pairs', pairs, ...extra], io, { splitBytes }).then((code) => ({
    code, dir, clusters, pairs, stdout: out.join(''), stderr: err.join(''),
  }));
}

describe('tepat dedup', () => {
  it('writes a cluster for every record and explained pairs', async () => {
    const r = await run(GOOD);
    expect(r.code).toBe(0);
    const rows = readFileSync(r.clusters, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('record_id,cluster_id');
    const cluster = Object.fromEntries(rows.slice(1).map((l) => l.split(',')));
    expect(Object.keys(cluster)).toEqual(['1', '2', '3', '4', '5']);
    expect(cluster['1']).toBe(cluster['2']);
    expect(cluster['1']).toBe(cluster['3']);
    expect(cluster['4']).not.toBe(cluster['1']);
    const pairs = readFileSync(r.pairs, 'utf8');
    expect(pairs.split('\n')[0]).toBe('record_id_a,record_id_b,probability,weight,decision,cluster_a,cluster_b,explanation');
    expect(pairs).toContain('1,2,');
    expect(pairs).toContain('NIK sama');
    expect(r.stdout).toContain('5 catatan');
  });

  it.each([
    ['a missing record_id column', 'nik,full_name\n1,Budi', /baris 1: kolom record_id/],
    ['a duplicate record_id', `${HEADER}\n7,,,Budi,L,,,,,\n7,,,Ani,P,,,,,`, /baris 3: record_id 7 sudah dipakai di baris 2/],
    ['a bad sex value', `${HEADER}\n1,,,Budi,X,,,,,`, /baris 2: sex "X"/],
    ['a bad birth date', `${HEADER}\n1,,,Budi,L,,1990-02-30,,,`, /baris 2: birth_date "1990-02-30"/],
    ['a non-ISO birth date', `${HEADER}\n1,,,Budi,L,,12/05/1990,,,`, /baris 2: birth_date/],
    ['a ragged row', `${HEADER}\n1,,,Budi,L,,,,,\n2,,,Ani`, /baris 3: 4 kolom, header punya 10/],
    ['an empty record_id', `${HEADER}\n,,,Budi,L,,,,,`, /baris 2: record_id kosong/],
    ['an unclosed quote', `${HEADER}\n1,,,Budi,L,,,,,\n2,,,"Ani,P,,,,,\n3,,,Ida,P,,,,,`, /baris 3: tanda kutip/],
  ])('rejects %s with exit 2, names the row, writes nothing', async (_label, csv, message) => {
    const r = await run(csv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(existsSync(r.clusters)).toBe(false);
    expect(existsSync(r.pairs)).toBe(false);
  });

  describe('on two threads (input split near the middle)', () => {
    const many = (rows: string[]) => [HEADER, ...rows].join('\n');
    const people = Array.from({ length: 40 }, (_, k) => `${k + 10},,,Orang Nomor${String.fromCharCode(97 + (k % 26))}${String.fromCharCode(97 + Math.floor(k / 26))},L,Bandung,19${60 + (k % 30)}-0${1 + (k % 9)}-1${k % 10},,"Jl. Mawar ${k}, RT 1",32.01.01.2001`);

    it('gives the same clusters as one thread, with a quoted line break near the middle', async () => {
      const rows = [...GOOD.split('\n').slice(1), ...people];
      rows.splice(22, 0, '99,,,"Budi\nSantoso",L,,1970-01-01,,,');
      const one = await run(many(rows));
      const two = await run(many(rows), [], 1);
      expect(one.code).toBe(0);
      expect(two.code).toBe(0);
      expect(readFileSync(two.clusters, 'utf8')).toBe(readFileSync(one.clusters, 'utf8'));
      expect(readFileSync(two.pairs, 'utf8')).toBe(readFileSync(one.pairs, 'utf8'));
    }, 60_000);

    it('names a record_id of the second half already used in the first, and a bad row there', async () => {
      const rows = [...people];
      rows.push('10,,,Ganda,L,,,,,');
      rows.push('77,,,Budi,X,,,,,');
      const r = await run(many(rows), [], 1);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('baris 42: record_id 10 sudah dipakai di baris 2');
      expect(r.stderr).toContain('baris 43: sex "X"');
      expect(existsSync(r.clusters)).toBe(false);
    }, 60_000);
  });

  it('leaves an existing output untouched when the input is bad', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dedup-cli-'));
    const input = join(dir, 'in.csv');
    const out = join(dir, 'out.csv');
    writeFileSync(input, `${HEADER}\n1,,,Budi,L,,,,,\n1,,,Budi,L,,,,,`);
    writeFileSync(out, 'previous');
    const io = { stdout: { write: () => true }, stderr: { write: () => true } };
    expect(await runDedupCommand([input, '--out', out], io)).toBe(2);
    expect(readFileSync(out, 'utf8')).toBe('previous');
  });

  it('rejects bad arguments and a missing file with exit 2', async () => {
    const io = { stdout: { write: () => true }, stderr: { write: () => true } };
    expect(await runDedupCommand([], io)).toBe(2);
    expect(await runDedupCommand(['x.csv'], io)).toBe(2);
    expect(await runDedupCommand(['/nonexistent/x.csv', '--out', '/tmp/never.csv'], io)).toBe(2);
  });
});
