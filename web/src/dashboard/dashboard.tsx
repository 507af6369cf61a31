/**
 * The monitoring dashboard: indicators of the chosen region, kept live by server-sent
 * events; drill-down province → regency → district → village with a breadcrumb; a tile
 * cartogram of the provinces at national level and a treemap below it; charts per
 * program, submissions and NIK quality, each downloadable as CSV and PNG.
 * Loaded as its own chunk (ECharts is large), only when the dashboard is opened.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, qs } from '../api';
import { fmtDateTime, fmtNumber, fmtPercent, fmtRupiah, fmtRupiahShort } from '../format';
import { useI18n, type Lang, type MessageKey, type Translate } from '../i18n';
import { levelOf, useRegionName } from '../regions';
import { href, navigate, type Route } from '../router';
import { useSession } from '../session';
import { ErrorView, Loading, PageTitle } from '../ui';
import { program as programCodes } from '../../../src/registry/codes';
import { categoryLabel } from '../../../src/portal/categories';
import type { SubmissionKind } from '../../../src/portal/tracking-code';
import { Cartogram, SCALE, TEXT_ON, bucketOf, svgToPng, type ProvinceTile } from './cartogram';
import { ChartCard, EChart, type ChartHandle, type ChartOption, type Rows } from './echart';

export interface Indicators {
  families: number; people: number; nikValid: number; nikInvalid: number; nikMissing: number; verified: number;
  duplicatesFound: number; duplicatesResolved: number;
  recipients: Record<string, { families: number; amountYear: number }>;
  submissions: Record<string, { open: number; closed: number; overdue: number }>;
  estimatedPoor: number;
}

export interface DashboardData {
  region: { code: string; name: string; level: unknown };
  asOf: string;
  totals: Indicators;
  children: Array<{ code: string; name: string; indicators: Indicators }>;
}

const sum = (o: Record<string, { families: number }> | undefined, k: 'families') => Object.values(o ?? {}).reduce((n, x) => n + (Number(x[k]) || 0), 0);
const budget = (i: Indicators) => Object.values(i.recipients ?? {}).reduce((n, x) => n + (Number(x.amountYear) || 0), 0);
const subsOpen = (i: Indicators) => Object.values(i.submissions ?? {}).reduce((n, x) => n + (Number(x.open) || 0), 0);
const subsOverdue = (i: Indicators) => Object.values(i.submissions ?? {}).reduce((n, x) => n + (Number(x.overdue) || 0), 0);
const share = (part: number, whole: number) => (whole > 0 ? (100 * part) / whole : 0);
/** Families of the program reaching the most families: a lower bound of distinct recipients. */
const widest = (i: Indicators) => Math.max(0, ...Object.values(i.recipients ?? {}).map((x) => Number(x.families) || 0));

interface IndicatorDef {
  id: string;
  label: MessageKey;
  value(i: Indicators): number;
  format(lang: Lang, v: number): string;
}

const count = (lang: Lang, v: number) => fmtNumber(lang, v);
const pct = (lang: Lang, v: number) => `${fmtNumber(lang, v, 1)}%`;

export const INDICATORS: IndicatorDef[] = [
  { id: 'families', label: 'dash.families', value: (i) => i.families, format: count },
  { id: 'people', label: 'dash.people', value: (i) => i.people, format: count },
  { id: 'nikValid', label: 'dash.nikValid', value: (i) => share(i.nikValid, i.people), format: pct },
  { id: 'verified', label: 'dash.verified', value: (i) => share(i.verified, i.people), format: pct },
  { id: 'recipients', label: 'dash.recipients', value: (i) => sum(i.recipients, 'families'), format: count },
  { id: 'budget', label: 'dash.budget', value: budget, format: fmtRupiahShort },
  { id: 'coverage', label: 'dash.coverage', value: (i) => share(widest(i), i.estimatedPoor), format: pct },
  { id: 'duplicatesFound', label: 'dash.duplicatesFound', value: (i) => i.duplicatesFound, format: count },
  { id: 'submissionsOverdue', label: 'dash.submissionsOverdue', value: subsOverdue, format: count },
];

/** `pengaduan.pungli` → "Pengaduan: Pungutan…" in the console's language. */
function submissionKey(t: Translate, lang: Lang, key: string): string {
  const [kind = '', category = ''] = key.split('.');
  const kindLabel = t(`subs.kind.${kind}` as MessageKey);
  return `${kindLabel}: ${categoryLabel(kind as SubmissionKind, category, lang)}`;
}

function programName(lang: Lang, code: string): string {
  const e = programCodes.entries.find((x) => x.code === code);
  return e ? e[lang] : code;
}

/** The dashboard body, first by GET, then by every `snapshot` event of the stream. */
function useLiveDashboard(region: string): { data: DashboardData | undefined; error: unknown; live: boolean } {
  const [data, setData] = useState<DashboardData>();
  const [error, setError] = useState<unknown>();
  const [live, setLive] = useState(false);
  useEffect(() => {
    let active = true;
    setData(undefined);
    setError(undefined);
    setLive(false);
    let es: EventSource | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const open = () => {
      es = new EventSource(`/api/v1/dashboard/stream${qs({ region })}`);
      es.addEventListener('snapshot', (e) => {
        if (!active) return;
        try {
          setData(JSON.parse((e as MessageEvent<string>).data) as DashboardData);
          setLive(true);
        } catch {
          /* a malformed event is skipped; the next one replaces it */
        }
      });
      es.onopen = () => { if (active) setLive(true); };
      es.onerror = () => {
        if (!active) return;
        setLive(false);
        // The browser retries a dropped stream itself, but not one refused with an HTTP error
        // (an expired session): check the session (a 401 brings the login back) and reopen.
        if (es?.readyState === EventSource.CLOSED) {
          retry = setTimeout(() => { api('/api/v1/auth/me').then(() => { if (active) open(); }, () => {}); }, 5000);
        }
      };
    };
    api<DashboardData>(`/api/v1/dashboard${qs({ region })}`).then(
      (d) => { if (active) { setData(d); open(); } },
      (e: unknown) => { if (active) setError(e); },
    );
    return () => { active = false; es?.close(); if (retry) clearTimeout(retry); };
  }, [region]);
  return { data, error, live };
}

let provincesCache: Promise<ProvinceTile[]> | undefined;

export default function DashboardPage({ route }: { route: Route }) {
  const { t, lang } = useI18n();
  const { me } = useSession();
  const region = route.query.get('wilayah') || me.scope;
  const [indicatorId, setIndicatorId] = useState(route.query.get('indikator') ?? 'families');
  const indicator = INDICATORS.find((x) => x.id === indicatorId) ?? INDICATORS[0]!;
  const { data, error, live } = useLiveDashboard(region);
  const [provinces, setProvinces] = useState<ProvinceTile[]>();
  useEffect(() => {
    if (levelOf(region) !== 0) return;
    provincesCache ??= api<ProvinceTile[] | { items: ProvinceTile[] }>('/api/v1/dashboard/provinces.json').then((r) => (Array.isArray(r) ? r : r.items));
    provincesCache.then(setProvinces, () => { provincesCache = undefined; });
  }, [region]);

  const drill = (code: string) => navigate(`/dasbor${qs({ wilayah: code, indikator: indicatorId !== 'families' ? indicatorId : undefined })}`);

  return (
    <>
      <PageTitle>{t('dash.title')}</PageTitle>
      <Breadcrumb scope={me.scope} region={region} indicatorId={indicatorId} currentName={data?.region.name} />
      <div className="dash-bar">
        <p className={`live ${live ? 'live-on' : 'live-off'}`} role="status" data-testid="live">
          <span aria-hidden="true">●</span> {live ? t('dash.live') : t('dash.offline')}
          {data && <> · {t('dash.asOf', { when: fmtDateTime(lang, data.asOf) })}</>}
        </p>
        <div className="field field-inline">
          <label htmlFor="dash-indicator">{t('dash.indicator')}</label>
          <select id="dash-indicator" value={indicator.id} onChange={(e) => setIndicatorId(e.target.value)}>
            {INDICATORS.map((i) => <option key={i.id} value={i.id}>{t(i.label)}</option>)}
          </select>
        </div>
      </div>
      {error !== undefined && <ErrorView error={error} />}
      {!data && error === undefined && <Loading />}
      {data && (
        <>
          <Kpis totals={data.totals} />
          {levelOf(region) === 0 && provinces ? (
            <MapCard provinces={provinces} data={data} indicator={indicator} onPick={drill} />
          ) : data.children.length > 0 ? (
            <TreemapCard data={data} indicator={indicator} onPick={drill} />
          ) : (
            <p className="card">{t('dash.leaf')}</p>
          )}
          <div className="chart-grid">
            <ProgramsChart totals={data.totals} region={data.region.code} />
            <SubmissionsChart totals={data.totals} region={data.region.code} />
            <NikChart totals={data.totals} region={data.region.code} />
            {data.children.length > 0 && <ChildrenChart data={data} indicator={indicator} onPick={drill} />}
          </div>
        </>
      )}
    </>
  );
}

function Crumb({ code, current, indicatorId }: { code: string; current?: string | undefined; indicatorId: string }) {
  const { t } = useI18n();
  const fetched = useRegionName(code === 'ID' || current ? undefined : code);
  const name = code === 'ID' ? t('app.national') : current ?? fetched ?? code;
  return <a href={href(`/dasbor${qs({ wilayah: code, indikator: indicatorId !== 'families' ? indicatorId : undefined })}`)}>{name}</a>;
}

function Breadcrumb({ scope, region, indicatorId, currentName }: { scope: string; region: string; indicatorId: string; currentName?: string | undefined }) {
  const { t } = useI18n();
  const parts = region === 'ID' ? [] : region.split('.');
  const chain: string[] = ['ID', ...parts.map((_, i) => parts.slice(0, i + 1).join('.'))].filter((c) => levelOf(c) >= levelOf(scope));
  return (
    <nav aria-label={t('app.region')} className="breadcrumb" data-testid="breadcrumb">
      <ol>
        {chain.map((c, i) => (
          <li key={c} aria-current={i === chain.length - 1 ? 'page' : undefined}>
            {i === chain.length - 1 ? <strong>{c === 'ID' ? t('app.national') : currentName ?? c}</strong> : <Crumb code={c} indicatorId={indicatorId} />}
            {c !== 'ID' && <span className="muted"> · {t(`dash.level.${levelOf(c)}` as MessageKey)}</span>}
          </li>
        ))}
      </ol>
    </nav>
  );
}

function Kpis({ totals: i }: { totals: Indicators }) {
  const { t, lang } = useI18n();
  const recipients = sum(i.recipients, 'families');
  const kpis: Array<[MessageKey, string, string?]> = [
    ['dash.families', fmtNumber(lang, i.families)],
    ['dash.people', fmtNumber(lang, i.people)],
    ['dash.nikValid', fmtPercent(lang, i.nikValid, i.people), fmtNumber(lang, i.nikValid)],
    ['dash.verified', fmtPercent(lang, i.verified, i.people), fmtNumber(lang, i.verified)],
    ['dash.duplicatesFound', fmtNumber(lang, i.duplicatesFound)],
    ['dash.duplicatesResolved', fmtNumber(lang, i.duplicatesResolved)],
    ['dash.recipients', fmtNumber(lang, recipients)],
    ['dash.budget', fmtRupiahShort(lang, budget(i)), fmtRupiah(lang, budget(i))],
    ['dash.submissionsOpen', fmtNumber(lang, subsOpen(i))],
    ['dash.submissionsOverdue', fmtNumber(lang, subsOverdue(i))],
    ['dash.coverage', fmtPercent(lang, widest(i), i.estimatedPoor), `${fmtNumber(lang, widest(i))} / ${fmtNumber(lang, i.estimatedPoor)}`],
  ];
  return (
    <ul className="kpis" aria-label={t('dash.title')} data-testid="kpis">
      {kpis.map(([k, v, sub]) => (
        <li key={k} className="kpi">
          <span className="kpi-label">{t(k)}</span>
          <span className="kpi-value">{v}</span>
          {sub && <span className="kpi-sub">{sub}</span>}
        </li>
      ))}
    </ul>
  );
}

function childRows(t: Translate, data: DashboardData, indicator: IndicatorDef): Rows {
  return [
    [t('app.region'), t('dash.code'), t(indicator.label)],
    ...data.children.map((c) => [c.name, c.code, Number(indicator.value(c.indicators).toFixed(2))]),
  ];
}

function MapCard({ provinces, data, indicator, onPick }: { provinces: ProvinceTile[]; data: DashboardData; indicator: IndicatorDef; onPick(code: string): void }) {
  const { t, lang } = useI18n();
  const values = useMemo(() => new Map(data.children.map((c) => [c.code, indicator.value(c.indicators)])), [data, indicator]);
  return (
    <ChartCard id="map" title={`${t('dash.map')} — ${t(indicator.label)}`} rows={childRows(t, data, indicator)} fileName={`peta-${indicator.id}-${data.region.code}`}
      png={() => { const svg = document.getElementById('cartogram-svg') as SVGSVGElement | null; return svg ? svgToPng(svg) : undefined; }}>
      <Cartogram svgId="cartogram-svg" tiles={provinces} values={values} format={(v) => indicator.format(lang, v)} onPick={onPick} label={`${t('dash.map')}: ${t(indicator.label)}`} />
    </ChartCard>
  );
}

function TreemapCard({ data, indicator, onPick }: { data: DashboardData; indicator: IndicatorDef; onPick(code: string): void }) {
  const { t, lang } = useI18n();
  const chart = useRef<ChartHandle>(null);
  const values = data.children.map((c) => indicator.value(c.indicators));
  const min = values.length ? Math.min(...values) : 0;
  const max = values.length ? Math.max(...values) : 0;
  const option = useMemo<ChartOption>(() => ({
    tooltip: { formatter: (p: unknown) => { const d = (p as { data: { name: string; v: number } }).data; return `${d.name}<br/>${t(indicator.label)}: ${indicator.format(lang, d.v)}`; } },
    series: [{
      type: 'treemap', roam: false, nodeClick: false, breadcrumb: { show: false }, width: '100%', height: '100%', top: 0, left: 0,
      label: {
        show: true, position: 'insideTopLeft', overflow: 'truncate', lineHeight: 15,
        formatter: (p: unknown) => { const d = (p as { data: { name: string; v: number } }).data; return `${d.name}\n${indicator.format(lang, d.v)}`; },
      },
      upperLabel: { show: false },
      data: data.children.map((c) => {
        const v = indicator.value(c.indicators);
        const b = Math.max(0, bucketOf(v, min, max));
        return { name: c.name, code: c.code, v, value: Math.max(1, c.indicators.families), itemStyle: { color: SCALE[b], borderColor: '#fff', borderWidth: 2 }, label: { color: TEXT_ON[b] } };
      }),
    }],
  }), [data, indicator, lang, t, min, max]);
  return (
    <ChartCard id="treemap" title={t('dash.children', { name: data.region.name })} rows={childRows(t, data, indicator)} fileName={`wilayah-${indicator.id}-${data.region.code}`} png={() => chart.current?.png()}>
      <p className="hint">{t('dash.childrenHint')}</p>
      <EChart ref={chart} option={option} height={360} label={t('dash.children', { name: data.region.name })}
        onClick={(p) => { const code = (p.data as { code?: string } | undefined)?.code; if (code) onPick(code); }} />
      <ul className="child-links" aria-label={t('dash.children', { name: data.region.name })}>
        {data.children.map((c) => (
          <li key={c.code}><a href={href(`/dasbor${qs({ wilayah: c.code, indikator: indicator.id !== 'families' ? indicator.id : undefined })}`)} data-code={c.code}>{c.name}</a></li>
        ))}
      </ul>
    </ChartCard>
  );
}

function ProgramsChart({ totals, region }: { totals: Indicators; region: string }) {
  const { t, lang } = useI18n();
  const chart = useRef<ChartHandle>(null);
  const programs = Object.keys(totals.recipients ?? {});
  const rows: Rows = [[t('dash.program'), t('dash.recipients'), t('dash.budget')],
    ...programs.map((p) => [programName(lang, p), totals.recipients[p]!.families, totals.recipients[p]!.amountYear])];
  const option = useMemo<ChartOption>(() => ({
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 60, right: 80, top: 40, bottom: 60 },
    xAxis: { type: 'category', data: programs.map((p) => p.toUpperCase()), axisLabel: { interval: 0, rotate: programs.length > 5 ? 30 : 0 } },
    yAxis: [{ type: 'value', name: t('dash.recipients') }, { type: 'value', name: 'Rp', axisLabel: { formatter: (v: number) => fmtRupiahShort(lang, v).replace('Rp ', '') } }],
    series: [
      { type: 'bar', name: t('dash.recipients'), data: programs.map((p) => totals.recipients[p]!.families), itemStyle: { color: '#2f6fb3' } },
      { type: 'bar', name: t('dash.budget'), yAxisIndex: 1, data: programs.map((p) => totals.recipients[p]!.amountYear), itemStyle: { color: '#c77c0e' } },
    ],
  }), [totals, lang, t]);
  return (
    <ChartCard id="programs" title={t('dash.chart.programs')} rows={rows} fileName={`program-${region}`} png={() => chart.current?.png()}>
      {programs.length === 0 ? <p>{t('common.empty')}</p> : <EChart ref={chart} option={option} label={t('dash.chart.programs')} />}
    </ChartCard>
  );
}

function SubmissionsChart({ totals, region }: { totals: Indicators; region: string }) {
  const { t, lang } = useI18n();
  const chart = useRef<ChartHandle>(null);
  const cats = Object.keys(totals.submissions ?? {}).filter((c) => { const x = totals.submissions[c]!; return x.open + x.closed + x.overdue > 0; });
  const names = cats.map((c) => submissionKey(t, lang, c));
  const s = (c: string) => totals.submissions[c]!;
  const rows: Rows = [[t('dash.category'), t('dash.withinSla'), t('dash.overdue'), t('dash.closed')],
    ...cats.map((c, i) => [names[i]!, Math.max(0, s(c).open - s(c).overdue), s(c).overdue, s(c).closed])];
  const option = useMemo<ChartOption>(() => ({
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 60, right: 20, top: 40, bottom: 40, containLabel: true },
    xAxis: { type: 'category', data: names, axisLabel: { interval: 0, rotate: cats.length > 3 ? 30 : 0, width: 140, overflow: 'truncate' } },
    yAxis: { type: 'value' },
    series: [
      { type: 'bar', stack: 's', name: t('dash.withinSla'), data: cats.map((c) => Math.max(0, s(c).open - s(c).overdue)), itemStyle: { color: '#2f6fb3' } },
      { type: 'bar', stack: 's', name: t('dash.overdue'), data: cats.map((c) => s(c).overdue), itemStyle: { color: '#b3261e' } },
      { type: 'bar', stack: 's', name: t('dash.closed'), data: cats.map((c) => s(c).closed), itemStyle: { color: '#9aa5b1' } },
    ],
  // eslint-disable-next-line react-hooks/exhaustive-deps
  }), [totals, t, lang]);
  return (
    <ChartCard id="submissions" title={t('dash.chart.submissions')} rows={rows} fileName={`pengajuan-${region}`} png={() => chart.current?.png()}>
      {cats.length === 0 ? <p>{t('common.empty')}</p> : <EChart ref={chart} option={option} label={t('dash.chart.submissions')} />}
    </ChartCard>
  );
}

function NikChart({ totals: i, region }: { totals: Indicators; region: string }) {
  const { t } = useI18n();
  const chart = useRef<ChartHandle>(null);
  const rows: Rows = [[t('common.field'), t('common.value')],
    [t('dash.nikValid'), i.nikValid], [t('dash.nikInvalid'), i.nikInvalid], [t('dash.nikMissing'), i.nikMissing],
    [t('dash.verified'), i.verified], [t('dash.notVerified'), Math.max(0, i.people - i.verified)],
    [t('dash.duplicatesFound'), i.duplicatesFound], [t('dash.duplicatesResolved'), i.duplicatesResolved]];
  const option = useMemo<ChartOption>(() => {
    const cats = ['NIK', t('dash.verified')];
    const bar = (name: string, color: string, values: [number, number]) => ({ type: 'bar' as const, stack: 'x', name, data: values, itemStyle: { color } });
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 110, right: 20, top: 50, bottom: 30 },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', data: cats },
      series: [
        bar(t('dash.nikValid'), '#1f7a4d', [i.nikValid, 0]),
        bar(t('dash.nikInvalid'), '#b3261e', [i.nikInvalid, 0]),
        bar(t('dash.nikMissing'), '#9aa5b1', [i.nikMissing, 0]),
        bar(t('dash.verified'), '#2f6fb3', [0, i.verified]),
        bar(t('dash.notVerified'), '#d0d7de', [0, Math.max(0, i.people - i.verified)]),
      ],
    };
  }, [i, t]);
  return (
    <ChartCard id="nik" title={t('dash.chart.nik')} rows={rows} fileName={`nik-verifikasi-${region}`} png={() => chart.current?.png()}>
      <EChart ref={chart} option={option} height={240} label={t('dash.chart.nik')} />
    </ChartCard>
  );
}

function ChildrenChart({ data, indicator, onPick }: { data: DashboardData; indicator: IndicatorDef; onPick(code: string): void }) {
  const { t, lang } = useI18n();
  const chart = useRef<ChartHandle>(null);
  const sorted = [...data.children].sort((a, b) => indicator.value(b.indicators) - indicator.value(a.indicators)).slice(0, 40);
  const option = useMemo<ChartOption>(() => ({
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => indicator.format(lang, Number(v)) },
    grid: { left: 60, right: 20, top: 20, bottom: 110 },
    xAxis: { type: 'category', data: sorted.map((c) => c.name), axisLabel: { interval: 0, rotate: 50, fontSize: 10 } },
    yAxis: { type: 'value' },
    series: [{ type: 'bar', name: t(indicator.label), data: sorted.map((c) => ({ value: indicator.value(c.indicators), code: c.code })), itemStyle: { color: '#2f6fb3' } }],
  // eslint-disable-next-line react-hooks/exhaustive-deps
  }), [data, indicator, lang, t]);
  return (
    <ChartCard id="children" title={`${t('dash.chart.children')} — ${t(indicator.label)}`} rows={childRows(t, data, indicator)} fileName={`banding-${indicator.id}-${data.region.code}`} png={() => chart.current?.png()}>
      <EChart ref={chart} option={option} height={340} label={t('dash.chart.children')}
        onClick={(p) => { const code = (p.data as { code?: string } | undefined)?.code; if (code) onPick(code); }} />
    </ChartCard>
  );
}
