/** Login, logout and "who am I" for the officer console and API clients. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { createRateLimiter } from '../platform/rate-limit.js';
import { SESSION_COOKIE, actorOf, cookieOptions } from '../server/auth-plugin.js';
import { login, logout } from './accounts.js';

const LoginBody = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
  totp: z.string().max(10).optional(),
});

const Me = z.object({ username: z.string(), role: z.string(), scope: z.string(), csrfToken: z.string() });

export function authRoutes(ctx: AppContext) {
  // Ten failed attempts a minute per client address, on top of the per-account lock-out.
  // Successful logins cost nothing: a village office behind one address logs in together.
  const perClient = createRateLimiter({ capacity: 10, refillPerSecond: 10 / 60 });
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.post('/api/v1/auth/login', {
      schema: { tags: ['auth'], body: LoginBody, response: { 200: Me } },
    }, async (request, reply) => {
      if (!perClient.has(request.ip)) throw new AppError('rate_limited', 'Terlalu banyak percobaan masuk. Tunggu sebentar.');
      const result = await login({ db: ctx.db, keyring: ctx.keyring }, request.body);
      if (!result.ok) {
        if (result.reason === 'invalid_credentials' || result.reason === 'totp_invalid') perClient.take(request.ip);
        const status = result.reason === 'locked' ? 'rate_limited' : 'unauthenticated';
        throw new AppError(status, result.message, { reason: result.reason });
      }
      reply.setCookie(SESSION_COOKIE, result.token, cookieOptions(ctx, result.expiresAt));
      return { username: result.account.username, role: result.account.role, scope: result.account.scope, csrfToken: result.csrfToken };
    });
    r.post('/api/v1/auth/logout', { schema: { tags: ['auth'] } }, async (request, reply) => {
      if (request.csrfRejected) throw new AppError('forbidden', 'Token CSRF tidak ada atau tidak cocok.');
      const token = request.cookies[SESSION_COOKIE];
      if (token) await logout({ db: ctx.db, keyring: ctx.keyring }, token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true };
    });
    r.get('/api/v1/auth/me', { schema: { tags: ['auth'], response: { 200: Me } } }, async (request) => {
      actorOf(request);
      const s = request.session!;
      return { username: s.account.username, role: s.account.role, scope: s.account.scope, csrfToken: s.csrfToken };
    });
  };
}
