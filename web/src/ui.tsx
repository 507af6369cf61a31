/** Small shared pieces: async loading, messages, form fields, dialogs, downloads. */
import { useCallback, useEffect, useId, useRef, useState, type DependencyList, type ReactNode } from 'react';
import { ApiError } from './api';
import { useI18n } from './i18n';

export interface AsyncState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
  setData(d: T): void;
}

/** Runs `fn` when `deps` change; stale answers are ignored. */
export function useAsync<T>(fn: (signal: AbortSignal) => Promise<T>, deps: DependencyList): AsyncState<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const ctl = new AbortController();
    setState((s) => ({ ...s, loading: true, error: undefined }));
    fn(ctl.signal).then(
      (data) => { if (!ctl.signal.aborted) setState({ data, error: undefined, loading: false }); },
      (error: unknown) => { if (!ctl.signal.aborted) setState({ data: undefined, error, loading: false }); },
    );
    return () => ctl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  const setData = useCallback((data: T) => setState({ data, error: undefined, loading: false }), []);
  return { ...state, reload, setData };
}

export function Loading() {
  const { t } = useI18n();
  return <p className="muted" role="status">{t('app.loading')}</p>;
}

export function Alert({ kind = 'info', children, title }: { kind?: 'info' | 'success' | 'error' | 'warning'; children: ReactNode; title?: string }) {
  return (
    <div className={`alert alert-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {title && <strong className="alert-title">{title}</strong>}
      <div>{children}</div>
    </div>
  );
}

/** An error from the API, with "out of scope" for 403/404 so no existence is revealed. */
export function ErrorView({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  if (error instanceof DOMException && error.name === 'AbortError') return null;
  const scoped = error instanceof ApiError && (error.status === 404 || error.status === 403);
  const message = error instanceof ApiError ? error.message : error instanceof Error ? error.message : String(error);
  return (
    <Alert kind="error" title={scoped ? t('app.outOfScope') : t('app.error')}>
      <p>{message}{error instanceof ApiError && !scoped ? ` (HTTP ${error.status})` : ''}</p>
      {onRetry && !scoped && <button type="button" className="btn" onClick={onRetry}>{t('app.retry')}</button>}
    </Alert>
  );
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A labelled control; `children` receives the id to put on the control. */
export function Field({ label, hint, error, children, className }: {
  label: ReactNode; hint?: ReactNode; error?: string | undefined; className?: string;
  children: (props: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ReactNode;
}) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field ${error ? 'field-invalid' : ''} ${className ?? ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, ...(describedBy ? { 'aria-describedby': describedBy } : {}), ...(error ? { 'aria-invalid': true } : {}) })}
      {hint && <small id={`${id}-hint`} className="hint">{hint}</small>}
      {error && <small id={`${id}-err`} className="field-error">{error}</small>}
    </div>
  );
}

/** A modal dialog (native <dialog>: focus is trapped and Escape closes it). */
export function Dialog({ open, title, onClose, children }: { open: boolean; title: string; onClose(): void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const { t } = useI18n();
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} aria-labelledby={titleId} onClose={onClose} className="dialog">
      <div className="dialog-head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="btn btn-ghost" onClick={onClose} aria-label={t('common.close')}>×</button>
      </div>
      {open && children}
    </dialog>
  );
}

/** Saves a Blob under a file name (CSV built in the browser, a chart's PNG). */
export function downloadBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadDataUrl(name: string, dataUrl: string): void {
  const a = document.createElement('a');
  a.href = dataUrl;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** RFC 4180 CSV with a BOM so spreadsheet programs read UTF-8. */
export function toCsv(rows: ReadonlyArray<ReadonlyArray<string | number | null | undefined>>): string {
  const cell = (v: string | number | null | undefined) => {
    const s = v === null || v === undefined ? '' : String(v);
    // Cells that a spreadsheet would run as a formula are prefixed (CSV injection).
    const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
    return /[",\n\r;]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return '\uFEFF' + rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

export function Badge({ tone = 'neutral', children }: { tone?: 'neutral' | 'good' | 'bad' | 'warn' | 'info'; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

/** Heading that receives focus when a page opens, so screen readers announce it. */
export function PageTitle({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => { ref.current?.focus(); }, []);
  return <h1 ref={ref} tabIndex={-1} className="page-title">{children}</h1>;
}
