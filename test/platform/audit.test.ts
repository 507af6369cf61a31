import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, nationalActor, type TestDb } from '../support/db.js';
import { buildFamilyRow, buildMemberRow, writeCsv } from '../support/builders.js';
import { testContext } from '../support/app.js';
import type { AppContext } from '../../src/platform/context.js';
import { importFile } from '../../src/registry/import/import-file.js';
import { runAuditCommand } from '../../src/platform/audit-cli.js';
import { appendAudit, auditAnchor } from '../../src/platform/audit.js';

let t: TestDb;
let ctx: AppContext;

beforeAll(async () => {
  t = await openTestDb();
  ctx = await testContext(t);
  const dir = mkdtempSync(join(tmpdir(), 'tepat-audit-'));
  writeCsv(join(dir, 'k.csv'), 'families', Array.from({ length: 12 }, (_, i) => buildFamilyRow(i)));
  writeCsv(join(dir, 'a.csv'), 'members', Array.from({ length: 30 }, (_, i) => buildMemberRow(i, i % 12, i === 3 ? { hamil: '', disabilitas_berat: '' } : {})));
  for (const f of ['k.csv', 'a.csv']) await importFile({ db: t.db, keyring: ctx.keyring, actor: nationalActor }, join(dir, f), { batchSize: 5 });
});
afterAll(async () => { await t.drop(); });

async function verify(): Promise<{ code: number; out: string }> {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (d: Buffer) => { out += d.toString(); });
  const code = await runAuditCommand(['verify'], { stdout, stderr: stdout }, ctx);
  return { code, out };
}

const owner = (sql: string) => t.db.withConnection((c) => c.exec(sql));

describe('tamper-evident trail', () => {
  it('records every import batch, chains them, and verifies clean data', async () => {
    const n = await t.db.withConnection(async (c) => (await c.query<{ n: number }>('select count(*)::int as n from audit_log')).rows[0]!.n);
    expect(n).toBe(3 + 6); // 12 families and 30 members in batches of 5
    const r = await verify();
    expect(r.out).toMatch(/Jejak audit utuh: 9 catatan/);
    expect(r.out).toMatch(/Registri utuh: 12 keluarga, 30 anggota/);
    expect(r.code).toBe(0);
    const anchor = await auditAnchor(t.db);
    expect(anchor.seq).toBe(9);
    expect(anchor.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses an out-of-order append (a forged prev_hash)', async () => {
    await expect(owner(`insert into audit_log values (99, now(), 'x', 'pusat', 'ID', 'cli', 'forge', 'none', null, '{}', null,
      decode(repeat('00', 32), 'hex'), decode(repeat('11', 32), 'hex'))`)).rejects.toThrow(/out of order/);
  });

  it('names the first audit record changed behind the application’s back', async () => {
    await owner(`alter table audit_log disable trigger audit_log_no_update;
      update audit_log set changes = '{"rows":0}' where seq = 4;
      alter table audit_log enable trigger audit_log_no_update`);
    const r = await verify();
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/JEJAK AUDIT RUSAK: catatan seq 4/);
  });

  it('names a family and a member row edited directly in the database', async () => {
    const fam = await t.db.transaction(async ({ kysely }) => kysely.selectFrom('family').select('id').orderBy('id').limit(1).executeTakeFirstOrThrow(), nationalActor);
    const mem = await t.db.transaction(async ({ kysely }) => kysely.selectFrom('member').select('id').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow(), nationalActor);
    await owner(`update family set floor_material = 'marmer_granit' where id = ${fam.id}`);
    await owner(`update member set occupation = 'asn' where id = ${mem.id}`);
    const r = await verify();
    expect(r.code).toBe(1);
    expect(r.out).toContain(`keluarga id ${fam.id}`);
    expect(r.out).toContain(`anggota id ${mem.id}`);
    // The direct edit is itself in the change history, attributed to the database role.
    const change = await t.db.transaction(async ({ kysely }) => kysely.selectFrom('registryChange').selectAll()
      .where('entityType', '=', 'family').where('entityId', '=', fam.id).where('op', '=', 'update').executeTakeFirstOrThrow(), nationalActor);
    expect(change.changes).toMatchObject({ floor_material: { to: 'marmer_granit' } });
  });

  it('lets the application role append but never change or delete', async () => {
    await t.db.transaction(async (tx) => { await appendAudit(tx, { action: 'test.event', entityType: 'none' }); }, nationalActor);
    await expect(t.db.transaction(async ({ raw }) => raw.exec('update audit_log set actor = actor'), nationalActor)).rejects.toThrow(/permission denied|append-only/);
    await expect(t.db.transaction(async ({ raw }) => raw.exec('delete from audit_log'), nationalActor)).rejects.toThrow(/permission denied|append-only/);
    await expect(t.db.transaction(async ({ raw }) => raw.exec('update audit_head set seq = 0'), nationalActor)).rejects.toThrow(/permission denied/);
  });
});
