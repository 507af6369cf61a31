/**
 * The portal's JSON API for mobile apps and partners (`/api/v1/public/*`), in the
 * OpenAPI document. Field names are snake_case as published in issue 7. Under abuse a
 * request answers 429 with a proof-of-work challenge in `error.details.challenge`;
 * solve it (SHA-256 of `token + ":" + solution` with `difficulty` leading zero bits)
 * and send it back as `pow: { token, solution }`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../platform/errors.js';
import { codes, PENGADUAN_CATEGORIES, SANGGAH_CATEGORIES, USUL_CATEGORIES } from './categories.js';
import type { CheckChannel } from './check-stats.js';
import type { CheckResult } from './check-status.js';
import { clientKey } from './defence.js';
import { padJson } from './html.js';
import { desilLabel } from './labels.js';
import { PORTAL_PROGRAMS, PROGRAM_STATES } from './program-status.js';
import type { Portal } from './service.js';
import { statisticsCsv, type RegionStatRow } from './statistics.js';
import { SUBMISSION_STATUSES } from './submission-status.js';
import type { SubmitResult } from './submit.js';
import { formatTrackingCode, parseTrackingCode } from './tracking-code.js';
import { levelOfCode } from '../regions/names.js';
import { nameInput, nikInput, optionalName, phoneInput, textInput } from './validate.js';

/** Every check answer is padded to a multiple of this many bytes: found and not found look alike. */
export const CHECK_JSON_BYTES = 1024;

const Pow = z.object({
  token: z.string().max(400),
  solution: z.string().max(24).optional(),
}).optional().describe('Solved challenge, when a previous answer asked for one (429, details.challenge).');

const VillageCode = z.string().regex(/^\d{2}\.\d{2}\.\d{2}\.\d{4}$/, 'kode desa Kemendagri, mis. 32.01.01.2001');
const Nik = z.string().min(16).max(24).describe('16 digits; spaces, dots and dashes are ignored');
const Name = z.string().min(2).max(100).describe('Full name as on the KTP (compared in upper case)');

const ProgramStatusJson = z.object({
  program: z.enum(PORTAL_PROGRAMS),
  status: z.enum(PROGRAM_STATES),
  period: z.string().nullable().describe('YYYY-MM or YYYY-Qn'),
});

const Match = z.object({
  name_masked: z.string(),
  desil_band: z.string().nullable(),
  programs: z.array(ProgramStatusJson),
  sanggah_ref: z.string().describe('Pass as `ref` to POST /api/v1/public/sanggah'),
});

const CheckNikResponse = z.object({
  found: z.boolean(),
  name_masked: z.string().nullable(),
  desil_band: z.string().nullable(),
  programs: z.array(ProgramStatusJson),
  sanggah_ref: z.string().nullable(),
});

const CheckRegionResponse = z.object({ found: z.boolean(), matches: z.array(Match) });

const Reporter = {
  reporter_name: z.string().max(100).optional(),
  reporter_phone: z.string().max(20).optional().describe('Indonesian mobile number, e.g. 081234567890'),
};

const Submitted = z.object({
  tracking_code: z.string().describe('Shown as U-XXXX-XXXX-XXXX; keep it to track the submission'),
  kind: z.enum(['usul', 'sanggah', 'pengaduan']),
  status: z.literal('diterima'),
  sla_due_at: z.string(),
});

const Tracking = z.object({
  tracking_code: z.string(),
  kind: z.enum(['usul', 'sanggah', 'pengaduan']),
  category: z.string(),
  program: z.string().nullable(),
  status: z.enum(SUBMISSION_STATUSES),
  created_at: z.string(),
  sla_due_at: z.string(),
  closed_at: z.string().nullable(),
  history: z.array(z.object({ at: z.string(), action: z.string(), status: z.enum(SUBMISSION_STATUSES).nullable(), message: z.string().nullable() })),
});

const Challenge = z.object({
  token: z.string(), difficulty: z.number(), algorithm: z.literal('sha256-leading-zero-bits'), expires_at: z.string(), wait_seconds: z.number(),
});

const RegionCode = z.string().regex(/^(ID|\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?)$/, 'ID atau kode wilayah Kemendagri');

const StatRow = z.object({
  code: z.string(), name: z.string(), families: z.number(), people: z.number(),
  /** Families reporting that they receive each program. */
  recipients: z.record(z.string(), z.number()),
  /** Families decided as recipients in each program's latest cycle, and their yearly amount (rupiah). */
  decided: z.record(z.string(), z.object({ families: z.number(), amount_per_year: z.number() })),
});
type StatRowOut = z.infer<typeof StatRow>;
function statRow(r: RegionStatRow): StatRowOut {
  return {
    code: r.code, name: r.name, families: r.families, people: r.people, recipients: { ...r.recipients },
    decided: Object.fromEntries(Object.entries(r.decided).map(([p, d]) => [p, { families: d.families, amount_per_year: d.amountPerYear }])),
  };
}

/** Admission through the bot defence; throws the 429 answers. */
export function gate(portal: Portal, request: FastifyRequest, reply: FastifyReply, extra: { nikKey?: string; villageKey?: string; pow?: { token: string; solution?: string | undefined } | undefined; channel?: CheckChannel }): void {
  const d = portal.admit({ client: clientKey(request.ip), nikKey: extra.nikKey, villageKey: extra.villageKey, challenge: extra.pow });
  if (d.kind === 'allow') return;
  if (d.kind === 'deny') {
    if (extra.channel) portal.counter.count(extra.channel, 'rate_limited');
    reply.header('retry-after', String(d.retryAfterSeconds));
    throw new AppError('rate_limited', 'NIK ini terlalu sering diperiksa. Coba lagi nanti.', { reason: 'nik_limit', retry_after_seconds: d.retryAfterSeconds });
  }
  if (extra.channel) portal.counter.count(extra.channel, 'challenged');
  const c = d.challenge;
  throw new AppError('rate_limited', 'Selesaikan tantangan keamanan, lalu kirim ulang permintaan dengan pow.', {
    reason: 'challenge_required',
    challenge: { token: c.token, difficulty: c.difficulty, algorithm: c.algorithm, expires_at: c.expiresAt, wait_seconds: c.waitSeconds },
  });
}

/**
 * Sends an already serialised body (padded JSON, CSV): the Zod response schema still
 * documents the shape in OpenAPI, Fastify passes strings through unserialised.
 */
function sendText(reply: FastifyReply, text: string, type: string, cacheControl = 'no-store'): FastifyReply {
  return reply.type(type).header('cache-control', cacheControl).send(text);
}

function invalid(fields: string[]): AppError {
  return new AppError('validation', 'Permintaan tidak valid.', { fields });
}

function submitted(r: SubmitResult, reply: FastifyReply) {
  if (!r.ok) {
    if (r.reason === 'invalid_ref') throw new AppError('validation', 'Referensi sanggah tidak berlaku. Cari kembali penerimanya.', { fields: ['ref'] });
    if (r.reason === 'unknown_village') throw invalid(['village_code']);
    throw new AppError('validation', 'Foto harus JPEG atau PNG, paling besar 5 MB.', { fields: ['photo'], reason: r.reason });
  }
  reply.status(201).header('cache-control', 'no-store');
  return { tracking_code: formatTrackingCode(r.trackingCode), kind: r.kind, status: r.status, sla_due_at: r.slaDueAt.toISOString() };
}

function reporterOf(body: { reporter_name?: string | undefined; reporter_phone?: string | undefined }) {
  const reporterName = optionalName(body.reporter_name);
  const reporterPhone = phoneInput(body.reporter_phone);
  const bad = [reporterName === undefined ? 'reporter_name' : '', reporterPhone === undefined ? 'reporter_phone' : ''].filter(Boolean);
  if (bad.length) throw invalid(bad);
  return { reporterName: reporterName || undefined, reporterPhone: reporterPhone || undefined };
}

function matchJson(m: CheckResult['matches'][number]) {
  return { name_masked: m.nameMasked, desil_band: desilLabel(m.desilBand, 'id') ?? null, programs: m.programs, sanggah_ref: m.ref };
}

export function apiRoutes(portal: Portal) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const tags = ['public'];

    // The hard per-client cap, before the body is parsed: a flood is refused at the door.
    app.addHook('onRequest', async (request, reply) => {
      if (portal.defence.admitClient(clientKey(request.ip))) return;
      await portal.defence.tarpit();
      reply.header('retry-after', String(portal.defence.retryAfterSeconds));
      throw new AppError('rate_limited', 'Terlalu banyak permintaan. Coba lagi sebentar lagi.', { reason: 'client_limit', retry_after_seconds: portal.defence.retryAfterSeconds });
    });

    r.get('/api/v1/public/challenge', {
      schema: { tags, summary: 'A proof-of-work challenge, to send along before being asked', response: { 200: Challenge } },
    }, async (_request, reply) => {
      const c = portal.defence.issue();
      reply.header('cache-control', 'no-store');
      return { token: c.token, difficulty: c.difficulty, algorithm: c.algorithm, expires_at: c.expiresAt, wait_seconds: c.waitSeconds };
    });

    r.post('/api/v1/public/check', {
      schema: {
        tags, summary: 'Status check by NIK and name (both must match)',
        description: 'Found and not-found answers take the same time and are padded to the same size. Only the masked name and program statuses are returned.',
        body: z.object({ nik: Nik, name: Name, pow: Pow }), response: { 200: CheckNikResponse },
      },
    }, async (request, reply) => {
      const nik = nikInput(request.body.nik);
      const name = nameInput(request.body.name);
      if (!nik || !name) {
        portal.counter.count('api', 'invalid');
        throw invalid([!nik ? 'nik' : '', !name ? 'name' : ''].filter(Boolean));
      }
      const bidx = portal.nikIndex(nik);
      gate(portal, request, reply, { nikKey: bidx.toString('hex'), pow: request.body.pow, channel: 'api' });
      const result = await portal.checkNik('api', { nik, name, bidx });
      const m = result.matches[0];
      const body = JSON.stringify({
        found: result.found, name_masked: m?.nameMasked ?? null, desil_band: m ? desilLabel(m.desilBand, 'id') ?? null : null,
        programs: m?.programs ?? [], sanggah_ref: m?.ref ?? null,
      });
      return sendText(reply, padJson(body, CHECK_JSON_BYTES), 'application/json; charset=utf-8');
    });

    r.post('/api/v1/public/check/region', {
      schema: {
        tags, summary: 'Status check by village and exact name (as on the KTP)',
        body: z.object({ village_code: VillageCode, name: Name, pow: Pow }), response: { 200: CheckRegionResponse },
      },
    }, async (request, reply) => {
      const name = nameInput(request.body.name);
      if (!name) { portal.counter.count('api', 'invalid'); throw invalid(['name']); }
      gate(portal, request, reply, { villageKey: request.body.village_code, pow: request.body.pow, channel: 'api' });
      const result = await portal.checkVillage('api', { villageCode: request.body.village_code, name });
      const body = JSON.stringify({ found: result.found, matches: result.matches.map(matchJson) });
      return sendText(reply, padJson(body, CHECK_JSON_BYTES * 4), 'application/json; charset=utf-8');
    });

    r.post('/api/v1/public/usul', {
      bodyLimit: 8 * 1024 * 1024,
      schema: {
        tags, summary: 'Propose a family for assistance (usul), with an optional photo',
        description: 'The photo (JPEG or PNG, at most 5 MB) is stored without EXIF, GPS, XMP or text metadata.',
        body: z.object({
          village_code: VillageCode, category: z.enum(codes(USUL_CATEGORIES)), nik: Nik, name: Name,
          reason: z.string().min(20).max(2000), program: z.enum(PORTAL_PROGRAMS).optional(),
          photo: z.object({ data_base64: z.string().max(7_200_000) }).optional(), ...Reporter, pow: Pow,
        }),
        response: { 201: Submitted },
      },
    }, async (request, reply) => {
      const b = request.body;
      const nik = nikInput(b.nik);
      const name = nameInput(b.name);
      const reason = textInput(b.reason, 20, 2000);
      const bad = [!nik ? 'nik' : '', !name ? 'name' : '', !reason ? 'reason' : ''].filter(Boolean);
      if (bad.length) throw invalid(bad);
      const reporter = reporterOf(b);
      gate(portal, request, reply, { nikKey: `usul:${portal.nikIndex(nik!).toString('hex')}`, pow: b.pow });
      const photo = b.photo ? Buffer.from(b.photo.data_base64, 'base64') : undefined;
      return submitted(await portal.submitUsul(request.id, {
        villageCode: b.village_code, category: b.category, nik: nik!, name: name!, reason: reason!, program: b.program, photo, ...reporter,
      }), reply);
    });

    r.post('/api/v1/public/sanggah', {
      schema: {
        tags, summary: 'Object to a listed recipient (sanggah)',
        body: z.object({ ref: z.string().max(200), category: z.enum(codes(SANGGAH_CATEGORIES)), reason: z.string().min(20).max(2000), ...Reporter, pow: Pow }),
        response: { 201: Submitted },
      },
    }, async (request, reply) => {
      const b = request.body;
      const reason = textInput(b.reason, 20, 2000);
      if (!reason) throw invalid(['reason']);
      const reporter = reporterOf(b);
      gate(portal, request, reply, { pow: b.pow });
      return submitted(await portal.submitSanggah(request.id, { ref: b.ref, category: b.category, reason, ...reporter }), reply);
    });

    r.post('/api/v1/public/pengaduan', {
      schema: {
        tags, summary: 'Complaint about distribution (pengaduan)',
        body: z.object({
          village_code: VillageCode, category: z.enum(codes(PENGADUAN_CATEGORIES)), program: z.enum([...PORTAL_PROGRAMS, 'lainnya']),
          description: z.string().min(20).max(2000), nik: Nik.optional(), ...Reporter, pow: Pow,
        }),
        response: { 201: Submitted },
      },
    }, async (request, reply) => {
      const b = request.body;
      const description = textInput(b.description, 20, 2000);
      const nik = b.nik === undefined ? undefined : nikInput(b.nik);
      const bad = [!description ? 'description' : '', b.nik !== undefined && !nik ? 'nik' : ''].filter(Boolean);
      if (bad.length) throw invalid(bad);
      const reporter = reporterOf(b);
      gate(portal, request, reply, { pow: b.pow });
      return submitted(await portal.submitPengaduan(request.id, {
        villageCode: b.village_code, category: b.category, program: b.program, description: description!, nik, ...reporter,
      }), reply);
    });

    r.post('/api/v1/public/lacak', {
      schema: {
        tags, summary: 'Status and public history of a submission, by tracking code',
        body: z.object({ code: z.string().max(30), pow: Pow }), response: { 200: Tracking },
      },
    }, async (request, reply) => {
      const code = parseTrackingCode(request.body.code);
      if (!code) throw invalid(['code']);
      gate(portal, request, reply, { pow: request.body.pow });
      const v = await portal.track(request.id, code);
      if (!v) throw new AppError('not_found', 'Kode lacak tidak ditemukan.');
      reply.header('cache-control', 'no-store');
      return {
        tracking_code: formatTrackingCode(v.trackingCode), kind: v.kind, category: v.category, program: v.program, status: v.status,
        created_at: v.createdAt.toISOString(), sla_due_at: v.slaDueAt.toISOString(), closed_at: v.closedAt?.toISOString() ?? null,
        history: v.history.map((h) => ({ at: h.at.toISOString(), action: h.action, status: h.status, message: h.message })),
      };
    });

    r.get('/api/v1/public/regions', {
      schema: {
        tags, summary: 'Child regions (Kemendagri codes), for pickers',
        querystring: z.object({ parent: RegionCode.optional() }),
        response: { 200: z.object({ items: z.array(z.object({ code: z.string(), name: z.string() })) }) },
      },
    }, async (request, reply) => {
      const parent = request.query.parent && request.query.parent !== 'ID' ? request.query.parent : null;
      if (parent && levelOfCode(parent) === 4) return { items: [] };
      const items = await portal.regions.children(parent);
      reply.header('cache-control', 'public, max-age=86400');
      return { items: items.map((i) => ({ code: i.code, name: i.name })) };
    });

    r.get('/api/v1/public/statistics', {
      schema: {
        tags, summary: 'Families, people and program recipients per child region (aggregates only)',
        querystring: z.object({ region: RegionCode.default('ID'), format: z.enum(['json', 'csv']).default('json') }),
        response: { 200: z.object({ region: z.string(), region_name: z.string(), computed_at: z.string(), cycles: z.record(z.string(), z.string().nullable()), rows: z.array(StatRow), total: StatRow }) },
      },
    }, async (request, reply) => {
      const s = await portal.statistics(request.query.region);
      if (!s) throw new AppError('not_found', 'Wilayah tidak ditemukan.');
      reply.header('cache-control', 'public, max-age=300');
      if (request.query.format === 'csv') {
        reply.header('content-disposition', `attachment; filename="statistik-${s.region}.csv"`);
        return sendText(reply, statisticsCsv(s), 'text/csv; charset=utf-8', 'public, max-age=300');
      }
      return { region: s.region, region_name: s.regionName, computed_at: s.computedAt.toISOString(), cycles: { ...s.cycles }, rows: s.rows.map(statRow), total: statRow(s.total) };
    });
  };
}
