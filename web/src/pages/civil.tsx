/** Civil-registry (Dukcapil) cases opened by the event feed: deaths, moves, KK changes; resolve each. */
import { useState, type FormEvent } from 'react';
import { api, qs } from '../api';
import { fmtDateTime } from '../format';
import { useI18n, type MessageKey } from '../i18n';
import { RegionPicker } from '../regions';
import { href, type Route } from '../router';
import { can, useSession } from '../session';
import { Alert, ErrorView, Field, Loading, PageTitle, errorMessage, useAsync } from '../ui';

interface CivilCase {
  id: number; kind: string; status: string; villageCode: string; familyId: number | null; memberId: number | null; memberName: string | null;
  eventId: string | null; openedAt: string; details: unknown; proposedKkMasked: string | null; proposedNikMasked: string | null;
}

const KINDS = ['death', 'move', 'kk_change', 'correction', 'birth'] as const;
const STATUSES = ['open', 'accepted', 'rejected'] as const;

function detailText(d: unknown): string {
  if (!d || typeof d !== 'object') return d == null ? '' : String(d);
  return Object.entries(d as Record<string, unknown>)
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
    .map(([k, v]) => `${k}: ${String(v)}`).join(' · ');
}

export function CivilPage({ route }: { route: Route }) {
  const { t } = useI18n();
  const { me } = useSession();
  const [kind, setKind] = useState(route.query.get('jenis') ?? '');
  const [status, setStatus] = useState<string>('open');
  const [region, setRegion] = useState('');
  return (
    <>
      <PageTitle>{t('civil.title')}</PageTitle>
      <div className="card filters">
        <div className="field">
          <label htmlFor="civil-status">{t('common.status')}</label>
          <select id="civil-status" value={status} onChange={(e) => setStatus(e.target.value)}>
            {STATUSES.map((s) => <option key={s} value={s}>{t(`civil.status.${s}` as MessageKey)}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="civil-kind">{t('civil.kind')}</label>
          <select id="civil-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="">{t('common.all')}</option>
            {KINDS.map((k) => <option key={k} value={k}>{t(`civil.kind.${k}` as MessageKey)}</option>)}
          </select>
        </div>
        <RegionPicker scope={me.scope} value={region} onChange={setRegion} idPrefix="civil-region" />
      </div>
      <CaseList key={`${status}|${kind}|${region}`} status={status} kind={kind} region={region} canResolve={can(me, 'civil.resolve')} />
    </>
  );
}

function CaseList({ status, kind, region, canResolve }: { status: string; kind: string; region: string; canResolve: boolean }) {
  const { t, lang } = useI18n();
  const list = useAsync((signal) => api<{ items: CivilCase[]; next: number | null }>(`/api/v1/civil/cases${qs({ status, kind, region: region || undefined, limit: 100 })}`, { signal }), [status, kind, region]);
  const [resolved, setResolved] = useState<Record<number, string>>({});
  if (list.loading) return <Loading />;
  if (list.error !== undefined) return <ErrorView error={list.error} onRetry={list.reload} />;
  const items = list.data!.items;
  if (items.length === 0) return <p className="card">{t('common.empty')}</p>;
  return (
    <div className="card table-wrap">
      <table className="table" data-testid="civil-cases">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">{t('civil.kind')}</th>
            <th scope="col">{t('civil.member')}</th>
            <th scope="col">{t('family.village')}</th>
            <th scope="col">{t('civil.opened')}</th>
            <th scope="col">{t('civil.proposed')}</th>
            {status === 'open' && canResolve && <th scope="col">{t('civil.resolve')}</th>}
          </tr>
        </thead>
        <tbody>
          {items.map((c) => (
            <tr key={c.id}>
              <td>#{c.id}</td>
              <td>{t(`civil.kind.${c.kind}` as MessageKey)}<br /><small className="muted">{detailText(c.details)}</small></td>
              <td>{c.memberName ?? '–'}{c.familyId && <><br /><a href={href(`/keluarga/${c.familyId}`)}>{t('family.title')}</a></>}</td>
              <td><code>{c.villageCode}</code></td>
              <td>{fmtDateTime(lang, c.openedAt)}</td>
              <td>{[c.proposedKkMasked && `KK ${c.proposedKkMasked}`, c.proposedNikMasked && `NIK ${c.proposedNikMasked}`].filter(Boolean).join(' · ') || '–'}</td>
              {status === 'open' && canResolve && (
                <td>{resolved[c.id] ? <span role="status">{resolved[c.id]}</span> : <ResolveForm id={c.id} onDone={(msg) => setResolved((r) => ({ ...r, [c.id]: msg }))} />}</td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ResolveForm({ id, onDone }: { id: number; onDone(msg: string): void }) {
  const { t } = useI18n();
  const [resolution, setResolution] = useState<'confirmed' | 'rejected'>('confirmed');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string>();
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    try {
      await api(`/api/v1/civil/cases/${id}/resolve`, { body: { resolution, note } });
      onDone(t('civil.resolved', { id }));
    } catch (err) {
      setError(errorMessage(err));
    }
  }
  return (
    <form onSubmit={submit} className="inline-form">
      <fieldset className="choice-inline">
        <legend className="visually-hidden">{t('civil.resolve')} #{id}</legend>
        <label><input type="radio" name={`res-${id}`} checked={resolution === 'confirmed'} onChange={() => setResolution('confirmed')} /> {t('civil.confirm')}</label>
        <label><input type="radio" name={`res-${id}`} checked={resolution === 'rejected'} onChange={() => setResolution('rejected')} /> {t('civil.rejectCase')}</label>
      </fieldset>
      <Field label={t('common.note')}>
        {(p) => <input {...p} value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />}
      </Field>
      <button type="submit" className="btn btn-small btn-primary">{t('civil.resolve')}</button>
      {error && <Alert kind="error">{error}</Alert>}
    </form>
  );
}
