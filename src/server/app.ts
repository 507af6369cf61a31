/**
 * The HTTP server: Fastify with Zod schemas, generated OpenAPI, uniform errors that
 * carry a request id and never a stack trace, security headers and size limits.
 * Routes are thin: they parse, call a feature function, and shape the answer.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, serializerCompiler, validatorCompiler, } from 'fastify-type-provider-zod';
import type { AppContext } from '../platform/context.js';
import { AppError, HTTP_STATUS } from '../platform/errors.js';
import { registerAuth } from './auth-plugin.js';
import { createRateLimiter } from '../platform/rate-limit.js';
import { authRoutes } from '../auth/routes.js';
import { registryRoutes } from '../registry/routes.js';
import { registryConsoleRoutes } from '../registry/console-routes.js';
import { civilRoutes } from '../civil/routes.js';
import { eligibilityRoutes } from '../eligibility/routes.js';
import { identityRoutes } from '../identity/routes.js';
import { portalRoutes } from '../portal/routes.js';
import { dashboardRoutes } from '../dashboard/routes.js';

export interface ServerOptions {
  /** Extra route registrations (console static files, portal) added by later features. */
  plugins?: Array<(app: FastifyInstance) => Promise<void>>;
  /** A plugin (portal or console) serves `/` itself. */
  hasRootPage?: boolean;
  /** Portal options (tests tune rate limits and challenges). */
  portal?: Parameters<typeof portalRoutes>[1];
  /** Tests of the portal register it themselves with their own options. */
  withoutPortal?: boolean;
  /** Civil-registry adapter and verify deadline for the civil routes (tests pass a simulator's client). */
  civil?: Parameters<typeof civilRoutes>[1];
}

const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
  'cross-origin-opener-policy': 'same-origin',
  'content-security-policy': "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
};

export async function buildServer(ctx: AppContext, opts: ServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.logger as unknown as FastifyBaseLogger,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    bodyLimit: 1024 * 1024,
  });

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Tepat API', version: '1', description: 'Registri penerima bantuan sosial: registri, identitas, kelayakan, portal publik.' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'tepat_session' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(cookie);

  app.addHook('onSend', async (request, reply, payload) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
    if (ctx.config.env === 'production') reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    reply.header('x-request-id', request.id);
    return payload;
  });

  app.setErrorHandler((err: FastifyError | AppError | Error, request, reply) => {
    const requestId = request.id;
    if (err instanceof AppError) {
      const details = err.details && typeof err.details === 'object' ? { details: err.details } : {};
      return reply.status(HTTP_STATUS[err.code]).send({ error: { code: err.code, message: err.message, ...details, requestId } });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => ({ path: v.instancePath, message: v.message }));
      return reply.status(400).send({ error: { code: 'validation', message: 'Permintaan tidak valid.', issues, requestId } });
    }
    const status = (err as FastifyError).statusCode;
    if (status && status >= 400 && status < 500) {
      const code = status === 413 ? 'bad_request' : status === 429 ? 'rate_limited' : status === 404 ? 'not_found' : 'bad_request';
      return reply.status(status).send({ error: { code, message: status === 413 ? 'Permintaan terlalu besar.' : 'Permintaan tidak dapat diproses.', requestId } });
    }
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ error: { code: 'internal', message: 'Terjadi kesalahan pada server.', requestId } });
  });
  app.setNotFoundHandler((request, reply) => reply.status(404).send({ error: { code: 'not_found', message: 'Tidak ditemukan.', requestId: request.id } }));

  registerAuth(app, ctx);

  // A ceiling per client on the officer API (the portal and login have their own, stricter ones).
  const apiLimiter = createRateLimiter({ capacity: 300, refillPerSecond: 50 });
  app.addHook('preHandler', async (request) => {
    if (!request.url.startsWith('/api/v1/') || request.url.startsWith('/api/v1/public/')) return;
    const key = request.session ? `u:${request.session.account.id}` : `ip:${request.ip}`;
    if (!apiLimiter.take(key)) throw new AppError('rate_limited', 'Terlalu banyak permintaan; coba lagi sebentar lagi.');
  });

  app.get('/healthz', { schema: { hide: true } }, async () => {
    await ctx.db.kysely.selectFrom('region').select('code').limit(1).execute();
    return { status: 'ok' };
  });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  // The public portal serves `/` unless it is left out.
  if (opts.withoutPortal && !opts.hasRootPage) {
    app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(
      '<!doctype html><html lang="id"><meta charset="utf-8"><meta name="viewport" content="width=device-width">' +
      '<title>Tepat</title><body style="font-family:system-ui;max-width:40rem;margin:2rem auto;padding:0 1rem">' +
      '<h1>Tepat</h1><p>Registri penerima bantuan sosial.</p><ul>' +
      '<li><a href="/api/v1/openapi.json">Dokumen API (OpenAPI)</a></li><li><a href="/healthz">Status server</a></li></ul></body></html>'));
  }

  await app.register(authRoutes(ctx));
  await app.register(registryRoutes(ctx));
  await app.register(registryConsoleRoutes(ctx));
  await app.register(civilRoutes(ctx, opts.civil));
  await app.register(eligibilityRoutes(ctx));
  await app.register(identityRoutes(ctx));
  await app.register(dashboardRoutes(ctx));
  if (!opts.withoutPortal) await app.register(portalRoutes(ctx, opts.portal));
  for (const plugin of opts.plugins ?? []) await plugin(app);
  return app;
}
