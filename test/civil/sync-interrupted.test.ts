/**
 * Reliability of the event sync: the simulator and the `civil sync` client run as child
 * processes and are killed with SIGKILL mid-sync (the client, the simulator, or both),
 * then restarted, until a run finishes. The registry must end exactly as after one
 * uninterrupted sync: every published event in the ledger once, every death marked
 * once, every case opened once. No event lost, none applied twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openTestDb, nationalActor, isPostgres, type TestDb } from '../support/db.js';
import { openDb, type Db } from '../../src/platform/db.js';
import { Random } from '../../src/generate/random.js';
import { startCivilRegistrySim } from '../../src/civil/sim/server.js';
import { createHttpCivilRegistry } from '../../src/civil/http-client.js';
import { syncCivilEvents } from '../../src/civil/sync-events.js';
import { SEED, devKeyring, generatedFiles, importGenerated } from './support.js';

const FAMILIES = 160;
const SIM_OPTIONS = { eventRate: 0.15, latencyMs: 25, perRecordMs: 0, rateLimit: 0 };
const SIM_ARGS = ['--seed', String(SEED), '--families', String(FAMILIES), '--event-rate', String(SIM_OPTIONS.eventRate), '--backlog', 'all',
  '--event-interval-ms', '0', '--latency-ms', String(SIM_OPTIONS.latencyMs), '--per-record-ms', '0', '--rate-limit', '0', '--fault-rate', '0.05', '--hang-ms', '1500'];

let dir: string;
let reference: TestDb;
let target: TestDb | undefined;
let pgliteDir: string | undefined;
let feedLength = 0;
const children = new Set<ChildProcess>();

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A child running a TypeScript entry; `lines` yields its stdout or stderr lines. */
function child(script: string, args: string[], env: NodeJS.ProcessEnv) {
  const proc = spawn(process.execPath, ['--import', 'tsx', join('test/civil/bin', script), ...args], {
    env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(proc);
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => { children.delete(proc); resolve(code); }));
  const out: string[] = [];
  const err: string[] = [];
  createInterface({ input: proc.stdout! }).on('line', (l) => out.push(l));
  createInterface({ input: proc.stderr! }).on('line', (l) => err.push(l));
  return { proc, exited, out, err };
}

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return cond();
}

/** What must be identical to one uninterrupted sync. */
async function snapshot(db: Db): Promise<string> {
  return db.transaction(async ({ raw }) => {
    const q = async (sql: string) => (await raw.query<{ k: string }>(sql)).rows.map((r) => r.k);
    return JSON.stringify({
      ledger: await q(`select event_id || ':' || outcome || ':' || reason as k from civil_event order by seq`),
      cases: await q(`select c.kind || ':' || coalesce(c.event_id, '-') || ':' || coalesce(encode(m.member_key, 'hex'), '-') || ':' || coalesce(encode(f.kk_bidx, 'hex'), '-')
          || ':' || coalesce(encode(c.proposed_kk_bidx, 'hex'), '-') || ':' || coalesce(encode(c.proposed_nik_bidx, 'hex'), '-') || ':' || c.status as k
        from civil_case c left join member m on m.id = c.member_id and m.regency_code = c.regency_code
        left join family f on f.id = c.family_id and f.regency_code = c.regency_code order by 1`),
      members: await q(`select encode(member_key, 'hex') || ':' || presence_status || ':' || version || ':' || encode(row_hash, 'hex') as k from member order by 1`),
      deathChanges: await q(`select count(*)::text as k from registry_change where op = 'update' and changes ? 'presence_status'`),
    });
  }, nationalActor);
}

beforeAll(async () => {
  dir = await generatedFiles(FAMILIES);
  // Reference: one uninterrupted, fault-free sync in process.
  reference = await openTestDb();
  const keyring = await devKeyring(reference.db);
  await importGenerated(reference.db, keyring, dir);
  const sim = await startCivilRegistrySim({ seed: SEED, families: FAMILIES, ...SIM_OPTIONS, eventIntervalMs: 0 });
  feedLength = sim.population.events.length;
  const registry = createHttpCivilRegistry({ baseUrl: sim.url });
  const s = await syncCivilEvents({ db: reference.db, keyring, registry }, nationalActor);
  expect(s.caughtUp).toBe(true);
  registry.close();
  await sim.close();

  if (isPostgres()) {
    target = await openTestDb();
    await importGenerated(target.db, await devKeyring(target.db), dir);
  } else {
    pgliteDir = join(dir, 'data');
    const db = await openDb({ dataDir: join(pgliteDir, 'pglite'), loadDataDir: new Blob([readFileSync(inject('pgliteTemplate'))]) });
    await importGenerated(db, await devKeyring(db), dir);
    await db.close();
  }
}, 300_000);

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await reference?.drop();
  await target?.drop();
});

describe('sync killed mid-way', () => {
  it('with the simulator and the client killed and restarted, ends with every event applied exactly once', async () => {
    const port = await freePort();
    const dbEnv: NodeJS.ProcessEnv = target?.url ? { DATABASE_URL: target.url } : { DATABASE_URL: '', TEPAT_DATA_DIR: pgliteDir };
    const env = { ...dbEnv, CIVIL_REGISTRY_URL: `http://127.0.0.1:${port}` };
    const rng = new Random(SEED, 0x5a5a);
    let sim: ReturnType<typeof child> | undefined;
    const kills = { client: 0, sim: 0, midSync: 0 };
    type Summary = { applied: number; skipped: number; duplicates: number; caughtUp: boolean };
    let finished = undefined as Summary | undefined;

    let rounds = 0;
    for (let round = 0; round < 30 && !finished; round++) {
      rounds++;
      if (!sim) {
        sim = child('sim.ts', ['--port', String(port), ...SIM_ARGS], {});
        expect(await until(() => sim!.out.length > 0, 60_000), sim.err.join('\n')).toBe(true);
      }
      const client = child('civil.ts', ['sync', '--json', '--progress', '--page-size', '4', '--timeout-ms', '600'], env);
      const interrupt = round < 12;
      // Kill only after the client has committed a few pages: a kill in the middle of the feed.
      const pagesBefore = 1 + rng.int(0, 3);
      if (interrupt && await until(() => client.err.filter((l) => l.startsWith('{"page"')).length >= pagesBefore || client.proc.exitCode !== null, 90_000)
          && client.proc.exitCode === null) {
        const what = rng.pick(['client', 'sim', 'both'] as const);
        if (what !== 'client') {
          sim!.proc.kill('SIGKILL');
          await sim!.exited;
          sim = undefined;
          kills.sim++;
        }
        if (what !== 'sim') {
          client.proc.kill('SIGKILL');
          kills.client++;
        }
        kills.midSync++;
      }
      const code = await client.exited;
      const summary = client.out.find((l) => l.startsWith('{'));
      if (code === 0 && summary) {
        const s = JSON.parse(summary) as Summary;
        if (s.caughtUp) finished = s;
      }
    }
    sim?.proc.kill('SIGKILL');
    console.info(`sync-interrupted: ${rounds} runs, ${kills.midSync} killed mid-sync (client ${kills.client}, simulator ${kills.sim}), ${feedLength} events; last run ${JSON.stringify(finished)}`);
    expect(finished, 'the sync never finished').toBeDefined();
    expect(kills.midSync).toBeGreaterThanOrEqual(6);
    expect(kills.client).toBeGreaterThan(0);
    expect(kills.sim).toBeGreaterThan(0);

    const t = target ? { db: target.db, close: async () => {} } : await (async () => {
      const db = await openDb({ dataDir: join(pgliteDir!, 'pglite') });
      return { db, close: () => db.close() };
    })();
    try {
      const got = await snapshot(t.db);
      const want = await snapshot(reference.db);
      expect(JSON.parse(got).ledger).toHaveLength(feedLength);
      expect(got).toEqual(want);
    } finally {
      await t.close();
    }
  }, 900_000);
});
