/** Upload a CSV/XLSX file; the import runs as a job whose progress is polled once a second. */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api } from '../api';
import { fmtDateTime, fmtNumber } from '../format';
import { useI18n, type MessageKey } from '../i18n';
import { Alert, Field, PageTitle, errorMessage } from '../ui';

export interface ImportStatus {
  id: number | string;
  status: 'queued' | 'running' | 'done' | 'failed';
  fileName?: string;
  rowsTotal?: number | null;
  rowsDone: number;
  accepted: number;
  rejected: number;
  warnings: number;
  startedAt?: string | null;
  finishedAt?: string | null;
  message?: string | null;
  error?: string | null;
  identityCheck?:
    | { state: 'running'; checked: number; total: number }
    | { state: 'done'; checked: number; pairs: number; pending: number; autoAccepted: number }
    | { state: 'skipped'; reason: 'disabled' | 'too_many' }
    | { state: 'failed'; message: string };
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Imports started in this browser session (ids only), so the page can be left and reopened. */
const started: Array<{ id: number | string; name: string }> = [];

export function ImportPage() {
  const { t } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [jobs, setJobs] = useState(started.slice());

  async function upload(e: FormEvent) {
    e.preventDefault();
    const file = input.current?.files?.[0];
    if (!file) { setError(t('import.chooseFile')); return; }
    setError(undefined);
    setBusy(true);
    try {
      const type = /\.xlsx$/i.test(file.name) ? XLSX_TYPE : 'text/csv';
      const r = await api<{ id: number | string }>('/api/v1/imports', {
        method: 'POST', raw: { data: file, type, headers: { 'x-file-name': encodeURIComponent(file.name) } },
      });
      started.unshift({ id: r.id, name: file.name });
      setJobs(started.slice());
      if (input.current) input.current.value = '';
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <PageTitle>{t('import.title')}</PageTitle>
      <form className="card" onSubmit={upload} noValidate>
        {error && <Alert kind="error">{error}</Alert>}
        <Field label={t('import.file')} hint={t('import.fileHint')}>
          {(p) => <input {...p} ref={input} name="file" type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" />}
        </Field>
        <button type="submit" className="btn btn-primary" disabled={busy}>{busy ? t('import.uploading') : t('import.upload')}</button>
      </form>
      {jobs.length > 0 && (
        <section aria-labelledby="jobs-h">
          <h2 id="jobs-h">{t('import.recent')}</h2>
          {jobs.map((j) => <ImportProgress key={String(j.id)} id={j.id} name={j.name} />)}
        </section>
      )}
    </>
  );
}

export function ImportProgress({ id, name }: { id: number | string; name: string }) {
  const { t, lang } = useI18n();
  const [s, setS] = useState<ImportStatus>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const r = await api<ImportStatus>(`/api/v1/imports/${encodeURIComponent(String(id))}`);
        if (!live) return;
        setS(r);
        setError(undefined);
        if (r.status === 'queued' || r.status === 'running') timer = setTimeout(poll, 1000);
      } catch (e) {
        if (!live) return;
        setError(errorMessage(e));
        timer = setTimeout(poll, 3000);
      }
    };
    void poll();
    return () => { live = false; if (timer) clearTimeout(timer); };
  }, [id]);

  const total = s?.rowsTotal ?? undefined;
  const done = s?.rowsDone ?? 0;
  const finished = s?.status === 'done' || s?.status === 'failed';
  return (
    <article className="card import-job" aria-labelledby={`job-${id}`} data-testid="import-job" data-status={s?.status ?? 'loading'}>
      <h3 id={`job-${id}`}>{name} <span className="muted">#{String(id)}</span></h3>
      {error && <Alert kind="error">{error}</Alert>}
      {s && (
        <>
          <p>
            <strong>{t(`import.status.${s.status}` as MessageKey)}</strong>
            {' · '}
            {total ? t('import.rows', { done: fmtNumber(lang, done), total: fmtNumber(lang, total) }) : t('import.rowsNoTotal', { done: fmtNumber(lang, done) })}
          </p>
          <progress className="progress" aria-label={t('import.progress')} max={total || 1} value={finished ? total || 1 : total ? done : undefined} />
          <dl className="facts">
            <div><dt>{t('import.accepted')}</dt><dd data-testid="import-accepted">{fmtNumber(lang, s.accepted)}</dd></div>
            <div><dt>{t('import.rejected')}</dt><dd data-testid="import-rejected">{fmtNumber(lang, s.rejected)}</dd></div>
            <div><dt>{t('import.warnings')}</dt><dd>{fmtNumber(lang, s.warnings)}</dd></div>
            {s.startedAt && <div><dt>{t('import.started')}</dt><dd>{fmtDateTime(lang, s.startedAt)}</dd></div>}
            {s.finishedAt && <div><dt>{t('common.done')}</dt><dd>{fmtDateTime(lang, s.finishedAt)}</dd></div>}
          </dl>
          {s.identityCheck && (
            <p data-testid="import-identity-check">
              {s.identityCheck.state === 'running' && t('import.check.running', { checked: fmtNumber(lang, s.identityCheck.checked), total: fmtNumber(lang, s.identityCheck.total) })}
              {s.identityCheck.state === 'done' && t('import.check.done', { checked: fmtNumber(lang, s.identityCheck.checked), linked: fmtNumber(lang, s.identityCheck.autoAccepted), pending: fmtNumber(lang, s.identityCheck.pending) })}
              {s.identityCheck.state === 'skipped' && t(s.identityCheck.reason === 'too_many' ? 'import.check.tooMany' : 'import.check.disabled')}
              {s.identityCheck.state === 'failed' && s.identityCheck.message}
              {s.identityCheck.state === 'done' && s.identityCheck.pending > 0 && <> <a href="#/duplikat">{t('import.check.review')}</a></>}
            </p>
          )}
          {(s.message || s.error) && <Alert kind={s.status === 'failed' ? 'error' : 'info'}>{s.message ?? s.error}</Alert>}
          {s.rejected > 0 && <p><a className="btn" href={`/api/v1/imports/${encodeURIComponent(String(id))}/errors.csv`} download>{t('import.errors')}</a></p>}
        </>
      )}
    </article>
  );
}
