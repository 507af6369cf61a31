/**
 * An import killed with SIGKILL at arbitrary points and run again must end with exactly
 * the data of one uninterrupted run. The CLI runs as a child process; the reference run
 * happens in process on a fresh database with the same (development) keys.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, nationalActor, isPostgres, type TestDb } from '../support/db.js';
import { buildFamilyRow, buildMemberRow, writeCsv } from '../support/builders.js';
import { openDb, type Db } from '../../src/platform/db.js';
import { openKeyring } from '../../src/platform/keyring.js';
import { DEV_INDEX_KEY, DEV_MASTER_KEY } from '../../src/platform/config.js';
import { importFile } from '../../src/registry/import/import-file.js';

const dir = mkdtempSync(join(tmpdir(), 'tepat-kill-'));
const FAMILIES = 4000;
const MEMBERS = 16000;
let reference: TestDb;
let target: TestDb | undefined;

beforeAll(async () => {
  writeCsv(join(dir, 'keluarga.csv'), 'families', Array.from({ length: FAMILIES }, (_, i) => buildFamilyRow(i)));
  const members = Array.from({ length: MEMBERS }, (_, i) => buildMemberRow(i, i % FAMILIES));
  members[17] = { ...members[17]!, nik: '3.20101E+15' }; // a rejected row must stay rejected exactly once
  writeCsv(join(dir, 'anggota.csv'), 'members', members);
  reference = await openTestDb();
  const keyring = await openKeyring(reference.db, { masterKey: DEV_MASTER_KEY, indexKey: DEV_INDEX_KEY });
  for (const f of ['keluarga.csv', 'anggota.csv']) await importFile({ db: reference.db, keyring, actor: nationalActor }, join(dir, f));
  if (isPostgres()) target = await openTestDb();
}, 300_000);

afterAll(async () => {
  await reference?.drop();
  await target?.drop();
});

/** What must be identical: identities, contents, family links and rejections. */
async function snapshot(db: Db): Promise<string> {
  return db.transaction(async ({ raw }) => {
    const families = await raw.query<{ k: string }>(`select encode(kk_bidx, 'hex') || ':' || encode(row_hash, 'hex') || ':' || village_code as k from family order by 1`);
    const members = await raw.query<{ k: string }>(`select encode(m.member_key, 'hex') || ':' || encode(m.row_hash, 'hex') || ':' || encode(f.kk_bidx, 'hex') as k
      from member m join family f on f.id = m.family_id and f.regency_code = m.regency_code order by 1`);
    const rejects = await raw.query<{ k: string }>(`select r.row_no || ':' || r.column_name || ':' || r.code as k
      from import_reject r join import_file i on i.id = r.file_id where i.kind = 'members' order by 1`);
    return JSON.stringify({ f: families.rows.map((r) => r.k), m: members.rows.map((r) => r.k), r: [...new Set(rejects.rows.map((r) => r.k))] });
  }, nationalActor);
}

/**
 * Runs `tepat import` and kills it with SIGKILL `killAfterMs` after it reports the families
 * file done (its summary line on stdout), so kills land while the members file is being
 * written whatever the machine's speed; start-up time does not count.
 */
function runCli(env: NodeJS.ProcessEnv, killAfterMs: number): Promise<{ code: number | null; killed: boolean; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'import', join(dir, 'anggota.csv'), join(dir, 'keluarga.csv'), '--batch-size', '250', '--tanpa-cek-duplikat'],
      { env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let killed = false;
    let stderr = '';
    let stdout = '';
    let timer: NodeJS.Timeout | undefined;
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!timer && stdout.includes('keluarga.csv:')) timer = setTimeout(() => { killed = true; child.kill('SIGKILL'); }, killAfterMs);
    });
    child.on('exit', (code) => { if (timer) clearTimeout(timer); resolve({ code, killed, stderr }); });
  });
}

describe('interrupted import', () => {
  it('killed with SIGKILL at several points and run again, ends with the same data as one run', async () => {
    const dataDir = join(dir, 'data');
    const env: NodeJS.ProcessEnv = target?.url ? { DATABASE_URL: target.url } : { TEPAT_DATA_DIR: dataDir, DATABASE_URL: '' };
    const openTarget = async () => (target ? { db: target.db, close: async () => {} } : await (async () => {
      const db = await openDb({ dataDir: join(dataDir, 'pglite') });
      return { db, close: () => db.close() };
    })());

    let delay = 0;
    let midFile = 0;
    let finished = false;
    for (let attempt = 0; attempt < 60 && !finished; attempt++) {
      const run = await runCli(env, delay);
      if (!run.killed) {
        expect(run.code, run.stderr).toBe(0);
        finished = true;
        break;
      }
      const t = await openTarget();
      try {
        const rows = await t.db.transaction(async ({ raw }) => (await raw.query<{ status: string; rows_done: number }>(
          'select status, rows_done from import_file')).rows, nationalActor).catch(() => []);
        if (rows.some((r) => r.status === 'running' && r.rows_done > 0)) midFile++;
      } finally {
        await t.close();
      }
      delay += isPostgres() ? 200 : 300;
    }
    expect(finished).toBe(true);
    expect(midFile).toBeGreaterThan(0);
    const t = await openTarget();
    try {
      expect(await snapshot(t.db)).toEqual(await snapshot(reference.db));
    } finally {
      await t.close();
    }
  }, 600_000);
});
