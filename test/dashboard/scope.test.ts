/**
 * Who may read which dashboard: the five officer roles, each only its own region and
 * below (a regency account asking for 'ID' or its province is refused, 403); other roles
 * and anonymous callers are refused; the rollups themselves are readable by the
 * application role only within its scope, and the change queues not at all.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, nationalActor, actorFor, type TestDb } from '../support/db.js';
import { buildFamilyRow, buildMemberRow, writeCsv } from '../support/builders.js';
import { loginAs, testContext, type Session } from '../support/app.js';
import type { AppContext } from '../../src/platform/context.js';
import { buildServer } from '../../src/server/app.js';
import { importFile } from '../../src/registry/import/import-file.js';
import { PROVINCE_GRID } from '../../src/dashboard/province-tiles.js';
import type { DashboardSnapshot, ProvinceTile } from '../../src/dashboard/schemas.js';
import { asApp } from './support.js';

let t: TestDb;
let ctx: AppContext;
let app: FastifyInstance;
const s: Record<string, Session> = {};

beforeAll(async () => {
  t = await openTestDb();
  ctx = await testContext(t);
  app = await buildServer(ctx);
  const dir = mkdtempSync(join(tmpdir(), 'tepat-dash-scope-'));
  const fams = [0, 1, 2, 3].map((i) => buildFamilyRow(i, { kode_desa: i < 3 ? '32.01.01.1001' : '73.71.01.1001' }));
  writeCsv(join(dir, 'k.csv'), 'families', fams);
  writeCsv(join(dir, 'a.csv'), 'members', fams.map((f, i) => ({ ...buildMemberRow(i, i), no_kk: f.no_kk! })));
  for (const f of ['k.csv', 'a.csv']) await importFile({ db: t.db, keyring: ctx.keyring, actor: nationalActor }, join(dir, f));
  for (const [role, scope] of [['pusat', 'ID'], ['dinsos', '32.01'], ['operator', '32.01.01.1001'], ['pendamping', '32.01.01.1001'],
    ['auditor', 'ID'], ['bank', 'ID'], ['agency', 'ID']] as const) s[role] = await loginAs(app, ctx, `dasbor.${role}`, role, scope);
});
afterAll(async () => { await app.close(); await t.drop(); });

const get = (url: string, who?: Session) => app.inject({ method: 'GET', url, headers: who ? { cookie: who.cookie } : {} });

describe('dashboard scope', () => {
  it('answers national figures to national readers, with the 38 provinces named from the region table', async () => {
    for (const role of ['pusat', 'auditor']) {
      const res = await get('/api/v1/dashboard', s[role]);
      expect(res.statusCode, role).toBe(200);
      const snap = res.json<DashboardSnapshot>();
      expect(snap.region).toEqual({ code: 'ID', name: 'Indonesia', level: 0 });
      expect(snap.totals.families).toBe(4);
      expect(snap.children).toHaveLength(38);
      expect(snap.children.find((c) => c.code === '32')).toMatchObject({ name: 'Jawa Barat', indicators: { families: 3 } });
      expect(snap.children.find((c) => c.code === '73')!.indicators.families).toBe(1);
    }
  });

  it('gives a regency account its own region by default and refuses anything wider or elsewhere', async () => {
    const own = await get('/api/v1/dashboard', s.dinsos);
    expect(own.statusCode).toBe(200);
    const snap = own.json<DashboardSnapshot>();
    expect(snap.region.code).toBe('32.01');
    expect(snap.totals.families).toBe(3);
    expect(snap.children.every((c) => c.code.startsWith('32.01.'))).toBe(true);
    expect((await get('/api/v1/dashboard?region=32.01.01', s.dinsos)).statusCode).toBe(200);
    for (const region of ['ID', '32', '73.71', '73.71.01.1001']) {
      const res = await get(`/api/v1/dashboard?region=${region}`, s.dinsos);
      expect(res.statusCode, region).toBe(403);
      expect(res.json<{ error: { code: string; message: string } }>().error.message).toMatch(/di luar cakupan/);
      expect(res.body).not.toContain('"families"');
    }
  });

  it('gives a village account its village (no children) and refuses its district', async () => {
    for (const role of ['operator', 'pendamping']) {
      const res = await get('/api/v1/dashboard?region=32.01.01.1001', s[role]);
      expect(res.statusCode, role).toBe(200);
      expect(res.json<DashboardSnapshot>()).toMatchObject({ region: { code: '32.01.01.1001', level: 4 }, totals: { families: 3 }, children: [] });
      expect((await get('/api/v1/dashboard?region=32.01.01', s[role])).statusCode, role).toBe(403);
      expect((await get('/api/v1/dashboard/stream?region=ID', s[role])).statusCode, role).toBe(403);
    }
  });

  it('refuses roles without dashboard access and anonymous callers', async () => {
    for (const role of ['bank', 'agency']) expect((await get('/api/v1/dashboard', s[role])).statusCode, role).toBe(403);
    expect((await get('/api/v1/dashboard')).statusCode).toBe(401);
    expect((await get('/api/v1/dashboard/stream')).statusCode).toBe(401);
    expect((await get('/api/v1/dashboard/provinces.json')).statusCode).toBe(401);
  });

  it('answers 400 for a malformed region and 404 for an unknown one', async () => {
    expect((await get('/api/v1/dashboard?region=32.1', s.pusat)).statusCode).toBe(400);
    expect((await get('/api/v1/dashboard?region=32.99', s.pusat)).statusCode).toBe(404);
  });

  it('keeps rollups within the scope at the database too, and the queues closed to the application role', async () => {
    const seen = await asApp(t.db, (q) => q('select region_code from dashboard_rollup group by 1 order by 1'), actorFor('32.01', 'dinsos'));
    const codes = seen.map((r) => String(r.region_code));
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.every((c) => c === '32.01' || c.startsWith('32.01.'))).toBe(true);
    await expect(asApp(t.db, (q) => q('select count(*) from dashboard_delta'))).rejects.toThrow(/permission denied/);
    await expect(asApp(t.db, (q) => q('select count(*) from dashboard_verified'))).rejects.toThrow(/permission denied/);
    await expect(asApp(t.db, (q) => q('select dashboard_rebuild()'))).rejects.toThrow(/permission denied/);
  });

  it('serves the province tile layout: 38 provinces of the region table, one per cell', async () => {
    const res = await get('/api/v1/dashboard/provinces.json', s.bank);
    expect(res.statusCode).toBe(200);
    const tiles = res.json<ProvinceTile[]>();
    const provinces = await t.db.transaction(({ raw }) => raw.query<{ code: string; name: string }>('select code, name from region where level = 1 order by code'));
    expect(tiles.map((x) => [x.code, x.name])).toEqual(provinces.rows.map((p) => [p.code, p.name]));
    expect(tiles).toHaveLength(38);
    expect(new Set(tiles.map((x) => `${x.row},${x.col}`)).size).toBe(38);
    expect(Object.keys(PROVINCE_GRID).sort()).toEqual(provinces.rows.map((p) => p.code));
    // Roughly geographic: Aceh north-west of Papua, Java below Kalimantan.
    const at = (code: string) => tiles.find((x) => x.code === code)!;
    expect(at('11').col).toBeLessThan(at('91').col);
    expect(at('32').row).toBeGreaterThan(at('62').row);
  });
});
