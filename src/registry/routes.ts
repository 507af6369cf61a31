/** Read API of the registry, scoped by the caller's region through row-level security. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { actorOf, assertRegionInScope } from '../server/auth-plugin.js';
import { findFamily, findMember, listFamilies, revealMember } from './read-registry.js';

const REGISTRY_READERS = ['pusat', 'dinsos', 'operator', 'pendamping', 'auditor'] as const;

const FamilyListQuery = z.object({
  region: z.string().regex(/^(ID|\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?)$/, 'kode wilayah Kemendagri atau ID').optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});

const FamilyListItem = z.object({
  id: z.number(), villageCode: z.string(), kkMasked: z.string(), rt: z.string().nullable(), rw: z.string().nullable(),
  headName: z.string().nullable(), memberCount: z.number(), updatedAt: z.string(),
});

const IdParams = z.object({ id: z.coerce.number().int().positive() });

/** Roles that may see identifiers in clear (with a purpose, logged). Auditors and banks may not. */
const REVEALERS = ['pusat', 'dinsos', 'operator', 'pendamping'] as const;
const RevealBody = z.object({ purpose: z.string().trim().min(10, 'sebutkan tujuan (min. 10 karakter)').max(300) });

export function registryRoutes(ctx: AppContext) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get('/api/v1/families', {
      schema: { tags: ['registry'], querystring: FamilyListQuery, response: { 200: z.object({ items: z.array(FamilyListItem), next: z.string().nullable() }) } },
    }, async (request) => {
      const actor = actorOf(request, REGISTRY_READERS);
      assertRegionInScope(actor, request.query.region);
      return ctx.db.transaction((tx) => listFamilies(tx, ctx.keyring, request.query), actor);
    });
    r.get('/api/v1/families/:id', { schema: { tags: ['registry'], params: IdParams } }, async (request) => {
      const actor = actorOf(request, REGISTRY_READERS);
      const family = await ctx.db.transaction((tx) => findFamily(tx, ctx.keyring, request.params.id), actor);
      if (!family) throw new AppError('not_found', 'Keluarga tidak ditemukan.');
      return family;
    });
    r.get('/api/v1/members/:id', { schema: { tags: ['registry'], params: IdParams } }, async (request) => {
      const actor = actorOf(request, REGISTRY_READERS);
      const member = await ctx.db.transaction((tx) => findMember(tx, ctx.keyring, request.params.id), actor);
      if (!member) throw new AppError('not_found', 'Anggota keluarga tidak ditemukan.');
      return member;
    });
    r.post('/api/v1/members/:id/reveal', {
      schema: { tags: ['registry'], params: IdParams, body: RevealBody, response: { 200: z.object({ id: z.number(), fullName: z.string(), nik: z.string().nullable(), phone: z.string().nullable() }) } },
    }, async (request) => {
      const actor = actorOf(request, REVEALERS);
      const revealed = await ctx.db.transaction((tx) => revealMember(tx, ctx.keyring, request.params.id, request.body.purpose), actor);
      if (!revealed) throw new AppError('not_found', 'Anggota keluarga tidak ditemukan.');
      return revealed;
    });
  };
}
