/**
 * Review-queue API: candidate pairs side by side (identifiers masked) with the per-field
 * explanation; accept or reject; merge and unmerge. Thin: each route parses, calls one use
 * case in the caller's scoped transaction and shapes the answer. Anything outside the
 * caller's region does not exist for it (404); a region filter outside it is refused (403).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Role } from '../auth/accounts.js';
import type { AppContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { actorOf } from '../server/auth-plugin.js';
import { decidePair } from './decide-pair.js';
import { findMerge } from './find-merge.js';
import { MERGE_FIELDS, mergeMembers, type MergeResult } from './merge-members.js';
import { PAIR_STATUSES } from './pair-status.js';
import { findPair, listPairs, scopeCovers } from './review-queue.js';
import { unmergeMembers, type UnmergeResult } from './unmerge-members.js';

const READERS: readonly Role[] = ['pusat', 'dinsos', 'operator', 'pendamping', 'auditor'];
const DECIDERS: readonly Role[] = ['pusat', 'dinsos', 'operator'];

const RegionCode = z.string().regex(/^(ID|\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?)$/, 'kode wilayah Kemendagri atau ID');
const IdParams = z.object({ id: z.coerce.number().int().positive() });

const PairQuery = z.object({
  status: z.enum(PAIR_STATUSES).default('pending'),
  region: RegionCode.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

const MaskedPerson = z.object({
  memberId: z.number(), familyId: z.number(), villageCode: z.string(), nikMasked: z.string().nullable(), kkMasked: z.string(),
  fullName: z.string(), sex: z.string(), birthPlace: z.string().nullable(), birthDate: z.string().nullable(),
  motherName: z.string().nullable(), relationship: z.string(),
});

const FieldExplanation = z.object({ field: z.string(), level: z.number().nullable(), weight: z.number(), note: z.string() });

const ReviewPair = z.object({
  id: z.number(), regencyCode: z.string(), status: z.enum(PAIR_STATUSES), decision: z.enum(['link', 'review']),
  probability: z.number(), weight: z.number(), heldReason: z.string().nullable(), summary: z.string(),
  fields: z.array(FieldExplanation), notes: z.array(z.string()), modelId: z.number(),
  decidedBy: z.string().nullable(), decidedAt: z.string().nullable(), decisionNote: z.string().nullable(),
  a: MaskedPerson, b: MaskedPerson,
});

const DecisionBody = z.object({ note: z.string().trim().max(500).optional() }).default({});
const DecisionAnswer = z.object({ id: z.number(), status: z.enum(PAIR_STATUSES), changed: z.boolean() });

const MergeBody = z.object({
  survivorId: z.number().int().positive(),
  mergedIds: z.array(z.number().int().positive()).min(1).max(20),
  reason: z.string().trim().min(5, 'alasan minimal 5 karakter').max(500),
  fields: z.partialRecord(z.enum(MERGE_FIELDS), z.number().int().positive()).optional(),
});
const MergeAnswer = z.object({ mergeId: z.number(), survivorId: z.number(), mergedIds: z.array(z.number()), fieldsTaken: z.array(z.string()) });
const UnmergeBody = z.object({ reason: z.string().trim().min(5, 'alasan minimal 5 karakter').max(500) });
const UnmergeAnswer = z.object({ mergeId: z.number(), restoredIds: z.array(z.number()), survivorRestored: z.boolean() });

const MergeView = z.object({
  id: z.number(), survivorId: z.number(), mergedIds: z.array(z.number()), fields: z.record(z.string(), z.number()),
  reason: z.string(), mergedBy: z.string(), mergedAt: z.string(), status: z.enum(['merged', 'unmerged']),
  unmergedBy: z.string().nullable(), unmergedAt: z.string().nullable(), unmergeReason: z.string().nullable(),
  merged: z.array(z.object({ memberId: z.number(), villageCode: z.string(), fullName: z.string().nullable(), birthDate: z.string().nullable(), dependentRows: z.number() })),
});

function mergeError(r: Extract<MergeResult | UnmergeResult, { ok: false }>): AppError {
  switch (r.reason) {
    case 'not_found': return new AppError('not_found', r.message);
    case 'invalid': return new AppError('validation', r.message);
    default: return new AppError('conflict', r.message, { reason: r.reason });
  }
}

/**
 * Fastify plugin with the identity review routes.
 * @example await app.register(identityRoutes(ctx));
 */
export function identityRoutes(ctx: AppContext) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get('/api/v1/identity/pairs', {
      schema: { tags: ['identity'], querystring: PairQuery, response: { 200: z.object({ items: z.array(ReviewPair), next: z.string().nullable() }) } },
    }, async (request) => {
      const actor = actorOf(request, READERS);
      const region = request.query.region;
      if (region && !scopeCovers(actor.scope, region)) throw new AppError('forbidden', `Wilayah ${region} di luar wilayah Anda.`);
      return ctx.db.transaction((tx) => listPairs(tx, ctx.keyring, request.query), actor);
    });

    r.get('/api/v1/identity/pairs/:id', { schema: { tags: ['identity'], params: IdParams, response: { 200: ReviewPair } } }, async (request) => {
      const actor = actorOf(request, READERS);
      const pair = await ctx.db.transaction((tx) => findPair(tx, ctx.keyring, request.params.id), actor);
      if (!pair) throw new AppError('not_found', 'Pasangan tidak ditemukan.');
      return pair;
    });

    for (const [path, status] of [['accept', 'accepted'], ['reject', 'rejected']] as const) {
      r.post(`/api/v1/identity/pairs/:id/${path}`, {
        schema: { tags: ['identity'], params: IdParams, body: DecisionBody, response: { 200: DecisionAnswer } },
      }, async (request) => {
        const actor = actorOf(request, DECIDERS);
        const result = await ctx.db.transaction((tx) => decidePair(tx, request.params.id, status, request.body?.note ?? null), actor);
        if (!result.ok) throw new AppError('not_found', 'Pasangan tidak ditemukan.');
        return { id: result.id, status: result.status, changed: result.changed };
      });
    }

    r.post('/api/v1/identity/merges', { schema: { tags: ['identity'], body: MergeBody, response: { 200: MergeAnswer } } }, async (request) => {
      const actor = actorOf(request, DECIDERS);
      const result = await ctx.db.transaction((tx) => mergeMembers(tx, ctx.keyring, request.body), actor);
      if (!result.ok) throw mergeError(result);
      return { mergeId: result.mergeId, survivorId: result.survivorId, mergedIds: [...result.mergedIds], fieldsTaken: [...result.fieldsTaken] };
    });

    r.get('/api/v1/identity/merges/:id', { schema: { tags: ['identity'], params: IdParams, response: { 200: MergeView } } }, async (request) => {
      const actor = actorOf(request, READERS);
      const merge = await ctx.db.transaction((tx) => findMerge(tx, request.params.id), actor);
      if (!merge) throw new AppError('not_found', 'Penggabungan tidak ditemukan.');
      return merge;
    });

    r.post('/api/v1/identity/merges/:id/unmerge', {
      schema: { tags: ['identity'], params: IdParams, body: UnmergeBody, response: { 200: UnmergeAnswer } },
    }, async (request) => {
      const actor = actorOf(request, DECIDERS);
      const result = await ctx.db.transaction((tx) => unmergeMembers(tx, ctx.keyring, request.params.id, request.body.reason), actor);
      if (!result.ok) throw mergeError(result);
      return { mergeId: result.mergeId, restoredIds: [...result.restoredIds], survivorRestored: result.survivorRestored };
    });
  };
}
