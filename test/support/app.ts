/** A server over a test database, with helpers to log in through the real API. */
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { loadConfig } from '../../src/platform/config.js';
import type { AppContext } from '../../src/platform/context.js';
import { openKeyring } from '../../src/platform/keyring.js';
import { DEV_INDEX_KEY, DEV_MASTER_KEY } from '../../src/platform/config.js';
import { buildServer } from '../../src/server/app.js';
import { addUser } from '../../src/auth/accounts.js';
import { generateTotp } from '../../src/security/totp.js';
import type { TestDb } from './db.js';

export const TEST_PASSWORD = 'Uji-Coba-Sandi-Kuat-77';

export async function testContext(t: TestDb): Promise<AppContext> {
  const keyring = await openKeyring(t.db, { masterKey: DEV_MASTER_KEY, indexKey: DEV_INDEX_KEY });
  return { config: loadConfig({ NODE_ENV: 'test' }), db: t.db, keyring, logger: pino({ level: 'silent' }), close: async () => {} };
}

export interface Session {
  cookie: string;
  csrf: string;
}

/** Creates a user (with TOTP where the role needs it) and logs in through the API. */
export async function loginAs(app: FastifyInstance, ctx: AppContext, username: string, role: string, scope: string): Promise<Session> {
  const created = await addUser({ db: ctx.db, keyring: ctx.keyring }, { username, role, scope, password: TEST_PASSWORD });
  if (!created.ok) throw new Error(created.message);
  const body: Record<string, string> = { username, password: TEST_PASSWORD };
  if (created.totp) body.totp = generateTotp(created.totp.secret);
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: body });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'tepat_session')!;
  return { cookie: `tepat_session=${cookie.value}`, csrf: res.json<{ csrfToken: string }>().csrfToken };
}
