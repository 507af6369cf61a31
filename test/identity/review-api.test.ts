/**
 * Review queue over HTTP: pairs side by side with identifiers masked, accept/reject,
 * merge and unmerge (restoring every byte), all audited, and nothing of another region
 * reachable.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, nationalActor, type TestDb } from '../support/db.js';
import { loginAs, testContext, type Session } from '../support/app.js';
import type { AppContext } from '../../src/platform/context.js';
import { buildServer } from '../../src/server/app.js';
import { runIdentityJob } from '../../src/identity/run-identity-job.js';
import { verifyRegistryIntegrity } from '../../src/registry/integrity.js';
import { generatedFiles, importGenerated } from './support.js';

let t: TestDb;
let ctx: AppContext;
let app: FastifyInstance;
let regency: string;
let otherRegency: string;
let officer: Session;
let outsider: Session;
let bank: Session;

async function all<R>(sql: string, params: unknown[] = []): Promise<R[]> {
  return t.db.transaction(async ({ raw }) => (await raw.query<R>(sql, params)).rows, nationalActor);
}
const get = (url: string, s: Session) => app.inject({ method: 'GET', url, headers: { cookie: s.cookie } });
const post = (url: string, s: Session, payload: unknown = {}) =>
  app.inject({ method: 'POST', url, payload: payload as Record<string, unknown>, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });

/** Member rows exactly as stored (every column, text form), and what references them. */
async function rows(ids: number[]): Promise<string[]> {
  const members = await all<{ r: string }>('select m::text as r from member m where id = any($1::bigint[]) order by id', [ids]);
  const civil = (await all<{ t: string | null }>(`select to_regclass('civil_member_status')::text as t`))[0]!.t
    ? await all<{ r: string }>('select c::text as r from civil_member_status c where member_id = any($1::bigint[]) order by member_id', [ids])
    : [];
  return [...members.map((m) => m.r), ...civil.map((c) => c.r)];
}

async function pairIn(status: string): Promise<{ id: number; a: number; b: number }> {
  const [p] = await all<{ id: number; a: number; b: number }>(
    `select p.id, p.member_a as a, p.member_b as b from identity_pair p
       join member a on a.id = p.member_a join member b on b.id = p.member_b
      where p.status = $1 and p.regency_code = $2 and p.regency_b = $2 order by p.probability desc, p.id limit 1`, [status, regency]);
  if (!p) throw new Error(`no ${status} pair in ${regency}`);
  return { id: Number(p.id), a: Number(p.a), b: Number(p.b) };
}

beforeAll(async () => {
  t = await openTestDb();
  ctx = await testContext(t);
  const dir = await generatedFiles(300, 99);
  await importGenerated(t.db, ctx.keyring, dir);
  await runIdentityJob({ db: t.db, keyring: ctx.keyring }, nationalActor);
  const [top] = await all<{ r: string }>(
    `select regency_code as r from identity_pair where regency_code = regency_b and status = 'accepted' group by 1 order by count(*) desc limit 1`);
  regency = top!.r;
  otherRegency = (await all<{ r: string }>('select distinct regency_code as r from member where regency_code <> $1 order by 1 limit 1', [regency]))[0]!.r;
  // Something for the queue in this region, whatever the engine left pending.
  await all(`update identity_pair set status = 'pending', decided_by = null, decided_at = null
     where id in (select id from identity_pair where status = 'accepted' and regency_code = $1 and regency_b = $1 order by id desc limit 2)`, [regency]);
  app = await buildServer(ctx);
  officer = await loginAs(app, ctx, 'dinsos.wilayah', 'dinsos', regency);
  outsider = await loginAs(app, ctx, 'dinsos.lain', 'dinsos', otherRegency);
  bank = await loginAs(app, ctx, 'bank.wilayah', 'bank', regency);
}, 600_000);
afterAll(async () => { await app?.close(); await t?.drop(); });

describe('review queue API', () => {
  it('lists pending pairs of the region side by side, identifiers masked, with per-field explanations', async () => {
    const res = await get('/api/v1/identity/pairs?status=pending&limit=50', officer);
    expect(res.statusCode).toBe(200);
    const page = res.json<{ items: Array<{ id: number; a: Record<string, unknown>; b: Record<string, unknown>; fields: Array<{ field: string; note: string }>; summary: string; probability: number }> }>();
    expect(page.items.length).toBeGreaterThan(0);
    for (const p of page.items) {
      for (const side of [p.a, p.b]) {
        expect(String(side.villageCode).startsWith(`${regency}.`)).toBe(true);
        if (side.nikMasked !== null) expect(side.nikMasked).toMatch(/^\d{4}\*{10}\d{2}$/);
        expect(side.kkMasked).toMatch(/^\d{4}\*+\d{2}$/);
        expect(typeof side.fullName).toBe('string');
      }
      expect(p.fields).toHaveLength(9);
      expect(p.summary.length).toBeGreaterThan(0);
    }
    const probabilities = page.items.map((p) => p.probability);
    expect(probabilities).toEqual([...probabilities].sort((x, y) => y - x));
    // No NIK in clear in the answer.
    const niks = await all<{ id: number }>('select id from member where nik_enc is not null limit 1');
    expect(niks.length).toBe(1);
    expect(res.body).not.toMatch(/"\d{16}"/);
  });

  it('documents its routes in the OpenAPI description', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(res.json<{ paths: Record<string, unknown> }>().paths);
    for (const p of ['/api/v1/identity/pairs', '/api/v1/identity/pairs/{id}/accept', '/api/v1/identity/merges', '/api/v1/identity/merges/{id}/unmerge']) {
      expect(paths).toContain(p);
    }
  });

  it('refuses other regions (404 for their pairs and merges, 403 for a region filter) and roles without the right (403)', async () => {
    const pair = await pairIn('pending');
    expect((await get(`/api/v1/identity/pairs/${pair.id}`, outsider)).statusCode).toBe(404);
    expect((await post(`/api/v1/identity/pairs/${pair.id}/accept`, outsider)).statusCode).toBe(404);
    expect((await get(`/api/v1/identity/pairs?region=${regency}`, outsider)).statusCode).toBe(403);
    const list = (await get('/api/v1/identity/pairs?status=pending', outsider)).json<{ items: Array<{ id: number }> }>();
    expect(list.items.map((i) => i.id)).not.toContain(pair.id);
    const merge = await post('/api/v1/identity/merges', outsider, { survivorId: pair.a, mergedIds: [pair.b], reason: 'uji di luar wilayah' });
    expect(merge.statusCode).toBe(404);
    expect((await get(`/api/v1/identity/pairs?status=pending`, bank)).statusCode).toBe(403);
    expect((await post(`/api/v1/identity/pairs/${pair.id}/accept`, bank)).statusCode).toBe(403);
    expect((await get(`/api/v1/identity/pairs/${pair.id}`, officer)).statusCode).toBe(200);
    const [{ status }] = await all<{ status: string }>('select status from identity_pair where id = $1', [pair.id]) as [{ status: string }];
    expect(status).toBe('pending');
  });

  it('accepts and rejects a pair, recorded on the pair and in the audit trail; a rejected pair blocks a merge', async () => {
    const pair = await pairIn('pending');
    const rejected = await post(`/api/v1/identity/pairs/${pair.id}/reject`, officer, { note: 'kembar, NIK berbeda' });
    expect(rejected.statusCode).toBe(200);
    expect(rejected.json()).toEqual({ id: pair.id, status: 'rejected', changed: true });
    const again = await post(`/api/v1/identity/pairs/${pair.id}/reject`, officer, { note: 'kembar, NIK berbeda' });
    expect(again.json()).toMatchObject({ changed: false });
    const blocked = await post('/api/v1/identity/merges', officer, { survivorId: pair.a, mergedIds: [pair.b], reason: 'uji penggabungan' });
    expect(blocked.statusCode).toBe(409);
    const accepted = await post(`/api/v1/identity/pairs/${pair.id}/accept`, officer, { note: 'orang yang sama' });
    expect(accepted.json()).toMatchObject({ status: 'accepted', changed: true });
    const [row] = await all<{ status: string; decided_by: string; decision_note: string }>('select status, decided_by, decision_note from identity_pair where id = $1', [pair.id]);
    expect(row).toEqual({ status: 'accepted', decided_by: 'dinsos.wilayah', decision_note: 'orang yang sama' });
    const audit = await all<{ action: string; actor: string }>(
      `select action, actor from audit_log where entity_type = 'identity_pair' and entity_id = $1 order by seq`, [String(pair.id)]);
    expect(audit).toEqual([
      { action: 'identity.pair.reject', actor: 'dinsos.wilayah' },
      { action: 'identity.pair.accept', actor: 'dinsos.wilayah' },
    ]);
  });

  it('merge keeps lineage and unmerge restores every row byte for byte', async () => {
    const pair = await pairIn('accepted');
    const civil = (await all<{ t: string | null }>(`select to_regclass('civil_member_status')::text as t`))[0]!.t;
    if (civil) {
      // A row of another feature that references the merged record (deleted by cascade with it).
      await all(`insert into civil_member_status (member_id, regency_code, village_code, member_version, outcome, mismatched, verification_id, checked_at)
                 select id, regency_code, village_code, version, 'mismatch', '{nama}', 4242, '2026-01-02T03:04:05.123456Z' from member where id = $1`, [pair.b]);
    }
    const before = await rows([pair.a, pair.b]);
    const pairsBefore = await all<{ r: string }>('select concat_ws($2, id, status, decided_by, decided_at, decision_note) as r from identity_pair where member_a = any($1::bigint[]) and member_b = any($1::bigint[]) order by id', [[pair.a, pair.b], '|']);
    const [b] = await all<{ birth_date: string; full_name: string }>('select birth_date::text, full_name from member where id = $1', [pair.b]);

    const merged = await post('/api/v1/identity/merges', officer, {
      survivorId: pair.a, mergedIds: [pair.b], reason: 'terdaftar dua kali setelah pindah', fields: { birthDate: pair.b, fullName: pair.b },
    });
    expect(merged.statusCode, merged.body).toBe(200);
    const { mergeId } = merged.json<{ mergeId: number }>();
    expect(await all('select id from member where id = $1', [pair.b])).toHaveLength(0);
    const [survivor] = await all<{ birth_date: string; full_name: string }>('select birth_date::text, full_name from member where id = $1', [pair.a]);
    expect(survivor).toEqual(b);
    // The survivor's row hash follows its new content.
    expect((await verifyRegistryIntegrity(t.db, ctx.keyring)).broken).toEqual([]);
    const lineage = await get(`/api/v1/identity/merges/${mergeId}`, officer);
    expect(lineage.json()).toMatchObject({
      survivorId: pair.a, mergedIds: [pair.b], reason: 'terdaftar dua kali setelah pindah', mergedBy: 'dinsos.wilayah', status: 'merged',
      fields: { birthDate: pair.b, fullName: pair.b }, merged: [{ memberId: pair.b, dependentRows: civil ? 1 : 0 }],
    });
    expect((await get(`/api/v1/identity/merges/${mergeId}`, outsider)).statusCode).toBe(404);
    expect((await post(`/api/v1/identity/merges/${mergeId}/unmerge`, outsider, { reason: 'uji di luar wilayah' })).statusCode).toBe(404);
    // The merged record no longer shows in the queue, nor has blocking keys.
    expect(await all('select 1 from identity_key where member_id = $1', [pair.b])).toHaveLength(0);

    const undone = await post(`/api/v1/identity/merges/${mergeId}/unmerge`, officer, { reason: 'ternyata kembar, bukan orang yang sama' });
    expect(undone.statusCode, undone.body).toBe(200);
    expect(undone.json()).toEqual({ mergeId, restoredIds: [pair.b], survivorRestored: true });
    expect(await rows([pair.a, pair.b])).toEqual(before);
    expect(await all<{ r: string }>('select concat_ws($2, id, status, decided_by, decided_at, decision_note) as r from identity_pair where member_a = any($1::bigint[]) and member_b = any($1::bigint[]) order by id', [[pair.a, pair.b], '|'])).toEqual(pairsBefore);
    expect((await verifyRegistryIntegrity(t.db, ctx.keyring)).broken).toEqual([]);
    expect(await all('select 1 from identity_key where member_id = $1', [pair.b])).not.toHaveLength(0);
    expect((await post(`/api/v1/identity/merges/${mergeId}/unmerge`, officer, { reason: 'sekali lagi' })).statusCode).toBe(409);
    const audit = await all<{ action: string; actor: string }>(
      `select action, actor from audit_log where entity_type = 'identity_merge' and entity_id = $1 order by seq`, [String(mergeId)]);
    expect(audit).toEqual([{ action: 'identity.merge', actor: 'dinsos.wilayah' }, { action: 'identity.unmerge', actor: 'dinsos.wilayah' }]);
  });

  it('refuses to unmerge over later edits of the survivor, and to merge records no review linked', async () => {
    const pair = await pairIn('accepted');
    const merged = await post('/api/v1/identity/merges', officer, { survivorId: pair.a, mergedIds: [pair.b], reason: 'uji perubahan', fields: { fullName: pair.b } });
    expect(merged.statusCode, merged.body).toBe(200);
    const { mergeId } = merged.json<{ mergeId: number }>();
    await all(`update member set mother_name = 'Ibu Diubah', version = version + 1 where id = $1`, [pair.a]);
    const refused = await post(`/api/v1/identity/merges/${mergeId}/unmerge`, officer, { reason: 'uji pembatalan' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json<{ error: { details: { reason: string } } }>().error.details.reason).toBe('survivor_changed');
    expect(await all('select 1 from member where id = $1', [pair.b])).toHaveLength(0);

    const [x, y] = await all<{ id: number }>(
      `select m.id from member m where m.regency_code = $1 and not exists (select 1 from identity_pair p where p.member_a = m.id or p.member_b = m.id)
        order by m.id limit 2`, [regency]);
    const unlinked = await post('/api/v1/identity/merges', officer, { survivorId: Number(x!.id), mergedIds: [Number(y!.id)], reason: 'uji tanpa pasangan' });
    expect(unlinked.statusCode).toBe(409);
    expect(unlinked.json<{ error: { details: { reason: string } } }>().error.details.reason).toBe('not_linked');
  });
});
