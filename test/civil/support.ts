/**
 * Civil-registry tests: a registry imported from `tepat generate` files and a simulator
 * built from the same seed, so both hold "the same people".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../src/platform/db.js';
import { openKeyring, type Keyring } from '../../src/platform/keyring.js';
import { DEV_INDEX_KEY, DEV_MASTER_KEY } from '../../src/platform/config.js';
import { importFile } from '../../src/registry/import/import-file.js';
import { generateFiles } from '../../src/generate/write-files.js';
import { nationalActor } from '../support/db.js';

export const SEED = 20250701;

export async function devKeyring(db: Db): Promise<Keyring> {
  return openKeyring(db, { masterKey: DEV_MASTER_KEY, indexKey: DEV_INDEX_KEY });
}

/** Writes generated import files once per options; returns their folder. */
export async function generatedFiles(families: number, seed = SEED): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'tepat-civil-'));
  process.once('exit', () => rmSync(out, { recursive: true, force: true }));
  await generateFiles({ families, seed, out });
  return out;
}

/** Imports families.csv and members.csv from a generated folder. */
export async function importGenerated(db: Db, keyring: Keyring, dir: string): Promise<{ families: number; members: number }> {
  const f = await importFile({ db, keyring, actor: nationalActor }, join(dir, 'families.csv'));
  const m = await importFile({ db, keyring, actor: nationalActor }, join(dir, 'members.csv'));
  return { families: f.imported, members: m.imported };
}

export async function count(db: Db, sql: string, params: unknown[] = []): Promise<number> {
  return db.transaction(async (tx) => Number((await tx.raw.query<{ n: number }>(sql, params)).rows[0]!.n), nationalActor);
}
