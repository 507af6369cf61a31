import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { familyColumns, memberColumns } from '../registry/import-columns.js';
import { readRegions } from '../regions/data.js';
import { validateRow, type ValidationContext } from '../registry/validate-row.js';
import { generateFiles, type GenerateFilesOptions } from './write-files.js';

const dirs: string[] = [];
afterAll(async () => { await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))); });

async function generate(o: Omit<GenerateFilesOptions, 'out'>): Promise<{ dir: string; files: Record<string, Buffer> }> {
  const dir = await mkdtemp(join(tmpdir(), 'tepat-generate-'));
  dirs.push(dir);
  await generateFiles({ ...o, out: dir });
  const files: Record<string, Buffer> = {};
  for (const name of (await readdir(dir)).sort()) files[name] = await readFile(join(dir, name));
  return { dir, files };
}

/** Rows of a CSV as arrays, header first; the line number of rows[i] is i + 1. */
function rows(buf: Buffer | undefined): string[][] {
  if (!buf) throw new Error('missing file');
  return parse(buf, { relax_column_count: false }) as string[][];
}

function records(buf: Buffer | undefined): Record<string, string>[] {
  const [header, ...data] = rows(buf);
  return data.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!])));
}

const villages = new Set(readRegions().filter((r) => r.level === 4).map((r) => r.code));
const districts = new Set(readRegions().filter((r) => r.level === 3).map((r) => r.code));
const ctx: ValidationContext = {
  isKnownVillage: (c) => villages.has(c),
  isKnownDistrict: (c) => districts.has(c),
  today: new Date('2025-07-01T00:00:00Z'),
};

describe('generateFiles: clean files', async () => {
  const a = await generate({ families: 400, seed: 3 });
  const b = await generate({ families: 400, seed: 3 });
  const c = await generate({ families: 400, seed: 4 });

  it('writes identical bytes for the same seed and different bytes for another seed', () => {
    expect(Object.keys(a.files)).toEqual(['families.csv', 'members.csv', 'truth.csv']);
    for (const name of Object.keys(a.files)) expect(a.files[name]!.equals(b.files[name]!), name).toBe(true);
    for (const name of Object.keys(a.files)) expect(a.files[name]!.equals(c.files[name]!), name).toBe(false);
  });

  it('uses the import columns, in order, with a header, comma-separated UTF-8 without BOM', () => {
    expect(rows(a.files['families.csv'])[0]).toEqual(familyColumns.map((col) => col.name));
    expect(rows(a.files['members.csv'])[0]).toEqual(memberColumns.map((col) => col.name));
    expect(a.files['members.csv']![0]).toBe('n'.charCodeAt(0));
    expect(a.files['members.csv']!.toString('utf8').split('\n')[0]).toBe(memberColumns.map((col) => col.name).join(','));
  });

  it('keeps the hidden truth out of the import files and has one truth row per family', () => {
    const fams = records(a.files['families.csv']);
    const truth = records(a.files['truth.csv']);
    expect(truth.map((t) => t.no_kk)).toEqual(fams.map((f) => f.no_kk));
    for (const t of truth) {
      expect(Number(t.konsumsi_per_kapita)).toBeGreaterThan(0);
      expect(t.miskin).toBe(Number(t.konsumsi_per_kapita) < Number(t.garis_kemiskinan) ? 'ya' : 'tidak');
    }
    const header = rows(a.files['families.csv'])[0]!.join(',') + rows(a.files['members.csv'])[0]!.join(',');
    expect(header).not.toMatch(/konsumsi|miskin|welfare/);
  });

  it('imports every row without rejection, members linked to a family in the file', () => {
    const kks = new Set(records(a.files['families.csv']).map((f) => f.no_kk));
    for (const r of rows(a.files['families.csv']).slice(1)) {
      const v = validateRow(familyColumns, r, ctx);
      expect(v.ok ? [] : v.errors).toEqual([]);
    }
    for (const r of rows(a.files['members.csv']).slice(1)) {
      const v = validateRow(memberColumns, r, ctx);
      expect(v.ok ? [] : v.errors).toEqual([]);
      expect(kks.has(r[0]!)).toBe(true);
    }
  });
});

describe('generateFiles: duplicates', async () => {
  const rate = 0.1;
  const g = await generate({ families: 1500, seed: 5, duplicateRate: rate });
  const truthFamilies = records(g.files['truth.csv']).length;
  const members = rows(g.files['members.csv']);
  const dups = records(g.files['duplicates.csv']);
  const col = (name: string): number => memberColumns.findIndex((c) => c.name === name);

  it('adds duplicate member records at the requested rate, as extra rows and family cards', () => {
    const originals = members.length - 1 - dups.length;
    expect(dups.length / originals).toBeGreaterThan(rate - 0.01);
    expect(dups.length / originals).toBeLessThan(rate + 0.01);
    expect(records(g.files['families.csv']).length).toBeGreaterThan(truthFamilies);
    expect(new Set(dups.map((d) => d.event))).toEqual(new Set(['family_reregistered', 'person_own_family', 'person_in_other_family']));
  });

  it('points every duplicate at its row and at the real original person', () => {
    const dupRows = new Set(dups.map((d) => Number(d.duplicate_row)));
    for (const d of dups) {
      const dup = members[Number(d.duplicate_row) - 1]!;
      expect([dup[col('nik')], dup[col('nama')], dup[col('tanggal_lahir')], dup[col('no_kk')]])
        .toEqual([d.duplicate_nik, d.duplicate_name, d.duplicate_birth_date, d.duplicate_no_kk]);
      const orig = members[Number(d.original_row) - 1]!;
      expect(dupRows.has(Number(d.original_row))).toBe(false);
      expect([orig[col('nik')], orig[col('nama')], orig[col('tanggal_lahir')], orig[col('no_kk')]])
        .toEqual([d.original_nik, d.original_name, d.original_birth_date, d.original_no_kk]);
      expect(Number(d.original_row)).toBeLessThan(Number(d.duplicate_row));
      expect(dup[col('jenis_kelamin')]).toBe(orig[col('jenis_kelamin')]);
    }
  });

  it('records the corruption applied: exact copies are exact, and each kind shows', () => {
    const seen = new Set<string>();
    for (const d of dups) {
      const kinds = d.corruptions === '' ? [] : d.corruptions!.split(';');
      kinds.forEach((k) => seen.add(k));
      const has = (k: string): boolean => kinds.includes(k);
      if (!kinds.some((k) => k.startsWith('name_'))) expect(d.duplicate_name).toBe(d.original_name);
      else expect(d.duplicate_name).not.toBe(d.original_name);
      if (!kinds.some((k) => k.startsWith('nik_'))) expect(d.duplicate_nik).toBe(d.original_nik);
      if (!kinds.some((k) => k.startsWith('birth_'))) expect(d.duplicate_birth_date).toBe(d.original_birth_date);
      else expect(d.duplicate_birth_date).not.toBe(d.original_birth_date);
      if (has('nik_missing')) expect(d.duplicate_nik).toBe('');
      if (has('nik_is_kk')) expect(d.duplicate_nik).toBe(d.duplicate_no_kk);
      if (has('nik_digit_swap')) expect([...d.duplicate_nik!].sort().join('')).toBe([...d.original_nik!].sort().join(''));
      if (has('birth_jan1')) expect(d.duplicate_birth_date!.slice(4)).toBe('-01-01');
      if (has('name_title')) expect(d.duplicate_name).toMatch(/^(H\.|Hj\.) |, [A-Z]/);
    }
    for (const k of ['name_typo', 'name_old_spelling', 'name_title', 'nik_digit_swap', 'nik_digit_substitution', 'nik_missing',
      'nik_is_kk', 'nik_placeholder', 'birth_day_month_swap', 'birth_jan1', 'birth_year_shift']) expect(seen).toContain(k);
    expect(dups.filter((d) => d.corruptions === '').length / dups.length).toBeGreaterThan(0.1);
    expect(dups.some((d) => d.moved === 'ya')).toBe(true);
  });

  it('lists lookalikes that are different people: twins, sons named after fathers, common names', () => {
    const look = records(g.files['lookalikes.csv']);
    expect(look.length).toBeGreaterThan(5);
    for (const l of look) {
      const a = members[Number(l.row_a) - 1]!;
      const b = members[Number(l.row_b) - 1]!;
      expect(l.person_id_a).not.toBe(l.person_id_b);
      expect(a[col('nama')]).toBe(l.name_a);
      expect(b[col('nama')]).toBe(l.name_b);
      if (l.kind === 'twins') {
        expect(a[col('tanggal_lahir')]).toBe(b[col('tanggal_lahir')]);
        expect(a[col('no_kk')]).toBe(b[col('no_kk')]);
      } else {
        expect(l.name_a).toBe(l.name_b);
        if (l.kind === 'named_after_father') expect(a[col('tanggal_lahir')]! < b[col('tanggal_lahir')]!).toBe(true);
      }
      if (l.nik_a !== '' && l.nik_b !== '') expect(l.nik_a).not.toBe(l.nik_b);
    }
  });

  it('leaves the population unchanged: original rows equal those of a run without duplicates', async () => {
    const clean = await generate({ families: 1500, seed: 5 });
    const dupRows = new Set(dups.map((d) => Number(d.duplicate_row)));
    const originals = members.filter((_, i) => !dupRows.has(i + 1));
    expect(originals).toEqual(rows(clean.files['members.csv']));
    expect(g.files['truth.csv']!.equals(clean.files['truth.csv']!)).toBe(true);
  });
});

describe('generateFiles: damaged rows', async () => {
  const rate = 0.08;
  const g = await generate({ families: 1500, seed: 9, errorRate: rate });
  const errors = records(g.files['errors.csv']);
  const files: Record<string, { rows: string[][]; columns: typeof memberColumns }> = {
    'families.csv': { rows: rows(g.files['families.csv']), columns: familyColumns },
    'members.csv': { rows: rows(g.files['members.csv']), columns: memberColumns },
  };

  it('damages about the requested share of rows and records each damaged cell', () => {
    const total = files['families.csv']!.rows.length + files['members.csv']!.rows.length - 2;
    expect(errors.length / total).toBeGreaterThan(rate * 0.7);
    expect(errors.length / total).toBeLessThan(rate * 1.1);
    for (const e of errors) {
      const f = files[e.file!]!;
      const ci = f.columns.findIndex((c) => c.name === e.column);
      expect(f.rows[Number(e.row) - 1]![ci]).toBe(e.written);
      expect(e.written).not.toBe(e.original);
    }
    const kinds = new Set(errors.map((e) => e.kind));
    for (const k of ['nik_digit_swap', 'nik_digit_substitution', 'nik_scientific', 'date_excel_serial', 'date_dmy', 'stray_spaces', 'mixed_case', 'unknown_code']) {
      expect(kinds).toContain(k);
    }
    expect(errors.find((e) => e.kind === 'nik_scientific')!.written).toMatch(/^\d\.\d+E\+15$/);
  });

  it('matches what the importer does with each damaged row', () => {
    let checked = 0;
    for (const e of errors) {
      const f = files[e.file!]!;
      const v = validateRow(f.columns, f.rows[Number(e.row) - 1]!, ctx);
      const where = `${e.file}:${e.row} ${e.kind} ${e.written}`;
      if (e.expected === 'reject') expect(v.ok, where).toBe(false);
      else expect(v.ok ? [] : v.errors, where).toEqual([]);
      if (e.expected === 'warning') expect(v.warnings.length, where).toBeGreaterThan(0);
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('leaves undamaged rows clean', () => {
    const damaged = new Set(errors.map((e) => `${e.file}:${e.row}`));
    for (const [name, f] of Object.entries(files)) {
      f.rows.slice(1).forEach((r, i) => {
        if (damaged.has(`${name}:${i + 2}`)) return;
        const v = validateRow(f.columns, r, ctx);
        expect(v.ok ? [] : v.errors).toEqual([]);
      });
    }
  });
});
