/**
 * Durable jobs and the `tepat civil` command: a job waits (requeued with a due time)
 * while the registry is down and finishes when it is back; an abandoned job is taken up
 * again from its cursor; the CLI prints its summaries and exit codes.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, nationalActor, type TestDb } from '../support/db.js';
import { testContext } from '../support/app.js';
import type { AppContext } from '../../src/platform/context.js';
import { loadConfig } from '../../src/platform/config.js';
import { startCivilRegistrySim, type RunningSim } from '../../src/civil/sim/server.js';
import { createHttpCivilRegistry } from '../../src/civil/http-client.js';
import { enqueueCivilJob, runNextCivilJob } from '../../src/civil/jobs.js';
import { runCivilCommand } from '../../src/civil/cli.js';
import { SEED, count, generatedFiles, importGenerated } from './support.js';

const FAMILIES = 60;
let t: TestDb;
let ctx: AppContext;
let sim: RunningSim;
const simOptions = { seed: SEED, families: FAMILIES, eventRate: 0.1, latencyMs: 2, perRecordMs: 0, rateLimit: 0, eventIntervalMs: 0 };

beforeAll(async () => {
  const dir = await generatedFiles(FAMILIES);
  t = await openTestDb();
  ctx = await testContext(t);
  await importGenerated(t.db, ctx.keyring, dir);
  sim = await startCivilRegistrySim(simOptions);
}, 240_000);

afterAll(async () => {
  await sim?.close();
  await t?.drop();
});

async function cli(argv: string[], url: string | undefined): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => { out += d.toString(); });
  stderr.on('data', (d: Buffer) => { err += d.toString(); });
  const c: AppContext = { ...ctx, config: loadConfig({ NODE_ENV: 'test', ...(url ? { CIVIL_REGISTRY_URL: url } : {}) }) };
  const code = await runCivilCommand(argv, { stdout, stderr }, c);
  return { code, out, err };
}

const downRegistry = () => createHttpCivilRegistry({
  baseUrl: 'http://127.0.0.1:9', timeoutMs: 200, maxAttempts: 1, breaker: { window: 5, minCalls: 1, failureRatio: 0.5, openMs: 60_000, maxOpenMs: 60_000 },
});

describe('civil jobs', () => {
  it('requeue a job with a due time while the registry is down, then finish it', async () => {
    const id = await enqueueCivilJob(t.db, nationalActor, 'civil.verify', { scope: 'ID' });
    expect(await enqueueCivilJob(t.db, nationalActor, 'civil.verify', { scope: 'ID' })).toBe(id);
    const down = await runNextCivilJob({ db: t.db, keyring: ctx.keyring, registry: downRegistry() });
    expect(down).toMatchObject({ id, status: 'deferred' });
    const job = (await t.db.transaction(async (tx) => (await tx.raw.query<{ status: string; params: { notBefore: string; deferrals: number } }>('select status, params from job where id = $1', [id])).rows[0]!));
    expect(job.status).toBe('queued');
    expect(job.params.deferrals).toBe(1);
    expect(Date.parse(job.params.notBefore)).toBeGreaterThan(Date.now());
    // Not due yet: nothing runs.
    const registry = createHttpCivilRegistry({ baseUrl: sim.url });
    expect(await runNextCivilJob({ db: t.db, keyring: ctx.keyring, registry })).toBeUndefined();
    await t.db.transaction((tx) => tx.raw.query(`update job set params = params || '{"notBefore":"2000-01-01T00:00:00Z"}' where id = $1`, [id]));
    const done = await runNextCivilJob({ db: t.db, keyring: ctx.keyring, registry });
    expect(done).toMatchObject({ id, status: 'done', result: { deferred: 0, registryUnavailable: false } });
    expect(await count(t.db, 'select count(*) as n from civil_member_status')).toBe(await count(t.db, 'select count(*) as n from member where nik_enc is not null'));
    registry.close();
  });

  it('take up a job abandoned by a dead worker', async () => {
    const id = await enqueueCivilJob(t.db, nationalActor, 'civil.sync', { scope: 'ID' });
    await t.db.transaction((tx) => tx.raw.query(`update job set status = 'running', heartbeat_at = now() - interval '10 minutes' where id = $1`, [id]));
    const registry = createHttpCivilRegistry({ baseUrl: sim.url });
    const run = await runNextCivilJob({ db: t.db, keyring: ctx.keyring, registry });
    expect(run).toMatchObject({ id, kind: 'civil.sync', status: 'done', result: { caughtUp: true } });
    registry.close();
  });
});

describe('tepat civil', () => {
  it('sync --json prints the counts; a second run has nothing new', async () => {
    const first = await cli(['sync', '--json'], sim.url);
    expect(first.code).toBe(0);
    const s = JSON.parse(first.out) as { applied: number; skipped: number; caughtUp: boolean };
    expect(s).toMatchObject({ applied: 0, skipped: 0, caughtUp: true }); // the job above already applied the feed
    expect(await count(t.db, 'select count(*) as n from civil_event')).toBe(sim.population.events.length);
  });

  it('verify --json and report --json', async () => {
    await t.db.transaction((tx) => tx.raw.query('update civil_member_status set needs_recheck = true'), nationalActor);
    const v = await cli(['verify', '--json', '--region', '32', '--batch-size', '50'], sim.url);
    expect(v.code).toBe(0);
    const s = JSON.parse(v.out) as { checked: number; verified: number; deferred: number };
    expect(s.checked).toBe(await count(t.db, `select count(*) as n from member where nik_enc is not null and village_code like '32.%'`));
    expect(s.deferred).toBe(0);
    const r = await cli(['report', '--json', '--region', '32'], sim.url);
    const report = JSON.parse(r.out) as { total: { notChecked: number; verified: number } };
    expect(report.total.notChecked).toBe(0);
    expect(report.total.verified).toBeGreaterThan(0);
  });

  it('exits 1 with the summary when no registry is configured or it is down; refuses bad usage', async () => {
    await t.db.transaction((tx) => tx.raw.query('update civil_member_status set needs_recheck = true'), nationalActor);
    const none = await cli(['verify', '--json'], undefined);
    expect(none.code).toBe(1);
    expect(JSON.parse(none.out)).toMatchObject({ checked: 0, registryUnavailable: true, reason: 'not_configured' });
    expect(none.err).toMatch(/CIVIL_REGISTRY_URL/);
    const down = await cli(['sync', '--json', '--timeout-ms', '200'], 'http://127.0.0.1:9');
    expect(down.code).toBe(1);
    expect(JSON.parse(down.out)).toMatchObject({ registryUnavailable: true });
    await expect(cli(['verify', '--region', 'Bogor'], sim.url)).rejects.toThrow(/--region/);
    await expect(cli(['frobnicate'], sim.url)).rejects.toThrow(/tidak dikenal/);
  });
});
