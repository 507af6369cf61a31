/**
 * The console's registry and queue endpoints (docs/console-api.md) through HTTP: search,
 * edits with optimistic locking, history, export, uploads, civil decisions and
 * assignments, each scoped to the account's region and audited. Refusals (403/404) are
 * tested here for the routes the authorization matrix delegates to this file.
 */
import { existsSync as fsExists, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, nationalActor, type TestDb } from '../support/db.js';
import { buildFamilyRow, buildMemberRow, kkFor, nikFor, writeCsv, type Row } from '../support/builders.js';
import { loginAs, testContext, type Session } from '../support/app.js';
import type { AppContext } from '../../src/platform/context.js';
import { buildServer } from '../../src/server/app.js';
import { importFile } from '../../src/registry/import/import-file.js';
import { verifyRegistryIntegrity } from '../../src/registry/integrity.js';
import { refreshKeys } from '../../src/identity/refresh-keys.js';
import { markDeceased, openProposals } from '../../src/civil/store.js';
import { enqueueImport, ImportRunner, storeUpload, UploadTooLarge } from '../../src/registry/upload-import.js';

let t: TestDb;
let ctx: AppContext;
let app: FastifyInstance;
let operator: Session; // 32.01.01 (a district)
let dinsos: Session; // 32.01 (a regency)
let pusat: Session;
let auditor: Session;
let bank: Session;
let makassar: Session; // 73.71
const dir = mkdtempSync(join(tmpdir(), 'tepat-console-'));

const IN_VILLAGE = '32.01.01.1001';
const OUT_VILLAGE = '73.71.01.1001';
const families: Row[] = [
  buildFamilyRow(0, { kode_desa: IN_VILLAGE, no_hp: '0812-3456-7001' }),
  buildFamilyRow(1, { kode_desa: '32.01.01.1002' }),
  buildFamilyRow(2, { kode_desa: '32.01.02.2001' }),
  buildFamilyRow(3, { kode_desa: OUT_VILLAGE }),
];
const RIZKI_NIK = nikFor(1, '1990-03-25', 'L');
const members: Row[] = [
  buildMemberRow(1, 0, { no_kk: families[0]!.no_kk!, nama: 'Muhammad Rizki', nik: RIZKI_NIK, tanggal_lahir: '1990-03-25', jenis_kelamin: 'L', hubungan_keluarga: 'kepala' }),
  buildMemberRow(2, 0, { no_kk: families[0]!.no_kk!, nama: 'Siti Aminah', jenis_kelamin: 'P', hubungan_keluarga: 'istri' }),
  buildMemberRow(3, 0, { no_kk: families[0]!.no_kk!, nama: 'Moch Yusuf', jenis_kelamin: 'L', hubungan_keluarga: 'anak' }),
  buildMemberRow(4, 1, { no_kk: families[1]!.no_kk!, nama: 'Budi Santoso', jenis_kelamin: 'L' }),
  buildMemberRow(5, 2, { no_kk: families[2]!.no_kk!, nama: 'Rizky Pratama', jenis_kelamin: 'L' }),
  // The same name outside every 32.01 account's region.
  buildMemberRow(6, 3, { no_kk: families[3]!.no_kk!, nama: 'Muhammad Rizki', jenis_kelamin: 'L', nik: nikFor(6, '1985-07-01', 'L', '737101'), tanggal_lahir: '1985-07-01' }),
];

interface Ids { familyId: number; memberId: number; version: number }
async function idsOf(name: string, village: string): Promise<Ids> {
  return t.db.transaction(async ({ raw }) => {
    const r = (await raw.query<{ id: number; family_id: number; version: number }>(
      'select id, family_id, version from member where full_name = $1 and village_code = $2', [name.toUpperCase(), village])).rows[0]!;
    return { familyId: Number(r.family_id), memberId: Number(r.id), version: r.version };
  }, nationalActor);
}

async function sql<R = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<R[]> {
  return t.db.transaction(async ({ raw }) => (await raw.query<R>(text, params)).rows, nationalActor);
}

async function auditActions(): Promise<Array<{ action: string; actor: string; changes: string }>> {
  return (await t.db.withConnection((c) => c.query<{ action: string; actor: string; changes: string }>('select action, actor, changes from audit_log order by seq'))).rows;
}

const headersOf = (s: Session) => ({ cookie: s.cookie, 'x-csrf-token': s.csrf });
const get = (s: Session, url: string) => app.inject({ method: 'GET', url, headers: headersOf(s) });
const send = (s: Session, method: 'POST' | 'PATCH', url: string, payload: unknown) =>
  app.inject({ method, url, headers: headersOf(s), payload: payload as object });

beforeAll(async () => {
  t = await openTestDb();
  ctx = await testContext(t);
  app = await buildServer(ctx);
  writeCsv(join(dir, 'k.csv'), 'families', families);
  writeCsv(join(dir, 'a.csv'), 'members', members);
  for (const f of ['k.csv', 'a.csv']) await importFile({ db: t.db, keyring: ctx.keyring, actor: nationalActor }, join(dir, f));
  operator = await loginAs(app, ctx, 'operator.ciawi', 'operator', '32.01.01');
  dinsos = await loginAs(app, ctx, 'dinsos.bogor', 'dinsos', '32.01');
  pusat = await loginAs(app, ctx, 'pusat.satu', 'pusat', 'ID');
  auditor = await loginAs(app, ctx, 'auditor.satu', 'auditor', 'ID');
  bank = await loginAs(app, ctx, 'bank.satu', 'bank', 'ID');
  makassar = await loginAs(app, ctx, 'operator.makassar', 'operator', '73.71');
});
afterAll(async () => {
  await app.close();
  await t.drop();
  rmSync(dir, { recursive: true, force: true });
});

type Hit = { memberId: number; familyId: number; villageCode: string; nameMasked: string; score: number; relationship: string; birthYear: number | null };

describe('search', () => {
  it('finds a person by NIK through the blind index, masked, and logs the read', async () => {
    const me = await idsOf('Muhammad Rizki', IN_VILLAGE);
    const res = await get(operator, `/api/v1/search/members?nik=${RIZKI_NIK}`);
    expect(res.statusCode).toBe(200);
    const items = res.json<{ items: Hit[] }>().items;
    expect(items.map((i) => i.memberId)).toEqual([me.memberId]);
    expect(items[0]).toMatchObject({ nameMasked: 'M******D R***I', familyId: me.familyId, birthYear: 1990, relationship: 'kepala', score: 1 });
    expect(res.body).not.toContain('RIZKI');
    expect(res.body).not.toContain(RIZKI_NIK);
    const logged = await sql<{ actor: string; purpose: string }>(`select actor, purpose from access_log where entity_type = 'member' and entity_id = $1`, [me.memberId]);
    expect(logged).toContainEqual({ actor: 'operator.ciawi', purpose: 'pencarian NIK' });
    // Spaces are tolerated; a NIK that is not 16 digits is refused, naming the field.
    const spaced = await get(operator, `/api/v1/search/members?nik=${encodeURIComponent(RIZKI_NIK.replace(/(\d{4})/g, '$1 '))}`);
    expect(spaced.json<{ items: Hit[] }>().items).toHaveLength(1);
    const bad = await get(operator, '/api/v1/search/members?nik=3201');
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { details: { fields: string[] } } }>().error.details.fields).toEqual(['nik']);
  });

  it('does not find by NIK a person outside the account region', async () => {
    const res = await get(operator, `/api/v1/search/members?nik=${members[5]!.nik}`);
    expect(res.statusCode).toBe(200);
    expect(res.json<{ items: Hit[] }>().items).toEqual([]);
    const theirs = await get(makassar, `/api/v1/search/members?nik=${members[5]!.nik}`);
    expect(theirs.json<{ items: Hit[] }>().items).toHaveLength(1);
  });

  it('finds "Moch. Riski" as Muhammad Rizki in a village, best first', async () => {
    const me = await idsOf('Muhammad Rizki', IN_VILLAGE);
    const res = await get(operator, `/api/v1/search/members?name=${encodeURIComponent('Moch. Riski')}&region=${IN_VILLAGE}`);
    expect(res.statusCode).toBe(200);
    const items = res.json<{ items: Hit[] }>().items;
    expect(items[0]!.memberId).toBe(me.memberId);
    expect(items[0]!.score).toBeGreaterThanOrEqual(0.9);
    // "Moch Yusuf" shares only "Muhammad": listed lower, if at all; Siti Aminah not at all.
    for (const i of items.slice(1)) expect(i.score).toBeLessThan(items[0]!.score);
    expect(items.map((i) => i.nameMasked)).not.toContain('S**I A****H');
    expect(res.body).not.toMatch(/RIZKI|Rizki/);
    const logged = await sql(`select 1 from access_log where entity_id = $1 and purpose = 'pencarian nama'`, [me.memberId]);
    expect(logged.length).toBeGreaterThan(0);
  });

  it('over the district by default, never returns people outside the account region', async () => {
    const res = await get(operator, `/api/v1/search/members?name=${encodeURIComponent('Muhammad Rizki')}`);
    const items = res.json<{ items: Hit[] }>().items;
    expect(items.length).toBeGreaterThan(0);
    for (const i of items) expect(i.villageCode.startsWith('32.01.01.')).toBe(true);
    const other = await get(operator, `/api/v1/search/members?name=Rizki&region=73.71`);
    expect(other.statusCode).toBe(403);
    expect(other.body).not.toContain('73.71.01.1001');
  });

  it('over a regency or the country, finds people through the identity keys', async () => {
    const all = await sql<{ id: number }>('select id from member');
    await t.db.transaction((tx) => refreshKeys(tx, ctx.keyring, all.map((r) => Number(r.id))), nationalActor);
    const q = encodeURIComponent('Moch. Riski');
    const regency = (await get(dinsos, `/api/v1/search/members?name=${q}&region=32.01`)).json<{ items: Hit[] }>().items;
    expect(regency[0]!.villageCode).toBe(IN_VILLAGE);
    expect(regency.every((i) => i.villageCode.startsWith('32.01.'))).toBe(true);
    const national = (await get(pusat, `/api/v1/search/members?name=${q}`)).json<{ items: Hit[] }>().items;
    expect(national.map((i) => i.villageCode).sort()).toEqual(expect.arrayContaining([IN_VILLAGE, OUT_VILLAGE]));
    // A dinsos account asking for the whole country still sees its regency only.
    const wide = (await get(dinsos, `/api/v1/search/members?name=${q}&region=ID`)).json<{ items: Hit[] }>().items;
    expect(wide.some((i) => i.villageCode === OUT_VILLAGE)).toBe(false);
    expect(wide.length).toBeGreaterThan(0);
  });
});

describe('editing', () => {
  it('edits a member: new version, audit record with before/after, change log, integrity kept', async () => {
    const me = await idsOf('Siti Aminah', IN_VILLAGE);
    const res = await send(operator, 'PATCH', `/api/v1/members/${me.memberId}`, { version: me.version, changes: { birthPlace: 'Cianjur', phone: '0813 2222 3344', disabilities: ['melihat'] } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: me.memberId, version: me.version + 1 });
    const view = (await get(operator, `/api/v1/members/${me.memberId}`)).json<{ birthPlace: string; phoneMasked: string; disabilities: string[]; version: number }>();
    expect(view).toMatchObject({ birthPlace: 'Cianjur', phoneMasked: '**********344', disabilities: ['melihat'], version: me.version + 1 });
    const audit = (await auditActions()).filter((a) => a.action === 'registry.member.update').pop()!;
    expect(audit.actor).toBe('operator.ciawi');
    const changes = JSON.parse(audit.changes) as { fields: Array<{ field: string; before: unknown; after: unknown }> };
    expect(changes.fields).toContainEqual({ field: 'birthPlace', before: 'Bogor', after: 'Cianjur' });
    expect(changes.fields).toContainEqual({ field: 'phone', before: null, after: '**********344' });
    expect(audit.changes).not.toContain('81322223344');
    const stored = await sql<{ phone_enc: Uint8Array | null; source_file_id: number | null }>('select phone_enc, source_file_id from member where id = $1', [me.memberId]);
    expect(Buffer.from(stored[0]!.phone_enc!).toString('latin1')).not.toContain('3344');
    expect(stored[0]!.source_file_id).toBeNull();
    const log = await sql<{ actor: string; changes: Record<string, { from: unknown; to: unknown }> }>(
      `select actor, changes from registry_change where entity_type = 'member' and entity_id = $1 and op = 'update'`, [me.memberId]);
    expect(log.at(-1)!.actor).toBe('operator.ciawi');
    expect(log.at(-1)!.changes.birth_place).toEqual({ from: 'Bogor', to: 'Cianjur' });
    expect((await verifyRegistryIntegrity(t.db, ctx.keyring)).broken).toEqual([]);
  });

  it('changes a NIK: re-encrypted, blind index and import key follow, a NIK already on the card is refused', async () => {
    const me = await idsOf('Moch Yusuf', IN_VILLAGE);
    const newNik = nikFor(88, '2001-06-15', 'L');
    const res = await send(operator, 'PATCH', `/api/v1/members/${me.memberId}`, { version: me.version, changes: { nik: newNik } });
    expect(res.statusCode).toBe(200);
    const found = (await get(operator, `/api/v1/search/members?nik=${newNik}`)).json<{ items: Hit[] }>().items;
    expect(found.map((i) => i.memberId)).toEqual([me.memberId]);
    expect((await get(operator, `/api/v1/search/members?nik=${members[2]!.nik}`)).json<{ items: Hit[] }>().items).toEqual([]);
    const key = await sql<{ same: boolean }>('select member_key = $2 as same from member where id = $1',
      [me.memberId, ctx.keyring.index.compute('member', `${families[0]!.no_kk}|${newNik}`)]);
    expect(key[0]!.same).toBe(true);
    const dup = await send(operator, 'PATCH', `/api/v1/members/${me.memberId}`, { version: me.version + 1, changes: { nik: RIZKI_NIK } });
    expect(dup.statusCode).toBe(400);
    expect(dup.json<{ error: { details: { issues: Array<{ field: string; code: string }> } } }>().error.details.issues[0]).toMatchObject({ field: 'nik', code: 'DUPLICATE_MEMBER' });
    expect(dup.body).not.toContain(RIZKI_NIK);
    expect((await verifyRegistryIntegrity(t.db, ctx.keyring)).broken).toEqual([]);
  });

  it('answers a stale version with 409 and the current values, never overwriting', async () => {
    const me = await idsOf('Siti Aminah', IN_VILLAGE);
    const res = await send(dinsos, 'PATCH', `/api/v1/members/${me.memberId}`, { version: me.version - 1, changes: { birthPlace: 'Sukabumi' } });
    expect(res.statusCode).toBe(409);
    const err = res.json<{ error: { code: string; message: string; details: { current: { version: number; values: Record<string, unknown> }; yours: unknown; changedBy: string; changedAt: string } } }>().error;
    expect(err.code).toBe('conflict');
    expect(err.details.current.version).toBe(me.version);
    expect(err.details.current.values).toMatchObject({ birthPlace: 'Cianjur', fullName: 'SITI AMINAH', phone: '**********344' });
    expect(err.details.current.values.nik).toMatch(/^\d{4}\*{10}\d{2}$/);
    expect(err.details.yours).toEqual({ birthPlace: 'Sukabumi' });
    expect(err.details.changedBy).toBe('operator.ciawi');
    expect(Date.parse(err.details.changedAt)).not.toBeNaN();
    expect(err.message).toContain('operator.ciawi');
    const after = await sql<{ birth_place: string }>('select birth_place from member where id = $1', [me.memberId]);
    expect(after[0]!.birth_place).toBe('Cianjur');
  });

  it('refuses an invalid value with 400 naming the field and the import message', async () => {
    const me = await idsOf('Budi Santoso', '32.01.01.1002');
    const res = await send(operator, 'PATCH', `/api/v1/members/${me.memberId}`, { version: me.version, changes: { birthDate: '31/02/1990', fullName: 'Budi' } });
    expect(res.statusCode).toBe(400);
    const err = res.json<{ error: { code: string; message: string; details: { fields: string[]; issues: Array<{ field: string; column: string; code: string; message: string }> } } }>().error;
    expect(err.code).toBe('validation');
    expect(err.details.fields).toEqual(['birthDate']);
    expect(err.details.issues[0]).toMatchObject({ column: 'tanggal_lahir', code: 'DATE_INVALID' });
    expect(err.message).toContain('tanggal_lahir');
    expect(err.message).toContain('Februari');
    const pregnant = await send(operator, 'PATCH', `/api/v1/members/${me.memberId}`, { version: me.version, changes: { isPregnant: true } });
    expect(pregnant.json<{ error: { details: { fields: string[] } } }>().error.details.fields).toEqual(['isPregnant']);
    const unknown = await send(operator, 'PATCH', `/api/v1/members/${me.memberId}`, { version: me.version, changes: { salary: 5 } });
    expect(unknown.json<{ error: { details: { fields: string[] } } }>().error.details.fields).toEqual(['salary']);
    const kk = await send(operator, 'PATCH', `/api/v1/families/${me.familyId}`, { version: 1, changes: { kkNumber: kkFor(99) } });
    expect(kk.statusCode).toBe(400);
    expect((await sql<{ version: number }>('select version from member where id = $1', [me.memberId]))[0]!.version).toBe(me.version);
  });

  it('edits a family (phone re-encrypted, village move within the regency), refuses readers and other regions', async () => {
    const me = await idsOf('Budi Santoso', '32.01.01.1002');
    const res = await send(operator, 'PATCH', `/api/v1/families/${me.familyId}`, { version: 1, changes: { phone: '0812 9999 0001', floorMaterial: 'keramik', hasFridge: true, programsReceived: ['pkh:2025-01', 'bpnt'] } });
    expect(res.statusCode).toBe(200);
    const view = (await get(operator, `/api/v1/families/${me.familyId}`)).json<{ phoneMasked: string; floorMaterial: string; hasFridge: boolean; programsReceived: string[]; programsReceivedPeriods: string[]; version: number }>();
    expect(view).toMatchObject({ phoneMasked: '**********001', floorMaterial: 'keramik', hasFridge: true, programsReceived: ['pkh', 'bpnt'], programsReceivedPeriods: ['2025-01', ''], version: 2 });
    const moved = await send(operator, 'PATCH', `/api/v1/families/${me.familyId}`, { version: 2, changes: { villageCode: IN_VILLAGE } });
    expect(moved.statusCode).toBe(200);
    expect((await sql<{ village_code: string }>('select village_code from member where id = $1', [me.memberId]))[0]!.village_code).toBe(IN_VILLAGE);
    const away = await send(operator, 'PATCH', `/api/v1/families/${me.familyId}`, { version: 3, changes: { villageCode: '32.01.02.2001' } });
    expect(away.statusCode).toBe(400);
    expect(away.json<{ error: { details: { issues: Array<{ code: string }> } } }>().error.details.issues[0]!.code).toBe('VILLAGE_OUT_OF_SCOPE');
    expect((await verifyRegistryIntegrity(t.db, ctx.keyring)).broken).toEqual([]);

    for (const s of [auditor, bank]) expect((await send(s, 'PATCH', `/api/v1/families/${me.familyId}`, { version: 3, changes: { rt: '004' } })).statusCode).toBe(403);
    const other = await send(makassar, 'PATCH', `/api/v1/families/${me.familyId}`, { version: 3, changes: { rt: '004' } });
    expect(other.statusCode).toBe(404);
    expect(other.body).not.toContain('BUDI');
  });

  it('shows the edits in the family history, identifiers masked', async () => {
    const me = await idsOf('Siti Aminah', IN_VILLAGE);
    const res = await get(operator, `/api/v1/families/${me.familyId}/history`);
    expect(res.statusCode).toBe(200);
    const items = res.json<{ items: Array<{ at: string; actor: string; action: string; entity: { type: string; id: number }; fields: Array<{ field: string; before?: unknown; after?: unknown }> }> }>().items;
    const edit = items.find((i) => i.action === 'registry.member.update' && i.entity.id === me.memberId)!;
    expect(edit.actor).toBe('operator.ciawi');
    expect(edit.fields).toContainEqual({ field: 'birthPlace', before: 'Bogor', after: 'Cianjur' });
    expect(items.filter((i) => i.action === 'registry.member.update' && i.entity.id === me.memberId)).toHaveLength(1);
    const inserted = items.filter((i) => i.action === 'registry.member.insert');
    expect(inserted.length).toBeGreaterThanOrEqual(3);
    expect(items.map((i) => i.at)).toEqual([...items.map((i) => i.at)].sort().reverse());
    expect(res.body).not.toContain('81322223344');
    expect(res.body).not.toContain(RIZKI_NIK);
    expect((await get(makassar, `/api/v1/families/${me.familyId}/history`)).statusCode).toBe(404);
  });
});

describe('export', () => {
  it('streams the account region as CSV, identifiers masked, and audits it', async () => {
    const res = await get(operator, '/api/v1/families/export?format=csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toContain('attachment');
    const rows = parse(res.body, { columns: true, bom: true }) as Array<Record<string, string>>;
    expect(rows.length).toBeGreaterThanOrEqual(4);
    for (const r of rows) expect(r.kode_desa!.startsWith('32.01.01.')).toBe(true);
    expect(rows.some((r) => r.kode_desa === OUT_VILLAGE || r.kode_desa === '32.01.02.2001')).toBe(false);
    const rizki = rows.find((r) => r.nama === 'MUHAMMAD RIZKI')!;
    expect(rizki.nik).toBe(`${RIZKI_NIK.slice(0, 4)}**********${RIZKI_NIK.slice(-2)}`);
    expect(rizki.no_kk).toMatch(/^\d{4}\*{10}\d{2}$/);
    expect(rizki.alamat).toBe('***');
    expect(rows.find((r) => r.no_hp_keluarga !== '')!.no_hp_keluarga).toMatch(/^\*+\d{3}$/);
    expect(res.body).not.toContain(RIZKI_NIK);
    expect(res.body).not.toContain(families[0]!.no_kk!);
    expect(res.body).not.toContain('Jl. Mawar');
    const audits = (await auditActions()).filter((a) => a.action.startsWith('registry.export'));
    expect(audits.slice(-2).map((a) => a.action)).toEqual(['registry.export', 'registry.export.done']);
    expect(JSON.parse(audits.at(-1)!.changes)).toEqual({ format: 'csv', rows: rows.length });
  });

  it('streams XLSX, and refuses a region outside the scope and roles without access', async () => {
    const res = await get(dinsos, '/api/v1/families/export?format=xlsx&region=32.01.02');
    expect(res.statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 3)).toEqual(['id_keluarga', 'no_kk', 'kode_desa']);
    const villages = new Set<string>();
    sheet.eachRow((row, n) => { if (n > 1) villages.add(String(row.getCell(3).value)); });
    expect([...villages]).toEqual(['32.01.02.2001']);
    expect((await get(operator, '/api/v1/families/export?region=73.71')).statusCode).toBe(403);
    expect((await get(bank, '/api/v1/families/export')).statusCode).toBe(403);
  });
});

async function waitForImport(s: Session, id: number): Promise<{ status: string; rowsDone: number; accepted: number; rejected: number; warnings: number; rowsTotal?: number; error?: string }> {
  for (let i = 0; i < 2000; i++) {
    const r = (await get(s, `/api/v1/imports/${id}`)).json<{ status: string; rowsDone: number; accepted: number; rejected: number; warnings: number; rowsTotal?: number; error?: string }>();
    if (r.status === 'done' || r.status === 'failed') return r;
    await new Promise((res) => setTimeout(res, 20));
  }
  throw new Error('import did not finish');
}

function csvOf(kind: 'families' | 'members', rows: Row[]): string {
  const path = join(dir, `upload-${kind}-${Math.random().toString(16).slice(2)}.csv`);
  writeCsv(path, kind, rows);
  return readFileSync(path, 'utf8');
}

describe('imports by upload', () => {
  it('imports a CSV as a job: progress, then done, with a reject report for bad and out-of-scope rows', async () => {
    const rows = [
      buildFamilyRow(40, { kode_desa: '32.01.01.1002' }),
      buildFamilyRow(41, { kode_desa: OUT_VILLAGE }),
      buildFamilyRow(42, { kode_desa: '32.01.01.1001', luas_lantai: '1.000' }),
    ];
    const res = await app.inject({
      method: 'POST', url: '/api/v1/imports', payload: csvOf('families', rows),
      headers: { ...headersOf(operator), 'content-type': 'text/csv; charset=utf-8', 'x-file-name': encodeURIComponent('keluarga baru.csv') },
    });
    expect(res.statusCode).toBe(202);
    const { id } = res.json<{ id: number }>();
    const done = await waitForImport(operator, id);
    expect(done).toMatchObject({ status: 'done', rowsDone: 3, rowsTotal: 3, accepted: 1, rejected: 2 });
    const report = await get(operator, `/api/v1/imports/${id}/errors.csv`);
    expect(report.statusCode).toBe(200);
    const rejects = parse(report.body, { columns: true, bom: true }) as Array<Record<string, string>>;
    expect(rejects.map((r) => [r.berkas, r.baris, r.kolom, r.kode])).toEqual([
      ['keluarga baru.csv', '3', 'kode_desa', 'VILLAGE_OUT_OF_SCOPE'],
      ['keluarga baru.csv', '4', 'luas_lantai', 'INT_AMBIGUOUS_SEPARATOR'],
    ]);
    expect(rejects[0]!.alasan).toContain('di luar wilayah akun Anda');
    const imported = await sql<{ village_code: string }>('select village_code from family where kk_bidx = $1', [ctx.keyring.index.compute('kk', rows[0]!.no_kk!)]);
    expect(imported).toEqual([{ village_code: '32.01.01.1002' }]);
    const actions = (await auditActions()).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['registry.import.upload', 'import.batch', 'registry.import.done']));
    // Another region's officer does not see the import.
    expect((await get(makassar, `/api/v1/imports/${id}`)).statusCode).toBe(404);
    expect((await get(makassar, `/api/v1/imports/${id}/errors.csv`)).statusCode).toBe(404);
  });

  it('imports an XLSX members file and counts rows with warnings', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('anggota');
    const cols = ['no_kk', 'nik', 'nama', 'jenis_kelamin', 'tanggal_lahir', 'hubungan_keluarga'];
    sheet.addRow(cols);
    // A NIK whose birth date differs from the recorded one is a warning, not a rejection.
    sheet.addRow([families[0]!.no_kk!, nikFor(70, '1991-01-01', 'P'), 'Nur Hidayah', 'P', '1991-01-02', 'anak']);
    sheet.addRow([families[3]!.no_kk!, nikFor(71, '1992-01-01', 'L', '737101'), 'Andi Makassar', 'L', '1992-01-01', 'anak']);
    const body = Buffer.from(await book.xlsx.writeBuffer());
    const res = await app.inject({
      method: 'POST', url: '/api/v1/imports', payload: body,
      headers: { ...headersOf(operator), 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'x-file-name': 'anggota.xlsx' },
    });
    expect(res.statusCode).toBe(202);
    const done = await waitForImport(operator, res.json<{ id: number }>().id);
    expect(done).toMatchObject({ status: 'done', rowsDone: 2, accepted: 1, rejected: 1, warnings: 1 });
  });

  it('shows a running import\'s progress, and takes up an import a stopped server left running', async () => {
    const actor = { id: 'operator.ciawi', role: 'operator', scope: '32.01.01', channel: 'api' } as const;
    const rows = Array.from({ length: 7 }, (_, i) => buildFamilyRow(60 + i, { kode_desa: '32.01.01.1002' }));
    const stored = await storeUpload(join(dir, 'uploads'), Buffer.from(csvOf('families', rows)), { fileName: 'sisa.csv', maxBytes: 1024 * 1024 });
    const deps = { db: t.db, keyring: ctx.keyring };
    const id = await enqueueImport(deps, actor, stored);
    // A server died mid-import: the job says running, its heartbeat is old, 3 rows were committed.
    await t.db.withConnection((c) => c.query(`update job set status = 'running', started_at = now(), heartbeat_at = now() - interval '1 hour' where id = $1`, [id]));
    const partial = await importFile({ db: t.db, keyring: ctx.keyring, actor }, stored.path, { batchSize: 3 }).catch(() => undefined);
    expect(partial?.rows).toBe(7); // the stand-in run finished; mark its record as interrupted after 3 rows
    await t.db.withConnection((c) => c.query(`update import_file set status = 'running', rows_done = 3, inserted = 3, finished_at = null where id = $1`, [partial!.importId]));
    await t.db.withConnection((c) => c.query(`update job set result = $2::jsonb, progress_done = 3 where id = $1`, [id, JSON.stringify({ importFileId: partial!.importId, bytesRead: 100, bytesTotal: stored.bytes })]));
    const running = (await get(operator, `/api/v1/imports/${id}`)).json<{ status: string; rowsDone: number; accepted: number; bytesRead: number; bytesTotal: number; rowsTotal?: number }>();
    expect(running).toMatchObject({ status: 'running', rowsDone: 3, accepted: 3, bytesRead: 100, bytesTotal: stored.bytes });
    expect(running.rowsTotal).toBeUndefined();
    const runner = new ImportRunner(deps);
    expect(await runner.resumeAbandoned()).toBe(1);
    await runner.idle();
    const done = (await get(operator, `/api/v1/imports/${id}`)).json<{ status: string; rowsDone: number; rejected: number }>();
    expect(done).toMatchObject({ status: 'done', rowsDone: 7, rejected: 0 });
    expect(fsExists(stored.path)).toBe(false);
  });

  it('refuses what it cannot import: other types, unknown headers, readers', async () => {
    const json = await send(operator, 'POST', '/api/v1/imports', { rows: [] });
    expect(json.statusCode).toBe(400);
    expect(json.json<{ error: { code: string; message: string } }>().error).toMatchObject({ code: 'unknown_format', message: expect.stringContaining('.xlsx') });
    const unknown = await app.inject({ method: 'POST', url: '/api/v1/imports', payload: 'a,b\n1,2\n', headers: { ...headersOf(operator), 'content-type': 'text/csv' } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json<{ error: { code: string } }>().error.code).toBe('unknown_format');
    const reader = await app.inject({ method: 'POST', url: '/api/v1/imports', payload: csvOf('families', [buildFamilyRow(50)]), headers: { ...headersOf(auditor), 'content-type': 'text/csv' } });
    expect(reader.statusCode).toBe(403);
    await expect(storeUpload(dir, Buffer.alloc(2048, 65), { fileName: 'besar.csv', maxBytes: 1024 })).rejects.toBeInstanceOf(UploadTooLarge);
  });
});

describe('queues', () => {
  it('resolves a death case: rejecting restores the member, and a decided case stays decided', async () => {
    const me = await idsOf('Moch Yusuf', IN_VILLAGE);
    const other = await idsOf('Muhammad Rizki', OUT_VILLAGE);
    await t.db.transaction((tx) => markDeceased(tx, ctx.keyring, [
      { id: me.memberId, regencyCode: '32.01', villageCode: IN_VILLAGE, familyId: me.familyId },
      { id: other.memberId, regencyCode: '73.71', villageCode: OUT_VILLAGE, familyId: other.familyId },
    ], { source: 'uji', eventId: 'e-1', actorId: 'test', details: {} }), nationalActor);
    const cases = await sql<{ id: number; member_id: number }>(`select id, member_id from civil_case where kind = 'death' order by id`);
    const mine = cases.find((c) => Number(c.member_id) === me.memberId)!;
    const theirs = cases.find((c) => Number(c.member_id) === other.memberId)!;

    expect((await send(auditor, 'POST', `/api/v1/civil/cases/${mine.id}/resolve`, { resolution: 'rejected', note: 'Salah orang.' })).statusCode).toBe(403);
    expect((await send(operator, 'POST', `/api/v1/civil/cases/${theirs.id}/resolve`, { resolution: 'confirmed', note: '' })).statusCode).toBe(404);
    const noNote = await send(operator, 'POST', `/api/v1/civil/cases/${mine.id}/resolve`, { resolution: 'rejected', note: '' });
    expect(noNote.statusCode).toBe(400);
    const res = await send(operator, 'POST', `/api/v1/civil/cases/${mine.id}/resolve`, { resolution: 'rejected', note: 'Masih hidup: dikunjungi pendamping hari ini.' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: Number(mine.id), status: 'rejected', applied: true });
    const member = await sql<{ presence_status: string }>('select presence_status from member where id = $1', [me.memberId]);
    expect(member[0]!.presence_status).toBe('tinggal');
    const decided = await sql<{ status: string; decided_by: string; decision_note: string }>('select status, decided_by, decision_note from civil_case where id = $1', [mine.id]);
    expect(decided[0]).toEqual({ status: 'rejected', decided_by: 'operator.ciawi', decision_note: 'Masih hidup: dikunjungi pendamping hari ini.' });
    expect((await auditActions()).map((a) => a.action)).toContain('civil.case.resolve');
    expect((await send(operator, 'POST', `/api/v1/civil/cases/${mine.id}/resolve`, { resolution: 'confirmed' })).statusCode).toBe(409);
    expect((await verifyRegistryIntegrity(t.db, ctx.keyring)).broken).toEqual([]);

    const confirmed = await send(makassar, 'POST', `/api/v1/civil/cases/${theirs.id}/resolve`, { resolution: 'confirmed' });
    expect(confirmed.json()).toEqual({ id: Number(theirs.id), status: 'accepted', applied: false });
    expect((await sql<{ presence_status: string }>('select presence_status from member where id = $1', [other.memberId]))[0]!.presence_status).toBe('meninggal');
  });

  it('confirming a correction applies it through the validated edit', async () => {
    const me = await idsOf('Rizky Pratama', '32.01.02.2001');
    await t.db.transaction((tx) => openProposals(tx, ctx.keyring, 'uji', 'test', [{
      kind: 'correction', regencyCode: '32.01', villageCode: '32.01.02.2001', familyId: me.familyId, memberId: me.memberId, eventId: 'e-2',
      details: { field: 'name', from: 'RIZKY PRATAMA', to: 'Rizky Pratama Putra' },
    }]), nationalActor);
    const c = (await sql<{ id: number }>(`select id from civil_case where kind = 'correction'`))[0]!;
    const res = await send(dinsos, 'POST', `/api/v1/civil/cases/${c.id}/resolve`, { resolution: 'confirmed', note: 'Sesuai KTP.' });
    expect(res.json()).toEqual({ id: Number(c.id), status: 'accepted', applied: true });
    const m = await sql<{ full_name: string; version: number }>('select full_name, version from member where id = $1', [me.memberId]);
    expect(m[0]).toEqual({ full_name: 'RIZKY PRATAMA PUTRA', version: me.version + 1 });
    expect((await auditActions()).map((a) => a.action)).toContain('civil.correction.apply');
  });

  it('assigns a submission to an officer of its region, and unassigns it', async () => {
    await loginAs(app, ctx, 'pendamping.desa', 'pendamping', '32.01.01.1002');
    const filed = await app.inject({
      method: 'POST', url: '/api/v1/public/pengaduan', remoteAddress: '10.9.0.1',
      payload: { village_code: '32.01.01.1002', category: 'pungli', program: 'pkh', description: 'Ketua kelompok meminta uang dari setiap penerima saat pencairan.' },
    });
    expect(filed.statusCode).toBe(201);
    const code = filed.json<{ tracking_code: string }>().tracking_code;
    const id = Number((await sql<{ id: number }>('select id from portal_submission where tracking_code = $1', [code.replace(/-/g, '')]))[0]!.id);

    expect((await send(auditor, 'POST', `/api/v1/portal/submissions/${id}/assign`, { assignee: 'pendamping.desa' })).statusCode).toBe(403);
    expect((await send(makassar, 'POST', `/api/v1/portal/submissions/${id}/assign`, { assignee: 'operator.makassar' })).statusCode).toBe(404);
    const wrong = await send(operator, 'POST', `/api/v1/portal/submissions/${id}/assign`, { assignee: 'operator.makassar' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json<{ error: { details: { fields: string[] } } }>().error.details.fields).toEqual(['assignee']);
    const ok = await send(operator, 'POST', `/api/v1/portal/submissions/${id}/assign`, { assignee: 'pendamping.desa' });
    expect(ok.json()).toEqual({ id, assignee: 'pendamping.desa' });
    const detail = (await get(operator, `/api/v1/portal/submissions/${id}`)).json<{ assignedTo: string; history: Array<{ action: string; internalNote: string | null }> }>();
    expect(detail.assignedTo).toBe('pendamping.desa');
    expect(detail.history.at(-1)).toMatchObject({ action: 'noted', internalNote: 'Ditugaskan kepada pendamping.desa.' });
    const queue = (await get(operator, '/api/v1/portal/submissions')).json<{ items: Array<{ id: number; assignedTo: string | null }> }>();
    expect(queue.items.find((i) => i.id === id)!.assignedTo).toBe('pendamping.desa');
    // The citizen's Lacak does not show who handles it.
    const lacak = await app.inject({ method: 'POST', url: '/api/v1/public/lacak', payload: { code }, remoteAddress: '10.9.0.2' });
    expect(lacak.body).not.toContain('pendamping');
    const cleared = await send(operator, 'POST', `/api/v1/portal/submissions/${id}/assign`, { assignee: '' });
    expect(cleared.json()).toEqual({ id, assignee: null });
    const audits = (await auditActions()).filter((a) => a.action === 'portal.submission.assigned').map((a) => JSON.parse(a.changes) as unknown);
    expect(audits).toEqual([{ from: null, to: 'pendamping.desa' }, { from: 'pendamping.desa', to: null }]);
  });
});
