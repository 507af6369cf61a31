/**
 * Public submissions (usul, sanggah, pengaduan): the queue with live SLA timers, one
 * submission with its history, assignment, and replies the citizen reads in Lacak.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { api, qs } from '../api';
import { fmtDateTime, fmtDuration } from '../format';
import { useI18n, type MessageKey } from '../i18n';
import { RegionPicker } from '../regions';
import { href, type Route } from '../router';
import { can, useSession } from '../session';
import { Alert, Badge, ErrorView, Field, Loading, PageTitle, errorMessage, useAsync } from '../ui';
import { categoryLabel } from '../../../src/portal/categories';
import type { SubmissionKind } from '../../../src/portal/tracking-code';

export function submissionCategory(lang: 'id' | 'en', kind: string, category: string): string {
  return categoryLabel(kind as SubmissionKind, category, lang);
}

const KINDS = ['usul', 'sanggah', 'pengaduan'] as const;
const STATUSES = ['diterima', 'diproses', 'selesai', 'ditolak'] as const;

interface Sla { dueAt: string; hoursLeft: number; isOverdue: boolean }
interface Item {
  id: number; trackingCode: string; kind: string; category: string; program: string | null; status: string; villageCode: string;
  createdAt: string; sla: Sla; hasPhoto: boolean; assignedTo?: string | null;
}
interface Detail extends Item {
  regencyCode: string; description: string; subjectName: string | null; subjectNikMasked: string | null; memberId: number | null;
  familyId: number | null; memberNameMasked: string | null; reporterName: string | null; reporterPhoneMasked: string | null;
  history: Array<{ id: number; at: string; actor: string; action: string; fromStatus: string | null; toStatus: string | null; publicMessage: string | null; internalNote: string | null }>;
}

/** The current time, refreshed every 30 s, for SLA timers. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const h = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(h);
  }, []);
  return now;
}

function SlaTimer({ sla, closed }: { sla: Sla; closed: boolean }) {
  const { t, lang } = useI18n();
  const now = useNow();
  if (closed) return <span className="muted">{fmtDateTime(lang, sla.dueAt)}</span>;
  const left = new Date(sla.dueAt).getTime() - now;
  const overdue = left < 0;
  return (
    <span className={`sla ${overdue ? 'sla-over' : left < 24 * 3_600_000 ? 'sla-soon' : ''}`} data-testid="sla" title={fmtDateTime(lang, sla.dueAt)}>
      {overdue ? t('subs.slaOver', { d: fmtDuration(lang, left) }) : t('subs.slaLeft', { d: fmtDuration(lang, left) })}
    </span>
  );
}

const isClosed = (s: string) => s === 'selesai' || s === 'ditolak';

/** The tracking code as the citizen got it: `P-ZQM5-RES7-F99R`. */
export function trackingCode(code: string): string {
  const c = code.replace(/-/g, '');
  return c.length === 13 ? `${c[0]}-${c.slice(1, 5)}-${c.slice(5, 9)}-${c.slice(9)}` : code;
}

export function SubmissionsPage({ route }: { route: Route }) {
  const { t } = useI18n();
  const { me } = useSession();
  const [kind, setKind] = useState(route.query.get('jenis') ?? '');
  const [status, setStatus] = useState('open');
  const [overdue, setOverdue] = useState(false);
  const [region, setRegion] = useState('');
  return (
    <>
      <PageTitle>{t('subs.title')}</PageTitle>
      <div className="card filters">
        <div className="field">
          <label htmlFor="subs-kind">{t('civil.kind')}</label>
          <select id="subs-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="">{t('common.all')}</option>
            {KINDS.map((k) => <option key={k} value={k}>{t(`subs.kind.${k}` as MessageKey)}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="subs-status">{t('common.status')}</label>
          <select id="subs-status" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="open">{t('subs.filter.open')}</option>
            <option value="closed">{t('subs.filter.closed')}</option>
            <option value="all">{t('common.all')}</option>
            {STATUSES.map((s) => <option key={s} value={s}>{t(`subs.status.${s}` as MessageKey)}</option>)}
          </select>
        </div>
        <label className="check"><input type="checkbox" checked={overdue} onChange={(e) => setOverdue(e.target.checked)} /> {t('subs.overdueOnly')}</label>
        <RegionPicker scope={me.scope} value={region} onChange={setRegion} idPrefix="subs-region" />
      </div>
      <SubmissionList key={`${kind}|${status}|${overdue}|${region}`} kind={kind} status={status} overdue={overdue} region={region} />
    </>
  );
}

function SubmissionList({ kind, status, overdue, region }: { kind: string; status: string; overdue: boolean; region: string }) {
  const { t, lang } = useI18n();
  const [items, setItems] = useState<Item[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const base = { kind, status, overdue: overdue ? 'true' : undefined, region: region || undefined, limit: 50 };
  const first = useAsync(async (signal) => {
    const r = await api<{ items: Item[]; next: string | null }>(`/api/v1/portal/submissions${qs(base)}`, { signal });
    setItems(r.items);
    setNext(r.next);
    return r;
  }, [kind, status, overdue, region]);
  async function more() {
    if (!next) return;
    const r = await api<{ items: Item[]; next: string | null }>(`/api/v1/portal/submissions${qs({ ...base, cursor: next })}`);
    setItems((x) => [...x, ...r.items]);
    setNext(r.next);
  }
  if (first.loading) return <Loading />;
  if (first.error !== undefined) return <ErrorView error={first.error} onRetry={first.reload} />;
  if (items.length === 0) return <p className="card">{t('common.empty')}</p>;
  return (
    <div className="card table-wrap">
      <table className="table" data-testid="submissions">
        <thead>
          <tr>
            <th scope="col">{t('subs.code')}</th>
            <th scope="col">{t('civil.kind')}</th>
            <th scope="col">{t('subs.category')}</th>
            <th scope="col">{t('common.status')}</th>
            <th scope="col">{t('family.village')}</th>
            <th scope="col">{t('subs.created')}</th>
            <th scope="col">{t('subs.sla')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((s) => (
            <tr key={s.id}>
              <td><a href={href(`/pengajuan/${s.id}`)}><code>{trackingCode(s.trackingCode)}</code></a></td>
              <td>{t(`subs.kind.${s.kind}` as MessageKey)}</td>
              <td>{submissionCategory(lang, s.kind, s.category)}{s.program ? ` · ${s.program.toUpperCase()}` : ''}</td>
              <td>{t(`subs.status.${s.status}` as MessageKey)}{s.assignedTo ? <><br /><small className="muted">→ {s.assignedTo}</small></> : null}</td>
              <td><code>{s.villageCode}</code></td>
              <td>{fmtDateTime(lang, s.createdAt)}</td>
              <td><SlaTimer sla={s.sla} closed={isClosed(s.status)} /></td>
            </tr>
          ))}
        </tbody>
      </table>
      {next && <button type="button" className="btn" onClick={() => void more()}>{t('common.more')}</button>}
    </div>
  );
}

export function SubmissionPage({ id }: { id: number }) {
  const { t, lang } = useI18n();
  const { me } = useSession();
  const d = useAsync((signal) => api<Detail>(`/api/v1/portal/submissions/${id}`, { signal }), [id]);
  if (d.loading && !d.data) return <Loading />;
  if (d.error !== undefined) return <><PageTitle>{t('subs.title')} #{id}</PageTitle><ErrorView error={d.error} /></>;
  const s = d.data!;
  return (
    <>
      <PageTitle>{t(`subs.kind.${s.kind}` as MessageKey)} {trackingCode(s.trackingCode)}</PageTitle>
      <p><a href={href('/pengajuan')}>{t('app.back')}</a></p>
      <section className="card" aria-label={t('subs.description')}>
        <p>
          <Badge tone={isClosed(s.status) ? 'neutral' : 'info'}>{t(`subs.status.${s.status}` as MessageKey)}</Badge>{' '}
          {t('subs.sla')}: <SlaTimer sla={s.sla} closed={isClosed(s.status)} />
          {s.assignedTo ? <> · → <strong data-testid="assigned-to">{s.assignedTo}</strong></> : null}
        </p>
        <dl className="facts">
          <div><dt>{t('subs.category')}</dt><dd>{submissionCategory(lang, s.kind, s.category)}{s.program ? ` · ${s.program.toUpperCase()}` : ''}</dd></div>
          <div><dt>{t('family.village')}</dt><dd><code>{s.villageCode}</code></dd></div>
          <div><dt>{t('subs.created')}</dt><dd>{fmtDateTime(lang, s.createdAt)}</dd></div>
          {(s.subjectName || s.memberNameMasked) && <div><dt>{t('subs.subject')}</dt><dd>{s.subjectName ?? s.memberNameMasked}{s.subjectNikMasked ? ` · ${s.subjectNikMasked}` : ''}</dd></div>}
          {s.reporterName && <div><dt>{t('subs.reporter')}</dt><dd>{s.reporterName}{s.reporterPhoneMasked ? ` · ${s.reporterPhoneMasked}` : ''}</dd></div>}
          {s.familyId && <div><dt>{t('subs.family')}</dt><dd><a href={href(`/keluarga/${s.familyId}`)}>#{s.familyId}</a></dd></div>}
        </dl>
        <h2>{t('subs.description')}</h2>
        <p className="prewrap">{s.description}</p>
        {s.hasPhoto && <figure><img src={`/api/v1/portal/submissions/${s.id}/photo`} alt={t('subs.photo')} className="photo" /><figcaption>{t('subs.photo')}</figcaption></figure>}
      </section>

      <section className="card" aria-labelledby="subs-hist-h">
        <h2 id="subs-hist-h">{t('subs.history')}</h2>
        <ol className="timeline" data-testid="submission-history">
          {s.history.map((h) => (
            <li key={h.id}>
              <p className="timeline-head"><time dateTime={h.at}>{fmtDateTime(lang, h.at)}</time> · <strong>{h.actor}</strong> · {t(`subs.action.${h.action}` as MessageKey)}
                {h.toStatus ? ` → ${t(`subs.status.${h.toStatus}` as MessageKey)}` : ''}</p>
              {h.publicMessage && <p><strong>{t('subs.toCitizen')}:</strong> {h.publicMessage}</p>}
              {h.internalNote && <p className="muted"><strong>{t('subs.internal')}:</strong> {h.internalNote}</p>}
            </li>
          ))}
        </ol>
      </section>

      {can(me, 'subs.handle') && (
        <div className="grid-2">
          <AssignForm id={s.id} current={s.assignedTo ?? ''} onDone={d.reload} />
          <ReplyForm id={s.id} status={s.status} onDone={d.reload} />
        </div>
      )}
    </>
  );
}

function AssignForm({ id, current, onDone }: { id: number; current: string; onDone(): void }) {
  const { t } = useI18n();
  const [assignee, setAssignee] = useState(current);
  const [msg, setMsg] = useState<{ kind: 'success' | 'error'; text: string }>();
  async function submit(e: FormEvent) {
    e.preventDefault();
    setMsg(undefined);
    try {
      await api(`/api/v1/portal/submissions/${id}/assign`, { body: { assignee: assignee.trim() } });
      setMsg({ kind: 'success', text: t('subs.assigned') });
      onDone();
    } catch (err) {
      setMsg({ kind: 'error', text: errorMessage(err) });
    }
  }
  return (
    <form className="card" onSubmit={submit} aria-labelledby="assign-h">
      <h2 id="assign-h">{t('subs.assign')}</h2>
      {msg && <Alert kind={msg.kind}>{msg.text}</Alert>}
      <Field label={t('subs.assignee')}>
        {(p) => <input {...p} name="assignee" autoComplete="off" maxLength={64} value={assignee} onChange={(e) => setAssignee(e.target.value)} />}
      </Field>
      <button type="submit" className="btn">{t('common.save')}</button>
    </form>
  );
}

const NEXT: Record<string, string[]> = { diterima: ['diproses', 'selesai', 'ditolak'], diproses: ['selesai', 'ditolak'], selesai: ['diproses'], ditolak: ['diproses'] };

function ReplyForm({ id, status, onDone }: { id: number; status: string; onDone(): void }) {
  const { t } = useI18n();
  const [next, setNext] = useState('');
  const [publicMessage, setPublicMessage] = useState('');
  const [internalNote, setInternalNote] = useState('');
  const [msg, setMsg] = useState<{ kind: 'success' | 'error'; text: string }>();
  async function submit(e: FormEvent) {
    e.preventDefault();
    setMsg(undefined);
    try {
      await api(`/api/v1/portal/submissions/${id}/reply`, {
        body: { ...(next ? { status: next } : {}), ...(publicMessage.trim() ? { publicMessage: publicMessage.trim() } : {}), ...(internalNote.trim() ? { internalNote: internalNote.trim() } : {}) },
      });
      setMsg({ kind: 'success', text: t('subs.sent') });
      setPublicMessage('');
      setInternalNote('');
      setNext('');
      onDone();
    } catch (err) {
      setMsg({ kind: 'error', text: errorMessage(err) });
    }
  }
  return (
    <form className="card" onSubmit={submit} aria-labelledby="reply-h">
      <h2 id="reply-h">{t('subs.reply')}</h2>
      {msg && <Alert kind={msg.kind}>{msg.text}</Alert>}
      <Field label={t('subs.newStatus')}>
        {(p) => (
          <select {...p} name="status" value={next} onChange={(e) => setNext(e.target.value)}>
            <option value="">{t('subs.keepStatus')}</option>
            {(NEXT[status] ?? []).map((s) => <option key={s} value={s}>{t(`subs.status.${s}` as MessageKey)}</option>)}
          </select>
        )}
      </Field>
      <Field label={t('subs.publicMessage')}>
        {(p) => <textarea {...p} name="publicMessage" rows={3} maxLength={2000} value={publicMessage} onChange={(e) => setPublicMessage(e.target.value)} />}
      </Field>
      <Field label={t('subs.internalNote')}>
        {(p) => <textarea {...p} name="internalNote" rows={2} maxLength={2000} value={internalNote} onChange={(e) => setInternalNote(e.target.value)} />}
      </Field>
      <button type="submit" className="btn btn-primary">{t('subs.send')}</button>
    </form>
  );
}
