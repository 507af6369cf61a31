/**
 * The dashboard stream over real HTTP (server-sent events): the first snapshot at once,
 * a new one after a change, refusals (401/403) as ordinary JSON before the stream starts;
 * and the hub behind it: one read per region per change however many clients watch,
 * nothing sent when a region's figures did not change, and no watching after the last
 * client left.
 */
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, nationalActor, type TestDb } from '../support/db.js';
import { loginAs, testContext, type Session } from '../support/app.js';
import type { AppContext } from '../../src/platform/context.js';
import type { Db } from '../../src/platform/db.js';
import { buildServer } from '../../src/server/app.js';
import { createDashboardHub } from '../../src/dashboard/dashboard-hub.js';
import { readDashboard } from '../../src/dashboard/read-dashboard.js';
import type { DashboardSnapshot } from '../../src/dashboard/schemas.js';
import { asApp } from './support.js';

let t: TestDb;
let ctx: AppContext;
let app: FastifyInstance;
let base: string;
let dinsos: Session;

const VILLAGE = '32.01.01.1001';

async function addFamily(db: Db, village = VILLAGE): Promise<void> {
  await asApp(db, (q) => q(
    `insert into family (regency_code, village_code, kk_enc, kk_bidx, row_hash) values (left($1, 5), $1, $2, $2, $2)`,
    [village, Buffer.from(String(Math.random()))]));
}

/** Reads server-sent events from a fetch response, one at a time. */
function eventReader(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return async function next(timeoutMs = 10_000): Promise<{ event: string; data: string }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const lines = block.split('\n');
        const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
        const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
        if (event) return { event, data };
        continue; // retry: or a comment
      }
      const chunk = await Promise.race([
        reader.read(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no event in time')), Math.max(1, deadline - Date.now()))),
      ]);
      if (chunk.done) throw new Error('stream ended');
      buffer += decoder.decode(chunk.value, { stream: true });
    }
  };
}

beforeAll(async () => {
  t = await openTestDb();
  ctx = await testContext(t);
  app = await buildServer(ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  dinsos = await loginAs(app, ctx, 'dasbor.dinsos', 'dinsos', '32.01');
  await addFamily(t.db);
});
afterAll(async () => { await app.close(); await t.drop(); });

describe('dashboard stream', () => {
  it('sends a snapshot at once and another after a change in the region', async () => {
    const abort = new AbortController();
    const res = await fetch(`${base}/api/v1/dashboard/stream?region=32.01`, { headers: { cookie: dinsos.cookie }, signal: abort.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const next = eventReader(res);
    const first = await next();
    expect(first.event).toBe('snapshot');
    const snap = JSON.parse(first.data) as DashboardSnapshot;
    expect(snap.region.code).toBe('32.01');
    expect(snap.totals.families).toBe(1);

    await addFamily(t.db);
    const second = await next();
    expect(second.event).toBe('snapshot');
    const after = JSON.parse(second.data) as DashboardSnapshot;
    expect(after.totals.families).toBe(2);
    expect(after.children.find((c) => c.code === '32.01.01')!.indicators.families).toBe(2);
    abort.abort();
  });

  it('refuses before streaming: anonymous 401, a wider region 403, as JSON', async () => {
    const anon = await fetch(`${base}/api/v1/dashboard/stream`);
    expect(anon.status).toBe(401);
    expect(((await anon.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
    const wide = await fetch(`${base}/api/v1/dashboard/stream?region=ID`, { headers: { cookie: dinsos.cookie } });
    expect(wide.status).toBe(403);
    expect(await wide.text()).not.toContain('snapshot');
  });
});

describe('dashboard stream shutdown', () => {
  it('ends open streams when the server closes, instead of hanging', async () => {
    const other = await buildServer(ctx);
    await other.listen({ port: 0, host: '127.0.0.1' });
    const port = (other.server.address() as AddressInfo).port;
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/dashboard/stream`, { headers: { cookie: dinsos.cookie } });
    const next = eventReader(res);
    expect((await next()).event).toBe('snapshot');
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect(next(2_000)).rejects.toThrow(/stream ended|terminated|no event/);
  });
});

describe('dashboard hub', () => {
  it('reads each watched region once per change, sends only changed figures, and stops when the last client leaves', async () => {
    let reads = 0;
    const counting: Db = { ...t.db, transaction: (fn, actor) => { if (actor?.id === 'system:dashboard') reads++; return t.db.transaction(fn, actor); } };
    const hub = createDashboardHub({ db: counting }, { intervalMs: 50 });
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const got: Record<string, DashboardSnapshot[]> = { a: [], b: [], c: [], other: [] };
    const current = await readDashboard({ db: t.db }, nationalActor, '32.01');
    const elsewhere = await readDashboard({ db: t.db }, nationalActor, '73.71');
    const stops = [
      hub.subscribe('32.01', current, (s) => got.a!.push(s)),
      hub.subscribe('32.01', current, (s) => got.b!.push(s)),
      hub.subscribe('32.01', current, (s) => got.c!.push(s)),
      hub.subscribe('73.71', elsewhere, (s) => got.other!.push(s)),
    ];
    expect(hub.watchedRegions().sort()).toEqual(['32.01', '73.71']);
    const waitFor = async (ok: () => boolean) => { for (let i = 0; i < 250 && !ok(); i++) await wait(20); };
    // Once per region after subscribing (to catch changes made since), then nothing while idle.
    await waitFor(() => reads >= 2);
    await wait(300);
    const idleReads = reads;
    expect(idleReads).toBe(2);
    await addFamily(t.db);
    await waitFor(() => got.a!.length > 0 && reads >= idleReads + 2);
    await wait(300);
    expect(got.a!.map((s) => s.totals.families)).toEqual([current.totals.families + 1]);
    expect(got.b).toEqual(got.a);
    expect(got.c).toEqual(got.a);
    // The other region was read once for the change, but its figures did not move.
    expect(got.other).toEqual([]);
    expect(reads).toBe(idleReads + 2);
    for (const stop of stops) stop();
    expect(hub.watchedRegions()).toEqual([]);
    await addFamily(t.db);
    await wait(300);
    expect(reads).toBe(idleReads + 2);
    hub.close();
  });
});
