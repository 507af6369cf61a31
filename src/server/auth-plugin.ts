/**
 * Session authentication and CSRF protection for the officer API. The session cookie
 * is httpOnly and SameSite=Strict; writes additionally need the session's CSRF token
 * in the `x-csrf-token` header (double defence for cookie-authenticated requests).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../platform/context.js';
import type { Actor } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import { findSession, type ActiveSession, type Role } from '../auth/accounts.js';
import { regionsOverlap } from '../regions/names.js';

export const SESSION_COOKIE = 'tepat_session';

declare module 'fastify' {
  interface FastifyRequest {
    session?: ActiveSession;
    /** A session cookie came with a write whose CSRF token was missing or wrong. */
    csrfRejected?: boolean;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function registerAuth(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('session', undefined);
  app.decorateRequest('csrfRejected', false);
  app.addHook('onRequest', async (request) => {
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return;
    const session = await findSession({ db: ctx.db, keyring: ctx.keyring }, token);
    if (!session) return;
    if (!SAFE_METHODS.has(request.method) && request.headers['x-csrf-token'] !== session.csrfToken) {
      // The write does not act for the session: officer routes refuse it in actorOf;
      // public forms (status check, usul…) still work for an officer who is logged in.
      request.csrfRejected = true;
      return;
    }
    request.session = session;
  });
}

/** The acting account as a database actor; throws 401 when not logged in. */
export function actorOf(request: FastifyRequest, roles?: readonly Role[]): Actor {
  const session = request.session;
  if (request.csrfRejected) throw new AppError('forbidden', 'Token CSRF tidak ada atau tidak cocok.');
  if (!session) throw new AppError('unauthenticated', 'Silakan masuk terlebih dahulu.');
  if (roles && !roles.includes(session.account.role)) throw new AppError('forbidden', 'Peran Anda tidak berwenang untuk tindakan ini.');
  return { id: session.account.username, role: session.account.role, scope: session.account.scope, channel: 'api', requestId: request.id };
}

export function cookieOptions(ctx: AppContext, expires?: Date) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: ctx.config.env !== 'development',
    ...(expires ? { expires } : {}),
  };
}

/** Refuses a region filter that lies wholly outside the account's scope (403, not an empty list). */
export function assertRegionInScope(actor: Actor, region: string | undefined): void {
  if (region && region !== 'ID' && !regionsOverlap(actor.scope, region)) {
    throw new AppError('forbidden', `Wilayah ${region} di luar cakupan akun Anda (${actor.scope}).`);
  }
}
