/**
 * A portal over a fresh test database with a small registry of known people: their
 * NIKs, names and street addresses are returned so tests can assert none leaks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { openTestDb, nationalActor, type TestDb } from '../support/db.js';
import { buildFamilyRow, buildMemberRow, nikFor, writeCsv, type Row } from '../support/builders.js';
import { testContext } from '../support/app.js';
import type { AppContext } from '../../src/platform/context.js';
import { buildServer } from '../../src/server/app.js';
import { importFile } from '../../src/registry/import/import-file.js';
import type { PortalOptions } from '../../src/portal/routes.js';

export interface Person {
  nik: string;
  name: string;
  village: string;
  programs: string;
}

export interface PortalFixture {
  t: TestDb;
  ctx: AppContext;
  app: FastifyInstance;
  people: Person[];
  families: Row[];
  members: Row[];
  close(): Promise<void>;
}

const FIRST = ['SITI', 'BUDI', 'WAWAN', 'DEWI', 'AGUS', 'RINA', 'JOKO', 'NUR', 'YANTI', 'HENDRA', 'SRI', 'EKO'];
const LAST = ['AMINAH', 'SANTOSO', 'LUTHFI', 'LESTARI', 'SETIAWAN', 'WULANDARI', 'PRASETYO', 'HIDAYAT', 'KURNIAWAN', 'RAHAYU'];

/** Name of member i: two words, distinct for the first 120 members. */
export function personName(i: number): string {
  return `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}`;
}

export async function openPortal(opts: PortalOptions = {}, size = { families: 12, members: 36 }): Promise<PortalFixture> {
  const t = await openTestDb();
  const ctx = await testContext(t);
  // Family i: PKH since 2025-01 and Sembako for every third, nothing otherwise.
  const families = Array.from({ length: size.families }, (_, i) => buildFamilyRow(i, {
    alamat: `Jl. Kenanga Raya No. ${100 + i}, RT 00${i % 9 + 1}/RW 002`,
    program_diterima: i % 3 === 0 ? 'pkh:2025-01;bpnt:2025-04' : i % 3 === 1 ? 'pbi_jk' : '',
  }));
  const members = Array.from({ length: size.members }, (_, i) => buildMemberRow(i, i % size.families, { nama: personName(i) }));
  const dir = mkdtempSync(join(tmpdir(), 'tepat-portal-'));
  try {
    writeCsv(join(dir, 'keluarga.csv'), 'families', families);
    writeCsv(join(dir, 'anggota.csv'), 'members', members);
    for (const f of ['keluarga.csv', 'anggota.csv']) await importFile({ db: t.db, keyring: ctx.keyring, actor: nationalActor }, join(dir, f));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const app = await buildServer(ctx, { portal: opts });
  const people = members.map((m, i) => ({ nik: m.nik!, name: m.nama!, village: families[i % size.families]!.kode_desa!, programs: families[i % size.families]!.program_diterima! }));
  return { t, ctx, app, people, families, members, close: async () => { await app.close(); await t.drop(); } };
}

/** A NIK that is valid in form but belongs to nobody in the fixture. */
export const UNKNOWN_NIK = nikFor(9876, '1980-05-17', 'L');

/** URL-encoded form body. */
export function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
