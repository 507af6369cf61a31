/**
 * Officer API of the civil-registry integration, scoped by the caller's region and
 * audited: verify one member now, a member's verification history, the per-region
 * report, and the cases and proposals opened by the event feed.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { appendAudit } from '../platform/audit.js';
import type { AppContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { maskKk, maskNik } from '../security/mask.js';
import { actorOf, assertRegionInScope } from '../server/auth-plugin.js';
import type { CivilRegistry } from './civil-registry.js';
import { enqueueCivilJob } from './jobs.js';
import { civilReport } from './report.js';
import { CIVIL_CIPHER_CONTEXT, REGION_FILTER } from './store.js';
import { verifyMember } from './verify-members.js';
import { resolveCase } from './resolve-case.js';
import { issuesMessage } from '../registry/edit-record.js';
import { civilRegistryFor } from './wiring.js';

const VERIFIERS = ['pusat', 'dinsos', 'operator', 'pendamping'] as const;
const READERS = ['pusat', 'dinsos', 'operator', 'pendamping', 'auditor'] as const;

const RegionCode = z.string().regex(/^(ID|\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?)$/, 'kode wilayah Kemendagri atau ID');
const IdParams = z.object({ id: z.coerce.number().int().positive() });
const Match = z.object({ result: z.enum(['sesuai', 'tidak_sesuai']), score: z.number().optional() });

const VerifyResponse = z.union([
  z.object({
    status: z.literal('done'),
    memberId: z.number(),
    outcome: z.enum(['verified', 'mismatch', 'not_found', 'deceased']),
    mismatched: z.array(z.string()),
    nikStatus: z.string(),
    fields: z.object({ name: Match.optional(), birthDate: Match.optional(), kk: Match.optional() }),
    fromCache: z.boolean(),
    markedDeceased: z.boolean(),
    source: z.string(),
    checkedAt: z.string(),
  }),
  z.object({ status: z.literal('deferred'), memberId: z.number(), jobId: z.number(), reason: z.string(), message: z.string() }),
]);

const Counts = z.object({
  members: z.number(), verified: z.number(), mismatched: z.number(), unknown: z.number(), deceased: z.number(),
  notChecked: z.number(), withoutNik: z.number(), openCases: z.number(),
});
const ReportResponse = z.object({ region: z.string(), rows: z.array(Counts.extend({ code: z.string(), name: z.string().nullable() })), total: Counts });

const CasesQuery = z.object({
  region: RegionCode.optional(),
  status: z.enum(['open', 'accepted', 'rejected']).default('open'),
  kind: z.enum(['death', 'move', 'kk_change', 'correction', 'birth']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  after: z.coerce.number().int().nonnegative().default(0),
});

const ResolveBody = z.object({
  resolution: z.enum(['confirmed', 'rejected']),
  note: z.string().trim().max(1000).default(''),
});

export interface CivilRoutesOptions {
  /** The civil registry; default from CIVIL_REGISTRY_URL. */
  readonly registry?: CivilRegistry;
  /** Deadline of an on-demand verification before it is queued instead. */
  readonly verifyDeadlineMs?: number;
}

/**
 * @example await app.register(civilRoutes(ctx));
 */
export function civilRoutes(ctx: AppContext, opts: CivilRoutesOptions = {}) {
  const registry = opts.registry ?? civilRegistryFor(ctx.config);
  const deps = { db: ctx.db, keyring: ctx.keyring, registry };
  return async (app: FastifyInstance) => {
    // A registry made here is ours to close (its keep-alive connections); a given one is not.
    if (!opts.registry) app.addHook('onClose', async () => { (registry as { close?: () => void }).close?.(); });
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.post('/api/v1/civil/members/:id/verify', {
      schema: { tags: ['civil'], params: IdParams, response: { 200: VerifyResponse, 202: VerifyResponse } },
    }, async (request, reply) => {
      const actor = actorOf(request, VERIFIERS);
      const result = await verifyMember(deps, actor, request.params.id, {
        ...(opts.verifyDeadlineMs ? { deadlineMs: opts.verifyDeadlineMs } : {}),
        enqueue: (memberId) => enqueueCivilJob(ctx.db, actor, 'civil.verify', { scope: actor.scope, memberIds: [memberId] }),
      });
      if (result.ok) {
        const v = result.verification;
        return {
          status: 'done' as const, memberId: v.memberId, outcome: v.outcome, mismatched: [...v.mismatched], nikStatus: v.result.nikStatus,
          fields: { ...(v.result.name ? { name: v.result.name } : {}), ...(v.result.birthDate ? { birthDate: v.result.birthDate } : {}), ...(v.result.kk ? { kk: v.result.kk } : {}) },
          fromCache: v.fromCache, markedDeceased: v.markedDeceased, source: v.source, checkedAt: v.checkedAt,
        };
      }
      if (result.reason === 'not_found') throw new AppError('not_found', 'Anggota keluarga tidak ditemukan.');
      if (result.reason === 'no_nik') throw new AppError('conflict', 'Anggota ini belum memiliki NIK; tidak ada yang dapat diverifikasi.');
      reply.status(202);
      return {
        status: 'deferred' as const, memberId: request.params.id, jobId: result.jobId, reason: result.registryReason,
        message: 'Dukcapil belum menjawab; verifikasi diantrekan dan dijalankan otomatis saat layanan tersedia.',
      };
    });

    r.get('/api/v1/civil/members/:id/verifications', { schema: { tags: ['civil'], params: IdParams } }, async (request) => {
      const actor = actorOf(request, READERS);
      return ctx.db.transaction(async (tx) => {
        const member = (await tx.raw.query('select 1 from member where id = $1', [request.params.id])).rows[0];
        if (!member) throw new AppError('not_found', 'Anggota keluarga tidak ditemukan.');
        const items = (await tx.raw.query<Record<string, unknown>>(
          `select id, checked_at, source, from_cache, outcome, nik_status, name_result, name_score, birth_date_result, kk_result, member_version
             from civil_verification where member_id = $1 order by checked_at desc, id desc limit 50`, [request.params.id])).rows;
        await appendAudit(tx, { action: 'civil.verifications.read', entityType: 'member', entityId: request.params.id });
        return {
          items: items.map((v) => ({
            id: Number(v.id), checkedAt: new Date(v.checked_at as string).toISOString(), source: v.source, fromCache: v.from_cache, outcome: v.outcome,
            nikStatus: v.nik_status, name: v.name_result, nameScore: v.name_score, birthDate: v.birth_date_result, kk: v.kk_result, memberVersion: v.member_version,
          })),
        };
      }, actor);
    });

    r.get('/api/v1/civil/report', {
      schema: { tags: ['civil'], querystring: z.object({ region: RegionCode.optional() }), response: { 200: ReportResponse } },
    }, async (request) => {
      const actor = actorOf(request, READERS);
      assertRegionInScope(actor, request.query.region);
      return ctx.db.transaction(async (tx) => {
        const report = await civilReport(tx, request.query.region ?? 'ID');
        await appendAudit(tx, { action: 'civil.report.read', entityType: 'region', entityId: report.region, changes: { total: report.total } });
        return report;
      }, actor);
    });

    r.get('/api/v1/civil/cases', { schema: { tags: ['civil'], querystring: CasesQuery } }, async (request) => {
      const actor = actorOf(request, READERS);
      const q = request.query;
      assertRegionInScope(actor, q.region);
      return ctx.db.transaction(async (tx) => {
        const rows = (await tx.raw.query<Record<string, unknown>>(
          `select c.id, c.kind, c.status, c.village_code, c.family_id, c.member_id, c.details, c.event_id, c.opened_at, c.proposed_kk_enc, c.proposed_nik_enc,
                  m.full_name
             from civil_case c left join member m on m.id = c.member_id and m.regency_code = c.regency_code
            where c.status = $1 and ($2::text is null or c.kind = $2) and c.id > $3 and ${REGION_FILTER('c.village_code', '$4')}
            order by c.id limit $5`,
          [q.status, q.kind ?? null, q.after, q.region && q.region !== 'ID' ? q.region : null, q.limit])).rows;
        await appendAudit(tx, { action: 'civil.cases.read', entityType: 'civil_case', changes: { status: q.status, kind: q.kind ?? null, region: q.region ?? null, count: rows.length } });
        const dec = (v: unknown, context: string) => (v ? ctx.keyring.cipher.decrypt(v as Uint8Array, context) : null);
        const items = rows.map((c) => ({
          id: Number(c.id), kind: c.kind, status: c.status, villageCode: c.village_code, familyId: c.family_id === null ? null : Number(c.family_id),
          memberId: c.member_id === null ? null : Number(c.member_id), memberName: c.full_name ?? null, eventId: c.event_id,
          openedAt: new Date(c.opened_at as string).toISOString(), details: c.details,
          proposedKkMasked: c.proposed_kk_enc ? maskKk(dec(c.proposed_kk_enc, CIVIL_CIPHER_CONTEXT.proposedKk)) : null,
          proposedNikMasked: c.proposed_nik_enc ? maskNik(dec(c.proposed_nik_enc, CIVIL_CIPHER_CONTEXT.proposedNik)) : null,
        }));
        return { items, next: items.length === q.limit ? items[items.length - 1]!.id : null };
      }, actor);
    });

    r.post('/api/v1/civil/cases/:id/resolve', {
      schema: {
        tags: ['civil'], summary: 'Decide a case: confirm or reject a death, accept or reject a proposal (a correction is applied)',
        params: IdParams, body: ResolveBody,
        response: { 200: z.object({ id: z.number(), status: z.enum(['accepted', 'rejected']), applied: z.boolean() }) },
      },
    }, async (request) => {
      const actor = actorOf(request, VERIFIERS);
      const result = await ctx.db.transaction((tx) => resolveCase(tx, ctx.keyring, { id: request.params.id, ...request.body }), actor);
      if (result.ok) return { id: result.id, status: result.status, applied: result.applied };
      if (result.reason === 'not_found') throw new AppError('not_found', 'Kasus tidak ditemukan.');
      if (result.reason === 'already_decided') throw new AppError('conflict', `Kasus ini sudah diputuskan (${result.status}).`, { status: result.status });
      if (result.reason === 'note_required') throw new AppError('validation', 'Tulis alasan penolakan (paling sedikit 5 karakter).', { fields: ['note'] });
      throw new AppError('validation', issuesMessage(result.issues), { fields: result.issues.map((i) => i.field), issues: result.issues });
    });
  };
}
