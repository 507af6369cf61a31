/**
 * Registry endpoints of the officer console (docs/console-api.md, "Registry search and
 * editing"): search, edits with optimistic locking, a family's history, export, and
 * imports by upload. Thin: parse, check role and region, call the use case, shape the
 * answer. Scope is enforced by row-level security in every transaction.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../platform/context.js';
import type { Actor } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import { isWithinScope } from '../regions/names.js';
import { actorOf, assertRegionInScope } from '../server/auth-plugin.js';
import { issuesMessage, type EditResult } from './edit-record.js';
import { auditExportStart, exportCsv, exportXlsx } from './export-registry.js';
import { familyHistory } from './family-history.js';
import { searchMembersByName, searchMembersByNik } from './search-members.js';
import { updateFamily } from './update-family.js';
import { updateMember } from './update-member.js';
import {
  enqueueImport, findImport, ImportRunner, MAX_UPLOAD_BYTES, rejectReportCsv, safeFileName, storeUpload, UPLOAD_TYPES, UploadTooLarge, XLSX_TYPE,
} from './upload-import.js';

const READERS = ['pusat', 'dinsos', 'operator', 'pendamping', 'auditor'] as const;
/** Roles that change the registry (auditors and banks only read, or not at all). */
const EDITORS = ['pusat', 'dinsos', 'operator', 'pendamping'] as const;

const RegionCode = z.string().regex(/^(ID|\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?)$/, 'kode wilayah Kemendagri atau ID');
const IdParams = z.object({ id: z.coerce.number().int().positive() });

const SearchQuery = z.object({
  nik: z.string().trim().min(1).max(40).optional(),
  name: z.string().trim().min(2, 'nama minimal 2 huruf').max(100).optional(),
  region: RegionCode.optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
}).refine((q) => Boolean(q.nik) !== Boolean(q.name), { message: 'isi salah satu: nik atau name' });

const Hit = z.object({
  memberId: z.number(), familyId: z.number(), villageCode: z.string(), nameMasked: z.string(), sex: z.string(),
  birthYear: z.number().nullable(), relationship: z.string(), score: z.number(),
});

const ChangeValue = z.union([z.string().max(1000), z.number(), z.boolean(), z.null(), z.array(z.string().max(100)).max(50)]);
const EditBody = z.object({
  version: z.number().int().positive(),
  changes: z.record(z.string().min(1).max(60), ChangeValue)
    .refine((c) => Object.keys(c).length > 0, 'sebutkan paling sedikit satu isian yang diubah')
    .refine((c) => Object.keys(c).length <= 60, 'terlalu banyak isian'),
});
const Edited = z.object({ id: z.number(), version: z.number() });

const HistoryItem = z.object({
  at: z.string(), actor: z.string(), action: z.string(), entity: z.object({ type: z.string(), id: z.number() }),
  fields: z.array(z.object({ field: z.string(), before: z.unknown().optional(), after: z.unknown().optional() })),
});

const ExportQuery = z.object({ region: RegionCode.optional(), format: z.enum(['csv', 'xlsx']).default('csv') });

const ImportStatus = z.object({
  id: z.number(), status: z.enum(['queued', 'running', 'done', 'failed']), fileName: z.string(), kind: z.enum(['families', 'members']),
  rowsTotal: z.number().optional(), rowsDone: z.number(), accepted: z.number(), rejected: z.number(), warnings: z.number(),
  bytesRead: z.number(), bytesTotal: z.number(), startedAt: z.string(), finishedAt: z.string().optional(), error: z.string().optional(),
  identityCheck: z.discriminatedUnion('state', [
    z.object({ state: z.literal('running'), checked: z.number(), total: z.number() }),
    z.object({ state: z.literal('done'), checked: z.number(), pairs: z.number(), pending: z.number(), autoAccepted: z.number() }),
    z.object({ state: z.literal('skipped'), reason: z.enum(['disabled', 'too_many']) }),
    z.object({ state: z.literal('failed'), message: z.string() }),
  ]).optional(),
});

/** The region a request works in: the one asked for, narrowed to the account's scope. */
function effectiveRegion(actor: Actor, region: string | undefined): string {
  assertRegionInScope(actor, region);
  if (!region || region === 'ID') return actor.scope;
  return isWithinScope(actor.scope, region) ? region : actor.scope;
}

/** Maps an edit outcome to the answer (or the error the console shows). */
function editAnswer(result: EditResult, changes: unknown, what: string): { id: number; version: number } {
  if (result.ok) return { id: result.id, version: result.version };
  if (result.reason === 'not_found') throw new AppError('not_found', `${what} tidak ditemukan.`);
  if (result.reason === 'invalid') {
    throw new AppError('validation', issuesMessage(result.issues), { fields: [...new Set(result.issues.map((i) => i.field))], issues: result.issues });
  }
  const when = new Date(result.changedAt).toLocaleString('id-ID', { timeZone: 'Asia/Jakarta' });
  throw new AppError('conflict',
    `${what} sudah diubah${result.changedBy ? ` oleh ${result.changedBy}` : ''} pada ${when} (versi ${result.current.version}). Periksa perubahan terbaru lalu simpan ulang.`,
    { current: result.current, yours: changes, changedBy: result.changedBy, changedAt: result.changedAt });
}

export interface ConsoleRoutesOptions {
  /** Where uploads wait for their import (default: the data directory's `uploads`). */
  readonly uploadDir?: string;
}

/**
 * @example await app.register(registryConsoleRoutes(ctx));
 */
export function registryConsoleRoutes(ctx: AppContext, opts: ConsoleRoutesOptions = {}) {
  const uploadDir = opts.uploadDir ?? join(ctx.config.dataDir, 'uploads');
  const runner = new ImportRunner({ db: ctx.db, keyring: ctx.keyring, logger: ctx.logger });
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const tags = ['registry-console'];
    app.addHook('onReady', async () => { await runner.resumeAbandoned(); });
    app.addHook('onClose', async () => { await runner.idle(); });

    r.get('/api/v1/search/members', {
      schema: { tags, summary: 'Find people by NIK (blind index) or by name within a region; masked, best first', querystring: SearchQuery, response: { 200: z.object({ items: z.array(Hit), truncated: z.boolean() }) } },
    }, async (request) => {
      const actor = actorOf(request, READERS);
      const q = request.query;
      const region = effectiveRegion(actor, q.region);
      if (q.nik) {
        const nik = q.nik.replace(/[\s.-]/g, '');
        if (!/^\d{16}$/.test(nik)) throw new AppError('validation', 'NIK harus 16 digit angka.', { fields: ['nik'] });
        return ctx.db.transaction((tx) => searchMembersByNik(tx, ctx.keyring, nik, region), actor);
      }
      const found = await ctx.db.transaction((tx) => searchMembersByName(tx, ctx.keyring, { name: q.name!, region, limit: q.limit }), actor);
      if (!found.ok) throw new AppError('validation', 'Nama pencarian tidak berisi bagian nama yang dapat dicari (hanya gelar atau tanda baca).', { fields: ['name'] });
      return found.result;
    });

    r.patch('/api/v1/families/:id', {
      schema: { tags, summary: 'Edit a family (optimistic locking on version; validated like an import row)', params: IdParams, body: EditBody, response: { 200: Edited } },
    }, async (request) => {
      const actor = actorOf(request, EDITORS);
      const { version, changes } = request.body;
      const result = await ctx.db.transaction((tx) => updateFamily(tx, ctx.keyring, { id: request.params.id, version, changes }), actor);
      return editAnswer(result, changes, 'Keluarga');
    });

    r.patch('/api/v1/members/:id', {
      schema: { tags, summary: 'Edit a member (optimistic locking on version; validated like an import row)', params: IdParams, body: EditBody, response: { 200: Edited } },
    }, async (request) => {
      const actor = actorOf(request, EDITORS);
      const { version, changes } = request.body;
      const result = await ctx.db.transaction((tx) => updateMember(tx, ctx.keyring, { id: request.params.id, version, changes }), actor);
      return editAnswer(result, changes, 'Anggota keluarga');
    });

    r.get('/api/v1/families/:id/history', {
      schema: { tags, summary: 'Timeline of a family and its members (change log and audit trail; identifiers masked)', params: IdParams, response: { 200: z.object({ items: z.array(HistoryItem) }) } },
    }, async (request) => {
      const actor = actorOf(request, READERS);
      const items = await ctx.db.transaction((tx) => familyHistory(tx, request.params.id), actor);
      if (!items) throw new AppError('not_found', 'Keluarga tidak ditemukan.');
      return { items };
    });

    r.get('/api/v1/families/export', {
      schema: { tags, summary: 'Families and members of a region as CSV or XLSX (streamed, identifiers masked, audited)', querystring: ExportQuery },
    }, async (request, reply) => {
      const actor = actorOf(request, READERS);
      const region = effectiveRegion(actor, request.query.region);
      const format = request.query.format;
      await auditExportStart(ctx.db, actor, region, format);
      const deps = { db: ctx.db, keyring: ctx.keyring };
      const name = `tepat-${region === 'ID' ? 'nasional' : region}-${new Date().toISOString().slice(0, 10)}.${format}`;
      reply.header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'private, no-store');
      if (format === 'xlsx') return reply.type(XLSX_TYPE).send(exportXlsx(deps, actor, region));
      return reply.type('text/csv; charset=utf-8').send(exportCsv(deps, actor, region));
    });

    // Uploads: raw CSV or XLSX bodies up to 50 MB, for this route only (the rest of the API takes JSON).
    await app.register(async (scoped) => {
      scoped.addContentTypeParser(Object.keys(UPLOAD_TYPES), (_request, payload, done) => done(null, payload));
      scoped.withTypeProvider<ZodTypeProvider>().post('/api/v1/imports', {
        bodyLimit: MAX_UPLOAD_BYTES,
        schema: {
          tags, summary: 'Upload a families or members file (text/csv or XLSX, header x-file-name, ≤ 50 MB); imported as a job',
          response: { 202: z.object({ id: z.number() }), 413: z.object({ error: z.object({ code: z.string(), message: z.string(), requestId: z.string() }) }) },
        },
      }, async (request, reply) => {
        const actor = actorOf(request, EDITORS);
        const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        const ext = UPLOAD_TYPES[type];
        if (!ext) throw new AppError('unknown_format', 'Unggah berkas .csv (text/csv) atau .xlsx.');
        const declared = Number(request.headers['content-length'] ?? 0);
        const tooLarge = () => reply.status(413).send({ error: { code: 'bad_request', message: 'Berkas lebih dari 50 MB; pecah menjadi beberapa berkas.', requestId: request.id } });
        if (declared > MAX_UPLOAD_BYTES) return tooLarge();
        const header = request.headers['x-file-name'];
        const fileName = safeFileName(Array.isArray(header) ? header[0] : header, ext);
        let stored;
        try {
          stored = await storeUpload(uploadDir, request.body as NodeJS.ReadableStream, { fileName, maxBytes: MAX_UPLOAD_BYTES });
        } catch (err) {
          if (err instanceof UploadTooLarge) return tooLarge();
          throw err;
        }
        const id = await enqueueImport({ db: ctx.db, keyring: ctx.keyring }, actor, stored);
        runner.start(id);
        return reply.status(202).send({ id });
      });
    });

    r.get('/api/v1/imports/:id', {
      schema: { tags, summary: 'Progress of an uploaded import', params: IdParams, response: { 200: ImportStatus } },
    }, async (request) => {
      const actor = actorOf(request, READERS);
      const found = await findImport(ctx.db, actor, request.params.id);
      if (!found) throw new AppError('not_found', 'Impor tidak ditemukan.');
      return found;
    });

    r.get('/api/v1/imports/:id/errors.csv', {
      schema: { tags, summary: 'Rejected rows of an uploaded import (file, row, column, code, reason, masked value)', params: IdParams },
    }, async (request, reply) => {
      const actor = actorOf(request, READERS);
      const found = await findImport(ctx.db, actor, request.params.id);
      if (!found) throw new AppError('not_found', 'Impor tidak ditemukan.');
      const base = found.fileName.replace(/\.(csv|xlsx)$/i, '');
      const report = `${base}-ditolak.csv`;
      const ascii = report.replace(/[^\w.() -]/g, '_');
      reply.header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(report)}`).header('cache-control', 'private, no-store');
      reply.type('text/csv; charset=utf-8');
      if (found.importFileId === undefined) return reply.send('\uFEFFberkas,baris,kolom,kode,alasan,nilai\n');
      return reply.send(rejectReportCsv(ctx.db, actor, found.importFileId, found.fileName));
    });
  };
}
