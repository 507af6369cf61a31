/**
 * The shell: session check, login, header with account and region, navigation by role,
 * and the routes. The dashboard (with ECharts) is a separate chunk loaded on demand.
 */
import { lazy, Suspense, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, setUnauthenticatedHandler } from './api';
import { useI18n, type MessageKey } from './i18n';
import { RegionLabel } from './regions';
import { href, useRoute, type Route } from './router';
import { can, fetchMe, LoginForm, roleLabelKey, SessionProvider, type Me } from './session';
import { Alert, ErrorView, Loading, PageTitle } from './ui';
import { SearchPage } from './pages/search';
import { FamilyPage } from './pages/family';
import { EditPage } from './pages/edit';
import { ImportPage } from './pages/import';
import { PairsPage, PairPage, MergePage } from './pages/pairs';
import { CivilPage } from './pages/civil';
import { SubmissionsPage, SubmissionPage } from './pages/submissions';

const DashboardPage = lazy(() => import('./dashboard/dashboard'));

export function App() {
  const { t } = useI18n();
  const [me, setMe] = useState<Me | undefined>();
  const [checking, setChecking] = useState(true);
  const [startError, setStartError] = useState<unknown>();
  const [notice, setNotice] = useState<string | undefined>();

  useEffect(() => {
    fetchMe().then((m) => { setMe(m); setChecking(false); }, (e: unknown) => { setStartError(e); setChecking(false); });
  }, []);

  useEffect(() => {
    setUnauthenticatedHandler(() => { setMe(undefined); setNotice(t('app.sessionExpired')); });
    return () => setUnauthenticatedHandler(undefined);
  }, [t]);

  const logout = useCallback(async () => {
    try {
      await api('/api/v1/auth/logout', { method: 'POST', body: {} });
    } finally {
      setMe(undefined);
      setNotice(undefined);
    }
  }, []);

  const session = useMemo(() => (me ? { me, logout } : undefined), [me, logout]);

  if (checking) return <main id="main" className="center"><Loading /></main>;
  if (startError) return <main id="main" className="center"><ErrorView error={startError} onRetry={() => window.location.reload()} /></main>;
  if (!session) return <main id="main"><LoginForm notice={notice} onLoggedIn={(m) => { setMe(m); setNotice(undefined); }} /></main>;
  return (
    <SessionProvider value={session}>
      <Shell me={session.me} onLogout={logout} />
    </SessionProvider>
  );
}

interface NavItem { to: string; key: MessageKey; show: boolean; match: string[] }

function Shell({ me, onLogout }: { me: Me; onLogout(): void }) {
  const { t, lang, setLang } = useI18n();
  const route = useRoute();
  const groups: Array<{ key: MessageKey; items: NavItem[] }> = [
    { key: 'nav.registry', items: [
      { to: '/cari', key: 'nav.search', show: can(me, 'registry.read'), match: ['cari', 'keluarga', 'anggota'] },
      { to: '/impor', key: 'nav.import', show: can(me, 'registry.import'), match: ['impor'] },
    ] },
    { key: 'nav.queues', items: [
      { to: '/duplikat', key: 'nav.pairs', show: can(me, 'pairs.read'), match: ['duplikat', 'penggabungan'] },
      { to: '/dukcapil', key: 'nav.civil', show: can(me, 'civil.read'), match: ['dukcapil'] },
      { to: '/pengajuan', key: 'nav.submissions', show: can(me, 'subs.read'), match: ['pengajuan'] },
    ] },
    { key: 'nav.monitoring', items: [
      { to: '/dasbor', key: 'nav.dashboard', show: can(me, 'dashboard.read'), match: ['dasbor'] },
    ] },
  ];
  const first = route.segments[0] ?? '';
  const home = can(me, 'registry.read') ? '/cari' : can(me, 'dashboard.read') ? '/dasbor' : undefined;

  return (
    <div className="shell">
      <a className="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>{t('app.skip')}</a>
      <header className="topbar">
        <a className="brand" href={href(home ?? '/')}>{t('app.name')} <span>{t('app.subtitle')}</span></a>
        <div className="account" aria-label={`${t('app.role')} / ${t('app.region')}`}>
          <span className="account-user">{me.username}</span>
          <span className="account-role">{t(roleLabelKey(me.role))}</span>
          <span className="account-region" data-testid="account-region">{t('app.region')}: <RegionLabel code={me.scope} /></span>
        </div>
        <div className="topbar-actions">
          <button type="button" className="btn btn-ghost" lang={lang === 'id' ? 'en' : 'id'} aria-label={t('app.lang.switchLabel')}
            onClick={() => setLang(lang === 'id' ? 'en' : 'id')}>{t('app.lang.switch')}</button>
          <button type="button" className="btn" onClick={onLogout}>{t('app.logout')}</button>
        </div>
      </header>
      <nav className="sidenav" aria-label={t('app.menu')}>
        {groups.map((g) => {
          const items = g.items.filter((i) => i.show);
          if (items.length === 0) return null;
          return (
            <div className="nav-group" key={g.key}>
              <p className="nav-group-title">{t(g.key)}</p>
              <ul>
                {items.map((i) => (
                  <li key={i.to}>
                    <a href={href(i.to)} aria-current={i.match.includes(first) ? 'page' : undefined}>{t(i.key)}</a>
                  </li>
                ))}
              </ul>
            </div>
          );
        })}
      </nav>
      <main id="main" tabIndex={-1} className="content">
        {me.role === 'auditor' && <p className="readonly-banner">{t('app.readOnly')}</p>}
        <Routes route={route} me={me} home={home} />
      </main>
    </div>
  );
}

function Guard({ ok, children }: { ok: boolean; children: ReactNode }) {
  const { t } = useI18n();
  return ok ? <>{children}</> : <><PageTitle>{t('app.noAccessTitle')}</PageTitle><Alert kind="error">{t('app.noAccess')}</Alert></>;
}

function Routes({ route, me, home }: { route: Route; me: Me; home: string | undefined }) {
  const { t } = useI18n();
  const [a = '', b, c] = route.segments;
  const id = b && /^\d+$/.test(b) ? Number(b) : undefined;
  useEffect(() => {
    if (!a && home) window.location.replace(href(home));
  }, [a, home]);
  switch (a) {
    case '':
      return home ? <Loading /> : <><PageTitle>{t('app.subtitle')}</PageTitle><Alert kind="info">{t('app.nothingForRole')}</Alert></>;
    case 'cari':
      return <Guard ok={can(me, 'registry.read')}><SearchPage route={route} /></Guard>;
    case 'keluarga':
      if (id === undefined) break;
      if (c === 'ubah') return <Guard ok={can(me, 'registry.edit')}><EditPage key={`f${id}`} kind="family" id={id} /></Guard>;
      return <Guard ok={can(me, 'registry.read')}><FamilyPage key={id} id={id} /></Guard>;
    case 'anggota':
      if (id === undefined || c !== 'ubah') break;
      return <Guard ok={can(me, 'registry.edit')}><EditPage key={`m${id}`} kind="member" id={id} familyId={Number(route.query.get('keluarga')) || undefined} /></Guard>;
    case 'impor':
      return <Guard ok={can(me, 'registry.import')}><ImportPage /></Guard>;
    case 'duplikat':
      if (b === undefined) return <Guard ok={can(me, 'pairs.read')}><PairsPage route={route} /></Guard>;
      if (id === undefined) break;
      return <Guard ok={can(me, 'pairs.read')}><PairPage key={id} id={id} /></Guard>;
    case 'penggabungan':
      if (id === undefined) break;
      return <Guard ok={can(me, 'pairs.read')}><MergePage key={id} id={id} /></Guard>;
    case 'dukcapil':
      return <Guard ok={can(me, 'civil.read')}><CivilPage route={route} /></Guard>;
    case 'pengajuan':
      if (b === undefined) return <Guard ok={can(me, 'subs.read')}><SubmissionsPage route={route} /></Guard>;
      if (id === undefined) break;
      return <Guard ok={can(me, 'subs.read')}><SubmissionPage key={id} id={id} /></Guard>;
    case 'dasbor':
      return (
        <Guard ok={can(me, 'dashboard.read')}>
          <Suspense fallback={<Loading />}><DashboardPage route={route} /></Suspense>
        </Guard>
      );
  }
  return <><PageTitle>{t('app.notFoundTitle')}</PageTitle><Alert kind="error">{t('app.notFound')}</Alert></>;
}
