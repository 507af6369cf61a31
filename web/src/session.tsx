/**
 * Who is logged in, what the role may do, and the login form (password, then TOTP when
 * the server asks for it). The server decides; these lists only hide what would be refused.
 */
import { createContext, useContext, useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, setCsrfToken } from './api';
import { useI18n, type MessageKey } from './i18n';
import { Alert, Field } from './ui';

export type Role = 'pusat' | 'dinsos' | 'operator' | 'pendamping' | 'auditor' | 'bank' | 'agency';

export interface Me {
  username: string;
  role: Role;
  scope: string;
  csrfToken: string;
}

type Ability =
  | 'registry.read' | 'registry.edit' | 'registry.reveal' | 'registry.import' | 'registry.export'
  | 'pairs.read' | 'pairs.decide' | 'civil.read' | 'civil.resolve' | 'civil.verify'
  | 'subs.read' | 'subs.handle' | 'dashboard.read';

const OFFICERS: Role[] = ['pusat', 'dinsos', 'operator', 'pendamping'];
const READERS: Role[] = [...OFFICERS, 'auditor'];

/** Mirrors the role lists of the server routes (src/*\/routes.ts). */
const ABILITIES: Record<Ability, readonly Role[]> = {
  'registry.read': READERS,
  'registry.edit': OFFICERS,
  'registry.reveal': OFFICERS,
  'registry.import': ['pusat', 'dinsos', 'operator'],
  'registry.export': READERS,
  'pairs.read': READERS,
  'pairs.decide': ['pusat', 'dinsos', 'operator'],
  'civil.read': READERS,
  'civil.resolve': OFFICERS,
  'civil.verify': OFFICERS,
  'subs.read': READERS,
  'subs.handle': OFFICERS,
  'dashboard.read': READERS,
};

export function can(me: Me | undefined, ability: Ability): boolean {
  return !!me && ABILITIES[ability].includes(me.role);
}

export function roleLabelKey(role: string): MessageKey {
  const known: Role[] = ['pusat', 'dinsos', 'operator', 'pendamping', 'auditor', 'bank', 'agency'];
  return (known.includes(role as Role) ? `role.${role}` : 'role.agency') as MessageKey;
}

interface SessionValue {
  me: Me;
  logout(): Promise<void>;
}

const SessionContext = createContext<SessionValue | undefined>(undefined);

export function SessionProvider({ value, children }: { value: SessionValue; children: ReactNode }) {
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}

export async function fetchMe(): Promise<Me | undefined> {
  try {
    const me = await api<Me>('/api/v1/auth/me', { quiet401: true });
    setCsrfToken(me.csrfToken);
    return me;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return undefined;
    throw e;
  }
}

export function LoginForm({ onLoggedIn, notice }: { onLoggedIn(me: Me): void; notice?: string | undefined }) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needTotp, setNeedTotp] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const me = await api<Me>('/api/v1/auth/login', {
        body: { username, password, ...(totp.trim() ? { totp: totp.replace(/\s/g, '') } : {}) }, quiet401: true,
      });
      setCsrfToken(me.csrfToken);
      onLoggedIn(me);
    } catch (err) {
      const reason = err instanceof ApiError ? (err.details as { reason?: string } | undefined)?.reason : undefined;
      if (reason === 'totp_required' || reason === 'totp_invalid') {
        setNeedTotp(true);
        setTotp('');
        // The field appears in this render; focus it on the next frame.
        requestAnimationFrame(() => document.getElementById('login-totp')?.focus());
      }
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="login-wrap">
      <form className="card login" onSubmit={submit} aria-labelledby="login-title" noValidate>
        <p className="brand">{t('app.name')} <span>{t('app.subtitle')}</span></p>
        <h1 id="login-title">{t('login.title')}</h1>
        {notice && <Alert kind="warning">{notice}</Alert>}
        {error && <Alert kind="error">{error}</Alert>}
        <Field label={t('login.username')}>
          {(p) => <input {...p} name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} autoFocus />}
        </Field>
        <Field label={t('login.password')}>
          {(p) => <input {...p} name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />}
        </Field>
        {needTotp && (
          <div className="field">
            <label htmlFor="login-totp">{t('login.totp')}</label>
            <input id="login-totp" name="totp" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6}" maxLength={6}
              aria-describedby="login-totp-hint" value={totp} onChange={(e) => setTotp(e.target.value)} required />
            <small id="login-totp-hint" className="hint">{t('login.totpHint')}</small>
          </div>
        )}
        <button type="submit" className="btn btn-primary" disabled={busy}>{busy ? t('login.busy') : t('login.submit')}</button>
      </form>
    </div>
  );
}
