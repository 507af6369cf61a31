/**
 * Kemendagri region codes from the `idn-area-data` package (data under ODbL; see
 * README for attribution). Its CSVs are read directly: the package's JavaScript
 * entry needs Node 22, the data does not.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type RegionLevel = 1 | 2 | 3 | 4;

export interface RegionRow {
  /** Dotted Kemendagri code: `32`, `32.01`, `32.01.01`, `32.01.01.2001`. */
  readonly code: string;
  readonly parentCode: string | null;
  readonly level: RegionLevel;
  readonly name: string;
}

function dataDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('idn-area-data/package.json')), 'data');
}

function parseSimpleCsv(text: string): string[][] {
  // The files are plain `code,parent,name` rows; names may be quoted when they hold commas.
  const rows: string[][] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === '') continue;
    const cells: string[] = [];
    let i = 0;
    while (i <= line.length) {
      if (line[i] === '"') {
        let value = '';
        i++;
        while (i < line.length) {
          if (line[i] === '"' && line[i + 1] === '"') { value += '"'; i += 2; }
          else if (line[i] === '"') { i++; break; }
          else { value += line[i]; i++; }
        }
        cells.push(value);
        i++; // comma
      } else {
        const end = line.indexOf(',', i);
        const stop = end === -1 ? line.length : end;
        cells.push(line.slice(i, stop));
        i = stop + 1;
      }
    }
    rows.push(cells);
  }
  return rows.slice(1);
}

let cached: RegionRow[] | undefined;

/**
 * All 38 provinces, 514 regencies/cities, 7,285 districts and 83,762 villages, parents first.
 * @example const villages = readRegions().filter((r) => r.level === 4);
 */
export function readRegions(): RegionRow[] {
  if (cached) return cached;
  const dir = dataDir();
  const out: RegionRow[] = [];
  const files: Array<[string, RegionLevel]> = [
    ['provinces.csv', 1], ['regencies.csv', 2], ['districts.csv', 3], ['villages.csv', 4],
  ];
  for (const [file, level] of files) {
    for (const cells of parseSimpleCsv(readFileSync(join(dir, file), 'utf8'))) {
      const code = cells[0] ?? '';
      const parentCode = level === 1 ? null : (cells[1] ?? null);
      const name = (level === 1 ? cells[1] : cells[2]) ?? '';
      out.push({ code, parentCode, level, name });
    }
  }
  cached = out;
  return out;
}
