/**
 * Accounts, login and sessions. Every account is bound to a role and a region scope
 * ('ID' or a Kemendagri code); TOTP is mandatory for pusat, dinsos and auditor.
 * Expected outcomes (wrong password, locked, TOTP needed) are returned as values.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../platform/db.js';
import { CIPHER_CONTEXT, type Keyring } from '../platform/keyring.js';
import { AppError } from '../platform/errors.js';
import { checkPasswordPolicy, hashPassword, verifyPassword } from '../security/password.js';
import { generateTotpSecret, totpUri, verifyTotp } from '../security/totp.js';
import { levelOfCode } from '../regions/names.js';

export const ROLES = ['pusat', 'dinsos', 'operator', 'pendamping', 'auditor', 'bank', 'agency'] as const;
export type Role = (typeof ROLES)[number];
export const ROLES_REQUIRING_TOTP: readonly Role[] = ['pusat', 'dinsos', 'auditor'];

export const SESSION_IDLE_MINUTES = 30;
export const SESSION_ABSOLUTE_HOURS = 12;
export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;

const TOTP_CONTEXT = CIPHER_CONTEXT.totp;

export interface AccountDeps {
  db: Db;
  keyring: Keyring;
  now?: () => Date;
}

export interface SessionAccount {
  id: number;
  username: string;
  role: Role;
  scope: string;
}

export type AddUserResult =
  | { ok: true; id: number; totp?: { secret: string; uri: string } }
  | { ok: false; reason: 'invalid_role' | 'invalid_region' | 'weak_password' | 'username_taken' | 'invalid_username'; message: string };

/**
 * @example await addUser(deps, { username: 'dinsos.bogor', role: 'dinsos', scope: '32.01', password })
 */
export async function addUser(deps: AccountDeps, input: { username: string; role: string; scope: string; password: string }): Promise<AddUserResult> {
  const username = input.username.trim().toLowerCase();
  if (!/^[a-z0-9._-]{3,64}$/.test(username)) {
    return { ok: false, reason: 'invalid_username', message: 'Nama pengguna 3–64 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung.' };
  }
  if (!(ROLES as readonly string[]).includes(input.role)) {
    return { ok: false, reason: 'invalid_role', message: `Peran tidak dikenal: ${input.role}. Pilihan: ${ROLES.join(', ')}.` };
  }
  const role = input.role as Role;
  const scope = input.scope.trim().toUpperCase() === 'ID' ? 'ID' : input.scope.trim();
  if (scope !== 'ID') {
    const exists = levelOfCode(scope) !== undefined &&
      (await deps.db.kysely.selectFrom('region').select('code').where('code', '=', scope).executeTakeFirst()) !== undefined;
    if (!exists) return { ok: false, reason: 'invalid_region', message: `Kode wilayah ${scope} tidak dikenal (gunakan kode Kemendagri atau ID untuk nasional).` };
  }
  const policy = checkPasswordPolicy(input.password, { username });
  if (!policy.ok) return { ok: false, reason: 'weak_password', message: policy.violations.map((v) => v.message).join(' ') };
  const passwordHash = await hashPassword(input.password);
  const totpSecret = ROLES_REQUIRING_TOTP.includes(role) ? generateTotpSecret() : undefined;
  const taken = await deps.db.kysely.selectFrom('account').select('id').where('username', '=', username).executeTakeFirst();
  if (taken) return { ok: false, reason: 'username_taken', message: `Nama pengguna ${username} sudah dipakai.` };
  const row = await deps.db.kysely.insertInto('account').values({
    username, role, scope, passwordHash,
    totpSecretEnc: totpSecret ? deps.keyring.cipher.encrypt(totpSecret, TOTP_CONTEXT) : null,
  }).returning('id').executeTakeFirstOrThrow();
  return {
    ok: true, id: row.id,
    ...(totpSecret ? { totp: { secret: totpSecret, uri: totpUri({ secret: totpSecret, account: username, issuer: 'Tepat' }) } } : {}),
  };
}

export async function listUsers(deps: AccountDeps): Promise<Array<{ username: string; role: string; scope: string; isActive: boolean; hasTotp: boolean }>> {
  const rows = await deps.db.kysely.selectFrom('account').select(['username', 'role', 'scope', 'isActive', 'totpSecretEnc']).orderBy('username').execute();
  return rows.map((r) => ({ username: r.username, role: r.role, scope: r.scope, isActive: r.isActive, hasTotp: r.totpSecretEnc !== null }));
}

export async function disableUser(deps: AccountDeps, username: string): Promise<boolean> {
  const result = await deps.db.kysely.updateTable('account').set({ isActive: false, updatedAt: new Date() })
    .where('username', '=', username.trim().toLowerCase()).executeTakeFirst();
  if (result.numUpdatedRows === 0n) return false;
  const account = await deps.db.kysely.selectFrom('account').select('id').where('username', '=', username.trim().toLowerCase()).executeTakeFirstOrThrow();
  await deps.db.kysely.updateTable('session').set({ revokedAt: new Date() }).where('accountId', '=', account.id).where('revokedAt', 'is', null).execute();
  return true;
}

export type LoginResult =
  | { ok: true; token: string; csrfToken: string; account: SessionAccount; expiresAt: Date }
  | { ok: false; reason: 'invalid_credentials' | 'locked' | 'totp_required' | 'totp_invalid'; message: string };

function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

const INVALID: LoginResult = { ok: false, reason: 'invalid_credentials', message: 'Nama pengguna atau kata sandi salah.' };

/**
 * Checks the password (and TOTP where the role needs it) and opens a session.
 * Unknown users cost the same argon2 work as known ones, so timing reveals nothing.
 */
export async function login(deps: AccountDeps, input: { username: string; password: string; totp?: string | undefined }): Promise<LoginResult> {
  const now = deps.now?.() ?? new Date();
  const username = input.username.trim().toLowerCase();
  const account = await deps.db.kysely.selectFrom('account').selectAll().where('username', '=', username).executeTakeFirst();
  if (!account || !account.isActive) {
    await verifyPassword(input.password, DUMMY_HASH);
    return INVALID;
  }
  if (account.lockedUntil && account.lockedUntil > now) {
    return { ok: false, reason: 'locked', message: `Akun dikunci sementara karena terlalu banyak percobaan gagal. Coba lagi setelah ${account.lockedUntil.toISOString()}.` };
  }
  const passwordOk = await verifyPassword(input.password, account.passwordHash);
  if (!passwordOk) {
    const failed = account.failedLogins + 1;
    await deps.db.kysely.updateTable('account').set({
      failedLogins: failed >= MAX_FAILED_LOGINS ? 0 : failed,
      lockedUntil: failed >= MAX_FAILED_LOGINS ? new Date(now.getTime() + LOCK_MINUTES * 60_000) : account.lockedUntil,
    }).where('id', '=', account.id).execute();
    return INVALID;
  }
  if (account.totpSecretEnc) {
    if (!input.totp) return { ok: false, reason: 'totp_required', message: 'Masukkan kode 6 digit dari aplikasi autentikator.' };
    const secret = deps.keyring.cipher.decrypt(account.totpSecretEnc, TOTP_CONTEXT);
    // A code is accepted once: a replay of the same time step is refused.
    const check = verifyTotp(secret, input.totp, { now, window: 1, lastUsedStep: account.totpLastStep });
    if (!check.ok) return { ok: false, reason: 'totp_invalid', message: 'Kode autentikator salah atau sudah dipakai.' };
    await deps.db.kysely.updateTable('account').set({ totpLastStep: check.step }).where('id', '=', account.id).execute();
  }
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_ABSOLUTE_HOURS * 3_600_000);
  await deps.db.kysely.insertInto('session').values({
    tokenHash: hashToken(token), accountId: account.id, csrfToken, createdAt: now, lastSeenAt: now, expiresAt,
  }).execute();
  await deps.db.kysely.updateTable('account').set({ failedLogins: 0, lockedUntil: null }).where('id', '=', account.id).execute();
  return { ok: true, token, csrfToken, expiresAt, account: { id: account.id, username: account.username, role: account.role as Role, scope: account.scope } };
}

export interface ActiveSession {
  account: SessionAccount;
  csrfToken: string;
}

/** The session behind a cookie token, if it is live; touching it extends the idle timer. */
export async function findSession(deps: AccountDeps, token: string): Promise<ActiveSession | undefined> {
  const now = deps.now?.() ?? new Date();
  const row = await deps.db.kysely.selectFrom('session')
    .innerJoin('account', 'account.id', 'session.accountId')
    .select(['session.tokenHash', 'session.csrfToken', 'session.lastSeenAt', 'session.expiresAt', 'session.revokedAt',
      'account.id', 'account.username', 'account.role', 'account.scope', 'account.isActive'])
    .where('session.tokenHash', '=', hashToken(token)).executeTakeFirst();
  if (!row || row.revokedAt || !row.isActive || row.expiresAt <= now) return undefined;
  if (now.getTime() - row.lastSeenAt.getTime() > SESSION_IDLE_MINUTES * 60_000) return undefined;
  // Touch at most once a minute: a read-heavy console should not write on every request.
  if (now.getTime() - row.lastSeenAt.getTime() > 60_000) {
    await deps.db.kysely.updateTable('session').set({ lastSeenAt: now }).where('tokenHash', '=', row.tokenHash).execute();
  }
  return { account: { id: row.id, username: row.username, role: row.role as Role, scope: row.scope }, csrfToken: row.csrfToken };
}

export async function logout(deps: AccountDeps, token: string): Promise<void> {
  await deps.db.kysely.updateTable('session').set({ revokedAt: new Date() }).where('tokenHash', '=', hashToken(token)).execute();
}

/** Used to spend equal time on unknown usernames. */
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2rPtk0VwIDHLhqQdt9ZNOpI66MdhQVnmKGaB8S8nGgQ';

export function assertRole(role: string): asserts role is Role {
  if (!(ROLES as readonly string[]).includes(role)) throw new AppError('validation', `Peran tidak dikenal: ${role}`);
}

