/**
 * Officer API over the portal's queue (`/api/v1/portal/submissions`): session-
 * authenticated, scoped by the account's region through row-level security, audited.
 * The officer console builds on these and on the functions in officer-queue.ts.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { actorOf } from '../server/auth-plugin.js';
import { findSubmission, findSubmissionPhoto, listQueue, replyToSubmission, type QueueItem } from './officer-queue.js';
import { assignSubmission } from './assign-submission.js';
import { SUBMISSION_STATUSES } from './submission-status.js';
import type { Portal } from './service.js';

const READERS = ['pusat', 'dinsos', 'operator', 'pendamping', 'auditor'] as const;
const HANDLERS = ['pusat', 'dinsos', 'operator', 'pendamping'] as const;

const Kind = z.enum(['usul', 'sanggah', 'pengaduan']);
const Status = z.enum(SUBMISSION_STATUSES);

const QueueQuery = z.object({
  region: z.string().regex(/^(ID|\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?)$/, 'kode wilayah Kemendagri atau ID').optional(),
  kind: Kind.optional(),
  status: z.enum([...SUBMISSION_STATUSES, 'open', 'closed', 'all']).default('open'),
  overdue: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

const Sla = z.object({ dueAt: z.string(), hoursLeft: z.number(), isOverdue: z.boolean() });

const Item = z.object({
  id: z.number(), trackingCode: z.string(), kind: Kind, category: z.string(), program: z.string().nullable(), status: Status,
  villageCode: z.string(), createdAt: z.string(), sla: Sla, hasPhoto: z.boolean(), assignedTo: z.string().nullable(),
});

const Detail = Item.extend({
  regencyCode: z.string(), description: z.string(), subjectName: z.string().nullable(), subjectNikMasked: z.string().nullable(),
  memberId: z.number().nullable(), familyId: z.number().nullable(), memberNameMasked: z.string().nullable(),
  reporterName: z.string().nullable(), reporterPhoneMasked: z.string().nullable(),
  history: z.array(z.object({
    id: z.number(), at: z.string(), actor: z.string(), action: z.string(), fromStatus: Status.nullable(), toStatus: Status.nullable(),
    publicMessage: z.string().nullable(), internalNote: z.string().nullable(),
  })),
});

const ReplyBody = z.object({
  status: Status.optional(),
  publicMessage: z.string().trim().min(1).max(2000).optional().describe('Shown to the citizen in Lacak'),
  internalNote: z.string().trim().min(1).max(2000).optional().describe('Officers only'),
});

const IdParams = z.object({ id: z.coerce.number().int().positive() });

const AssignBody = z.object({
  assignee: z.string().trim().max(64).nullable().describe('Username of an officer whose region covers the submission; empty or null unassigns'),
});

function itemJson(i: QueueItem) {
  return { ...i, createdAt: i.createdAt.toISOString(), sla: { ...i.sla, dueAt: i.sla.dueAt.toISOString() } };
}

export function officerRoutes(ctx: AppContext, portal: Portal) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const tags = ['portal-queue'];
    r.get('/api/v1/portal/submissions', {
      schema: { tags, summary: 'Queue of usul, sanggah and pengaduan in the account region, most urgent SLA first', querystring: QueueQuery, response: { 200: z.object({ items: z.array(Item), next: z.string().nullable() }) } },
    }, async (request) => {
      const actor = actorOf(request, READERS);
      const q = request.query;
      const page = await ctx.db.transaction((tx) => listQueue(tx, { region: q.region, kind: q.kind, status: q.status, overdueOnly: q.overdue === 'true', limit: q.limit, cursor: q.cursor }), actor);
      return { items: page.items.map(itemJson), next: page.next };
    });

    r.get('/api/v1/portal/check-stats', {
      schema: {
        tags, summary: 'Public status checks per day, channel and outcome (counts only: single checks are not logged)',
        querystring: z.object({ days: z.coerce.number().int().min(1).max(366).default(30) }),
        response: { 200: z.object({ items: z.array(z.object({ day: z.string(), channel: z.string(), outcome: z.string(), count: z.number() })), challengeMode: z.boolean() }) },
      },
    }, async (request) => {
      const actor = actorOf(request, ['pusat', 'dinsos', 'auditor']);
      await portal.counter.flush(ctx.db);
      const { rows } = await ctx.db.transaction((tx) => tx.raw.query<{ day: string; channel: string; outcome: string; n: number }>(
        `select to_char(day, 'YYYY-MM-DD') as day, channel, outcome, n from portal_check_stat
          where day > current_date - $1::int order by day desc, channel, outcome`, [request.query.days]), actor);
      return { items: rows.map((r) => ({ day: r.day, channel: r.channel, outcome: r.outcome, count: Number(r.n) })), challengeMode: portal.defence.isChallengeMode() };
    });

    r.get('/api/v1/portal/submissions/:id', {
      schema: { tags, summary: 'One submission with its history', params: IdParams, response: { 200: Detail } },
    }, async (request) => {
      const actor = actorOf(request, READERS);
      const d = await ctx.db.transaction((tx) => findSubmission(tx, ctx.keyring, request.params.id), actor);
      if (!d) throw new AppError('not_found', 'Pengajuan tidak ditemukan.');
      return { ...itemJson(d), ...{
        regencyCode: d.regencyCode, description: d.description, subjectName: d.subjectName, subjectNikMasked: d.subjectNikMasked,
        memberId: d.memberId, familyId: d.familyId, memberNameMasked: d.memberNameMasked, reporterName: d.reporterName,
        reporterPhoneMasked: d.reporterPhoneMasked, history: d.history.map((h) => ({ ...h, at: h.at.toISOString() })),
      } };
    });

    r.get('/api/v1/portal/submissions/:id/photo', {
      schema: { tags, summary: 'The photo of an usul (metadata already removed)', params: IdParams },
    }, async (request, reply) => {
      const actor = actorOf(request, READERS);
      const photo = await ctx.db.transaction((tx) => findSubmissionPhoto(tx, request.params.id), actor);
      if (!photo) throw new AppError('not_found', 'Foto tidak ditemukan.');
      return reply.type(photo.contentType).header('cache-control', 'private, no-store').header('content-disposition', 'inline').send(photo.bytes);
    });

    r.post('/api/v1/portal/submissions/:id/reply', {
      schema: { tags, summary: 'Reply and/or change status; the citizen sees public messages and statuses in Lacak', params: IdParams, body: ReplyBody, response: { 200: z.object({ status: Status, eventId: z.number() }) } },
    }, async (request) => {
      const actor = actorOf(request, HANDLERS);
      const r2 = await ctx.db.transaction((tx) => replyToSubmission(tx, { id: request.params.id, ...request.body }), actor);
      if (!r2.ok) {
        if (r2.reason === 'not_found') throw new AppError('not_found', 'Pengajuan tidak ditemukan.');
        if (r2.reason === 'empty') throw new AppError('validation', 'Isi status, pesan untuk warga, atau catatan internal.');
        throw new AppError('conflict', 'Perubahan status ini tidak diperbolehkan.', { reason: r2.reason });
      }
      return { status: r2.status, eventId: r2.eventId };
    });

    r.post('/api/v1/portal/submissions/:id/assign', {
      schema: { tags, summary: 'Assign the submission to an officer of its region (empty: unassign); audited', params: IdParams, body: AssignBody, response: { 200: z.object({ id: z.number(), assignee: z.string().nullable() }) } },
    }, async (request) => {
      const actor = actorOf(request, HANDLERS);
      const a = await ctx.db.transaction((tx) => assignSubmission(tx, { id: request.params.id, assignee: request.body.assignee }), actor);
      if (a.ok) return { id: a.id, assignee: a.assignee };
      if (a.reason === 'not_found') throw new AppError('not_found', 'Pengajuan tidak ditemukan.');
      throw new AppError('validation', a.message, { fields: ['assignee'] });
    });
  };
}
