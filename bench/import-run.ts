/**
 * One import scenario in its own process (so its peak memory is its own):
 *   npx tsx bench/import-run.ts --dir D --target pg|pglite [--pg-url URL] [--plaintext]
 * Prints one JSON line. `--plaintext` swaps the field cipher for an identity function,
 * to measure what encryption costs; it exists only here, never in the product.
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { openDb } from '../src/platform/db.js';
import { migrate } from '../src/platform/migrate.js';
import { loadRegions } from '../src/regions/load.js';
import { openKeyring, type Keyring } from '../src/platform/keyring.js';
import { DEV_INDEX_KEY, DEV_MASTER_KEY } from '../src/platform/config.js';
import { importFile } from '../src/registry/import/import-file.js';
import type { FieldCipher } from '../src/platform/crypto.js';

const { values } = parseArgs({ options: { dir: { type: 'string' }, target: { type: 'string' }, 'pg-url': { type: 'string' }, plaintext: { type: 'boolean', default: false } } });
const dir = values.dir!;
const pgliteDir = values.target === 'pglite' ? mkdtempSync(join(tmpdir(), 'tepat-bench-pglite-')) : undefined;
const db = await openDb(values.target === 'pg' ? { databaseUrl: values['pg-url'] } : { dataDir: pgliteDir });
await migrate(db);
await loadRegions(db);
let keyring: Keyring = await openKeyring(db, { masterKey: DEV_MASTER_KEY, indexKey: DEV_INDEX_KEY });
if (values.plaintext) {
  const identity = { encrypt: (s: string) => Buffer.from(s), decrypt: (b: Uint8Array) => Buffer.from(b).toString(), keyIdOf: () => 0, currentKeyId: 0 };
  keyring = { ...keyring, cipher: identity as unknown as FieldCipher };
}
const actor = { id: 'bench', role: 'pusat', scope: 'ID', channel: 'cli' } as const;
const families = await importFile({ db, keyring, actor }, join(dir, 'families.csv'));
const members = await importFile({ db, keyring, actor }, join(dir, 'members.csv'));
await db.close();
if (pgliteDir) rmSync(pgliteDir, { recursive: true, force: true });
const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
process.stdout.write(JSON.stringify({
  target: values.target, plaintext: values.plaintext,
  families: { rows: families.rows, rejected: families.rejected, seconds: families.seconds },
  members: { rows: members.rows, rejected: members.rejected, seconds: members.seconds },
  memberRowsPerSecond: Math.round(members.rows / members.seconds),
  allRowsPerSecond: Math.round((families.rows + members.rows) / (families.seconds + members.seconds)),
  maxRssMb,
}) + '\n');
