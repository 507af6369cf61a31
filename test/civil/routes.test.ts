/**
 * Officer API: on-demand verification of one member (scoped, audited; queued instead of
 * waiting when the registry is down, and done by the worker once it is back), the
 * per-region report, and the cases opened by the event feed.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, nationalActor, type TestDb } from '../support/db.js';
import { loginAs, testContext, type Session } from '../support/app.js';
import type { AppContext } from '../../src/platform/context.js';
import { buildServer } from '../../src/server/app.js';
import { startCivilRegistrySim, type RunningSim } from '../../src/civil/sim/server.js';
import { buildSimPopulation } from '../../src/civil/sim/civil-population.js';
import { createHttpCivilRegistry, type HttpCivilRegistry } from '../../src/civil/http-client.js';
import { runCivilWorker } from '../../src/civil/jobs.js';
import { syncCivilEvents } from '../../src/civil/sync-events.js';
import { SEED, count, generatedFiles, importGenerated } from './support.js';

const FAMILIES = 80;
let t: TestDb;
let ctx: AppContext;
let app: FastifyInstance;
let sim: RunningSim;
let registry: HttpCivilRegistry;
let operator: Session;
let auditor: Session;
let pusat: Session;
let village: string;
const simOptions = { seed: SEED, families: FAMILIES, eventRate: 0.15, latencyMs: 2, perRecordMs: 0, rateLimit: 0, eventIntervalMs: 0 };

beforeAll(async () => {
  const dir = await generatedFiles(FAMILIES);
  t = await openTestDb();
  ctx = await testContext(t);
  await importGenerated(t.db, ctx.keyring, dir);
  sim = await startCivilRegistrySim(simOptions);
  registry = createHttpCivilRegistry({
    baseUrl: sim.url, timeoutMs: 300, maxAttempts: 2, backoff: { baseMs: 5, capMs: 20 }, cacheTtlMs: 0,
    breaker: { window: 10, minCalls: 50, failureRatio: 0.5, openMs: 100, maxOpenMs: 100 },
  });
  app = await buildServer(ctx, { civil: { registry, verifyDeadlineMs: 1500 } });
  village = (await t.db.transaction(async (tx) => (await tx.raw.query<{ v: string }>(
    `select village_code as v from member where nik_enc is not null group by 1 order by count(*) desc, 1 limit 1`)).rows[0]!.v, nationalActor));
  operator = await loginAs(app, ctx, 'operator.civil', 'operator', village);
  auditor = await loginAs(app, ctx, 'auditor.civil', 'auditor', 'ID');
  pusat = await loginAs(app, ctx, 'pusat.civil', 'pusat', 'ID');
}, 240_000);

afterAll(async () => {
  await app?.close();
  registry?.close();
  await sim?.close();
  await t?.drop();
});

const post = (url: string, s?: Session) => app.inject({ method: 'POST', url, headers: s ? { cookie: s.cookie, 'x-csrf-token': s.csrf } : {} });
const get = (url: string, s?: Session) => app.inject({ method: 'GET', url, headers: s ? { cookie: s.cookie } : {} });

async function memberIn(where: string, params: unknown[]): Promise<number> {
  return count(t.db, `select min(id) as n from member where nik_enc is not null and ${where}`, params);
}

describe('civil API', () => {
  it('verifies one member of the caller\'s region now, recorded and audited', async () => {
    const id = await memberIn('village_code = $1', [village]);
    const res = await post(`/api/v1/civil/members/${id}/verify`, operator);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{ status: string; outcome: string; fields: { name?: { result: string } } }>();
    expect(body.status).toBe('done');
    expect(['verified', 'mismatch', 'not_found', 'deceased']).toContain(body.outcome);
    expect(await count(t.db, 'select count(*) as n from civil_verification where member_id = $1', [id])).toBe(1);
    expect(await count(t.db, `select count(*) as n from audit_log where action = 'civil.verify' and entity_id = $1 and actor = 'operator.civil'`, [String(id)])).toBe(1);
    const history = await get(`/api/v1/civil/members/${id}/verifications`, operator);
    expect(history.json<{ items: unknown[] }>().items).toHaveLength(1);
  });

  it('does not reveal members outside the region, and lets auditors read but not verify', async () => {
    const other = await memberIn('village_code <> $1', [village]);
    expect((await post(`/api/v1/civil/members/${other}/verify`, operator)).statusCode).toBe(404);
    expect((await get(`/api/v1/civil/members/${other}/verifications`, operator)).statusCode).toBe(404);
    expect((await post(`/api/v1/civil/members/${other}/verify`, auditor)).statusCode).toBe(403);
    expect((await post(`/api/v1/civil/members/${other}/verify`)).statusCode).toBe(401);
  });

  it('reports only within scope', async () => {
    const mine = (await get('/api/v1/civil/report', operator)).json<{ rows: Array<{ code: string }>; total: { members: number; verified: number; notChecked: number } }>();
    expect(mine.total.members).toBe(await count(t.db, 'select count(*) as n from member where village_code = $1', [village]));
    expect(mine.rows.every((r) => village.startsWith(r.code))).toBe(true);
    const national = (await get('/api/v1/civil/report', auditor)).json<{ total: { members: number } }>();
    expect(national.total.members).toBe(await count(t.db, 'select count(*) as n from member'));
    expect((await get('/api/v1/civil/report?region=32.x', auditor)).statusCode).toBe(400);
  });

  it('queues the check when the registry is down, and the worker does it once the registry is back', async () => {
    const id = await memberIn('village_code = $1 and id > $2', [village, await memberIn('village_code = $1', [village])]);
    const port = sim.port;
    await sim.close();
    const t0 = Date.now();
    const res = await post(`/api/v1/civil/members/${id}/verify`, operator);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(res.statusCode, res.body).toBe(202);
    const body = res.json<{ status: string; jobId: number }>();
    expect(body.status).toBe('deferred');
    expect(await count(t.db, `select count(*) as n from job where id = $1 and kind = 'civil.verify' and status = 'queued'`, [body.jobId])).toBe(1);
    // Asking again while it is queued does not queue it twice.
    const again = await post(`/api/v1/civil/members/${id}/verify`, operator);
    expect(again.json<{ jobId: number }>().jobId).toBe(body.jobId);

    sim = await startCivilRegistrySim({ ...simOptions, port, population: buildSimPopulation(simOptions) });
    const runs = await runCivilWorker({ db: t.db, keyring: ctx.keyring, registry }, { once: true });
    expect(runs).toBe(1);
    expect(await count(t.db, `select count(*) as n from job where id = $1 and status = 'done'`, [body.jobId])).toBe(1);
    expect(await count(t.db, 'select count(*) as n from civil_verification where member_id = $1', [id])).toBe(1);
  });

  it('lists the cases opened by the feed, with proposed identifiers masked', async () => {
    const s = await syncCivilEvents({ db: t.db, keyring: ctx.keyring, registry }, nationalActor);
    expect(s.caughtUp).toBe(true);
    const all = (await get('/api/v1/civil/cases?limit=500', pusat)).json<{ items: Array<{ kind: string; villageCode: string; proposedKkMasked: string | null; proposedNikMasked: string | null }> }>();
    expect(all.items.length).toBe(await count(t.db, `select count(*) as n from civil_case where status = 'open'`));
    const withKk = all.items.filter((c) => c.kind === 'move' || c.kind === 'kk_change');
    expect(withKk.every((c) => /^\d{4}\*{10}\d{2}$/.test(c.proposedKkMasked ?? ''))).toBe(true);
    expect(all.items.filter((c) => c.kind === 'birth').every((c) => /^\d{4}\*{10}\d{2}$/.test(c.proposedNikMasked ?? ''))).toBe(true);
    const mine = (await get('/api/v1/civil/cases?limit=500', operator)).json<{ items: Array<{ villageCode: string }> }>();
    expect(mine.items.every((c) => c.villageCode === village)).toBe(true);
    const deaths = (await get('/api/v1/civil/cases?kind=death&limit=500', pusat)).json<{ items: Array<{ kind: string }> }>();
    expect(deaths.items.every((c) => c.kind === 'death')).toBe(true);
  });
});
