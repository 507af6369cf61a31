/**
 * Identity tests: a registry imported from `tepat generate` files with planted duplicates,
 * and the generator's truth (duplicates.csv: each duplicate row → the original person).
 */
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Db } from '../../src/platform/db.js';
import { openKeyring, type Keyring } from '../../src/platform/keyring.js';
import { DEV_INDEX_KEY, DEV_MASTER_KEY } from '../../src/platform/config.js';
import { importFile } from '../../src/registry/import/import-file.js';
import { generateFiles } from '../../src/generate/write-files.js';
import { nationalActor } from '../support/db.js';

export const SEED = 4242;

export async function devKeyring(db: Db): Promise<Keyring> {
  return openKeyring(db, { masterKey: DEV_MASTER_KEY, indexKey: DEV_INDEX_KEY });
}

/** Generated import files with 15% duplicates and 5% damaged rows; returns their folder. */
export async function generatedFiles(families: number, seed = SEED): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'tepat-identity-'));
  await generateFiles({ families, seed, out, duplicateRate: 0.15, errorRate: 0.05 });
  return out;
}

type Row = Record<string, string>;
function readCsv(path: string): Row[] {
  return parse(readFileSync(path), { columns: true, bom: true }) as Row[];
}

/**
 * Writes members.csv split in two files: rows kept by `keep(rowNo)` and the rest, with
 * where each original row went (file and its row number there).
 */
export function splitMembers(dir: string, keep: (rowNo: number) => boolean): { first: string; second: string; moved: Map<number, { file: string; row: number }> } {
  const lines = readFileSync(join(dir, 'members.csv'), 'utf8').split('\n');
  const header = lines[0]!;
  // Row numbers as a spreadsheet shows them: header = 1. The generator writes no quoted newlines.
  const body = lines.slice(1).filter((l) => l !== '');
  const a = [header];
  const b = [header];
  const first = join(dir, 'members-a.csv');
  const second = join(dir, 'members-b.csv');
  const moved = new Map<number, { file: string; row: number }>();
  body.forEach((l, x) => {
    const target = keep(x + 2) ? a : b;
    target.push(l);
    moved.set(x + 2, { file: target === a ? 'members-a.csv' : 'members-b.csv', row: target.length });
  });
  writeFileSync(first, a.join('\n') + '\n');
  writeFileSync(second, b.join('\n') + '\n');
  return { first, second, moved };
}

/** Duplicate rows (members.csv row numbers) with the row of the person they duplicate. */
export function duplicateRows(dir: string): Array<{ duplicateRow: number; originalRow: number; personId: string }> {
  return readCsv(join(dir, 'duplicates.csv')).map((r) => ({
    duplicateRow: Number(r.duplicate_row), originalRow: Number(r.original_row), personId: r.original_person_id!,
  }));
}

/** Look-alike pairs that are different people (twins, a son named after his father, common names). */
export function lookalikeRows(dir: string): Array<{ kind: string; rowA: number; rowB: number }> {
  return readCsv(join(dir, 'lookalikes.csv')).map((r) => ({ kind: r.kind!, rowA: Number(r.row_a), rowB: Number(r.row_b) }));
}

export async function importGenerated(db: Db, keyring: Keyring, dir: string, membersFile = 'members.csv'): Promise<void> {
  await importFile({ db, keyring, actor: nationalActor }, join(dir, 'families.csv'));
  await importFile({ db, keyring, actor: nationalActor }, membersFile.startsWith('/') ? membersFile : join(dir, membersFile));
}

/** Member id by the row it was imported from (members files only). */
export async function memberIdsByRow(db: Db, fileName?: string): Promise<Map<number, number>> {
  return db.transaction(async ({ raw }) => {
    const rows = await raw.query<{ id: number; source_row: number }>(
      `select m.id, m.source_row from member m join import_file f on f.id = m.source_file_id
        where f.kind = 'members' and ($1::text is null or f.file_name = $1)`, [fileName ?? null]);
    return new Map(rows.rows.map((r) => [Number(r.source_row), Number(r.id)]));
  }, nationalActor);
}

function pairKey(a: number, b: number): string {
  return a < b ? `${a}-${b}` : `${b}-${a}`;
}

/** Every pair of members that are the same person according to the generator. */
export function truthPairs(dir: string, idOf: Map<number, number>): Set<string> {
  const groups = new Map<string, Set<number>>();
  for (const d of duplicateRows(dir)) {
    const g = groups.get(d.personId) ?? new Set<number>();
    for (const row of [d.originalRow, d.duplicateRow]) {
      const id = idOf.get(row);
      if (id !== undefined) g.add(id);
    }
    groups.set(d.personId, g);
  }
  const out = new Set<string>();
  for (const g of groups.values()) {
    const ids = [...g];
    for (let x = 0; x < ids.length; x++) for (let y = x + 1; y < ids.length; y++) out.add(pairKey(ids[x]!, ids[y]!));
  }
  return out;
}

/** Pairs implied by groups (connected components of the given links). */
export function groupPairs(links: ReadonlyArray<[number, number]>): Set<string> {
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let r = x;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  for (const [a, b] of links) {
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  }
  const groups = new Map<number, number[]>();
  for (const x of parent.keys()) {
    const r = find(x);
    groups.set(r, [...(groups.get(r) ?? []), x]);
  }
  const out = new Set<string>();
  for (const g of groups.values()) for (let x = 0; x < g.length; x++) for (let y = x + 1; y < g.length; y++) out.add(pairKey(g[x]!, g[y]!));
  return out;
}

export function quality(found: Set<string>, truth: Set<string>): { precision: number; recall: number; f1: number; tp: number; found: number; truth: number } {
  let tp = 0;
  for (const k of found) if (truth.has(k)) tp++;
  const precision = found.size === 0 ? 1 : tp / found.size;
  const recall = truth.size === 0 ? 1 : tp / truth.size;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, tp, found: found.size, truth: truth.size };
}

export { pairKey };
