/**
 * `tepat identity run` killed with SIGKILL while writing keys, then while writing pairs,
 * and run again: the same job is taken up where it stopped and the registry ends with
 * exactly what one uninterrupted run writes (compared with a reference database).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openTestDb, nationalActor, isPostgres, type TestDb } from '../support/db.js';
import { openDb, type Db } from '../../src/platform/db.js';
import { runIdentityJob } from '../../src/identity/run-identity-job.js';
import { devKeyring, generatedFiles, importGenerated } from './support.js';

const BATCH = 40;
let reference: TestDb;
let target: TestDb | undefined;
let dataDir: string;
let env: NodeJS.ProcessEnv;

async function snapshot(db: Db): Promise<string> {
  return db.transaction(async ({ raw }) => {
    // Compared by identity (member_key), not by database ids.
    const pairs = await raw.query<{ k: string }>(`select concat_ws('|', encode(a.member_key, 'hex'), encode(b.member_key, 'hex'), p.weight,
        p.probability, p.decision, p.cannot_link, p.explanation::text, p.held_reason, p.status) as k
      from identity_pair p join member a on a.id = p.member_a join member b on b.id = p.member_b order by 1`);
    const keys = await raw.query<{ k: string }>(`select encode(m.member_key, 'hex') || ':' || string_agg(k.key_hash::text, ',' order by k.key_hash) as k
      from identity_key k join member m on m.id = k.member_id group by m.member_key order by 1`);
    const models = await raw.query<{ k: string }>('select model::text as k from identity_model order by id');
    return JSON.stringify({ pairs: pairs.rows.map((r) => r.k), keys: keys.rows.map((r) => r.k), models: models.rows.map((r) => r.k) });
  }, nationalActor);
}

/** Runs the CLI; kills it after `killAfter` committed batches of `phase` (or lets it finish). */
function runCli(kill?: { phase: string; after: number }): Promise<{ code: number | null; killed: boolean; stderr: string[]; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/identity/bin/identity.ts', 'run', '--batch-size', String(BATCH), '--json'],
      { env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const stderr: string[] = [];
    let stdout = '';
    let seen = 0;
    let killed = false;
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    createInterface({ input: child.stderr }).on('line', (line) => {
      stderr.push(line);
      if (kill && !killed && line.startsWith(`identitas: ${kill.phase} `) && ++seen >= kill.after) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('exit', (code) => resolve({ code, killed, stderr, stdout }));
  });
}

beforeAll(async () => {
  const dir = await generatedFiles(250, 31337);
  reference = await openTestDb();
  const refKeys = await devKeyring(reference.db);
  await importGenerated(reference.db, refKeys, dir);
  await runIdentityJob({ db: reference.db, keyring: refKeys }, nationalActor, { batchSize: BATCH });

  dataDir = mkdtempSync(join(tmpdir(), 'tepat-identity-kill-'));
  if (isPostgres()) {
    target = await openTestDb();
    await importGenerated(target.db, await devKeyring(target.db), dir);
    env = { DATABASE_URL: target.url };
  } else {
    const db = await openDb({ dataDir: join(dataDir, 'pglite'), loadDataDir: new Blob([readFileSync(inject('pgliteTemplate'))]) });
    await importGenerated(db, await devKeyring(db), dir);
    await db.close();
    env = { TEPAT_DATA_DIR: dataDir, DATABASE_URL: '' };
  }
}, 600_000);

afterAll(async () => {
  await reference?.drop();
  await target?.drop();
});

async function openTarget(): Promise<{ db: Db; close: () => Promise<void> }> {
  if (target) return { db: target.db, close: async () => {} };
  const db = await openDb({ dataDir: join(dataDir, 'pglite') });
  return { db, close: () => db.close() };
}

describe('interrupted identity job', () => {
  it('killed while writing keys and while writing pairs, run again: resumes and ends as one uninterrupted run', async () => {
    const first = await runCli({ phase: 'kunci blok', after: 3 });
    expect(first.killed, first.stderr.join('\n')).toBe(true);
    const second = await runCli({ phase: 'pasangan', after: 2 });
    expect(second.killed, second.stderr.join('\n')).toBe(true);
    expect(second.stderr.some((l) => l.includes('dilanjutkan'))).toBe(true);
    // The keys written before the first kill were not written again.
    const keyLines = second.stderr.filter((l) => l.startsWith('identitas: kunci blok '));
    expect(Number(keyLines[0]!.split(' ').pop()!.split('/')[0])).toBeGreaterThan(3 * BATCH);

    const t = await openTarget();
    try {
      const jobs = await t.db.transaction(async ({ raw }) => (await raw.query<{ status: string; cursor: string }>(
        `select status, cursor from job where kind = 'identity.run'`)).rows, nationalActor);
      expect(jobs).toHaveLength(1);
      expect(jobs[0]!.status).toBe('running');
      expect(JSON.parse(jobs[0]!.cursor)).toMatchObject({ phase: 'pairs' });
    } finally {
      await t.close();
    }

    const last = await runCli();
    expect(last.code, last.stderr.join('\n')).toBe(0);
    const summary = JSON.parse(last.stdout.trim().split('\n').pop()!) as { resumed: boolean; jobId: number; keyedPeople: number; inserted: number; pairs: number };
    expect(summary.resumed).toBe(true);
    expect(summary.keyedPeople).toBe(0);
    expect(summary.inserted).toBeLessThan(summary.pairs);

    const done = await openTarget();
    try {
      const jobs = await done.db.transaction(async ({ raw }) => (await raw.query<{ status: string }>(`select status from job where kind = 'identity.run'`)).rows, nationalActor);
      expect(jobs.map((j) => j.status)).toEqual(['done']);
      expect(await snapshot(done.db)).toEqual(await snapshot(reference.db));
    } finally {
      await done.close();
    }
  }, 600_000);
});
