/**
 * The push path (DCI subscribe / notify): the simulator delivers events at least once to
 * a receiver that fails now and then; Tepat applies each exactly once, and a later pull
 * of the same feed finds every event already in the ledger.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, nationalActor, type TestDb } from '../support/db.js';
import type { Keyring } from '../../src/platform/keyring.js';
import { startCivilRegistrySim, type RunningSim } from '../../src/civil/sim/server.js';
import { createHttpCivilRegistry, type HttpCivilRegistry } from '../../src/civil/http-client.js';
import { ingestNotify } from '../../src/civil/notify.js';
import { syncCivilEvents } from '../../src/civil/sync-events.js';
import { CIVIL_EVENT_TYPES } from '../../src/civil/types.js';
import { ack } from '../../src/civil/dci.js';
import { SEED, count, devKeyring, generatedFiles, importGenerated } from './support.js';

const FAMILIES = 80;
let t: TestDb;
let keyring: Keyring;
let sim: RunningSim;
let registry: HttpCivilRegistry;
let receiver: http.Server;
let receiverUrl: string;
const received = { notify: 0, refused: 0, onSubscribe: [] as unknown[] };

beforeAll(async () => {
  const dir = await generatedFiles(FAMILIES);
  t = await openTestDb();
  keyring = await devKeyring(t.db);
  await importGenerated(t.db, keyring, dir);
  // Events trickle out: a few at start, then one every 20 ms.
  sim = await startCivilRegistrySim({ seed: SEED, families: FAMILIES, eventRate: 0.15, latencyMs: 2, perRecordMs: 0, rateLimit: 0, backlog: 5, eventIntervalMs: 20, pushIntervalMs: 30 });
  registry = createHttpCivilRegistry({ baseUrl: sim.url });
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
      if (req.url === '/dci/on-subscribe') {
        received.onSubscribe.push(body);
        res.writeHead(200).end();
        return;
      }
      received.notify++;
      // Every third delivery fails before anything is applied: the registry must send it again.
      if (received.notify % 3 === 0) {
        received.refused++;
        res.writeHead(503).end();
        return;
      }
      const r = await ingestNotify({ db: t.db, keyring }, nationalActor, registry.source, body);
      res.writeHead(r.ok ? 200 : 400, { 'content-type': 'application/json' }).end(JSON.stringify(ack(r.ok ? 'ACK' : 'ERR')));
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/dci`;
}, 240_000);

afterAll(async () => {
  registry?.close();
  await sim?.close();
  receiver?.closeAllConnections();
  await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
  await t?.drop();
});

describe('subscribe / notify', () => {
  it('delivers every event once into the ledger despite refused deliveries; a pull then finds them all applied', async () => {
    const total = sim.population.events.length;
    const sub = await registry.subscribe!(receiverUrl, CIVIL_EVENT_TYPES);
    expect(sub.ok).toBe(true);
    const deadline = Date.now() + 60_000;
    // The ledger commits before the registry hears the answer: wait for both.
    while (Date.now() < deadline && (await count(t.db, 'select count(*) as n from civil_event') < total || sim.stats().notified < total)) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await count(t.db, 'select count(*) as n from civil_event')).toBe(total);
    expect(received.refused).toBeGreaterThan(0);
    expect(received.notify).toBeGreaterThan(2);
    expect(received.onSubscribe).toHaveLength(1);
    expect(sim.stats()).toMatchObject({ subscriptions: 1, notified: total });
    expect(sim.stats().notifyFailures).toBe(received.refused);
    const cases = await count(t.db, 'select count(*) as n from civil_case');
    expect(cases).toBeGreaterThan(0);

    const pulled = await syncCivilEvents({ db: t.db, keyring, registry }, nationalActor, { pageSize: 50 });
    expect(pulled).toMatchObject({ applied: 0, skipped: 0, duplicates: total, caughtUp: true });
    expect(await count(t.db, 'select count(*) as n from civil_case')).toBe(cases);
    expect(await count(t.db, `select count(*) as n from audit_log where action = 'civil.notify'`)).toBeGreaterThan(0);
  });

  it('refuses callbacks beyond loopback and malformed notify messages', async () => {
    const far = await registry.subscribe!('http://10.0.0.1/dci', ['death']);
    expect(far).toEqual({ ok: false, reason: 'bad_response' });
    expect(await ingestNotify({ db: t.db, keyring }, nationalActor, 'dukcapil', { header: {}, message: {} })).toMatchObject({ ok: false });
    const noSeq = await ingestNotify({ db: t.db, keyring }, nationalActor, 'dukcapil', {
      header: { message_id: '1', message_ts: new Date().toISOString(), action: 'notify' }, message: { transaction_id: 't', notify_event: [{ reference_id: 'x' }] },
    });
    expect(noSeq).toMatchObject({ ok: false });
  });
});
