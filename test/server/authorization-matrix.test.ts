/**
 * Every officer route × every role × a record inside and outside the account's region.
 * Routes come from the OpenAPI document: a new route without an entry here fails the
 * test, so nobody can add an endpoint without stating who may reach what through it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, nationalActor, type TestDb } from '../support/db.js';
import { buildFamilyRow, buildMemberRow, writeCsv } from '../support/builders.js';
import { loginAs, testContext, type Session } from '../support/app.js';
import type { AppContext } from '../../src/platform/context.js';
import { buildServer } from '../../src/server/app.js';
import { importFile } from '../../src/registry/import/import-file.js';

const ROLES: Array<{ role: string; scope: string }> = [
  { role: 'pusat', scope: 'ID' },
  { role: 'dinsos', scope: '32.01' },
  { role: 'operator', scope: '32.01.01.1001' },
  { role: 'pendamping', scope: '32.01.01.1001' },
  { role: 'auditor', scope: 'ID' },
  { role: 'bank', scope: 'ID' },
  { role: 'agency', scope: 'ID' },
];

interface Target { familyId: number; memberId: number; village: string; name: string }

type Expect = 'ok' | 'denied';
interface RouteCase {
  method: 'GET' | 'POST' | 'PATCH';
  url: (t: Target) => string;
  body?: unknown;
  /** Extra request headers (e.g. the content type of a raw upload). */
  headers?: Record<string, string>;
  /** Who may use the route at all (others: 403). */
  roles: string[];
  /** Success statuses, 200 unless stated. */
  statusOk?: number[];
  /** Aggregates over the caller's own scope: allowed roles succeed whatever the target. */
  regionFree?: boolean;
}

/** Public or self-service routes, and routes with no region data behind them. */
const EXEMPT = new Set(['POST /api/v1/auth/login', 'POST /api/v1/auth/logout', 'GET /api/v1/auth/me', 'GET /api/v1/eligibility/rules']);

/**
 * Routes over records this matrix does not create (citizens' submissions); their region
 * scoping is tested where those records are made. The file must exist and test refusals.
 */
const DELEGATED: Record<string, string> = {
  'GET /api/v1/portal/submissions': 'test/portal/submissions.test.ts',
  'GET /api/v1/portal/submissions/{id}': 'test/portal/submissions.test.ts',
  'GET /api/v1/portal/submissions/{id}/photo': 'test/portal/submissions.test.ts',
  'POST /api/v1/portal/submissions/{id}/reply': 'test/portal/submissions.test.ts',
  'GET /api/v1/portal/check-stats': 'test/portal/check.test.ts',
  'GET /api/v1/identity/pairs': 'test/identity/review-api.test.ts',
  'GET /api/v1/identity/pairs/{id}': 'test/identity/review-api.test.ts',
  'POST /api/v1/identity/pairs/{id}/accept': 'test/identity/review-api.test.ts',
  'POST /api/v1/identity/pairs/{id}/reject': 'test/identity/review-api.test.ts',
  'POST /api/v1/identity/merges': 'test/identity/review-api.test.ts',
  'GET /api/v1/identity/merges/{id}': 'test/identity/review-api.test.ts',
  'POST /api/v1/identity/merges/{id}/unmerge': 'test/identity/review-api.test.ts',
  // Officer console, registry and queues (docs/console-api.md): imports, civil cases and submissions are made there.
  'GET /api/v1/imports/{id}': 'test/registry/console-api.test.ts',
  'GET /api/v1/imports/{id}/errors.csv': 'test/registry/console-api.test.ts',
  'POST /api/v1/civil/cases/{id}/resolve': 'test/registry/console-api.test.ts',
  'POST /api/v1/portal/submissions/{id}/assign': 'test/registry/console-api.test.ts',
  // Dashboard (src/dashboard): the stream never ends, so inject cannot read it; its 401/403
  // (checked before the stream starts, same rule as GET /api/v1/dashboard) are tested over HTTP there.
  'GET /api/v1/dashboard/stream': 'test/dashboard/stream.test.ts',
};

const READERS = ['pusat', 'dinsos', 'operator', 'pendamping', 'auditor'];
const CASES: Record<string, RouteCase> = {
  'GET /api/v1/families/{id}': { method: 'GET', url: (t) => `/api/v1/families/${t.familyId}`, roles: READERS },
  'GET /api/v1/members/{id}': { method: 'GET', url: (t) => `/api/v1/members/${t.memberId}`, roles: READERS },
  'POST /api/v1/members/{id}/reveal': { method: 'POST', url: (t) => `/api/v1/members/${t.memberId}/reveal`, body: { purpose: 'uji matriks otorisasi' }, roles: ['pusat', 'dinsos', 'operator', 'pendamping'] },
  'GET /api/v1/families': { method: 'GET', url: (t) => `/api/v1/families?region=${t.village}&limit=5`, roles: READERS },
  'GET /api/v1/families/{id}/eligibility': { method: 'GET', url: (t) => `/api/v1/families/${t.familyId}/eligibility`, roles: READERS },
  'POST /api/v1/eligibility/preview': { method: 'POST', url: () => '/api/v1/eligibility/preview', body: { changes: { pkh: { maxDesil: 2 } } }, roles: ['pusat', 'dinsos'], regionFree: true },
  'GET /api/v1/civil/members/{id}/verifications': { method: 'GET', url: (t) => `/api/v1/civil/members/${t.memberId}/verifications`, roles: READERS },
  'GET /api/v1/civil/report': { method: 'GET', url: (t) => `/api/v1/civil/report?region=${t.village}`, roles: READERS, statusOk: [200] },
  'GET /api/v1/civil/cases': { method: 'GET', url: (t) => `/api/v1/civil/cases?region=${t.village}`, roles: READERS, statusOk: [200] },
  // Without a configured civil registry the request is accepted and queued (202).
  'POST /api/v1/civil/members/{id}/verify': { method: 'POST', url: (t) => `/api/v1/civil/members/${t.memberId}/verify`, roles: ['pusat', 'dinsos', 'operator', 'pendamping'], statusOk: [200, 202] },
  // Officer console, registry search and editing (docs/console-api.md). Edits: the first allowed
  // role's edit succeeds, later ones hold a stale version (409, which shows current values:
  // it must come only after the role and region checks).
  'GET /api/v1/search/members': { method: 'GET', url: (t) => `/api/v1/search/members?name=${encodeURIComponent(t.name)}&region=${t.village}`, roles: READERS },
  'PATCH /api/v1/families/{id}': { method: 'PATCH', url: (t) => `/api/v1/families/${t.familyId}`, body: { version: 1, changes: { rt: '003' } }, roles: ['pusat', 'dinsos', 'operator', 'pendamping'], statusOk: [200, 409] },
  'PATCH /api/v1/members/{id}': { method: 'PATCH', url: (t) => `/api/v1/members/${t.memberId}`, body: { version: 1, changes: { birthPlace: 'Bogor Barat' } }, roles: ['pusat', 'dinsos', 'operator', 'pendamping'], statusOk: [200, 409] },
  'GET /api/v1/families/{id}/history': { method: 'GET', url: (t) => `/api/v1/families/${t.familyId}/history`, roles: READERS },
  'GET /api/v1/families/export': { method: 'GET', url: (t) => `/api/v1/families/export?region=${t.village}`, roles: READERS },
  'POST /api/v1/imports': { method: 'POST', url: () => '/api/v1/imports', body: 'no_kk,kode_desa\n', headers: { 'content-type': 'text/csv' }, roles: ['pusat', 'dinsos', 'operator', 'pendamping'], statusOk: [202], regionFree: true },
  // Dashboard (src/dashboard): a region's aggregates only within the account's scope; the
  // province tile layout holds no registry data and is served to any logged-in account.
  'GET /api/v1/dashboard': { method: 'GET', url: (t) => `/api/v1/dashboard?region=${t.village}`, roles: READERS },
  'GET /api/v1/dashboard/provinces.json': { method: 'GET', url: () => '/api/v1/dashboard/provinces.json', roles: ['pusat', 'dinsos', 'operator', 'pendamping', 'auditor', 'bank', 'agency'], regionFree: true },
};

function inScope(scope: string, village: string): boolean {
  return scope === 'ID' || village === scope || village.startsWith(scope + '.');
}

let t: TestDb;
let ctx: AppContext;
let app: FastifyInstance;
const sessions = new Map<string, Session>();
let inside: Target;
let outside: Target;

beforeAll(async () => {
  t = await openTestDb();
  ctx = await testContext(t);
  app = await buildServer(ctx);
  const dir = mkdtempSync(join(tmpdir(), 'tepat-matrix-'));
  const fams = [buildFamilyRow(0, { kode_desa: '32.01.01.1001' }), buildFamilyRow(1, { kode_desa: '73.71.01.1001' })];
  writeCsv(join(dir, 'k.csv'), 'families', fams);
  writeCsv(join(dir, 'a.csv'), 'members', [
    buildMemberRow(0, 0, { no_kk: fams[0]!.no_kk!, nama: 'Warga Dalam Wilayah' }),
    buildMemberRow(1, 1, { no_kk: fams[1]!.no_kk!, nama: 'Warga Luar Wilayah' }),
  ]);
  for (const f of ['k.csv', 'a.csv']) await importFile({ db: t.db, keyring: ctx.keyring, actor: nationalActor }, join(dir, f));
  const rows = await t.db.transaction(async ({ kysely }) => kysely.selectFrom('member').select(['id', 'familyId', 'villageCode', 'fullName']).orderBy('id').execute(), nationalActor);
  const [a, b] = rows.map((r) => ({ familyId: r.familyId, memberId: r.id, village: r.villageCode, name: r.fullName }));
  inside = a!;
  outside = b!;
  for (const { role, scope } of ROLES) sessions.set(role, await loginAs(app, ctx, `matriks.${role}`, role, scope));
});
afterAll(async () => { await app.close(); await t.drop(); });

describe('authorization matrix', () => {
  it('covers every route in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json<{ paths: Record<string, Record<string, unknown>> }>();
    const routes = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    const officerRoutes = routes.filter((r) => !EXEMPT.has(r) && !r.includes('/api/v1/public/'));
    expect(officerRoutes.filter((r) => !CASES[r] && !DELEGATED[r])).toEqual([]);
    const { readFileSync } = await import('node:fs');
    for (const file of new Set(Object.values(DELEGATED))) expect(readFileSync(file, 'utf8')).toMatch(/40[34]/);
  });

  for (const [name, c] of Object.entries(CASES)) {
    it(`${name}: anonymous refused; each role sees only its region`, async () => {
      const anon = await app.inject({ method: c.method, url: c.url(inside), ...(c.headers ? { headers: c.headers } : {}), ...(c.body ? { payload: c.body as object } : {}) });
      expect(anon.statusCode).toBe(401);
      for (const { role, scope } of ROLES) {
        const s = sessions.get(role)!;
        for (const target of [inside, outside]) {
          const res = await app.inject({
            method: c.method, url: c.url(target), headers: { ...c.headers, cookie: s.cookie, 'x-csrf-token': s.csrf },
            ...(c.body ? { payload: c.body as object } : {}),
          });
          const expected: Expect = c.roles.includes(role) && (c.regionFree || inScope(scope, target.village)) ? 'ok' : 'denied';
          const label = `${role}@${scope} → ${target.village}`;
          if (expected === 'ok') {
            expect(c.statusOk ?? [200], label).toContain(res.statusCode);
          } else {
            expect([403, 404], label).toContain(res.statusCode);
            // Nothing of the record leaks in a refusal.
            expect(res.body, label).not.toContain(target.name.toUpperCase());
          }
          if (name === 'GET /api/v1/families' && res.statusCode === 200) {
            const items = res.json<{ items: Array<{ villageCode: string }> }>().items;
            for (const i of items) expect(inScope(scope, i.villageCode), label).toBe(true);
            expect(items.length > 0, label).toBe(inScope(scope, target.village));
          }
        }
      }
    });
  }
});
