/**
 * Verification against the simulator holding the same people as the imported files:
 * each member's outcome is exactly what the simulator's ground truth says, results are
 * recorded, and a registry that is down defers the work without losing any of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, nationalActor, actorFor, type TestDb } from '../support/db.js';
import { CIPHER_CONTEXT, type Keyring } from '../../src/platform/keyring.js';
import { startCivilRegistrySim, type RunningSim } from '../../src/civil/sim/server.js';
import { buildSimPopulation, type SimPopulation } from '../../src/civil/sim/civil-population.js';
import { createHttpCivilRegistry, type HttpCivilRegistry } from '../../src/civil/http-client.js';
import { verifyPendingMembers } from '../../src/civil/verify-members.js';
import { civilReport } from '../../src/civil/report.js';
import { SEED, count, devKeyring, generatedFiles, importGenerated } from './support.js';

const FAMILIES = 120;
let t: TestDb;
let keyring: Keyring;
let population: SimPopulation;
let sim: RunningSim;
let port = 0;
const clients: HttpCivilRegistry[] = [];

// No events published: answers reflect the population as generated.
const quiet = { eventIntervalMs: 3_600_000, backlog: 0, latencyMs: 2, perRecordMs: 0, rateLimit: 0 };

function client(): HttpCivilRegistry {
  const c = createHttpCivilRegistry({
    baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 1000, maxAttempts: 2, backoff: { baseMs: 10, capMs: 40 },
    breaker: { window: 10, minCalls: 3, failureRatio: 0.5, openMs: 300, maxOpenMs: 1000 }, cacheTtlMs: 0,
  });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  const dir = await generatedFiles(FAMILIES);
  t = await openTestDb();
  keyring = await devKeyring(t.db);
  await importGenerated(t.db, keyring, dir);
  population = buildSimPopulation({ seed: SEED, families: FAMILIES });
  sim = await startCivilRegistrySim({ seed: SEED, families: FAMILIES, population, ...quiet });
  port = sim.port;
}, 240_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await sim?.close();
  await t?.drop();
});

/** What the simulator's ground truth says each member's outcome must be. */
async function expectedOutcomes(): Promise<Map<number, { outcome: string; mismatched: string[] }>> {
  const rows = await t.db.transaction(async (tx) => (await tx.raw.query<{ id: number; nik_enc: Uint8Array; presence_status: string }>(
    'select id, nik_enc, presence_status from member where nik_enc is not null order by id')).rows, nationalActor);
  const out = new Map<number, { outcome: string; mismatched: string[] }>();
  for (const r of rows) {
    const p = population.byNik.get(keyring.cipher.decrypt(r.nik_enc, CIPHER_CONTEXT.nik));
    if (!p) out.set(Number(r.id), { outcome: 'not_found', mismatched: [] });
    else {
      const mismatched = [...(p.discrepancy === 'name' ? ['name'] : []), ...(p.discrepancy === 'birth_date' ? ['birthDate'] : []), ...(r.presence_status === 'pindah' ? ['kk'] : [])];
      out.set(Number(r.id), { outcome: p.deathDate ? 'deceased' : mismatched.length > 0 ? 'mismatch' : 'verified', mismatched });
    }
  }
  return out;
}

describe('verifying imported members', () => {
  it('defers everything while the registry is down, writing nothing', async () => {
    await sim.close();
    const s = await verifyPendingMembers({ db: t.db, keyring, registry: client() }, nationalActor, { batchSize: 100 });
    expect(s.registryUnavailable).toBe(true);
    expect(s.checked).toBe(0);
    expect(s.deferred).toBeGreaterThan(0);
    expect(await count(t.db, 'select count(*) as n from civil_verification')).toBe(0);
    const report = await t.db.transaction((tx) => civilReport(tx), nationalActor);
    expect(report.total.notChecked).toBe(report.total.members - report.total.withoutNik);
    sim = await startCivilRegistrySim({ seed: SEED, families: FAMILIES, population, ...quiet, port });
  });

  it('resumes when the registry is back: every member gets the outcome its ground truth implies', async () => {
    const expected = await expectedOutcomes();
    const s = await verifyPendingMembers({ db: t.db, keyring, registry: client() }, nationalActor, { batchSize: 100 });
    expect(s.registryUnavailable).toBe(false);
    expect(s.deferred).toBe(0);
    expect(s.checked).toBe(expected.size);
    const statuses = await t.db.transaction(async (tx) => (await tx.raw.query<{ member_id: number; outcome: string; mismatched: string[] }>(
      'select member_id, outcome, mismatched from civil_member_status order by member_id')).rows, nationalActor);
    expect(new Map(statuses.map((r) => [Number(r.member_id), { outcome: r.outcome, mismatched: r.mismatched }]))).toEqual(expected);
    const tally = (o: string) => [...expected.values()].filter((e) => e.outcome === o).length;
    expect(s).toMatchObject({ verified: tally('verified'), mismatched: tally('mismatch'), notFound: tally('not_found'), deceased: tally('deceased') });
    // The simulator's discrepancy rates show up: mostly verified, some of each other outcome.
    expect(s.verified / s.checked).toBeGreaterThan(0.8);
    expect(s.notFound).toBeGreaterThan(0);
    expect(s.mismatched).toBeGreaterThan(0);
    expect(await count(t.db, 'select count(*) as n from civil_verification')).toBe(expected.size);
    expect(await count(t.db, `select count(*) as n from audit_log where action = 'civil.verify.batch'`)).toBeGreaterThan(0);
  });

  it('checks nothing twice, but re-checks a member edited since', async () => {
    const again = await verifyPendingMembers({ db: t.db, keyring, registry: client() }, nationalActor);
    expect(again.checked).toBe(0);
    const id = await count(t.db, `select min(m.id) as n from member m join civil_member_status s on s.member_id = m.id where s.outcome = 'verified'`);
    await t.db.transaction((tx) => tx.raw.query(`update member set full_name = full_name || ' Saputra', version = version + 1 where id = $1`, [id]), nationalActor);
    const before = await t.db.transaction((tx) => civilReport(tx), nationalActor);
    expect(before.total.notChecked).toBe(1);
    const s = await verifyPendingMembers({ db: t.db, keyring, registry: client() }, nationalActor);
    expect(s).toMatchObject({ checked: 1, mismatched: 1 });
    expect(await count(t.db, 'select count(*) as n from civil_verification where member_id = $1', [id])).toBe(2);
  });

  it('marks a member the registry reports deceased and opens a review case, once', async () => {
    await sim.close();
    // Now with the feed published: the registry knows of deaths Tepat has not heard of.
    const opts = { seed: SEED, families: FAMILIES, eventRate: 0.1 };
    sim = await startCivilRegistrySim({ ...opts, ...quiet, port, backlog: Number.MAX_SAFE_INTEGER, eventIntervalMs: 0 });
    const deathNiks = new Set(sim.published().filter((e) => e.type === 'death').map((e) => (e as { nik: string }).nik));
    const living = await t.db.transaction(async (tx) => (await tx.raw.query<{ id: number; nik_enc: Uint8Array }>(
      `select id, nik_enc from member where nik_enc is not null and presence_status <> 'meninggal'`)).rows, nationalActor);
    const dying = living.filter((m) => deathNiks.has(keyring.cipher.decrypt(m.nik_enc, CIPHER_CONTEXT.nik))).map((m) => Number(m.id));
    expect(dying.length).toBeGreaterThan(0);
    await t.db.transaction((tx) => tx.raw.query('update civil_member_status set needs_recheck = true'), nationalActor);
    const s = await verifyPendingMembers({ db: t.db, keyring, registry: client() }, nationalActor);
    expect(s.markedDeceased).toBe(dying.length);
    const cases = await t.db.transaction(async (tx) => (await tx.raw.query<{ member_id: number }>(
      `select member_id from civil_case where kind = 'death' and event_id is null and status = 'open' order by member_id`)).rows, nationalActor);
    expect(cases.map((c) => Number(c.member_id))).toEqual([...dying].sort((a, b) => a - b));
    expect(await count(t.db, `select count(*) as n from member where id = any($1::bigint[]) and presence_status = 'meninggal'`, [dying])).toBe(dying.length);
    // The check that found the death is current: nothing is due again.
    expect((await verifyPendingMembers({ db: t.db, keyring, registry: client() }, nationalActor)).checked).toBe(0);
  });

  it('reports per region, within the caller scope only', async () => {
    const national = await t.db.transaction((tx) => civilReport(tx), nationalActor);
    const province = national.rows.find((r) => r.code === '32')!;
    expect(province.name).toBeTruthy();
    const t32 = national.rows.filter((r) => r.code === '32').reduce((a, r) => a + r.members, 0);
    const scoped = await t.db.transaction((tx) => civilReport(tx, 'ID'), actorFor('32.01'));
    expect(scoped.total.members).toBeGreaterThan(0);
    expect(scoped.total.members).toBeLessThanOrEqual(t32);
    expect(scoped.rows.every((r) => r.code === '32')).toBe(true);
    const regency = await t.db.transaction((tx) => civilReport(tx, '32.01'), actorFor('32.01'));
    expect(regency.rows.every((r) => r.code.startsWith('32.01.') && r.code.length === 8)).toBe(true);
    expect(regency.total).toEqual(scoped.total);
    const sum = regency.total;
    expect(sum.verified + sum.mismatched + sum.unknown + sum.deceased + sum.notChecked + sum.withoutNik).toBe(sum.members);
  });
});
