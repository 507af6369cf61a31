/**
 * The incremental check after an import (issue 4): a members file's new and changed people
 * are checked against the registry in committed chunks; a killed check resumes (also by
 * importing the file again) and ends with the pairs of an uninterrupted one; a finished
 * check does nothing; `tepat import` runs it by default, skips it above a threshold or
 * when told, and reports it in its JSON summary.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, nationalActor, type TestDb } from '../support/db.js';
import type { Keyring } from '../../src/platform/keyring.js';
import { runIdentityJob } from '../../src/identity/run-identity-job.js';
import { checkImportedMembers, decideImportCheck } from '../../src/identity/check-import.js';
import { listPairs } from '../../src/identity/review-queue.js';
import { runImportCommand, type ImportCommandOptions } from '../../src/registry/import/cli.js';
import { UsageError } from '../../src/cli/args.js';
import { enqueueImport, findImport, ImportRunner, storeUpload } from '../../src/registry/upload-import.js';
import { devKeyring, duplicateRows, generatedFiles, importGenerated, memberIdsByRow, pairKey } from './support.js';

let t: TestDb;
let keyring: Keyring;
let dir: string;
/** Members files: the originals (imported before the identity job), and two halves of the duplicates. */
let fileA: string;
let fileB: string;
/** Member id by row of the generated members.csv (the truth's numbering), filled as files are imported. */
const rowOf = new Map<string, Map<number, number>>();
/** Row of each duplicates file → row of the generated members.csv. */
const origRows: { a?: Map<number, number>; b?: Map<number, number> } = {};

async function all<R>(sql: string, params: unknown[] = []): Promise<R[]> {
  return t.db.transaction(async ({ raw }) => (await raw.query<R>(sql, params)).rows, nationalActor);
}

/** Splits members.csv three ways; returns, per file, its row number → the original row. */
function splitThree(target: (row: number) => 'orig' | 'a' | 'b'): Record<'orig' | 'a' | 'b', { path: string; origRow: Map<number, number> }> {
  const lines = readFileSync(join(dir, 'members.csv'), 'utf8').split('\n');
  const out = {
    orig: { path: join(dir, 'members-orig.csv'), lines: [lines[0]!], origRow: new Map<number, number>() },
    a: { path: join(dir, 'members-dup-a.csv'), lines: [lines[0]!], origRow: new Map<number, number>() },
    b: { path: join(dir, 'members-dup-b.csv'), lines: [lines[0]!], origRow: new Map<number, number>() },
  };
  lines.slice(1).filter((l) => l !== '').forEach((l, x) => {
    const f = out[target(x + 2)];
    f.lines.push(l);
    f.origRow.set(f.lines.length, x + 2);
  });
  for (const f of Object.values(out)) writeFileSync(f.path, f.lines.join('\n') + '\n');
  return out;
}

/** Member ids of a file by the original members.csv row. */
async function idsByOrigRow(file: string, origRow: Map<number, number>): Promise<Map<number, number>> {
  const byRow = await memberIdsByRow(t.db, basename(file));
  const out = new Map<number, number>();
  for (const [row, id] of byRow) out.set(origRow.get(row)!, id);
  rowOf.set(basename(file), out);
  return out;
}

/** True pairs (generator's truth) with at least one member in `ids`, among the members imported so far. */
function truthFor(ids: Set<number>): Set<string> {
  const idOf = new Map<number, number>();
  for (const m of rowOf.values()) for (const [row, id] of m) idOf.set(row, id);
  const byPerson = new Map<string, Set<number>>();
  for (const d of duplicateRows(dir)) {
    const g = byPerson.get(d.personId) ?? new Set<number>();
    for (const row of [d.originalRow, d.duplicateRow]) if (idOf.has(row)) g.add(idOf.get(row)!);
    byPerson.set(d.personId, g);
  }
  const out = new Set<string>();
  for (const g of byPerson.values()) {
    const xs = [...g];
    for (let i = 0; i < xs.length; i++) for (let j = i + 1; j < xs.length; j++) if (ids.has(xs[i]!) || ids.has(xs[j]!)) out.add(pairKey(xs[i]!, xs[j]!));
  }
  return out;
}

async function pairsOf(ids: number[]): Promise<Array<{ k: string; status: string; probability: number }>> {
  return (await all<{ a: number; b: number; status: string; probability: number }>(
    `select member_a as a, member_b as b, status, probability from identity_pair
      where member_a = any($1::bigint[]) or member_b = any($1::bigint[]) order by member_a, member_b`, [ids]))
    .map((p) => ({ k: pairKey(Number(p.a), Number(p.b)), status: p.status, probability: Number(p.probability) }));
}

/** Members an import wrote (and no later import rewrote), in id order. */
async function membersOf(importId: number): Promise<number[]> {
  return (await all<{ id: number }>('select id from member where source_file_id = $1 order by id', [importId])).map((r) => Number(r.id));
}

async function importRow(id: number) {
  return (await all<{ identity_checked_through: number | null; identity_check_status: string | null; inserted: number }>(
    'select identity_checked_through, identity_check_status, inserted from import_file where id = $1', [id]))[0]!;
}

async function latestImportOf(file: string): Promise<number> {
  return Number((await all<{ id: number }>('select id from import_file where file_name = $1 order by id desc limit 1', [basename(file)]))[0]!.id);
}

async function cli(argv: string[], opts: ImportCommandOptions = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => { out += c.toString(); });
  stderr.on('data', (c: Buffer) => { err += c.toString(); });
  const code = await runImportCommand(argv, { stdout, stderr }, { db: t.db, keyring }, opts);
  return { code, stdout: out, stderr: err };
}

const checkAudits = async () => Number((await all<{ n: number }>(`select count(*)::int as n from audit_log where action = 'identity.check'`))[0]!.n);

beforeAll(async () => {
  t = await openTestDb();
  keyring = await devKeyring(t.db);
  dir = await generatedFiles(200, 991);
  const dups = duplicateRows(dir).map((d) => d.duplicateRow);
  const half = new Set(dups.filter((_, i) => i % 2 === 0));
  const dupSet = new Set(dups);
  const files = splitThree((row) => (!dupSet.has(row) ? 'orig' : half.has(row) ? 'a' : 'b'));
  fileA = files.a.path;
  fileB = files.b.path;
  await importGenerated(t.db, keyring, dir, files.orig.path);
  await idsByOrigRow(files.orig.path, files.orig.origRow);
  const job = await runIdentityJob({ db: t.db, keyring }, nationalActor);
  expect(job.modelId).not.toBeNull();
  // Files A and B are imported by the CLI tests below; their rows are mapped then.
  origRows.a = files.a.origRow;
  origRows.b = files.b.origRow;
}, 600_000);
afterAll(async () => {
  await t?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('when to check', () => {
  it('by default up to the threshold; the flags force or refuse it', () => {
    expect(decideImportCheck({ inserted: 30, updated: 20 }, { max: 50 })).toEqual({ run: true });
    expect(decideImportCheck({ inserted: 30, updated: 21 }, { max: 50 })).toEqual({ run: false, reason: 'too_many' });
    expect(decideImportCheck({ inserted: 50_000, updated: 0 }, {})).toEqual({ run: true });
    expect(decideImportCheck({ inserted: 50_001, updated: 0 }, {})).toEqual({ run: false, reason: 'too_many' });
    expect(decideImportCheck({ inserted: 50_001, updated: 0 }, { force: true })).toEqual({ run: true });
    expect(decideImportCheck({ inserted: 1, updated: 0 }, { never: true })).toEqual({ run: false, reason: 'disabled' });
  });
});

describe('tepat import and the check', () => {
  it('--tanpa-cek-duplikat imports without checking and marks the import skipped', async () => {
    const r = await cli([fileA, '--tanpa-cek-duplikat']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('cek duplikat tidak dijalankan');
    const a = await idsByOrigRow(fileA, origRows.a!);
    expect(a.size).toBeGreaterThan(20);
    const id = await latestImportOf(fileA);
    expect(await importRow(id)).toMatchObject({ identity_check_status: 'skipped', identity_checked_through: null });
    expect(await pairsOf([...a.values()])).toEqual([]);
  });

  it('above the threshold: skipped with the advice to run the regency job; the JSON keeps its fields and adds identityCheck', async () => {
    const r = await cli([fileB, '--json'], { checkMaxPeople: 3 });
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { files: Array<Record<string, unknown>> };
    expect(Object.keys(json.files[0]!).sort()).toEqual(
      ['file', 'identityCheck', 'imported', 'inserted', 'kind', 'rejected', 'resumedAfterRows', 'rows', 'seconds', 'unchanged', 'updated']);
    expect(json.files[0]).toMatchObject({ kind: 'members', identityCheck: { skipped: 'too_many' } });
    expect(json.files[0]!.imported).toBeGreaterThan(3);
    expect(r.stderr).toContain('tepat identity run --region KODE');
    const b = await idsByOrigRow(fileB, origRows.b!);
    expect(await importRow(await latestImportOf(fileB))).toMatchObject({ identity_check_status: 'skipped' });
    expect(await pairsOf([...b.values()])).toEqual([]);
  });

  it('refuses both flags at once', async () => {
    await expect(cli([fileA, '--cek-duplikat', '--tanpa-cek-duplikat'])).rejects.toBeInstanceOf(UsageError);
  });
});

describe('checkImportedMembers', () => {
  let importA: number;
  let idsA: number[];
  let resumedPairs: Awaited<ReturnType<typeof pairsOf>>;

  it('an interrupted check resumes after its last committed chunk and finds the duplicates', async () => {
    importA = Number((await all<{ id: number }>('select min(id) as id from import_file where file_name = $1', [basename(fileA)]))[0]!.id);
    idsA = await membersOf(importA);
    // A row of file B with the key of a row of file A updated that member: B owns it now.
    expect(idsA.length).toBeLessThanOrEqual(rowOf.get(basename(fileA))!.size);
    const deps = { db: t.db, keyring, actor: nationalActor };
    let chunks = 0;
    await expect(checkImportedMembers(deps, importA, {
      chunkSize: 7,
      onProgress: () => { if (++chunks === 1) throw new Error('killed'); },
    })).rejects.toThrow('killed');
    // The first chunk committed: its cursor is the 7th member id; its pairs are stored.
    expect(await importRow(importA)).toMatchObject({ identity_checked_through: idsA[6], identity_check_status: null });
    const afterOne = await pairsOf(idsA.slice(0, 7));
    expect(afterOne.length).toBeGreaterThan(0);

    const progress: number[] = [];
    const resumed = await checkImportedMembers(deps, importA, { chunkSize: 7, onProgress: (p) => progress.push(p.total) });
    expect(resumed).toMatchObject({ checked: idsA.length - 7, resumed: true });
    expect(progress[0]).toBe(idsA.length - 7);
    expect(await importRow(importA)).toMatchObject({ identity_checked_through: idsA.at(-1), identity_check_status: 'done' });

    resumedPairs = await pairsOf(idsA);
    const truth = truthFor(new Set(idsA));
    const found = new Set(resumedPairs.map((p) => p.k));
    const hit = [...truth].filter((k) => found.has(k)).length;
    console.log(`check after import: ${idsA.length} people, recall ${hit}/${truth.size}, ${resumedPairs.length} pairs stored (${t.db.kind})`);
    expect(truth.size).toBeGreaterThan(10);
    expect(hit / truth.size).toBeGreaterThanOrEqual(0.85);
    // The pairs left for review are in the review queue.
    const pending = resumedPairs.filter((p) => p.status === 'pending').length;
    const queue = await t.db.transaction((tx) => listPairs(tx, keyring, { status: 'pending', limit: 1000 }), nationalActor);
    const ids = new Set(idsA);
    expect(queue.items.filter((p) => ids.has(p.a.memberId) || ids.has(p.b.memberId)).length).toBe(pending);
  });

  it('a finished check does nothing when run again', async () => {
    const audits = await checkAudits();
    const r = await checkImportedMembers({ db: t.db, keyring, actor: nationalActor }, importA, { chunkSize: 7 });
    expect(r).toMatchObject({ checked: 0, pairs: 0 });
    expect(await checkAudits()).toBe(audits);
    expect(await pairsOf(idsA)).toEqual(resumedPairs);
  });

  it('ends with the same pairs as an uninterrupted check', async () => {
    // Back to the state before the check, as the owner (the app role may not delete these).
    await t.db.transaction(async ({ raw }) => {
      await raw.query('delete from identity_pair where member_a = any($1::bigint[]) or member_b = any($1::bigint[])', [idsA]);
      await raw.query('delete from identity_key where member_id = any($1::bigint[])', [idsA]);
      await raw.query('delete from identity_keyed where member_id = any($1::bigint[])', [idsA]);
      await raw.query('update import_file set identity_checked_through = null, identity_check_status = null where id = $1', [importA]);
    });
    expect(await pairsOf(idsA)).toEqual([]);
    const r = await checkImportedMembers({ db: t.db, keyring, actor: nationalActor }, importA, { chunkSize: 7 });
    expect(r).toMatchObject({ checked: idsA.length, resumed: false });
    expect(await pairsOf(idsA)).toEqual(resumedPairs);
  });

  it('importing the file again takes up a check that was killed, and compares with people checked earlier', async () => {
    const importB = Number((await all<{ id: number }>('select min(id) as id from import_file where file_name = $1', [basename(fileB)]))[0]!.id);
    const idsB = await membersOf(importB);
    await expect(checkImportedMembers({ db: t.db, keyring, actor: nationalActor }, importB, {
      chunkSize: 5, onProgress: () => { throw new Error('killed'); },
    })).rejects.toThrow('killed');
    expect(await importRow(importB)).toMatchObject({ identity_checked_through: idsB[4], identity_check_status: null });

    const r = await cli([fileB, '--json']);
    const file = (JSON.parse(r.stdout) as { files: Array<{ imported: number; identityCheck: Record<string, unknown> }> }).files[0]!;
    expect(file.imported).toBe(0);
    expect(file.identityCheck).toMatchObject({ checked: idsB.length - 5, resumed: true });
    expect(await importRow(importB)).toMatchObject({ identity_check_status: 'done' });
    expect(await importRow(await latestImportOf(fileB))).toMatchObject({ identity_check_status: 'done', inserted: 0 });

    const truth = truthFor(new Set(idsB));
    const found = new Set((await pairsOf(idsB)).map((p) => p.k));
    const hit = [...truth].filter((k) => found.has(k)).length;
    expect(hit / truth.size).toBeGreaterThanOrEqual(0.85);
    // Some of B's people duplicate people of file A, checked before B.
    const a = new Set(idsA);
    expect([...found].some((k) => k.split('-').some((x) => a.has(Number(x))))).toBe(true);
  });

  it('a console upload of a members file checks the people it changed and reports it in the job result', async () => {
    // File A again with working hours changed on four rows: four updated members to check.
    const [header, ...rows] = readFileSync(fileA, 'utf8').trimEnd().split('\n');
    const hours = header!.split(',').indexOf('jam_kerja');
    let changed = 0;
    const edited = rows.map((line) => {
      const cells = line.split(',');
      if (changed < 4 && /^\d+$/.test(cells[hours] ?? '')) {
        cells[hours] = String(Number(cells[hours]) === 40 ? 41 : 40);
        changed++;
      }
      return cells.join(',');
    });
    expect(changed).toBe(4);
    const takenOver = rowOf.get(basename(fileA))!.size - (await membersOf(importA)).length;
    const uploads = mkdtempSync(join(tmpdir(), 'tepat-upload-'));
    try {
      const deps = { db: t.db, keyring };
      const stored = await storeUpload(uploads, Buffer.from([header, ...edited].join('\n') + '\n'), { fileName: 'anggota-ubah.csv', maxBytes: 1 << 20 });
      const id = await enqueueImport(deps, nationalActor, stored);
      const runner = new ImportRunner(deps);
      runner.start(id);
      await runner.idle();
      const job = (await all<{ status: string; result: { updated: number; importFileId: number; identityCheck: Record<string, unknown> } }>(
        'select status, result from job where id = $1', [id]))[0]!;
      expect(job.status).toBe('done');
      // The four edited rows, and members file B took over (their rows in A differ from B's).
      expect(job.result.updated).toBe(4 + takenOver);
      expect(job.result.identityCheck).toMatchObject({ checked: 4 + takenOver });
      expect(await importRow(job.result.importFileId)).toMatchObject({ identity_check_status: 'done' });
      // The console's import status reports the check.
      expect((await findImport(t.db, nationalActor, id))?.identityCheck).toMatchObject({ state: 'done', checked: 4 + takenOver });
    } finally {
      rmSync(uploads, { recursive: true, force: true });
    }
  });
});
