/**
 * The simulator holds the people `generatePopulation` makes for the same seed, answers
 * in the DCI message format, publishes events over time and misbehaves on request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePopulation } from '../../src/generate/population.js';
import { buildSimPopulation, type SimPopulation } from '../../src/civil/sim/civil-population.js';
import { startCivilRegistrySim, type RunningSim } from '../../src/civil/sim/server.js';
import { parseSimArgs } from '../../src/civil/sim/cli.js';
import { SEARCH_PATH, eventSearch, familySearch, verificationSearch } from '../../src/civil/dci.js';
import { createHttpCivilRegistry } from '../../src/civil/http-client.js';

const FAMILIES = 300;
const SEED = 11;
let population: SimPopulation;
const running: RunningSim[] = [];

async function start(opts: Parameters<typeof startCivilRegistrySim>[0]): Promise<RunningSim> {
  const sim = await startCivilRegistrySim(opts);
  running.push(sim);
  return sim;
}

async function post(sim: RunningSim, body: unknown): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(sim.url + SEARCH_PATH, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json(), headers: res.headers };
}

beforeAll(() => {
  population = buildSimPopulation({ seed: SEED, families: FAMILIES });
});

afterAll(async () => {
  for (const s of running) await s.close();
});

describe('simulated population', () => {
  it('holds the generator\'s people for the same seed: most exactly, some with known discrepancies', () => {
    let same = 0;
    let people = 0;
    for (const family of generatePopulation({ seed: SEED, families: FAMILIES })) {
      for (const p of family.members) {
        if (p.record.nik === null) continue;
        people++;
        const held = population.byNik.get(p.record.nik);
        if (!held) {
          expect([...population.byNik.values()].find((x) => x.personId === p.personId)?.discrepancy).toBe('unknown_nik');
          continue;
        }
        expect(held.personId).toBe(p.personId);
        expect(held.sex).toBe(p.record.sex);
        if (held.discrepancy === 'none') {
          expect(held.name).toBe(p.record.fullName);
          expect(held.birthDate).toBe(p.record.birthDate);
          same++;
        } else if (held.discrepancy === 'name') expect(held.name).not.toBe(p.record.fullName);
        else expect(held.birthDate).not.toBe(p.record.birthDate);
      }
    }
    expect(people).toBe(population.counts.registered);
    expect(same / people).toBeGreaterThan(0.88);
    expect(population.counts.unknown_nik + population.counts.name + population.counts.birth_date).toBeGreaterThan(0);
  });

  it('is deterministic: the same options give the same holdings and feed', () => {
    const again = buildSimPopulation({ seed: SEED, families: FAMILIES });
    expect(again.events).toEqual(population.events);
    expect([...again.byNik.values()].map((p) => `${p.nik}|${p.name}|${p.birthDate}|${p.kk}`))
      .toEqual([...population.byNik.values()].map((p) => `${p.nik}|${p.name}|${p.birthDate}|${p.kk}`));
    expect(buildSimPopulation({ seed: SEED + 1, families: FAMILIES }).events).not.toEqual(population.events);
  });

  it('orders the feed 1…n with unique ids and every kind of event', () => {
    const feed = buildSimPopulation({ seed: SEED, families: FAMILIES, eventRate: 0.1 }).events;
    expect(feed.map((e) => e.seq)).toEqual(feed.map((_, i) => i + 1));
    expect(new Set(feed.map((e) => e.eventId)).size).toBe(feed.length);
    expect(new Set(feed.map((e) => e.type))).toEqual(new Set(['death', 'move', 'kk_change', 'correction', 'birth']));
  });
});

describe('simulator over HTTP', () => {
  it('answers DCI search messages, echoing transaction and reference ids', async () => {
    const sim = await start({ seed: SEED, families: FAMILIES, population: buildSimPopulation({ seed: SEED, families: FAMILIES }), latencyMs: 1, rateLimit: 0, backlog: 0, eventIntervalMs: 3_600_000 });
    const person = [...sim.population.byNik.values()].find((p) => p.discrepancy === 'none' && !p.deathDate)!;
    const msg = verificationSearch([
      { nik: person.nik, name: person.name.toUpperCase(), birthDate: person.birthDate, kk: person.kk },
      { nik: '9999999999999999', name: 'X', birthDate: null },
    ]);
    const { status, json } = await post(sim, msg);
    expect(status).toBe(200);
    expect(json.header).toMatchObject({ action: 'on-search', status: 'succ', total_count: 2 });
    expect(json.message.transaction_id).toBe(msg.message.transaction_id);
    expect(json.message.search_response.map((r: any) => r.reference_id)).toEqual(['0', '1']);
    expect(json.message.search_response[0].data.reg_records[0]).toEqual({
      '@type': 'dukcapil:VerificationResult', nik_status: 'aktif',
      match: { name: { result: 'sesuai', score: 100 }, birth_date: { result: 'sesuai' }, kk: { result: 'sesuai' } },
    });
    expect(json.message.search_response[1].data.reg_records[0].nik_status).toBe('tidak_ditemukan');
    // No values of the registry's record come back, only the match.
    expect(JSON.stringify(json)).not.toContain(person.nik);

    const family = await post(sim, familySearch(person.kk));
    const members = family.json.message.search_response[0].data.reg_records;
    expect(members.map((m: any) => m.identifier[0].identifier_value)).toContain(person.nik);

    const bad = await post(sim, { header: {}, message: {} });
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].code).toBe('rjct.message.invalid');
  });

  it('publishes events over time and pages through them by cursor', async () => {
    const sim = await start({ seed: SEED, families: FAMILIES, eventRate: 0.1, latencyMs: 1, rateLimit: 0, backlog: 3, eventIntervalMs: 150 });
    const registry = createHttpCivilRegistry({ baseUrl: sim.url });
    const first = await registry.readEvents('0', 100);
    expect(first.ok && first.events.length).toBeGreaterThanOrEqual(3);
    expect(first.ok && first.events.length).toBeLessThan(6);
    await new Promise((r) => setTimeout(r, 500));
    const later = await registry.readEvents(first.ok ? first.next : '0', 2);
    expect(later.ok && later.events.length).toBe(2);
    expect(later.ok && later.hasMore).toBe(true);
    expect(later.ok && later.events[0]!.seq).toBe(first.ok ? Number(first.next) + 1 : -1);
    const bad = await post(sim, eventSearch('0', 5));
    expect(bad.json.message.search_response[0].pagination.total_count).toBe(sim.stats().eventsPublished);
    registry.close();
  });

  it('injects faults of every kind at the requested rate, and enforces a quota with Retry-After', async () => {
    const sim = await start({ seed: SEED, families: 20, faultRate: 1, latencyMs: 1, hangMs: 50, rateLimit: 0 });
    const msg = verificationSearch([{ nik: '3201010101900001', name: 'A', birthDate: null }]);
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push(await post(sim, msg).then((r) => r.status, () => 0));
    const f = sim.stats().faults;
    expect(f.server_error + f.rate_limited + f.hang + f.slow).toBe(60);
    for (const k of ['server_error', 'rate_limited', 'hang', 'slow'] as const) expect(f[k]).toBeGreaterThan(0);
    expect(statuses.filter((s) => s >= 500).length).toBe(f.server_error);
    expect(statuses.filter((s) => s === 0).length).toBe(f.hang);

    const limited = await start({ seed: SEED, families: 20, latencyMs: 1, rateLimit: 3 });
    const answers = await Promise.all(Array.from({ length: 8 }, () => post(limited, msg)));
    const refused = answers.filter((a) => a.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(5);
    expect(refused[0]!.headers.get('retry-after')).toBe('1');
  });

  it('parses its command line, refusing addresses beyond loopback', () => {
    expect(parseSimArgs(['--port', '0', '--seed', '7', '--families', '50', '--fault-rate', '0.05', '--backlog', 'all'])).toMatchObject({
      port: 0, seed: 7, families: 50, faultRate: 0.05, rateLimit: 200, backlog: Number.MAX_SAFE_INTEGER,
    });
    expect(() => parseSimArgs(['--port', '1', '--host', '0.0.0.0'])).toThrow(/loopback/);
    expect(() => parseSimArgs(['--port', '1', '--fault-rate', '2'])).toThrow(/--fault-rate/);
    expect(() => parseSimArgs(['--seed', '1'])).toThrow(/--port/);
  });
});
