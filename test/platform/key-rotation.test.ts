import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, nationalActor, type TestDb } from '../support/db.js';
import { buildFamilyRow, buildMemberRow, writeCsv } from '../support/builders.js';
import { loginAs, testContext } from '../support/app.js';
import type { AppContext } from '../../src/platform/context.js';
import { openKeyring } from '../../src/platform/keyring.js';
import { DEV_INDEX_KEY, DEV_MASTER_KEY } from '../../src/platform/config.js';
import { buildServer } from '../../src/server/app.js';
import { importFile } from '../../src/registry/import/import-file.js';
import { rotateKeys } from '../../src/platform/key-rotation.js';
import { verifyRegistryIntegrity } from '../../src/registry/integrity.js';
import { verifyAuditLog } from '../../src/platform/audit.js';

let t: TestDb;
let serverCtx: AppContext;

beforeAll(async () => {
  t = await openTestDb();
  serverCtx = await testContext(t);
  const dir = mkdtempSync(join(tmpdir(), 'tepat-rotate-'));
  writeCsv(join(dir, 'k.csv'), 'families', Array.from({ length: 60 }, (_, i) => buildFamilyRow(i, { no_hp: '0812345678' + String(i).padStart(2, '0') })));
  writeCsv(join(dir, 'a.csv'), 'members', Array.from({ length: 150 }, (_, i) => buildMemberRow(i, i % 60)));
  for (const f of ['k.csv', 'a.csv']) await importFile({ db: t.db, keyring: serverCtx.keyring, actor: nationalActor }, join(dir, f));
});
afterAll(async () => { await t.drop(); });

describe('key rotation', () => {
  it('re-encrypts every value under a new key while requests keep succeeding', async () => {
    const app = await buildServer(serverCtx);
    const session = await loginAs(app, serverCtx, 'operator.putar', 'operator', '32.01');
    // The server refreshes its own keyring, as a separate process would.
    const timer = setInterval(() => { void serverCtx.keyring.refresh(); }, 50);
    const changesBefore = await t.db.withConnection(async (c) => (await c.query<{ n: number }>('select count(*)::int as n from registry_change')).rows[0]!.n);

    let stop = false;
    const statuses: number[] = [];
    const reader = (async () => {
      while (!stop) {
        // Real requests arrive as I/O; yielding lets timers run (PGlite answers in microtasks).
        await new Promise((r) => setImmediate(r));
        const list = await app.inject({ method: 'GET', url: '/api/v1/families?limit=50', headers: { cookie: session.cookie } });
        statuses.push(list.statusCode);
        const first = list.json<{ items: Array<{ id: number }> }>().items[0];
        if (first) statuses.push((await app.inject({ method: 'GET', url: `/api/v1/families/${first.id}`, headers: { cookie: session.cookie } })).statusCode);
      }
    })();
    const rotationKeyring = await openKeyring(t.db, { masterKey: DEV_MASTER_KEY, indexKey: DEV_INDEX_KEY });
    const result = await rotateKeys(t.db, rotationKeyring, { graceMs: 300, batchSize: 25 });
    stop = true;
    await reader;
    clearInterval(timer);
    await app.close();

    expect(result.keyId).toBe(2);
    expect(result.reencrypted).toBe(60 + 60 + 60 + 150); // kk, address, phone of families; NIK of members
    expect(statuses.length).toBeGreaterThan(4);
    expect(statuses.every((s) => s === 200)).toBe(true);
    const leftovers = await t.db.withConnection(async (c) => (await c.query<{ n: number }>(`
      select (select count(*) from family where ((get_byte(kk_enc, 1) << 8) | get_byte(kk_enc, 2)) <> 2
                 or ((get_byte(address_enc, 1) << 8) | get_byte(address_enc, 2)) <> 2)
           + (select count(*) from member where nik_enc is not null and ((get_byte(nik_enc, 1) << 8) | get_byte(nik_enc, 2)) <> 2)
           + (select count(*) from account where totp_secret_enc is not null and ((get_byte(totp_secret_enc, 1) << 8) | get_byte(totp_secret_enc, 2)) <> 2) as n`)).rows[0]!.n);
    expect(Number(leftovers)).toBe(0);
    // Content is unchanged: rows still match their integrity hashes, and no change was logged.
    expect((await verifyRegistryIntegrity(t.db, rotationKeyring)).broken).toEqual([]);
    const changesAfter = await t.db.withConnection(async (c) => (await c.query<{ n: number }>('select count(*)::int as n from registry_change')).rows[0]!.n);
    expect(changesAfter).toBe(changesBefore);
    expect((await verifyAuditLog(t.db)).ok).toBe(true);
    // Running it again is safe: it adds a key 3 and moves everything once more.
    expect((await rotateKeys(t.db, rotationKeyring, { graceMs: 0 })).keyId).toBe(3);
  });
});
