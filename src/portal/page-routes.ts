/**
 * The portal's HTML pages. Forms post back to the same path; invalid input re-renders
 * the form with the errors (never echoing a NIK back); results of status checks are
 * padded to one size. Registered in their own encapsulated scope, which adds form body
 * parsers and an HTML error page without touching the rest of the server.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, HTTP_STATUS } from '../platform/errors.js';
import { portalAssets } from './assets.js';
import { codes, PENGADUAN_CATEGORIES, SANGGAH_CATEGORIES, USUL_CATEGORIES } from './categories.js';
import { clientKey, type AdmitDecision } from './defence.js';
import { DEFAULT_MULTIPART_LIMITS, multipartBoundary, parseMultipart, parseUrlEncoded, type FormData } from './forms.js';
import { padHtml } from './html.js';
import type { Lang, MessageKey } from './i18n.js';
import { PORTAL_PROGRAMS, type PortalProgram } from './program-status.js';
import type { Portal } from './service.js';
import { statisticsCsv } from './statistics.js';
import type { SubmitResult } from './submit.js';
import { parseTrackingCode } from './tracking-code.js';
import { nameInput, nikInput, optionalName, phoneInput, textInput } from './validate.js';
import { levelOfCode } from '../regions/names.js';
import {
  checkNikPage, checkRegionPage, checkResultPage, homePage, lacakPage, messagePage, pengaduanPage, sanggahPage, statisticsPage,
  submittedPage, usulPage, type FieldError, type PageContext, type Values,
} from './views.js';

/** Every check result page is padded to a multiple of this many bytes. */
export const CHECK_PAGE_BYTES = 16 * 1024;

export const LANG_COOKIE = 'tepat_lang';

const FORM_BODY = Symbol('portal form');
type ParsedBody = { [FORM_BODY]: true; form?: FormData; problem?: string };

function langOf(request: FastifyRequest): Lang {
  return request.cookies?.[LANG_COOKIE] === 'en' ? 'en' : 'id';
}

function send(reply: FastifyReply, page: string, status = 200) {
  return reply.status(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page);
}

function formOf(request: FastifyRequest): { form?: FormData; problem?: string } {
  const b = request.body as ParsedBody | undefined;
  if (!b || !b[FORM_BODY]) return { problem: 'no_form' };
  return b;
}

const isIn = <T extends string>(list: readonly T[], v: string | undefined): v is T => v !== undefined && (list as readonly string[]).includes(v);

export function pageRoutes(portal: Portal) {
  const base = portal.basePath;
  const assets = portalAssets();
  const assetUrls = { css: `${base}/aset/portal.css?v=${assets.css.hash}`, js: `${base}/aset/pow.js?v=${assets.js.hash}` };

  return async (app: FastifyInstance) => {
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer', bodyLimit: 64 * 1024 }, (_req, body, done) => {
      done(null, { [FORM_BODY]: true, form: parseUrlEncoded(body as Buffer) } satisfies ParsedBody);
    });
    app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: 64 * 1024 }, (req, body, done) => {
      const boundary = multipartBoundary(String(req.headers['content-type'] ?? ''));
      const r = boundary ? parseMultipart(body as Buffer, boundary, { ...DEFAULT_MULTIPART_LIMITS, maxFileBytes: portal.imageLimits.maxBytes }) : undefined;
      done(null, (r?.ok ? { [FORM_BODY]: true, form: r.form } : { [FORM_BODY]: true, problem: r ? r.reason : 'malformed' }) satisfies ParsedBody);
    });

    const pc = (request: FastifyRequest): PageContext => ({ lang: langOf(request), path: request.url.slice(base.length) || '/', base, assets: assetUrls });

    // The hard per-client cap on every page (not the two static files), before the body is parsed.
    app.addHook('onRequest', async (request, reply) => {
      if (request.url.startsWith(`${base}/aset/`) || portal.defence.admitClient(clientKey(request.ip))) return;
      await portal.defence.tarpit();
      reply.header('retry-after', String(portal.defence.retryAfterSeconds));
      throw new AppError('rate_limited', 'Terlalu banyak permintaan.');
    });

    // Cross-site form posts (someone else's page submitting in a visitor's name) are refused.
    app.addHook('preHandler', async (request) => {
      if (request.method !== 'POST') return;
      const origin = request.headers.origin;
      if (origin && origin !== 'null') {
        let host: string | undefined;
        try { host = new URL(origin).host; } catch { host = undefined; }
        if (host !== request.headers.host) throw new AppError('forbidden', 'Formulir dikirim dari situs lain.');
      }
    });

    app.setErrorHandler((err: FastifyError | AppError | Error, request, reply) => {
      const p = pc(request);
      if ((err as FastifyError).statusCode === 413) {
        const onUsul = request.url.startsWith(`${base}/usul`);
        return send(reply, messagePage(p, 'fixErrors', onUsul ? 'errPhoto' : 'errForm', { back: onUsul ? '/usul' : '/' }), 413);
      }
      const status = err instanceof AppError ? HTTP_STATUS[err.code] : (err as FastifyError).statusCode ?? 500;
      if (status >= 500) request.log.error({ err }, 'portal page failed');
      const message: MessageKey = status === 429 ? 'tooManyClient' : status === 404 ? 'notFoundPage' : status < 500 ? 'errForm' : 'errorPage';
      return send(reply, messagePage(p, status === 429 ? 'tooManyTitle' : 'fixErrors', message), status >= 400 && status < 600 ? status : 500);
    });

    const challengeFor = (request: FastifyRequest) => (portal.defence.needsChallenge(clientKey(request.ip)) ? portal.defence.issue() : undefined);
    const powOf = (f: FormData) => (f.fields.pow_token ? { token: f.fields.pow_token, solution: f.fields.pow_solution } : undefined);

    /** Sends the refusal page for a denial; returns the challenge to show for a challenge; undefined when allowed. */
    const admitted = (request: FastifyRequest, reply: FastifyReply, d: AdmitDecision, countCheck: boolean): { done: true } | { challenge: NonNullable<ReturnType<typeof challengeFor>> } | undefined => {
      if (d.kind === 'allow') return undefined;
      if (d.kind === 'deny') {
        if (countCheck) portal.counter.count('web', 'rate_limited');
        reply.header('retry-after', String(d.retryAfterSeconds));
        void send(reply, messagePage(pc(request), 'tooManyTitle', 'tooManyNik'), 429);
        return { done: true };
      }
      if (countCheck) portal.counter.count('web', 'challenged');
      return { challenge: d.challenge };
    };

    // ------------------------------------------------------------- static, language

    app.get('/aset/portal.css', { schema: { hide: true } }, async (_req, reply) =>
      reply.type(assets.css.type).header('cache-control', 'public, max-age=31536000, immutable').send(assets.css.body));
    app.get('/aset/pow.js', { schema: { hide: true } }, async (_req, reply) =>
      reply.type(assets.js.type).header('cache-control', 'public, max-age=31536000, immutable').send(assets.js.body));

    app.get('/bahasa', { schema: { hide: true } }, async (request, reply) => {
      const q = request.query as Record<string, string | undefined>;
      const lang: Lang = q.ke === 'en' ? 'en' : 'id';
      const back = q.kembali && /^\/(?![/\\])[^\s]*$/.test(q.kembali) ? q.kembali : '/';
      reply.setCookie(LANG_COOKIE, lang, { path: '/', sameSite: 'lax', maxAge: 365 * 86400, httpOnly: true, secure: portal.ctx.config.env === 'production' });
      return reply.redirect(`${base}${back}`, 303);
    });

    app.get('/', { schema: { hide: true } }, async (request, reply) => {
      return send(reply, homePage(pc(request)));
    });

    // ------------------------------------------------------------- check by NIK

    app.get('/cek/nik', { schema: { hide: true } }, async (request, reply) => {
      return send(reply, checkNikPage(pc(request), { challenge: challengeFor(request) }));
    });

    app.post('/cek/nik', { schema: { hide: true } }, async (request, reply) => {
      const p = pc(request);
      const { form } = formOf(request);
      if (!form) return send(reply, checkNikPage(p, { notice: 'errForm', challenge: challengeFor(request) }), 400);
      const nik = nikInput(form.fields.nik);
      const name = nameInput(form.fields.nama);
      const errors: FieldError[] = [];
      if (!nik) errors.push({ field: 'nik', message: 'errNik' });
      if (!name) errors.push({ field: 'nama', message: 'errName' });
      if (errors.length) {
        portal.counter.count('web', 'invalid');
        return send(reply, checkNikPage(p, { errors, name: form.fields.nama, challenge: challengeFor(request) }), 400);
      }
      const bidx = portal.nikIndex(nik!);
      const a = admitted(request, reply, portal.admit({ client: clientKey(request.ip), nikKey: bidx.toString('hex'), challenge: powOf(form) }), true);
      if (a && 'done' in a) return reply;
      if (a) return send(reply, checkNikPage(p, { name: form.fields.nama, challenge: a.challenge, notice: 'securityRetry' }));
      const result = await portal.checkNik('web', { nik: nik!, name: name!, bidx });
      return send(reply, padHtml(checkResultPage(p, result, '/cek/nik'), CHECK_PAGE_BYTES));
    });

    // ------------------------------------------------------------- check by region

    app.get('/cek/wilayah', { schema: { hide: true } }, async (request, reply) => {
      const picker = await portal.picker(request.query as Record<string, string | undefined>);
      return send(reply, checkRegionPage(pc(request), { ...picker, challenge: picker.chosen.length === 4 ? challengeFor(request) : undefined }));
    });

    app.post('/cek/wilayah', { schema: { hide: true } }, async (request, reply) => {
      const p = pc(request);
      const { form } = formOf(request);
      const desa = form?.fields.desa;
      const picker = await portal.picker({ prov: desa?.slice(0, 2), kab: desa?.slice(0, 5), kec: desa?.slice(0, 8), desa });
      if (!form || picker.chosen.length !== 4) {
        return send(reply, checkRegionPage(p, { ...picker, errors: [{ field: 'prov', message: 'errVillage' }] }), 400);
      }
      const name = nameInput(form.fields.nama);
      if (!name) {
        portal.counter.count('web', 'invalid');
        return send(reply, checkRegionPage(p, { ...picker, errors: [{ field: 'nama', message: 'errName' }], name: form.fields.nama, challenge: challengeFor(request) }), 400);
      }
      const village = picker.chosen[3]!;
      const a = admitted(request, reply, portal.admit({ client: clientKey(request.ip), villageKey: village.code, challenge: powOf(form) }), true);
      if (a && 'done' in a) return reply;
      if (a) return send(reply, checkRegionPage(p, { ...picker, name: form.fields.nama, challenge: a.challenge, notice: 'securityRetry' }));
      const result = await portal.checkVillage('web', { villageCode: village.code, name });
      const regionName = [...picker.chosen].reverse().map((r) => r.name).join(', ');
      const again = `/cek/wilayah?prov=${picker.chosen[0]!.code}&kab=${picker.chosen[1]!.code}&kec=${picker.chosen[2]!.code}&desa=${village.code}`;
      return send(reply, padHtml(checkResultPage(p, result, again, regionName), CHECK_PAGE_BYTES));
    });

    // ------------------------------------------------------------- submissions

    const contact = (f: FormData, errors: FieldError[]) => {
      const reporterName = optionalName(f.fields.pelapor);
      const reporterPhone = phoneInput(f.fields.hp);
      if (reporterName === undefined) errors.push({ field: 'pelapor', message: 'errReporterName' });
      if (reporterPhone === undefined) errors.push({ field: 'hp', message: 'errPhone' });
      return { reporterName: reporterName || undefined, reporterPhone: reporterPhone || undefined };
    };
    // Values echoed back into a form after an error: never the NIK.
    const echo = (f: FormData): Values => ({ ...f.fields, nik: undefined, pow_token: undefined, pow_solution: undefined });
    const failureField = (r: Extract<SubmitResult, { ok: false }>): FieldError =>
      r.reason === 'unknown_village' ? { field: 'prov', message: 'errVillage' } : r.reason === 'invalid_ref' ? { field: 'ref', message: 'errRef' } : { field: 'foto', message: 'errPhoto' };

    app.get('/usul', { schema: { hide: true } }, async (request, reply) => {
      const picker = await portal.picker(request.query as Record<string, string | undefined>);
      return send(reply, usulPage(pc(request), { ...picker, challenge: picker.chosen.length === 4 ? challengeFor(request) : undefined }));
    });

    app.post('/usul', { schema: { hide: true }, bodyLimit: portal.imageLimits.maxBytes + 256 * 1024 }, async (request, reply) => {
      const p = pc(request);
      const { form, problem } = formOf(request);
      const desa = form?.fields.desa;
      const picker = await portal.picker({ prov: desa?.slice(0, 2), kab: desa?.slice(0, 5), kec: desa?.slice(0, 8), desa });
      if (!form) {
        const field: FieldError = problem === 'file_too_large' || problem === 'too_many_files' ? { field: 'foto', message: 'errPhoto' } : { field: 'prov', message: 'errForm' };
        return send(reply, usulPage(p, { ...picker, errors: [field] }), problem === 'file_too_large' ? 413 : 400);
      }
      const f = form.fields;
      const errors: FieldError[] = [];
      if (picker.chosen.length !== 4) errors.push({ field: 'prov', message: 'errVillage' });
      if (!isIn(codes(USUL_CATEGORIES), f.kategori)) errors.push({ field: 'kategori', message: 'errCategory' });
      const nik = nikInput(f.nik);
      if (!nik) errors.push({ field: 'nik', message: 'errNik' });
      const name = nameInput(f.nama);
      if (!name) errors.push({ field: 'nama', message: 'errName' });
      const reason = textInput(f.alasan, 20, 2000);
      if (!reason) errors.push({ field: 'alasan', message: 'errText' });
      const program = isIn(PORTAL_PROGRAMS, f.program) ? f.program : undefined;
      const reporter = contact(form, errors);
      const photo = form.files.find((x) => x.field === 'foto');
      if (errors.length) return send(reply, usulPage(p, { ...picker, errors, values: echo(form), challenge: challengeFor(request) }), 400);
      const a = admitted(request, reply, portal.admit({ client: clientKey(request.ip), nikKey: `usul:${portal.nikIndex(nik!).toString('hex')}`, challenge: powOf(form) }), false);
      if (a && 'done' in a) return reply;
      if (a) return send(reply, usulPage(p, { ...picker, errors: [{ field: 'nik', message: 'securityRetry' }], values: echo(form), challenge: a.challenge }));
      const r = await portal.submitUsul(request.id, {
        villageCode: desa!, category: f.kategori as (typeof USUL_CATEGORIES)[number]['code'], nik: nik!, name: name!, reason: reason!,
        program: program as PortalProgram | undefined, photo: photo?.data, ...reporter,
      });
      if (!r.ok) return send(reply, usulPage(p, { ...picker, errors: [failureField(r)], values: echo(form), challenge: challengeFor(request) }), 400);
      return send(reply, submittedPage(p, r), 201);
    });

    app.get('/sanggah', { schema: { hide: true } }, async (request, reply) => {
      const ref = (request.query as Record<string, string | undefined>).ref;
      const p = pc(request);
      if (!ref) return send(reply, sanggahPage(p, {}));
      const d = await portal.describeRef(ref);
      if (!d) return send(reply, sanggahPage(p, { errors: [{ field: 'ref', message: 'errRef' }] }), 400);
      return send(reply, sanggahPage(p, { ref, nameMasked: d.nameMasked, regionName: d.regionName, challenge: challengeFor(request) }));
    });

    app.post('/sanggah', { schema: { hide: true } }, async (request, reply) => {
      const p = pc(request);
      const { form } = formOf(request);
      const ref = form?.fields.ref;
      const d = ref ? await portal.describeRef(ref) : undefined;
      if (!form || !ref || !d) return send(reply, sanggahPage(p, { errors: [{ field: 'ref', message: 'errRef' }] }), 400);
      const f = form.fields;
      const errors: FieldError[] = [];
      if (!isIn(codes(SANGGAH_CATEGORIES), f.kategori)) errors.push({ field: 'kategori', message: 'errCategory' });
      const reason = textInput(f.alasan, 20, 2000);
      if (!reason) errors.push({ field: 'alasan', message: 'errText' });
      const reporter = contact(form, errors);
      const view = { ref, nameMasked: d.nameMasked, regionName: d.regionName, values: echo(form) };
      if (errors.length) return send(reply, sanggahPage(p, { ...view, errors, challenge: challengeFor(request) }), 400);
      const a = admitted(request, reply, portal.admit({ client: clientKey(request.ip), challenge: powOf(form) }), false);
      if (a && 'done' in a) return reply;
      if (a) return send(reply, sanggahPage(p, { ...view, errors: [{ field: 'alasan', message: 'securityRetry' }], challenge: a.challenge }));
      const r = await portal.submitSanggah(request.id, { ref, category: f.kategori as (typeof SANGGAH_CATEGORIES)[number]['code'], reason: reason!, ...reporter });
      if (!r.ok) return send(reply, sanggahPage(p, { errors: [failureField(r)] }), 400);
      return send(reply, submittedPage(p, r), 201);
    });

    app.get('/pengaduan', { schema: { hide: true } }, async (request, reply) => {
      const picker = await portal.picker(request.query as Record<string, string | undefined>);
      return send(reply, pengaduanPage(pc(request), { ...picker, challenge: picker.chosen.length === 4 ? challengeFor(request) : undefined }));
    });

    app.post('/pengaduan', { schema: { hide: true } }, async (request, reply) => {
      const p = pc(request);
      const { form } = formOf(request);
      const desa = form?.fields.desa;
      const picker = await portal.picker({ prov: desa?.slice(0, 2), kab: desa?.slice(0, 5), kec: desa?.slice(0, 8), desa });
      if (!form) return send(reply, pengaduanPage(p, { ...picker, errors: [{ field: 'prov', message: 'errForm' }] }), 400);
      const f = form.fields;
      const errors: FieldError[] = [];
      if (picker.chosen.length !== 4) errors.push({ field: 'prov', message: 'errVillage' });
      if (!isIn(codes(PENGADUAN_CATEGORIES), f.kategori)) errors.push({ field: 'kategori', message: 'errCategory' });
      const program = isIn([...PORTAL_PROGRAMS, 'lainnya'] as const, f.program) ? f.program : 'lainnya';
      const description = textInput(f.uraian, 20, 2000);
      if (!description) errors.push({ field: 'uraian', message: 'errText' });
      const nik = f.nik?.trim() ? nikInput(f.nik) : undefined;
      if (f.nik?.trim() && !nik) errors.push({ field: 'nik', message: 'errNik' });
      const reporter = contact(form, errors);
      if (errors.length) return send(reply, pengaduanPage(p, { ...picker, errors, values: echo(form), challenge: challengeFor(request) }), 400);
      const a = admitted(request, reply, portal.admit({ client: clientKey(request.ip), challenge: powOf(form) }), false);
      if (a && 'done' in a) return reply;
      if (a) return send(reply, pengaduanPage(p, { ...picker, errors: [{ field: 'uraian', message: 'securityRetry' }], values: echo(form), challenge: a.challenge }));
      const r = await portal.submitPengaduan(request.id, {
        villageCode: desa!, category: f.kategori as (typeof PENGADUAN_CATEGORIES)[number]['code'], program, description: description!, nik, ...reporter,
      });
      if (!r.ok) return send(reply, pengaduanPage(p, { ...picker, errors: [failureField(r)], values: echo(form) }), 400);
      return send(reply, submittedPage(p, r), 201);
    });

    // ------------------------------------------------------------- lacak

    app.get('/lacak', { schema: { hide: true } }, async (request, reply) => {
      return send(reply, lacakPage(pc(request), { challenge: challengeFor(request) }));
    });

    app.post('/lacak', { schema: { hide: true } }, async (request, reply) => {
      const p = pc(request);
      const { form } = formOf(request);
      const code = form ? parseTrackingCode(form.fields.kode ?? '') : undefined;
      if (!form || !code) return send(reply, lacakPage(p, { errors: [{ field: 'kode', message: 'errCode' }], code: form?.fields.kode, challenge: challengeFor(request) }), 400);
      const a = admitted(request, reply, portal.admit({ client: clientKey(request.ip), challenge: powOf(form) }), false);
      if (a && 'done' in a) return reply;
      if (a) return send(reply, lacakPage(p, { code: form.fields.kode, challenge: a.challenge, errors: [{ field: 'kode', message: 'securityRetry' }] }));
      const view = await portal.track(request.id, code);
      return send(reply, lacakPage(p, { code: form.fields.kode, view, notFound: !view }), view ? 200 : 404);
    });

    // ------------------------------------------------------------- statistics

    const regionOf = (request: FastifyRequest): string | undefined => {
      const w = (request.query as Record<string, string | undefined>).wilayah ?? 'ID';
      return w === 'ID' || levelOfCode(w) !== undefined ? w : undefined;
    };

    app.get('/statistik', { schema: { hide: true } }, async (request, reply) => {
      const region = regionOf(request);
      const s = region ? await portal.statistics(region) : undefined;
      if (!s) return send(reply, messagePage(pc(request), 'statsTitle', 'notFoundPage', { back: '/statistik' }), 404);
      const path = region === 'ID' ? [] : await portal.regions.path(region!);
      // The page's language follows a cookie: a browser may keep it, a shared cache may not.
      return reply.status(200).type('text/html; charset=utf-8').header('cache-control', 'private, max-age=300').send(statisticsPage(pc(request), s, path));
    });

    app.get('/statistik.csv', { schema: { hide: true } }, async (request, reply) => {
      const region = regionOf(request);
      const s = region ? await portal.statistics(region) : undefined;
      if (!s) throw new AppError('not_found', 'Wilayah tidak ditemukan.');
      return reply.type('text/csv; charset=utf-8').header('cache-control', 'public, max-age=300')
        .header('content-disposition', `attachment; filename="statistik-${s.region}.csv"`).send(statisticsCsv(s));
    });
  };
}
