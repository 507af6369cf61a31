/**
 * The parallel verifier (PostgreSQL: ranges in worker threads, binary COPY) must agree
 * with the sequential one on intact and on tampered logs. On PGlite it is the
 * sequential verifier itself, so the same expectations hold there too.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../support/db.js';
import { verifyAuditLog } from '../../src/platform/audit.js';
import { verifyAuditLogFast, verifyAuditLogParallel } from '../../src/platform/audit-verify.js';
import { isPostgres } from '../support/db.js';
import { genesisPrevHash, sealAuditRecord } from '../../src/platform/audit-chain.js';
import { copyBytes, copyText } from '../../src/platform/copy.js';

let t: TestDb | undefined;
afterAll(async () => { await t?.drop(); });

const N = 1_200;

/** Loads a valid chain of N records with varied content (nulls, non-ASCII, escapes, long text). */
async function loadChain(db: TestDb['db']): Promise<void> {
  let prev = genesisPrevHash();
  let lines = '';
  for (let seq = 1; seq <= N; seq++) {
    // Whole milliseconds, several records per second and across a day boundary.
    const occurredAt = new Date(Date.UTC(2026, 10, 27, 23, 59, 0) + seq * 137).toISOString();
    const r = sealAuditRecord(prev, {
      seq, occurredAt, actor: seq % 7 === 0 ? 'petugas.Ña\u00efve' : `operator.${seq % 13}`, role: 'operator', region: seq % 11 === 0 ? 'ID' : '32.01.01',
      channel: 'api', action: 'member.update', entityType: 'member', entityId: seq % 5 === 0 ? null : String(seq),
      changes: JSON.stringify({ n: seq, note: seq % 3 === 0 ? 'tab\there "kutip" \\ garis\nbaru' : 'x'.repeat(seq % 90), nama: 'Siti Ḥalīmah' }),
      requestId: seq % 4 === 0 ? null : `req-${seq}`,
    });
    prev = r.hash;
    lines += copyText([String(seq), occurredAt, r.actor, r.role, r.region, r.channel, r.action, r.entityType, r.entityId, r.changes, r.requestId]).slice(0, -1)
      + '\t' + copyBytes(r.prevHash) + '\t' + copyBytes(r.hash) + '\n';
  }
  await db.withConnection(async (c) => {
    await c.exec('alter table audit_log disable trigger audit_log_head');
    await c.copyFrom('copy audit_log (seq, occurred_at, actor, actor_role, scope, channel, action, entity_type, entity_id, changes, request_id, prev_hash, hash) from stdin', lines);
    await c.query('update audit_head set seq = $1, hash = $2 where id = 1', [N, prev]);
    await c.exec('alter table audit_log enable trigger audit_log_head');
  });
}

const tamper = (sql: string) => t!.db.withConnection((c) => c.exec(`alter table audit_log disable trigger audit_log_no_update; ${sql}; alter table audit_log enable trigger audit_log_no_update`));
const fast = () => verifyAuditLogFast(t!.db, { workers: 3, minRecords: 1 });

describe('parallel audit verification', () => {
  beforeEach(async () => {
    await t?.drop();
    t = await openTestDb();
    await loadChain(t.db);
  });

  it('accepts an intact log with the same count and head as the sequential verifier', async () => {
    const sequential = await verifyAuditLog(t!.db);
    const parallel = await fast();
    expect(sequential.ok).toBe(true);
    expect(parallel).toEqual(sequential);
    expect(parallel).toMatchObject({ ok: true, count: N });
    // On PostgreSQL the answer came from the worker ranges, not from the fallback.
    const rangesOnly = await verifyAuditLogParallel(t!.db, { workers: 3, minRecords: 1 });
    if (isPostgres()) expect(rangesOnly).toEqual(sequential);
    else expect(rangesOnly).toBeUndefined();
  });

  it.each([
    ['changed content', `update audit_log set changes = '{"n":0}' where seq = 777`, { seq: 777n, reason: 'hash_mismatch' }],
    ['changed timestamp', `update audit_log set occurred_at = occurred_at + interval '1 millisecond' where seq = 5`, { seq: 5n, reason: 'hash_mismatch' }],
    ['a null made empty', `update audit_log set request_id = '' where seq = 8`, { seq: 8n, reason: 'hash_mismatch' }],
    ['deleted record at a range edge', `delete from audit_log where seq = 401`, { seq: 402n, reason: 'seq_gap' }],
    ['deleted first record', `delete from audit_log where seq = 1`, { seq: 2n, reason: 'prev_mismatch' }],
    ['forged link', `update audit_log set prev_hash = decode(repeat('ab', 32), 'hex') where seq = 900`, { seq: 900n, reason: 'prev_mismatch' }],
  ])('names the first broken record exactly like the sequential verifier: %s', async (_label, sql, expected) => {
    await tamper(sql);
    const sequential = await verifyAuditLog(t!.db);
    expect(sequential).toMatchObject({ ok: false, firstBroken: expected });
    expect(await fast()).toEqual(sequential);
    expect(await verifyAuditLogParallel(t!.db, { workers: 3, minRecords: 1 })).toBeUndefined();
  });
});
