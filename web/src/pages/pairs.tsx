/**
 * Duplicate review: the queue of candidate pairs, one pair side by side with the engine's
 * per-field explanation, accept / reject / merge, and a merge's page with unmerge.
 */
import { useState, type FormEvent } from 'react';
import { api, qs } from '../api';
import { fmtDate, fmtDateTime, fmtNumber } from '../format';
import { codeLabel, useI18n, type MessageKey } from '../i18n';
import { RegionPicker } from '../regions';
import { href, navigate, type Route } from '../router';
import { can, useSession } from '../session';
import { Alert, Badge, ErrorView, Field, Loading, PageTitle, errorMessage, useAsync } from '../ui';
import { relationship, sex } from '../../../src/registry/codes';

interface Person {
  memberId: number; familyId: number; villageCode: string; nikMasked: string | null; kkMasked: string; fullName: string; sex: string;
  birthPlace: string | null; birthDate: string | null; motherName: string | null; relationship: string;
}
interface Explanation { field: string; level: number | null; weight: number; note: string }
export interface Pair {
  id: number; regencyCode: string; status: 'pending' | 'accepted' | 'rejected'; decision: 'link' | 'review'; probability: number; weight: number;
  heldReason: string | null; summary: string; fields: Explanation[]; notes: string[]; decidedBy: string | null; decidedAt: string | null;
  decisionNote: string | null; a: Person; b: Person;
}
interface MergeView {
  id: number; survivorId: number; mergedIds: number[]; fields: Record<string, number>; reason: string; mergedBy: string; mergedAt: string;
  status: 'merged' | 'unmerged'; unmergedBy: string | null; unmergedAt: string | null; unmergeReason: string | null;
  merged: Array<{ memberId: number; villageCode: string; fullName: string | null; birthDate: string | null; dependentRows: number }>;
}

const STATUSES = ['pending', 'accepted', 'rejected'] as const;

export function PairsPage({ route }: { route: Route }) {
  const { t } = useI18n();
  const { me } = useSession();
  const status = (STATUSES as readonly string[]).includes(route.query.get('status') ?? '') ? route.query.get('status')! : 'pending';
  const [region, setRegion] = useState('');
  return (
    <>
      <PageTitle>{t('pairs.title')}</PageTitle>
      <div className="card filters">
        <div className="tabs" role="group" aria-label={t('common.status')}>
          {STATUSES.map((s) => (
            <a key={s} className={`tab ${s === status ? 'tab-active' : ''}`} aria-current={s === status ? 'page' : undefined}
              href={href(`/duplikat?status=${s}`)}>{t(`pairs.status.${s}` as MessageKey)}</a>
          ))}
        </div>
        <RegionPicker scope={me.scope} value={region} onChange={setRegion} idPrefix="pairs-region" maxLevel={3} />
      </div>
      <PairList key={`${status}|${region}`} status={status} region={region} />
    </>
  );
}

function PairList({ status, region }: { status: string; region: string }) {
  const { t, lang } = useI18n();
  const [items, setItems] = useState<Pair[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const first = useAsync(async (signal) => {
    const r = await api<{ items: Pair[]; next: string | null }>(`/api/v1/identity/pairs${qs({ status, region: region || undefined, limit: 50 })}`, { signal });
    setItems(r.items);
    setNext(r.next);
    return r;
  }, [status, region]);
  const [error, setError] = useState<unknown>();

  async function loadMore() {
    if (!next) return;
    try {
      const r = await api<{ items: Pair[]; next: string | null }>(`/api/v1/identity/pairs${qs({ status, region: region || undefined, limit: 50, cursor: next })}`);
      setItems((m) => [...m, ...r.items]);
      setNext(r.next);
    } catch (e) {
      setError(e);
    }
  }

  if (first.loading) return <Loading />;
  if (first.error !== undefined) return <ErrorView error={first.error} onRetry={first.reload} />;
  if (items.length === 0) return <p className="card">{t('common.empty')}</p>;
  return (
    <div className="table-wrap card">
      <table className="table" data-testid="pairs">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">{t('pairs.personA')}</th>
            <th scope="col">{t('pairs.personB')}</th>
            <th scope="col">{t('pairs.probability')}</th>
            <th scope="col">{t('pairs.summary')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((p) => (
            <tr key={p.id}>
              <td><a href={href(`/duplikat/${p.id}`)}>#{p.id}</a></td>
              <td>{p.a.fullName}<br /><small className="muted">{fmtDate(lang, p.a.birthDate)} · {p.a.villageCode}</small></td>
              <td>{p.b.fullName}<br /><small className="muted">{fmtDate(lang, p.b.birthDate)} · {p.b.villageCode}</small></td>
              <td>{fmtNumber(lang, p.probability * 100, 1)}%{p.heldReason && <> <Badge tone="warn">{t('pairs.held')}</Badge></>}</td>
              <td>{p.summary}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {error !== undefined && <ErrorView error={error} />}
      {next && <button type="button" className="btn" onClick={() => void loadMore()}>{t('common.more')}</button>}
    </div>
  );
}

/** Rows of the side-by-side view and the explanation field that speaks about each. */
const ROWS: Array<{ key: keyof Person; label: MessageKey; explain?: string }> = [
  { key: 'fullName', label: 'pairs.field.fullName', explain: 'name' },
  { key: 'nikMasked', label: 'pairs.field.nik', explain: 'nik' },
  { key: 'kkMasked', label: 'pairs.field.kk', explain: 'kk' },
  { key: 'sex', label: 'pairs.field.sex', explain: 'sex' },
  { key: 'birthDate', label: 'pairs.field.birthDate', explain: 'birthDate' },
  { key: 'birthPlace', label: 'pairs.field.birthPlace', explain: 'birthPlace' },
  { key: 'motherName', label: 'pairs.field.motherName', explain: 'mother' },
  { key: 'relationship', label: 'pairs.field.relationship' },
  { key: 'villageCode', label: 'pairs.field.villageCode', explain: 'region' },
];

const EXTRA_LABELS: Record<string, MessageKey> = { address: 'pairs.field.address', phone: 'pairs.field.phone' };

/** Fields a merge may take from either record (src/identity/merge-members.ts MERGE_FIELDS). */
const MERGE_FIELDS: Array<{ field: string; key: keyof Person; label: MessageKey }> = [
  { field: 'nik', key: 'nikMasked', label: 'pairs.field.nik' },
  { field: 'fullName', key: 'fullName', label: 'pairs.field.fullName' },
  { field: 'sex', key: 'sex', label: 'pairs.field.sex' },
  { field: 'birthPlace', key: 'birthPlace', label: 'pairs.field.birthPlace' },
  { field: 'birthDate', key: 'birthDate', label: 'pairs.field.birthDate' },
  { field: 'motherName', key: 'motherName', label: 'pairs.field.motherName' },
];

function show(lang: 'id' | 'en', p: Person, key: keyof Person): string {
  const v = p[key];
  if (v === null || v === undefined || v === '') return '–';
  if (key === 'sex') return codeLabel(lang, sex.entries.find((e) => e.code === v), String(v));
  if (key === 'relationship') return codeLabel(lang, relationship.entries.find((e) => e.code === v), String(v));
  if (key === 'birthDate') return fmtDate(lang, String(v));
  return String(v);
}

export function PairPage({ id }: { id: number }) {
  const { t, lang } = useI18n();
  const { me } = useSession();
  const pair = useAsync((signal) => api<Pair>(`/api/v1/identity/pairs/${id}`, { signal }), [id]);
  const [message, setMessage] = useState<{ kind: 'success' | 'error'; text: string }>();
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState('');

  if (pair.loading && !pair.data) return <Loading />;
  if (pair.error !== undefined) return <><PageTitle>{t('pairs.title')} #{id}</PageTitle><ErrorView error={pair.error} /></>;
  const p = pair.data!;
  const explain = new Map(p.fields.map((f) => [f.field, f]));
  const mergeLink = /penggabungan #(\d+)/.exec(p.decisionNote ?? '')?.[1];

  async function decide(action: 'accept' | 'reject') {
    setBusy(true);
    setMessage(undefined);
    try {
      const r = await api<{ status: string }>(`/api/v1/identity/pairs/${id}/${action}`, { body: note.trim() ? { note: note.trim() } : {} });
      setMessage({ kind: 'success', text: t('pairs.decided', { status: t(`pairs.status.${r.status}` as MessageKey) }) });
      pair.reload();
    } catch (e) {
      setMessage({ kind: 'error', text: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <PageTitle>{t('pairs.title')} #{p.id}</PageTitle>
      <p><a href={href('/duplikat')}>{t('app.back')}</a></p>
      <section className="card" aria-labelledby="pair-h">
        <h2 id="pair-h" className="visually-hidden">{t('pairs.summary')}</h2>
        <p>
          <Badge tone={p.status === 'pending' ? 'warn' : p.status === 'accepted' ? 'good' : 'neutral'}>{t(`pairs.status.${p.status}` as MessageKey)}</Badge>
          {' '}{t('pairs.probability')}: <strong>{fmtNumber(lang, p.probability * 100, 1)}%</strong> · {t('pairs.weight')} {fmtNumber(lang, p.weight, 2)}
        </p>
        <p>{p.summary}</p>
        {p.heldReason && <Alert kind="warning" title={t('pairs.held')}>{p.heldReason}</Alert>}
        {p.decidedBy && <p className="muted">{p.decidedBy} · {fmtDateTime(lang, p.decidedAt)}{p.decisionNote ? ` · ${p.decisionNote}` : ''}</p>}
        {mergeLink && <p><a href={href(`/penggabungan/${mergeLink}`)}>{t('merge.title', { id: mergeLink })}</a></p>}
        {message && <Alert kind={message.kind}>{message.text}</Alert>}
        <div className="table-wrap">
          <table className="table side-by-side" data-testid="pair-compare">
            <thead>
              <tr>
                <th scope="col">{t('common.field')}</th>
                <th scope="col">{t('pairs.personA')} (<a href={href(`/keluarga/${p.a.familyId}`)}>{t('family.title')}</a>)</th>
                <th scope="col">{t('pairs.personB')} (<a href={href(`/keluarga/${p.b.familyId}`)}>{t('family.title')}</a>)</th>
                <th scope="col">{t('pairs.explanation')}</th>
              </tr>
            </thead>
            <tbody>
              {ROWS.map((r) => {
                const e = r.explain ? explain.get(r.explain) : undefined;
                const same = show(lang, p.a, r.key) === show(lang, p.b, r.key);
                return (
                  <tr key={r.key} className={same ? '' : 'differs'}>
                    <th scope="row">{t(r.label)}</th>
                    <td>{show(lang, p.a, r.key)}</td>
                    <td>{show(lang, p.b, r.key)}</td>
                    <td>{e ? <><span className={e.weight >= 0 ? 'weight-pos' : 'weight-neg'}>{e.weight >= 0 ? '+' : ''}{fmtNumber(lang, e.weight, 2)}</span> {e.note}</> : ''}</td>
                  </tr>
                );
              })}
              {p.fields.filter((f) => !ROWS.some((r) => r.explain === f.field)).map((f) => (
                <tr key={f.field}>
                  <th scope="row">{EXTRA_LABELS[f.field] ? t(EXTRA_LABELS[f.field]!) : f.field}</th>
                  <td colSpan={2} className="muted">–</td>
                  <td><span className={f.weight >= 0 ? 'weight-pos' : 'weight-neg'}>{f.weight >= 0 ? '+' : ''}{fmtNumber(lang, f.weight, 2)}</span> {f.note}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {p.notes.length > 0 && <><h3>{t('pairs.notes')}</h3><ul>{p.notes.map((n) => <li key={n}>{n}</li>)}</ul></>}
      </section>

      {can(me, 'pairs.decide') && (
        <>
          <section className="card" aria-labelledby="decide-h">
            <h2 id="decide-h">{t('pairs.decision')}</h2>
            <Field label={t('common.note')}>
              {(f) => <input {...f} name="note" maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} />}
            </Field>
            <div className="actions">
              <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void decide('accept')}>{t('pairs.accept')}</button>
              <button type="button" className="btn btn-danger" disabled={busy} onClick={() => void decide('reject')}>{t('pairs.reject')}</button>
            </div>
          </section>
          {p.status !== 'rejected' && <MergeForm pair={p} />}
        </>
      )}
    </>
  );
}

function MergeForm({ pair }: { pair: Pair }) {
  const { t, lang } = useI18n();
  const [survivor, setSurvivor] = useState<'a' | 'b'>('a');
  const [take, setTake] = useState<Record<string, 'a' | 'b'>>({});
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const other = survivor === 'a' ? 'b' : 'a';

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const fields: Record<string, number> = {};
      for (const f of MERGE_FIELDS) if ((take[f.field] ?? survivor) !== survivor) fields[f.field] = pair[other].memberId;
      const r = await api<{ mergeId: number }>('/api/v1/identity/merges', {
        body: { survivorId: pair[survivor].memberId, mergedIds: [pair[other].memberId], reason, ...(Object.keys(fields).length ? { fields } : {}) },
      });
      navigate(`/penggabungan/${r.mergeId}`);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card" onSubmit={submit} aria-labelledby="merge-h" data-testid="merge-form">
      <h2 id="merge-h">{t('pairs.merge')}</h2>
      {error && <Alert kind="error">{error}</Alert>}
      <fieldset className="choice-inline">
        <legend>{t('pairs.survivor')}</legend>
        <label><input type="radio" name="survivor" value="a" checked={survivor === 'a'} onChange={() => setSurvivor('a')} /> {t('pairs.personA')}: {pair.a.fullName}</label>
        <label><input type="radio" name="survivor" value="b" checked={survivor === 'b'} onChange={() => setSurvivor('b')} /> {t('pairs.personB')}: {pair.b.fullName}</label>
      </fieldset>
      <div className="table-wrap">
        <table className="table">
          <thead><tr><th scope="col">{t('common.field')}</th><th scope="col">{t('pairs.takeFrom')}</th></tr></thead>
          <tbody>
            {MERGE_FIELDS.filter((f) => show(lang, pair.a, f.key) !== show(lang, pair.b, f.key)).map((f) => (
              <tr key={f.field}>
                <th scope="row">{t(f.label)}</th>
                <td>
                  <fieldset className="choice-inline">
                    <legend className="visually-hidden">{t(f.label)}</legend>
                    {(['a', 'b'] as const).map((s) => (
                      <label key={s}>
                        <input type="radio" name={`take-${f.field}`} value={s} checked={(take[f.field] ?? survivor) === s} onChange={() => setTake({ ...take, [f.field]: s })} />
                        {' '}{s.toUpperCase()}: {show(lang, pair[s], f.key)}
                      </label>
                    ))}
                  </fieldset>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Field label={t('pairs.mergeReason')}>
        {(f) => <textarea {...f} name="reason" rows={2} minLength={5} maxLength={500} required value={reason} onChange={(e) => setReason(e.target.value)} />}
      </Field>
      <button type="submit" className="btn btn-primary" disabled={busy}>{t('pairs.merge')}</button>
    </form>
  );
}

export function MergePage({ id }: { id: number }) {
  const { t, lang } = useI18n();
  const { me } = useSession();
  const merge = useAsync((signal) => api<MergeView>(`/api/v1/identity/merges/${id}`, { signal }), [id]);
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState<{ kind: 'success' | 'error'; text: string }>();
  const [busy, setBusy] = useState(false);

  if (merge.loading && !merge.data) return <Loading />;
  if (merge.error !== undefined) return <><PageTitle>{t('merge.title', { id })}</PageTitle><ErrorView error={merge.error} /></>;
  const m = merge.data!;

  async function unmerge(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setMessage(undefined);
    try {
      const r = await api<{ restoredIds: number[] }>(`/api/v1/identity/merges/${id}/unmerge`, { body: { reason } });
      setMessage({ kind: 'success', text: t('merge.unmerged', { n: r.restoredIds.length }) });
      merge.reload();
    } catch (err) {
      setMessage({ kind: 'error', text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <PageTitle>{t('merge.title', { id: m.id })}</PageTitle>
      {message && <Alert kind={message.kind}>{message.text}</Alert>}
      <section className="card" aria-label={t('merge.title', { id: m.id })}>
        <p><Badge tone={m.status === 'merged' ? 'good' : 'neutral'}>{t(`merge.status.${m.status}` as MessageKey)}</Badge></p>
        <p>{t('merge.by', { who: m.mergedBy, when: fmtDateTime(lang, m.mergedAt) })} — {m.reason}</p>
        {m.unmergedBy && <p>{t('merge.unmergedBy', { who: m.unmergedBy, when: fmtDateTime(lang, m.unmergedAt) })} — {m.unmergeReason}</p>}
        <dl className="facts">
          <div><dt>{t('merge.survivor')}</dt><dd>#{m.survivorId}</dd></div>
          <div><dt>{t('merge.merged')}</dt><dd>{m.merged.map((x) => `#${x.memberId} ${x.fullName ?? ''} (${fmtDate(lang, x.birthDate)}, ${x.villageCode})`).join('; ')}</dd></div>
          {Object.keys(m.fields).length > 0 && (
            <div><dt>{t('pairs.takeFrom')}</dt><dd>{Object.entries(m.fields).map(([f, from]) => `${f} ← #${from}`).join(', ')}</dd></div>
          )}
        </dl>
      </section>
      {m.status === 'merged' && can(me, 'pairs.decide') && (
        <form className="card" onSubmit={unmerge} aria-labelledby="unmerge-h">
          <h2 id="unmerge-h">{t('merge.unmerge')}</h2>
          <Field label={t('merge.unmergeReason')}>
            {(f) => <textarea {...f} name="reason" rows={2} minLength={5} maxLength={500} required value={reason} onChange={(e) => setReason(e.target.value)} />}
          </Field>
          <button type="submit" className="btn btn-danger" disabled={busy}>{t('merge.unmerge')}</button>
        </form>
      )}
    </>
  );
}
