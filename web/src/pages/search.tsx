/** Search by NIK (blind index) or by name (fuzzy) within a region; export; browse families. */
import { useState, type FormEvent } from 'react';
import { api, qs } from '../api';
import { codeLabel, useI18n } from '../i18n';
import { RegionPicker } from '../regions';
import { href, type Route } from '../router';
import { can, useSession } from '../session';
import { ErrorView, Field, PageTitle } from '../ui';
import { relationship, sex } from '../../../src/registry/codes';
import { fmtNumber } from '../format';

export interface SearchItem {
  memberId: number;
  familyId: number;
  villageCode: string;
  nameMasked: string;
  sex: string;
  birthYear: number | null;
  relationship: string;
  score?: number | null;
}

interface FamilyListItem {
  id: number; villageCode: string; kkMasked: string; rt: string | null; rw: string | null; headName: string | null; memberCount: number; updatedAt: string;
}

/** Results survive a visit to a family page and back (memory only: no identifiers in the URL or storage). */
let lastSearch: { kind: 'nik' | 'name'; items: SearchItem[]; truncated: boolean; region: string; name: string } | undefined;

export function SearchPage({ route }: { route: Route }) {
  const { t, lang } = useI18n();
  const { me } = useSession();
  const [nik, setNik] = useState('');
  const [name, setName] = useState(lastSearch?.name ?? '');
  const [region, setRegion] = useState(route.query.get('wilayah') ?? lastSearch?.region ?? '');
  const [nikError, setNikError] = useState<string>();
  const [nameError, setNameError] = useState<string>();
  const [result, setResult] = useState(lastSearch);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  async function run(kind: 'nik' | 'name', query: string) {
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    try {
      const r = await api<{ items: SearchItem[]; truncated?: boolean }>(`/api/v1/search/members${qs(kind === 'nik' ? { nik: query } : { name: query, region: region || undefined, limit: 50 })}`);
      lastSearch = { kind, items: r.items, truncated: r.truncated === true, region, name: kind === 'name' ? query : name };
      setResult(lastSearch);
    } catch (e) {
      setError(e);
      setResult(undefined);
    } finally {
      setBusy(false);
    }
  }

  function searchNik(e: FormEvent) {
    e.preventDefault();
    const digits = nik.replace(/[\s.-]/g, '');
    if (!/^\d{16}$/.test(digits)) { setNikError(t('search.nikInvalid')); return; }
    setNikError(undefined);
    void run('nik', digits);
  }

  function searchName(e: FormEvent) {
    e.preventDefault();
    if (name.trim().length < 2) { setNameError(t('search.nameShort')); return; }
    setNameError(undefined);
    void run('name', name.trim());
  }

  return (
    <>
      <PageTitle>{t('search.title')}</PageTitle>
      <div className="grid-2">
        <form className="card" onSubmit={searchNik} aria-labelledby="nik-h" noValidate>
          <h2 id="nik-h">{t('search.byNik')}</h2>
          <Field label={t('search.nik')} hint={t('search.nikHint')} error={nikError}>
            {(p) => <input {...p} name="nik" inputMode="numeric" autoComplete="off" maxLength={24} value={nik} onChange={(e) => setNik(e.target.value)} />}
          </Field>
          <button type="submit" className="btn btn-primary" disabled={busy}>{t('common.search')}</button>
        </form>
        <form className="card" onSubmit={searchName} aria-labelledby="name-h" noValidate>
          <h2 id="name-h">{t('search.byName')}</h2>
          <Field label={t('search.name')} hint={t('search.nameHint')} error={nameError}>
            {(p) => <input {...p} name="name" autoComplete="off" maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <RegionPicker scope={me.scope} value={region} onChange={setRegion} idPrefix="search-region" />
          <button type="submit" className="btn btn-primary" disabled={busy}>{t('common.search')}</button>
        </form>
      </div>

      {error !== undefined && <ErrorView error={error} />}
      {result && (
        <section className="card" aria-labelledby="res-h" aria-live="polite">
          <h2 id="res-h">{t('search.results')} ({fmtNumber(lang, result.items.length)})</h2>
          {result.truncated && <p className="hint">{t('search.truncated')}</p>}
          {result.items.length === 0 ? <p>{t('search.noResults')}</p> : (
            <div className="table-wrap">
              <table className="table" data-testid="search-results">
                <thead>
                  <tr>
                    <th scope="col">{t('search.col.name')}</th>
                    <th scope="col">{t('search.col.village')}</th>
                    <th scope="col">{t('search.col.sex')}</th>
                    <th scope="col">{t('search.col.birthYear')}</th>
                    <th scope="col">{t('search.col.relationship')}</th>
                    {result.kind === 'name' && <th scope="col">{t('search.col.score')}</th>}
                    <th scope="col"><span className="visually-hidden">{t('search.openFamily')}</span></th>
                  </tr>
                </thead>
                <tbody>
                  {result.items.map((i) => (
                    <tr key={i.memberId}>
                      <td>{i.nameMasked}</td>
                      <td><code>{i.villageCode}</code></td>
                      <td>{codeLabel(lang, sex.entries.find((e) => e.code === i.sex), i.sex)}</td>
                      <td>{i.birthYear ?? '–'}</td>
                      <td>{codeLabel(lang, relationship.entries.find((e) => e.code === i.relationship), i.relationship)}</td>
                      {result.kind === 'name' && <td>{typeof i.score === 'number' ? fmtNumber(lang, i.score * (i.score <= 1 ? 100 : 1), 0) + (i.score <= 1 ? '%' : '') : '–'}</td>}
                      <td><a href={href(`/keluarga/${i.familyId}`)}>{t('search.openFamily')}</a></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}

      <FamilyBrowser region={region} />

      {can(me, 'registry.export') && (
        <section className="card" aria-labelledby="exp-h">
          <h2 id="exp-h">{t('search.export')}</h2>
          <p className="hint">{t('search.exportHint')}</p>
          <div className="actions">
            <a className="btn" href={`/api/v1/families/export${qs({ region: region || me.scope, format: 'csv' })}`} download>{t('search.exportCsv')}</a>
            <a className="btn" href={`/api/v1/families/export${qs({ region: region || me.scope, format: 'xlsx' })}`} download>{t('search.exportXlsx')}</a>
          </div>
        </section>
      )}
    </>
  );
}

/** A page at a time of the families in the chosen region (masked). */
function FamilyBrowser({ region }: { region: string }) {
  const { t, lang } = useI18n();
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<FamilyListItem[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const [shownRegion, setShownRegion] = useState<string>();

  async function load(cursor?: string) {
    setError(undefined);
    try {
      const r = await api<{ items: FamilyListItem[]; next: string | null }>(`/api/v1/families${qs({ region: region || undefined, limit: 25, cursor })}`);
      setItems((prev) => (cursor ? [...prev, ...r.items] : r.items));
      setNext(r.next);
      setShownRegion(region);
    } catch (e) {
      setError(e);
    }
  }

  return (
    <section className="card" aria-labelledby="browse-h">
      <h2 id="browse-h">{t('search.families')}</h2>
      {(!open || shownRegion !== region) && (
        <button type="button" className="btn" onClick={() => { setOpen(true); void load(); }}>{t('common.open')}</button>
      )}
      {error !== undefined && <ErrorView error={error} />}
      {open && shownRegion === region && (
        items.length === 0 ? <p>{t('common.empty')}</p> : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('family.kk')}</th>
                  <th scope="col">{t('family.col.name')}</th>
                  <th scope="col">{t('family.village')}</th>
                  <th scope="col">{t('family.rtrw')}</th>
                  <th scope="col">{t('family.members')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((f) => (
                  <tr key={f.id}>
                    <td><a href={href(`/keluarga/${f.id}`)}>{f.kkMasked}</a></td>
                    <td>{f.headName ?? '–'}</td>
                    <td><code>{f.villageCode}</code></td>
                    <td>{f.rt ?? '–'}/{f.rw ?? '–'}</td>
                    <td>{fmtNumber(lang, f.memberCount)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {next && <button type="button" className="btn" onClick={() => void load(next)}>{t('common.more')}</button>}
          </div>
        )
      )}
    </section>
  );
}
