/**
 * The HTTP client against a misbehaving registry: retries hide transient faults, the
 * concurrency limit holds, timeouts and deadlines are kept, Retry-After is honoured, the
 * breaker stops calls to a registry that is down and lets them through when it is back,
 * and cached answers cost no request.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSimPopulation, type SimPopulation } from '../../src/civil/sim/civil-population.js';
import { startCivilRegistrySim, type RunningSim } from '../../src/civil/sim/server.js';
import { createHttpCivilRegistry, type HttpCivilRegistry } from '../../src/civil/http-client.js';
import type { VerifyRequest } from '../../src/civil/types.js';

const SEED = 5;
const FAMILIES = 200;
let population: SimPopulation;
let requests: VerifyRequest[];
const closers: Array<() => Promise<void> | void> = [];

function track<T extends { close(): Promise<void> | void }>(x: T): T {
  closers.push(() => x.close());
  return x;
}

beforeAll(() => {
  population = buildSimPopulation({ seed: SEED, families: FAMILIES });
  requests = [...population.byNik.values()].slice(0, 400).map((p) => ({ nik: p.nik, name: p.name, birthDate: p.birthDate, kk: p.kk }));
});

afterAll(async () => {
  for (const c of closers.reverse()) await c();
});

/** A server answering each request with the given handler. */
async function fakeServer(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void>; port: number }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return track({ url: `http://127.0.0.1:${port}`, port, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) });
}

describe('HTTP client', () => {
  it('gets every answer right through 20 % faults, within its concurrency limit', async () => {
    const sim = track(await startCivilRegistrySim({ seed: SEED, families: FAMILIES, population, faultRate: 0.2, latencyMs: 5, hangMs: 2000, rateLimit: 0, backlog: 0, eventIntervalMs: 3_600_000 }));
    const client: HttpCivilRegistry = track(createHttpCivilRegistry({
      baseUrl: sim.url, timeoutMs: 300, maxAttempts: 8, backoff: { baseMs: 5, capMs: 50 }, concurrency: 3, batchSize: 10, cacheTtlMs: 0,
      breaker: { window: 20, minCalls: 10, failureRatio: 0.9, openMs: 100, maxOpenMs: 200 },
    }));
    const out = await client.verify(requests);
    expect(out.every((o) => o.ok)).toBe(true);
    // Every person was sent exactly as the registry holds them: all match, or are deceased.
    expect(out.every((o) => o.ok && o.result.name?.result === 'sesuai' && o.result.kk?.result === 'sesuai')).toBe(true);
    const s = client.stats();
    expect(s.retries).toBeGreaterThan(0);
    expect(s.peakInFlight).toBeLessThanOrEqual(3);
    expect(sim.stats().peakInFlight).toBeLessThanOrEqual(3);
    expect(Object.keys(s.failures).some((k) => ['server_error', 'rate_limited', 'timeout'].includes(k))).toBe(true);
  });

  it('answers from the cache within its time to live, without a request', async () => {
    const sim = track(await startCivilRegistrySim({ seed: SEED, families: FAMILIES, population, latencyMs: 1, rateLimit: 0, backlog: 0, eventIntervalMs: 3_600_000 }));
    const client = track(createHttpCivilRegistry({ baseUrl: sim.url, cacheTtlMs: 60_000 }));
    await client.verify(requests.slice(0, 20));
    const before = sim.stats().requests;
    const again = await client.verify(requests.slice(0, 20));
    expect(again.every((o) => o.ok && o.fromCache)).toBe(true);
    expect(sim.stats().requests).toBe(before);
  });

  it('gives up on a hanging registry at the timeout, and within a call deadline', async () => {
    const hang = await fakeServer(() => {});
    const client = track(createHttpCivilRegistry({ baseUrl: hang.url, timeoutMs: 150, maxAttempts: 2, backoff: { baseMs: 10, capMs: 10 } }));
    let t0 = Date.now();
    const [o] = await client.verify([requests[0]!]);
    expect(o).toEqual({ ok: false, reason: 'timeout' });
    expect(Date.now() - t0).toBeLessThan(1000);
    const slow = track(createHttpCivilRegistry({ baseUrl: hang.url, timeoutMs: 5000, maxAttempts: 5 }));
    t0 = Date.now();
    const [d] = await slow.verify([requests[1]!], { deadlineMs: 250 });
    expect(d?.ok).toBe(false);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('waits as long as Retry-After says on 429', async () => {
    let calls = 0;
    const sim = track(await startCivilRegistrySim({ seed: SEED, families: FAMILIES, population, latencyMs: 1, rateLimit: 0, backlog: 0, eventIntervalMs: 3_600_000 }));
    const proxy = await fakeServer((req, res) => {
      calls++;
      if (calls === 1) {
        res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' });
        res.end('{"errors":[{"code":"rate_limited","message":"x"}]}');
        return;
      }
      const up = http.request(sim.url + req.url, { method: 'POST', headers: req.headers }, (r) => { res.writeHead(r.statusCode ?? 500, r.headers); r.pipe(res); });
      req.pipe(up);
    });
    const client = track(createHttpCivilRegistry({ baseUrl: proxy.url, backoff: { baseMs: 1, capMs: 5 } }));
    const t0 = Date.now();
    const [o] = await client.verify([requests[0]!]);
    expect(o?.ok).toBe(true);
    expect(calls).toBe(2);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
  });

  it('opens the breaker on a registry that is down, fails fast, and closes when it is back', async () => {
    const sim = await startCivilRegistrySim({ seed: SEED, families: FAMILIES, population, latencyMs: 1, rateLimit: 0, backlog: 0, eventIntervalMs: 3_600_000 });
    const port = sim.port;
    await sim.close();
    const client = track(createHttpCivilRegistry({
      baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 200, maxAttempts: 2, backoff: { baseMs: 1, capMs: 5 }, cacheTtlMs: 0,
      breaker: { window: 10, minCalls: 3, failureRatio: 0.5, openMs: 300, maxOpenMs: 600 },
    }));
    for (let i = 0; i < 3; i++) await client.verify([requests[i]!]);
    expect(client.stats().breakerState).toBe('open');
    const t0 = Date.now();
    const fast = await client.verify(requests.slice(0, 50));
    expect(fast.every((o) => !o.ok && o.reason === 'circuit_open')).toBe(true);
    expect(Date.now() - t0).toBeLessThan(100);
    const back = track(await startCivilRegistrySim({ seed: SEED, families: FAMILIES, population, port, latencyMs: 1, rateLimit: 0, backlog: 0, eventIntervalMs: 3_600_000 }));
    expect(back.port).toBe(port);
    await new Promise((r) => setTimeout(r, 350));
    const [probe] = await client.verify([requests[10]!]);
    expect(probe?.ok).toBe(true);
    expect(client.stats().breakerState).toBe('closed');
    expect(client.stats().breakerOpened).toBe(1);
  });

  it('reads a family by KK', async () => {
    const sim = track(await startCivilRegistrySim({ seed: SEED, families: FAMILIES, population, latencyMs: 1, rateLimit: 0, backlog: 0, eventIntervalMs: 3_600_000 }));
    const client = track(createHttpCivilRegistry({ baseUrl: sim.url }));
    const kk = requests[0]!.kk!;
    const f = await client.fetchFamily(kk);
    expect(f.ok).toBe(true);
    if (f.ok) {
      expect(f.members.map((m) => m.nik).sort()).toEqual([...population.byKk.get(kk)!].sort());
      expect(f.members.every((m) => /^\d{2}\.\d{2}\.\d{2}\.\d{4}$/.test(m.villageCode))).toBe(true);
    }
  });
});
