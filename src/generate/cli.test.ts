import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runGenerateCommand } from './cli.js';

const dirs: string[] = [];
afterAll(async () => { await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))); });

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'tepat-generate-cli-'));
  dirs.push(d);
  return d;
}

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (b: Buffer) => out.push(b));
  stderr.on('data', (b: Buffer) => err.push(b));
  const code = await runGenerateCommand(argv, { stdout, stderr });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

describe('tepat generate: arguments', () => {
  it.each([
    [['--families', '10'], /--out/],
    [['--out', 'x', '--families', 'abc'], /--families/],
    [['--out', 'x', '--families', '0'], /--families/],
    [['--out', 'x', '--families', '-5'], /--families/],
    [['--out', 'x', '--seed', '1.5'], /--seed/],
    [['--out', 'x', '--regions', '99.99'], /99\.99/],
    [['--out', 'x', '--regions', '32.01,bogor'], /bogor/],
    [['--out', 'x', '--duplicate-rate', '2'], /--duplicate-rate/],
    [['--out', 'x', '--error-rate', 'banyak'], /--error-rate/],
    [['--out', 'x', '--reference-date', '2025-02-30'], /--reference-date/],
    [['--out', 'x', '--frobnicate'], /frobnicate/],
    [['--out'], /--out/],
  ])('rejects %j with exit code 2 and a message in Indonesian and English', async (argv, pattern) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr).toMatch(/Galat \/ error/);
    expect(r.stderr).toMatch(/Pemakaian \/ usage/);
    expect(r.stdout).toBe('');
  });

  it('prints help with exit code 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--duplicate-rate/);
  });

  it('exits 1 with a message when the output folder cannot be written', async () => {
    const dir = await tempDir();
    const file = join(dir, 'a-file');
    await writeFile(file, 'not a folder');
    const r = await run(['--families', '5', '--out', join(file, 'sub')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/could not write/);
  });
});

describe('tepat generate: a run', () => {
  it('writes the files and prints a JSON summary with --json', async () => {
    const dir = await tempDir();
    const r = await run(['--families', '50', '--seed', '7', '--out', dir, '--regions', '51.71,13.71', '--duplicate-rate', '0.1', '--error-rate', '0.05', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { families: number; members: number; files: string[]; duplicateMembers: number; regions: string[] };
    expect(summary.families).toBe(50);
    expect(summary.regions).toEqual(['51.71', '13.71']);
    expect(summary.files).toEqual(['families.csv', 'members.csv', 'truth.csv', 'duplicates.csv', 'lookalikes.csv', 'errors.csv']);
    const families = (await readFile(join(dir, 'truth.csv'), 'utf8')).trim().split('\n').slice(1);
    expect(families).toHaveLength(50);
    expect(families.every((l) => /,(51\.71|13\.71)\./.test(l))).toBe(true);
    const members = (await readFile(join(dir, 'members.csv'), 'utf8')).trim().split('\n').length - 1;
    expect(members).toBe(summary.members + summary.duplicateMembers);
  });

  it('prints a short Indonesian summary without --json', async () => {
    const dir = await tempDir();
    const r = await run(['--families', '20', '--out', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^20 keluarga, \d+ anggota ditulis ke /);
  });
});
