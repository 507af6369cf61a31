/**
 * A family: members (identifiers masked, reveal with a purpose), civil-registry
 * verification per member, eligibility decisions with their reasons, housing and
 * assets, and the change history from the audit trail.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api';
import { FAMILY_FIELDS, displayValue, fieldLabel } from '../fields';
import { fmtDate, fmtDateTime, fmtRupiah } from '../format';
import { codeLabel, useI18n, type MessageKey } from '../i18n';
import { RegionLabel } from '../regions';
import { href } from '../router';
import { can, useSession } from '../session';
import { Alert, Badge, Dialog, ErrorView, Field, Loading, PageTitle, errorMessage, useAsync } from '../ui';
import { presenceStatus, relationship, sex } from '../../../src/registry/codes';

export interface MemberView {
  id: number; familyId: number; fullName: string; sex: string; birthPlace: string | null; birthDate: string | null;
  relationship: string; presenceStatus: string | null; nikMasked: string | null; phoneMasked: string | null;
  nikWarnings: unknown; version: number; updatedAt: string;
  [field: string]: unknown;
}

export interface FamilyView {
  id: number; regencyCode: string; villageCode: string; rt: string | null; rw: string | null; kkMasked: string;
  phoneMasked: string | null; hasAddress: boolean; kkWarnings: unknown; version: number; createdAt: string; updatedAt: string;
  members: MemberView[];
  [field: string]: unknown;
}

interface Verification { id: number; checkedAt: string; outcome: string; nikStatus: string | null; source: string }

interface HistoryItem { at: string; actor: string; action: string; fields: Array<{ field: string; before?: unknown; after?: unknown }> }

interface Condition { id: string; passed: boolean | null; failReason: string }
interface ProgramEligibility {
  program: string; name: string; shortName: string;
  decision: { cycle: string; ruleVersion: string; result: string; status: string; amountPerYear: number; reasons: string[]; summary: string; decidedAt: string } | null;
  evaluation: { ruleVersion: string; result: string; status: string; amountPerYear: number; reasons: string[]; summary: string; conditions: Condition[]; note: string | null };
}
interface Eligibility {
  familyId: number; cycle: string;
  ranking: { desil: number | null; bps14Count: number | null; bps14Criteria: string[]; referenceDate: string; method: string } | null;
  programs: ProgramEligibility[];
}

const VERIF_TONE: Record<string, 'good' | 'bad' | 'warn'> = { verified: 'good', mismatch: 'warn', not_found: 'bad', deceased: 'bad' };

function warningsOf(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  return v.map((w) => (typeof w === 'string' ? w : typeof w === 'object' && w && 'message' in w ? String((w as { message: unknown }).message) : JSON.stringify(w)));
}

export function FamilyPage({ id }: { id: number }) {
  const { t, lang } = useI18n();
  const { me } = useSession();
  const family = useAsync((signal) => api<FamilyView>(`/api/v1/families/${id}`, { signal }), [id]);
  const [reveal, setReveal] = useState<MemberView | undefined>();

  if (family.loading && !family.data) return <Loading />;
  if (family.error !== undefined) {
    const scoped = family.error instanceof ApiError && (family.error.status === 404 || family.error.status === 403);
    return (
      <>
        <PageTitle>{t('family.title')} #{id}</PageTitle>
        {scoped ? <Alert kind="error" title={t('app.outOfScope')}>{errorMessage(family.error)}</Alert> : <ErrorView error={family.error} onRetry={family.reload} />}
        <p><a href={href('/cari')}>{t('app.back')}</a></p>
      </>
    );
  }
  const f = family.data!;
  const kkWarnings = warningsOf(f.kkWarnings);
  return (
    <>
      <PageTitle>{t('family.title')} {f.kkMasked}</PageTitle>
      <section className="card" aria-label={t('family.title')}>
        <dl className="facts">
          <div><dt>{t('family.kk')}</dt><dd>{f.kkMasked}</dd></div>
          <div><dt>{t('family.village')}</dt><dd><RegionLabel code={f.villageCode} /></dd></div>
          <div><dt>{t('family.rtrw')}</dt><dd>{f.rt ?? '–'}/{f.rw ?? '–'}</dd></div>
          <div><dt>{t('family.phone')}</dt><dd>{f.phoneMasked ?? '–'}</dd></div>
          <div><dt>{t('common.version')}</dt><dd data-testid="family-version">{f.version}</dd></div>
          <div><dt>{t('common.updated')}</dt><dd>{fmtDateTime(lang, f.updatedAt)}</dd></div>
        </dl>
        {kkWarnings.length > 0 && <Alert kind="warning" title={t('family.warnings')}><ul>{kkWarnings.map((w) => <li key={w}>{w}</li>)}</ul></Alert>}
        {can(me, 'registry.edit') && <p className="actions"><a className="btn btn-primary" href={href(`/keluarga/${f.id}/ubah`)}>{t('family.edit')}</a></p>}
      </section>

      <Members family={f} onReveal={setReveal} />
      <EligibilitySection id={f.id} />

      <section className="card" aria-labelledby="housing-h">
        <h2 id="housing-h">{t('family.housing')}</h2>
        <dl className="facts facts-compact">
          {FAMILY_FIELDS.filter((c) => !['rt', 'rw'].includes(c.field)).map((c) => (
            <div key={c.field}><dt>{fieldLabel(lang, c.field)}</dt><dd>{displayValue(lang, c.field, f[c.field])}</dd></div>
          ))}
        </dl>
      </section>

      <HistorySection id={f.id} />

      <Dialog open={reveal !== undefined} title={t('reveal.title')} onClose={() => setReveal(undefined)}>
        {reveal && <RevealForm member={reveal} />}
      </Dialog>
    </>
  );
}

function Members({ family, onReveal }: { family: FamilyView; onReveal(m: MemberView): void }) {
  const { t, lang } = useI18n();
  const { me } = useSession();
  const [verifs, setVerifs] = useState<Record<number, Verification | null | 'error'>>({});
  const [verifyMsg, setVerifyMsg] = useState<{ kind: 'success' | 'error' | 'info'; text: string }>();

  useEffect(() => {
    let live = true;
    for (const m of family.members) {
      api<{ items: Verification[] }>(`/api/v1/civil/members/${m.id}/verifications`).then(
        (r) => { if (live) setVerifs((v) => ({ ...v, [m.id]: r.items[0] ?? null })); },
        () => { if (live) setVerifs((v) => ({ ...v, [m.id]: 'error' })); },
      );
    }
    return () => { live = false; };
  }, [family]);

  async function verify(m: MemberView) {
    setVerifyMsg(undefined);
    try {
      const r = await api<{ status: string; outcome?: string; message?: string; checkedAt?: string }>(`/api/v1/civil/members/${m.id}/verify`, { method: 'POST', body: {} });
      if (r.status === 'done') {
        setVerifs((v) => ({ ...v, [m.id]: { id: 0, checkedAt: r.checkedAt ?? new Date().toISOString(), outcome: r.outcome ?? '', nikStatus: null, source: '' } }));
        setVerifyMsg({ kind: 'success', text: `${m.fullName}: ${t(`verif.${r.outcome}` as MessageKey)}` });
      } else {
        setVerifyMsg({ kind: 'info', text: r.message ?? '' });
      }
    } catch (e) {
      setVerifyMsg({ kind: 'error', text: errorMessage(e) });
    }
  }

  return (
    <section className="card" aria-labelledby="members-h">
      <h2 id="members-h">{t('family.members')}</h2>
      {verifyMsg && <Alert kind={verifyMsg.kind}>{verifyMsg.text}</Alert>}
      <div className="table-wrap">
        <table className="table" data-testid="members">
          <thead>
            <tr>
              <th scope="col">{t('family.col.name')}</th>
              <th scope="col">{t('family.col.nik')}</th>
              <th scope="col">{t('family.col.birth')}</th>
              <th scope="col">{t('family.col.verification')}</th>
              <th scope="col">{t('family.col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {family.members.map((m) => {
              const v = verifs[m.id];
              const warnings = warningsOf(m.nikWarnings);
              return (
                <tr key={m.id}>
                  <th scope="row">
                    {m.fullName}
                    <small className="cell-sub">
                      {codeLabel(lang, relationship.entries.find((e) => e.code === m.relationship), m.relationship)}
                      {' · '}{codeLabel(lang, presenceStatus.entries.find((e) => e.code === m.presenceStatus), m.presenceStatus ?? '–')}
                    </small>
                  </th>
                  <td>{m.nikMasked ?? '–'}{warnings.length > 0 && <small className="cell-sub warn-mark">{t('family.warnings')}: {warnings.join('; ')}</small>}</td>
                  <td>
                    {codeLabel(lang, sex.entries.find((e) => e.code === m.sex), m.sex)}
                    <small className="cell-sub">{m.birthPlace ? `${m.birthPlace}, ` : ''}{fmtDate(lang, m.birthDate)}</small>
                  </td>
                  <td>
                    {v === undefined ? '…' : v === 'error' ? '–' : v === null ? <Badge>{t('family.notVerified')}</Badge> : (
                      <Badge tone={VERIF_TONE[v.outcome] ?? 'neutral'}>{t(`verif.${v.outcome}` as MessageKey)} · {fmtDate(lang, v.checkedAt)}</Badge>
                    )}
                  </td>
                  <td className="row-actions">
                    {can(me, 'registry.reveal') && <button type="button" className="btn btn-small" onClick={() => onReveal(m)}>{t('family.reveal')}</button>}
                    {can(me, 'registry.edit') && <a className="btn btn-small" href={href(`/anggota/${m.id}/ubah?keluarga=${family.id}`)}>{t('family.editMember')}</a>}
                    {can(me, 'civil.verify') && m.nikMasked && <button type="button" className="btn btn-small" onClick={() => void verify(m)}>{t('family.verifyNow')}</button>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function RevealForm({ member }: { member: MemberView }) {
  const { t } = useI18n();
  const [purpose, setPurpose] = useState('');
  const [error, setError] = useState<string>();
  const [result, setResult] = useState<{ fullName: string; nik: string | null; phone: string | null }>();
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    try {
      setResult(await api(`/api/v1/members/${member.id}/reveal`, { body: { purpose } }));
    } catch (err) {
      const issues = err instanceof ApiError && err.issues?.length ? `: ${err.issues.map((i) => i.message).join('; ')}` : '';
      setError(errorMessage(err) + issues);
    }
  }
  if (result) {
    return (
      <div>
        <p className="hint">{t('reveal.logged')}</p>
        <dl className="facts" data-testid="revealed">
          <div><dt>{t('family.col.name')}</dt><dd>{result.fullName}</dd></div>
          <div><dt>{t('family.col.nik')}</dt><dd>{result.nik ?? '–'}</dd></div>
          <div><dt>{t('family.phone')}</dt><dd>{result.phone ?? '–'}</dd></div>
        </dl>
      </div>
    );
  }
  return (
    <form onSubmit={submit}>
      <p>{member.fullName} · {member.nikMasked ?? '–'}</p>
      <Field label={t('reveal.purpose')} hint={t('reveal.purposeHint')} error={error}>
        {(p) => <textarea {...p} name="purpose" required minLength={10} maxLength={300} rows={3} value={purpose} onChange={(e) => setPurpose(e.target.value)} autoFocus />}
      </Field>
      <button type="submit" className="btn btn-primary">{t('reveal.submit')}</button>
    </form>
  );
}

function EligibilitySection({ id }: { id: number }) {
  const { t, lang } = useI18n();
  const el = useAsync((signal) => api<Eligibility>(`/api/v1/families/${id}/eligibility`, { signal }), [id]);
  return (
    <section className="card" aria-labelledby="elig-h">
      <h2 id="elig-h">{t('family.eligibility')}</h2>
      {el.loading && <Loading />}
      {el.error !== undefined && <ErrorView error={el.error} onRetry={el.reload} />}
      {el.data && (
        <>
          {el.data.ranking && (
            <p>
              <strong>{t('family.ranking')}:</strong> {t('family.desil')} {el.data.ranking.desil ?? '–'} · {t('family.bps14')}: {el.data.ranking.bps14Count ?? '–'}
              {el.data.ranking.bps14Criteria.length > 0 && <span className="hint"> ({el.data.ranking.bps14Criteria.join(', ')})</span>}
            </p>
          )}
          <div className="programs">
            {el.data.programs.map((p) => (
              <article key={p.program} className="program" aria-labelledby={`prog-${p.program}`}>
                <h3 id={`prog-${p.program}`}>{p.name}</h3>
                <div className="program-cols">
                  <div>
                    <h4>{t('family.storedDecision')}</h4>
                    {p.decision ? (
                      <>
                        <p><Badge tone={p.decision.result === 'layak' ? 'good' : 'neutral'}>{statusLabel(t, p.decision.status)}</Badge> · {p.decision.cycle}</p>
                        <p>{p.decision.summary}</p>
                        {p.decision.reasons.length > 0 && <ul>{p.decision.reasons.map((r) => <li key={r}>{r}</li>)}</ul>}
                        {p.decision.amountPerYear > 0 && <p>{t('family.amountYear')}: {fmtRupiah(lang, p.decision.amountPerYear)}</p>}
                      </>
                    ) : <p className="muted">{t('family.noDecision')}</p>}
                  </div>
                  <div>
                    <h4>{t('family.liveEvaluation')}</h4>
                    <p><Badge tone={p.evaluation.result === 'layak' ? 'good' : 'neutral'}>{statusLabel(t, p.evaluation.status)}</Badge></p>
                    <p>{p.evaluation.summary}</p>
                    {p.evaluation.reasons.length > 0 && <ul>{p.evaluation.reasons.map((r) => <li key={r}>{r}</li>)}</ul>}
                    {p.evaluation.amountPerYear > 0 && <p>{t('family.amountYear')}: {fmtRupiah(lang, p.evaluation.amountPerYear)}</p>}
                    {p.evaluation.conditions.length > 0 && (
                      <details>
                        <summary>{t('family.conditions')} ({p.evaluation.conditions.filter((c) => c.passed).length}/{p.evaluation.conditions.length})</summary>
                        <ul className="conditions">
                          {p.evaluation.conditions.map((c) => (
                            <li key={c.id}><span aria-hidden="true">{c.passed ? '✓' : c.passed === false ? '✗' : '?'}</span> <code>{c.id}</code>{c.passed === false && c.failReason ? ` — ${c.failReason}` : ''}</li>
                          ))}
                        </ul>
                      </details>
                    )}
                    {p.evaluation.note && <p className="hint">{p.evaluation.note}</p>}
                  </div>
                </div>
              </article>
            ))}
          </div>
        </>
      )}
    </section>
  );
}

function actionLabel(t: (k: MessageKey) => string, action: string): string {
  const key = `history.${action}` as MessageKey;
  const s = t(key);
  return s === key ? action : s;
}

function statusLabel(t: (k: MessageKey) => string, status: string): string {
  const key = `elig.status.${status}` as MessageKey;
  const s = t(key);
  return s === key ? status : s;
}

function HistorySection({ id }: { id: number }) {
  const { t, lang } = useI18n();
  const h = useAsync((signal) => api<{ items: HistoryItem[] }>(`/api/v1/families/${id}/history`, { signal }), [id]);
  return (
    <section className="card" aria-labelledby="hist-h">
      <h2 id="hist-h">{t('family.history')}</h2>
      {h.loading && <Loading />}
      {h.error !== undefined && <ErrorView error={h.error} onRetry={h.reload} />}
      {h.data && (h.data.items.length === 0 ? <p>{t('family.noHistory')}</p> : (
        <ol className="timeline" data-testid="history">
          {h.data.items.map((item, i) => (
            <li key={i}>
              <p className="timeline-head"><time dateTime={item.at}>{fmtDateTime(lang, item.at)}</time> · <strong>{item.actor}</strong> · {actionLabel(t, item.action)}</p>
              {item.fields.length > 0 && (
                <ul className="timeline-fields">
                  {item.fields.map((fc, j) => (
                    <li key={j}>
                      {fieldLabel(lang, fc.field)}: {'before' in fc ? <del>{displayValue(lang, fc.field, fc.before)}</del> : null}
                      {'before' in fc && 'after' in fc ? ' → ' : ''}
                      {'after' in fc ? <ins>{displayValue(lang, fc.field, fc.after)}</ins> : null}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ol>
      ))}
    </section>
  );
}
