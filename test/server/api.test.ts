import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, nationalActor, type TestDb } from '../support/db.js';
import { buildFamilyRow, buildMemberRow, writeCsv } from '../support/builders.js';
import { loginAs, testContext, TEST_PASSWORD, type Session } from '../support/app.js';
import type { AppContext } from '../../src/platform/context.js';
import { buildServer } from '../../src/server/app.js';
import { importFile } from '../../src/registry/import/import-file.js';
import { addUser } from '../../src/auth/accounts.js';
import { generateTotp } from '../../src/security/totp.js';

let t: TestDb;
let ctx: AppContext;
let app: FastifyInstance;
let operator: Session;
const families = Array.from({ length: 10 }, (_, i) => buildFamilyRow(i, i === 0 ? { alamat: "Jl. X'); drop table family; -- <script>alert(1)</script>" } : {}));
const HOSTILE_PLACE = `<img src=x onerror="alert('x')">'; delete from member; --`;
const members = Array.from({ length: 30 }, (_, i) => buildMemberRow(i, i % 10,
  i === 0 ? { nama: "Ma'ruf Amin", tempat_lahir: HOSTILE_PLACE } : i === 10 ? { nama: "D'Silva" } : {}));

beforeAll(async () => {
  t = await openTestDb();
  ctx = await testContext(t);
  app = await buildServer(ctx);
  const dir = mkdtempSync(join(tmpdir(), 'tepat-api-'));
  writeCsv(join(dir, 'k.csv'), 'families', families);
  writeCsv(join(dir, 'a.csv'), 'members', members);
  for (const f of ['k.csv', 'a.csv']) await importFile({ db: t.db, keyring: ctx.keyring, actor: nationalActor }, join(dir, f));
  operator = await loginAs(app, ctx, 'operator.desa1001', 'operator', '32.01.01.1001');
});
afterAll(async () => { await app.close(); await t.drop(); });

const get = (url: string, s?: Session) => app.inject({ method: 'GET', url, headers: s ? { cookie: s.cookie } : {} });

describe('officer API', () => {
  it('refuses anonymous reads with a uniform error body and a request id', async () => {
    const res = await get('/api/v1/families');
    expect(res.statusCode).toBe(401);
    const body = res.json<{ error: { code: string; requestId: string } }>();
    expect(body.error.code).toBe('unauthenticated');
    expect(body.error.requestId).toBe(res.headers['x-request-id']);
    expect(res.body).not.toMatch(/at .*\.ts:\d+/);
  });

  it('lists only the families of the account region, with identifiers masked, page by page', async () => {
    const res = await get('/api/v1/families?limit=1', operator);
    expect(res.statusCode).toBe(200);
    const page = res.json<{ items: Array<{ id: number; villageCode: string; kkMasked: string }>; next: string | null }>();
    expect(page.items).toHaveLength(1);
    expect(page.items[0]!.villageCode).toBe('32.01.01.1001');
    expect(page.items[0]!.kkMasked).toMatch(/^\d{4}\*+\d{2}$/);
    const all: number[] = page.items.map((i) => i.id);
    let next = page.next;
    while (next) {
      const p = (await get(`/api/v1/families?limit=1&cursor=${next}`, operator)).json<{ items: Array<{ id: number; villageCode: string }>; next: string | null }>();
      for (const i of p.items) { expect(i.villageCode).toBe('32.01.01.1001'); all.push(i.id); }
      next = p.next;
    }
    expect(all).toHaveLength(families.filter((f) => f.kode_desa === '32.01.01.1001').length);
  });

  it('returns 404 for a family outside the region, leaking nothing of it', async () => {
    const other = await t.db.transaction(async ({ kysely }) => kysely.selectFrom('family').select(['id']).where('villageCode', '=', '73.71.01.1001').executeTakeFirstOrThrow(), nationalActor);
    const res = await get(`/api/v1/families/${other.id}`, operator);
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('73.71');
    const own = await t.db.transaction(async ({ kysely }) => kysely.selectFrom('family').select(['id']).where('villageCode', '=', '32.01.01.1001').executeTakeFirstOrThrow(), nationalActor);
    const ok = await get(`/api/v1/families/${own.id}`, operator);
    expect(ok.statusCode).toBe(200);
    const family = ok.json<{ members: Array<{ nikMasked: string }> }>();
    expect(family.members.length).toBeGreaterThan(0);
    for (const m of family.members) expect(m.nikMasked).toMatch(/^\d{4}\*{10}\d{2}$/);
    for (const m of members) expect(ok.body).not.toContain(m.nik);
  });

  it('requires TOTP for dinsos, refuses a replayed code, and locks an account after repeated failures', async () => {
    const created = await addUser({ db: ctx.db, keyring: ctx.keyring }, { username: 'dinsos.uji', role: 'dinsos', scope: '32.01', password: TEST_PASSWORD });
    if (!created.ok || !created.totp) throw new Error('expected TOTP enrolment');
    const noTotp = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'dinsos.uji', password: TEST_PASSWORD } });
    expect(noTotp.statusCode).toBe(401);
    expect(noTotp.json<{ error: { details: { reason: string } } }>().error.details.reason).toBe('totp_required');
    const code = generateTotp(created.totp.secret);
    const first = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'dinsos.uji', password: TEST_PASSWORD, totp: code } });
    expect(first.statusCode).toBe(200);
    const replay = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'dinsos.uji', password: TEST_PASSWORD, totp: code } });
    expect(replay.statusCode).toBe(401);

    await addUser({ db: ctx.db, keyring: ctx.keyring }, { username: 'operator.kunci', role: 'operator', scope: '32.01.01.1001', password: TEST_PASSWORD });
    for (let i = 0; i < 5; i++) {
      const bad = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'operator.kunci', password: 'salah-salah-salah' }, remoteAddress: `10.0.0.${i}` });
      expect(bad.statusCode).toBe(401);
    }
    const locked = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'operator.kunci', password: TEST_PASSWORD }, remoteAddress: '10.0.1.1' });
    expect(locked.statusCode).toBe(429);
  });

  it('limits failed logins per client address, while many officers behind one address can log in', async () => {
    const ip = '10.9.9.9';
    for (let i = 0; i < 15; i++) {
      const ok = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'operator.desa1001', password: TEST_PASSWORD }, remoteAddress: ip });
      expect(ok.statusCode).toBe(200);
    }
    for (let i = 0; i < 10; i++) {
      const bad = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: `tidak.ada${i}`, password: 'salah-salah-salah' }, remoteAddress: ip });
      expect(bad.statusCode).toBe(401);
    }
    const blocked = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'operator.desa1001', password: TEST_PASSWORD }, remoteAddress: ip });
    expect(blocked.statusCode).toBe(429);
    const elsewhere = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'operator.desa1001', password: TEST_PASSWORD }, remoteAddress: '10.9.9.10' });
    expect(elsewhere.statusCode).toBe(200);
  });

  it('refuses a cookie-authenticated write without the CSRF token, and sets a strict httpOnly cookie', async () => {
    const noToken = await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: operator.cookie } });
    expect(noToken.statusCode).toBe(403);
    const reveal = await app.inject({ method: 'POST', url: '/api/v1/members/1/reveal', payload: { purpose: 'pemeriksaan lapangan' }, headers: { cookie: operator.cookie } });
    expect(reveal.statusCode).toBe(403);
    // Public forms do not act for the session, so a logged-in officer can still use them.
    const publicCheck = await app.inject({ method: 'POST', url: '/api/v1/public/check', payload: { nik: '3201010101900001', name: 'SIAPA SAJA' }, headers: { cookie: operator.cookie } });
    expect(publicCheck.statusCode).toBe(200);
    const relogin = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'operator.desa1001', password: TEST_PASSWORD }, headers: { cookie: operator.cookie } });
    expect(relogin.statusCode).toBe(200);
    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'operator.desa1001', password: TEST_PASSWORD } });
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Secure/);
  });

  it('stores hostile text exactly and returns it only as inert JSON; apostrophe names are valid', async () => {
    const rows = await t.db.transaction(async ({ kysely }) => kysely.selectFrom('member').select(['id', 'fullName', 'birthPlace'])
      .where('fullName', 'in', ["MA'RUF AMIN", "D'SILVA"]).orderBy('fullName').execute(), nationalActor);
    expect(rows.map((r) => r.fullName)).toEqual(["D'SILVA", "MA'RUF AMIN"]);
    const maruf = rows.find((r) => r.fullName === "MA'RUF AMIN")!;
    expect(maruf.birthPlace).toBe(HOSTILE_PLACE);
    expect(await t.db.transaction(async ({ raw }) => (await raw.query<{ n: number }>('select count(*)::int as n from family')).rows[0]!.n, nationalActor)).toBe(10);
    const res = await get(`/api/v1/members/${maruf.id}`, operator); // family 0 lives in the operator's village
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.json<{ birthPlace: string }>().birthPlace).toBe(HOSTILE_PLACE);
  });

  it('shows identifiers in clear only with a stated purpose, to allowed roles, and logs every read', async () => {
    const own = await t.db.transaction(async ({ kysely }) => kysely.selectFrom('member').select(['id', 'familyId'])
      .where('villageCode', '=', '32.01.01.1001').where('nikEnc', 'is not', null).orderBy('id').executeTakeFirstOrThrow(), nationalActor);
    const post = (s: Session, body: unknown) => app.inject({ method: 'POST', url: `/api/v1/members/${own.id}/reveal`, payload: body as object, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });
    expect((await post(operator, {})).statusCode).toBe(400);
    const ok = await post(operator, { purpose: 'verifikasi lapangan: pencocokan KTP' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json<{ nik: string }>().nik).toMatch(/^\d{16}$/);
    const auditor = await loginAs(app, ctx, 'auditor.uji', 'auditor', 'ID');
    expect((await post(auditor, { purpose: 'ingin tahu saja, tidak ada tugas' })).statusCode).toBe(403);
    await get(`/api/v1/families/${own.familyId}`, operator);
    const log = await t.db.transaction(async ({ kysely }) => kysely.selectFrom('accessLog').selectAll().orderBy('id').execute(),
      { id: 'auditor.uji', role: 'auditor', scope: 'ID', channel: 'api' });
    expect(log.some((l) => l.kind === 'unmasked' && l.entityId === own.id && l.purpose === 'verifikasi lapangan: pencocokan KTP' && l.actor === 'operator.desa1001')).toBe(true);
    expect(log.some((l) => l.kind === 'record' && l.entityType === 'family' && l.entityId === own.familyId)).toBe(true);
    // Operators cannot read the access log.
    const asOperator = await t.db.transaction(async ({ kysely }) => kysely.selectFrom('accessLog').selectAll().execute(), { id: 'x', role: 'operator', scope: 'ID', channel: 'api' });
    expect(asOperator).toEqual([]);
  });

  it('serves an OpenAPI document with the registry routes, and security headers on every answer', async () => {
    const res = await get('/api/v1/openapi.json');
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/families', '/api/v1/families/{id}', '/api/v1/auth/login']));
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    const bad = await get('/api/v1/families?limit=100000', operator);
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { code: string } }>().error.code).toBe('validation');
  });
});
