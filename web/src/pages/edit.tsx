/**
 * Editing a family or a member with optimistic locking. The form sends only the fields
 * that changed, with the version it was loaded at. A 409 means someone saved first: the
 * merge view shows, per field, the value when the form was opened, theirs (now on the
 * server) and yours; conflicting fields need an explicit choice, and the result is sent
 * again with the new version. Nothing is overwritten silently.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError } from '../api';
import { FAMILY_FIELDS, MEMBER_FIELDS, columnOfField, displayValue, fieldLabel, fieldOfColumn, listOf, toInput, type ColumnDef } from '../fields';
import { fmtDateTime } from '../format';
import { useI18n } from '../i18n';
import { href } from '../router';
import { Alert, ErrorView, Loading, PageTitle, errorMessage, useAsync } from '../ui';

type Values = Record<string, string>;

interface Loaded {
  version: number;
  values: Values;
  familyId: number;
  title: string;
}

interface Conflict {
  version: number;
  current: Values;
  changedBy: string | undefined;
  changedAt: string | undefined;
  /** Fields to show: yours or theirs differ from the original. */
  fields: string[];
  choice: Record<string, 'theirs' | 'yours' | undefined>;
}

function valuesOf(defs: readonly ColumnDef[], entity: Record<string, unknown>): Values {
  const out: Values = {};
  for (const d of defs) out[d.field] = toInput(d, entity[d.field]);
  // The family view keeps programs and their periods apart; the form edits `pkh:2025-01;bpnt`.
  if (Array.isArray(entity.programsReceived) && Array.isArray(entity.programsReceivedPeriods)) {
    const periods = entity.programsReceivedPeriods as unknown[];
    out.programsReceived = (entity.programsReceived as unknown[]).map((p, i) => (periods[i] ? `${String(p)}:${String(periods[i])}` : String(p))).join(';');
  }
  return out;
}

/** Field messages from a 400: the import validator's errors (by column or field) or schema issues. */
export function fieldErrorsOf(err: unknown): { byField: Record<string, string>; other: string[] } {
  const byField: Record<string, string> = {};
  const other: string[] = [];
  if (!(err instanceof ApiError)) return { byField, other };
  const visit = (v: unknown) => {
    if (Array.isArray(v)) { v.forEach(visit); return; }
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (typeof o.message === 'string' && (typeof o.field === 'string' || typeof o.column === 'string')) {
      const field = typeof o.field === 'string' ? o.field : fieldOfColumn(o.column as string);
      byField[field] = byField[field] ? `${byField[field]} ${o.message}` : o.message;
      return;
    }
    for (const x of Object.values(o)) if (typeof x === 'object') visit(x);
  };
  visit(err.details);
  for (const i of err.issues ?? []) {
    const m = /\/changes\/([A-Za-z0-9_]+)/.exec(i.path);
    if (m?.[1]) byField[m[1]] = i.message;
    else other.push(`${i.path} ${i.message}`.trim());
  }
  return { byField, other };
}

export function EditPage({ kind, id, familyId }: { kind: 'family' | 'member'; id: number; familyId?: number | undefined }) {
  const { t, lang } = useI18n();
  const defs = kind === 'family' ? FAMILY_FIELDS : MEMBER_FIELDS;
  const path = kind === 'family' ? `/api/v1/families/${id}` : `/api/v1/members/${id}`;
  const loadEntity = async (signal?: AbortSignal): Promise<Loaded> => {
    const e = await api<Record<string, unknown>>(path, signal ? { signal } : {});
    return {
      version: Number(e.version),
      values: valuesOf(defs, e),
      familyId: kind === 'family' ? id : Number(e.familyId ?? familyId),
      title: kind === 'family' ? String(e.kkMasked ?? id) : String(e.fullName ?? id),
    };
  };
  const loaded = useAsync((signal) => loadEntity(signal), [kind, id]);
  const [base, setBase] = useState<Loaded>();
  const [values, setValues] = useState<Values>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ kind: 'success' | 'error' | 'info'; text: ReactNode }>();
  const [conflict, setConflict] = useState<Conflict>();
  const [busy, setBusy] = useState(false);

  if (loaded.data && base === undefined) {
    setBase(loaded.data);
    setValues(loaded.data.values);
  }
  if (loaded.error !== undefined) return <><PageTitle>{kind === 'family' ? t('edit.titleFamily') : t('edit.titleMember')}</PageTitle><ErrorView error={loaded.error} /></>;
  if (!base) return <Loading />;

  const back = href(`/keluarga/${base.familyId || familyId || ''}`);

  async function save(version: number, from: Values, next: Values) {
    const changes: Record<string, string | null> = {};
    for (const d of defs) if ((next[d.field] ?? '') !== (from[d.field] ?? '')) changes[d.field] = next[d.field] === '' ? null : next[d.field]!;
    if (Object.keys(changes).length === 0) { setMessage({ kind: 'info', text: t('edit.noChanges') }); return; }
    setBusy(true);
    setMessage(undefined);
    setErrors({});
    try {
      const r = await api<{ id: number; version: number }>(path, { method: 'PATCH', body: { version, changes } });
      setBase({ ...base!, version: r.version, values: next });
      setValues(next);
      setConflict(undefined);
      setMessage({ kind: 'success', text: <>{t('edit.saved', { version: r.version })} <a href={back}>{t('app.back')}</a></> });
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        await openConflict(err, next);
      } else if (err instanceof ApiError && err.status === 400) {
        const fe = fieldErrorsOf(err);
        setErrors(fe.byField);
        setMessage({ kind: 'error', text: <>{t('edit.invalid')} {err.message}{fe.other.length ? ` (${fe.other.join('; ')})` : ''}</> });
        if (conflict) setConflict({ ...conflict });
      } else {
        setMessage({ kind: 'error', text: errorMessage(err) });
      }
    } finally {
      setBusy(false);
    }
  }

  async function openConflict(err: ApiError, yours: Values) {
    const d = (err.details ?? {}) as { current?: { version?: number; values?: Record<string, unknown> }; changedBy?: string; changedAt?: string };
    let fresh: Loaded;
    try {
      fresh = await loadEntity();
    } catch (e) {
      setMessage({ kind: 'error', text: errorMessage(e) });
      return;
    }
    const current = { ...fresh.values };
    // The server's own view of the current values wins where it gives one.
    for (const [k, v] of Object.entries(d.current?.values ?? {})) {
      const def = columnOfField(k);
      if (def && k in current) current[k] = toInput(def, v);
    }
    const original = base!.values;
    const fields = defs.map((x) => x.field).filter((f) => (yours[f] ?? '') !== (original[f] ?? '') || (current[f] ?? '') !== (original[f] ?? ''));
    const choice: Conflict['choice'] = {};
    for (const f of fields) {
      const mine = (yours[f] ?? '') !== (original[f] ?? '');
      const theirs = (current[f] ?? '') !== (original[f] ?? '');
      // Only a field both sides changed, to different values, needs a person to choose.
      if (mine && theirs && yours[f] !== current[f]) choice[f] = undefined;
      else choice[f] = mine ? 'yours' : 'theirs';
    }
    setConflict({ version: Math.max(fresh.version, d.current?.version ?? 0), current, changedBy: d.changedBy, changedAt: d.changedAt, fields, choice });
    setValues(yours);
    setMessage(undefined);
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    void save(base!.version, base!.values, values);
  }

  function resubmit(e: FormEvent) {
    e.preventDefault();
    if (!conflict) return;
    const next = { ...conflict.current };
    for (const f of conflict.fields) if (conflict.choice[f] === 'yours') next[f] = values[f] ?? '';
    // From here on the server's current state is the form's starting point.
    setBase({ ...base!, version: conflict.version, values: conflict.current });
    void save(conflict.version, conflict.current, next);
  }

  const undecided = conflict ? conflict.fields.filter((f) => conflict.choice[f] === undefined) : [];

  return (
    <>
      <PageTitle>{kind === 'family' ? t('edit.titleFamily') : t('edit.titleMember')}: {base.title}</PageTitle>
      <p><a href={back}>{t('app.back')}</a> · {t('common.version')} <span data-testid="edit-version">{base.version}</span></p>
      {message && <Alert kind={message.kind}>{message.text}</Alert>}

      {conflict && (
        <form className="card conflict" onSubmit={resubmit} aria-labelledby="conflict-h" data-testid="merge-view">
          <h2 id="conflict-h">{t('edit.conflictTitle')}</h2>
          <Alert kind="warning">
            {t('edit.conflictText', {
              who: conflict.changedBy ?? t('edit.someone'),
              when: conflict.changedAt ? fmtDateTime(lang, conflict.changedAt) : '–',
              version: conflict.version,
            })}
          </Alert>
          <div className="table-wrap">
            <table className="table merge-table">
              <thead>
                <tr>
                  <th scope="col">{t('common.field')}</th>
                  <th scope="col">{t('edit.col.original')}</th>
                  <th scope="col">{t('edit.col.theirs')}</th>
                  <th scope="col">{t('edit.col.yours')}</th>
                  <th scope="col">{t('edit.col.choice')}</th>
                </tr>
              </thead>
              <tbody>
                {conflict.fields.map((f) => {
                  const needsChoice = (values[f] ?? '') !== (base.values[f] ?? '') && (conflict.current[f] ?? '') !== (base.values[f] ?? '') && values[f] !== conflict.current[f];
                  const name = `choice-${f}`;
                  return (
                    <tr key={f} className={needsChoice ? 'conflict-row' : ''} data-field={f}>
                      <th scope="row">{fieldLabel(lang, f)}{needsChoice && <> <span className="badge badge-bad">{t('edit.conflictField')}</span></>}</th>
                      <td>{displayValue(lang, f, base.values[f])}</td>
                      <td>{displayValue(lang, f, conflict.current[f])}</td>
                      <td>{displayValue(lang, f, values[f])}</td>
                      <td>
                        <fieldset className="choice">
                          <legend className="visually-hidden">{fieldLabel(lang, f)}</legend>
                          <label><input type="radio" name={name} value="theirs" checked={conflict.choice[f] === 'theirs'}
                            onChange={() => setConflict({ ...conflict, choice: { ...conflict.choice, [f]: 'theirs' } })} /> {t('edit.useTheirs')}</label>
                          <label><input type="radio" name={name} value="yours" checked={conflict.choice[f] === 'yours'}
                            onChange={() => setConflict({ ...conflict, choice: { ...conflict.choice, [f]: 'yours' } })} /> {t('edit.useYours')}</label>
                        </fieldset>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {undecided.length > 0 && <p className="hint" id="conflict-hint">{t('edit.chooseAll')}</p>}
          <div className="actions">
            <button type="submit" className="btn btn-primary" disabled={busy || undecided.length > 0} aria-describedby={undecided.length > 0 ? 'conflict-hint' : undefined}>
              {t('edit.resubmit', { version: conflict.version })}
            </button>
            <button type="button" className="btn" onClick={() => { setBase({ ...base, version: conflict.version, values: conflict.current }); setValues(conflict.current); setConflict(undefined); }}>
              {t('edit.discard')}
            </button>
          </div>
        </form>
      )}

      {!conflict && (
        <form className="card" onSubmit={submit} noValidate aria-label={kind === 'family' ? t('edit.titleFamily') : t('edit.titleMember')}>
          <div className="form-grid">
            {defs.map((d) => (
              <FieldInput key={d.field} def={d} value={values[d.field] ?? ''} error={errors[d.field]}
                onChange={(v) => setValues((old) => ({ ...old, [d.field]: v }))} />
            ))}
          </div>
          <div className="actions sticky-actions">
            <button type="submit" className="btn btn-primary" disabled={busy}>{t('common.save')}</button>
            <a className="btn" href={back}>{t('common.cancel')}</a>
          </div>
        </form>
      )}
    </>
  );
}

function FieldInput({ def, value, error, onChange }: { def: ColumnDef; value: string; error: string | undefined; onChange(v: string): void }) {
  const { lang, t } = useI18n();
  const id = `f-${def.field}`;
  const label = fieldLabel(lang, def.field);
  const hint = lang === 'id' ? def.description : undefined;
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
  const common = { id, name: def.field, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined } as const;
  const list = listOf(def);
  let control: ReactNode;
  if (def.kind.type === 'enum' && list) {
    control = (
      <select {...common} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('common.choose')}</option>
        {list.entries.map((e) => <option key={e.code} value={e.code}>{e[lang]}</option>)}
        {value && !list.entries.some((e) => e.code === value) && <option value={value}>{value}</option>}
      </select>
    );
  } else if (def.kind.type === 'bool') {
    control = (
      <select {...common} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('common.choose')}</option>
        <option value="ya">{t('common.yes')}</option>
        <option value="tidak">{t('common.no')}</option>
      </select>
    );
  } else if (def.kind.type === 'enum_set' && list) {
    const chosen = new Set(value.split(';').filter(Boolean));
    return (
      <fieldset className={`field field-set ${error ? 'field-invalid' : ''}`} aria-describedby={describedBy}>
        <legend>{label}</legend>
        <div className="checks">
          {list.entries.map((e) => (
            <label key={e.code}>
              <input type="checkbox" name={def.field} value={e.code} checked={chosen.has(e.code)}
                onChange={(ev) => {
                  const next = new Set(chosen);
                  if (ev.target.checked) next.add(e.code); else next.delete(e.code);
                  onChange(list.entries.map((x) => x.code).filter((c) => next.has(c)).join(';'));
                }} /> {e[lang]}
            </label>
          ))}
        </div>
        {hint && <small id={`${id}-hint`} className="hint">{hint}</small>}
        {error && <small id={`${id}-err`} className="field-error">{error}</small>}
      </fieldset>
    );
  } else {
    const numeric = def.kind.type === 'int' || def.kind.type === 'power';
    control = <input {...common} type="text" inputMode={numeric ? 'numeric' : undefined} value={value} onChange={(e) => onChange(e.target.value)} />;
  }
  return (
    <div className={`field ${error ? 'field-invalid' : ''}`}>
      <label htmlFor={id}>{label}{def.required ? ' *' : ''}</label>
      {control}
      {hint && <small id={`${id}-hint`} className="hint">{hint}</small>}
      {error && <small id={`${id}-err`} className="field-error">{error}</small>}
    </div>
  );
}
