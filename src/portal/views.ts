/**
 * The portal's pages: plain HTML forms that work without JavaScript, one column at
 * 360 px, labels tied to every control, errors listed at the top and at the field,
 * Bahasa Indonesia first with an English switch. Pure functions: data in, HTML out.
 */
import { escapeHtml, html, raw, type Html } from './html.js';
import { formatDate, formatNumber, formatPeriod, t, type Lang, type MessageKey } from './i18n.js';
import { desilLabel, kindLabel, programLabel, programShort, stateLabel, statusLabel } from './labels.js';
import { PORTAL_PROGRAMS } from './program-status.js';
import type { CheckResult } from './check-status.js';
import type { IssuedChallenge } from './challenge.js';
import type { RegionEntry } from './regions.js';
import type { RegionStatistics } from './statistics.js';
import type { TrackingView } from './track-submission.js';
import { formatTrackingCode } from './tracking-code.js';
import { categoryLabel, PENGADUAN_CATEGORIES, SANGGAH_CATEGORIES, USUL_CATEGORIES, type Labelled } from './categories.js';

export interface PageContext {
  readonly lang: Lang;
  /** Path and query of this page, for the language switch to come back to. */
  readonly path: string;
  /** Mount point of the portal ('' for the site root). */
  readonly base: string;
  readonly assets: { css: string; js: string };
}

export interface FieldError {
  /** Id of the control, for the link in the summary. */
  readonly field: string;
  readonly message: MessageKey;
}

export type Values = Readonly<Record<string, string | undefined>>;

const u = (pc: PageContext, path: string) => `${pc.base}${path}`;

export function layout(pc: PageContext, title: string, body: Html, opts: { pow?: boolean } = {}): string {
  const other: Lang = pc.lang === 'id' ? 'en' : 'id';
  const toggle = `${u(pc, '/bahasa')}?ke=${other}&kembali=${encodeURIComponent(pc.path)}`;
  return html`<!doctype html>
<html lang="${pc.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} · Tepat</title><link rel="stylesheet" href="${pc.assets.css}"></head>
<body><a class="skip" href="#isi">${t(pc.lang, 'skip')}</a>
<header><a class="brand" href="${u(pc, '/')}">${t(pc.lang, 'siteName')}</a>
<nav aria-label="${t(pc.lang, 'langNav')}"><a href="${toggle}" lang="${other}" hreflang="${other}">${t(pc.lang, 'otherLang')}</a></nav></header>
<main id="isi">${body}</main>
<footer><p>${t(pc.lang, 'footer')}</p><p><a href="${u(pc, '/')}">${t(pc.lang, 'home')}</a></p></footer>
${opts.pow ? html`<script src="${pc.assets.js}" defer></script>` : ''}
</body></html>
`.value;
}

// ------------------------------------------------------------------ components

function errorSummary(lang: Lang, errors: readonly FieldError[]): Html | '' {
  if (errors.length === 0) return '';
  return html`<div class="alert" role="alert" tabindex="-1" id="galat"><h2>${t(lang, 'fixErrors')}</h2><ul>
${errors.map((e) => html`<li><a href="#${e.field}">${t(lang, e.message)}</a></li>`)}</ul></div>`;
}

function errorOf(errors: readonly FieldError[], field: string): FieldError | undefined {
  return errors.find((e) => e.field === field);
}

interface InputOpts {
  id: string; name?: string; label: string; hint?: string; value?: string | undefined; type?: string;
  autocomplete?: string; inputmode?: string; maxlength?: number; accept?: string;
}

function input(lang: Lang, errors: readonly FieldError[], o: InputOpts): Html {
  const err = errorOf(errors, o.id);
  const described = [o.hint ? `${o.id}-hint` : '', err ? `${o.id}-error` : ''].filter(Boolean).join(' ');
  const attrs = [
    o.type === 'file' ? '' : ` value="${escapeHtml(o.value ?? '')}"`,
    o.autocomplete ? ` autocomplete="${o.autocomplete}"` : '', o.inputmode ? ` inputmode="${o.inputmode}"` : '',
    o.maxlength ? ` maxlength="${o.maxlength}"` : '', o.accept ? ` accept="${o.accept}"` : '',
    described ? ` aria-describedby="${described}"` : '', err ? ' aria-invalid="true"' : '',
  ].join('');
  return html`<label for="${o.id}">${o.label}</label>
${o.hint ? html`<span class="hint" id="${o.id}-hint">${o.hint}</span>` : ''}
${err ? html`<p class="error" id="${o.id}-error">${t(lang, err.message)}</p>` : ''}
<input type="${o.type ?? 'text'}" id="${o.id}" name="${o.name ?? o.id}"${raw(attrs)}>`;
}

function textarea(lang: Lang, errors: readonly FieldError[], o: { id: string; label: string; hint?: string; value?: string | undefined; maxlength: number }): Html {
  const err = errorOf(errors, o.id);
  const described = [o.hint ? `${o.id}-hint` : '', err ? `${o.id}-error` : ''].filter(Boolean).join(' ');
  return html`<label for="${o.id}">${o.label}</label>
${o.hint ? html`<span class="hint" id="${o.id}-hint">${o.hint}</span>` : ''}
${err ? html`<p class="error" id="${o.id}-error">${t(lang, err.message)}</p>` : ''}
<textarea id="${o.id}" name="${o.id}" maxlength="${o.maxlength}" required${raw(described ? ` aria-describedby="${described}"` : '')}${raw(err ? ' aria-invalid="true"' : '')}>${o.value ?? ''}</textarea>`;
}

function radios(lang: Lang, errors: readonly FieldError[], o: { name: string; legend: string; options: readonly Labelled<string>[]; checked?: string | undefined }): Html {
  const err = errorOf(errors, o.name);
  return html`<fieldset id="${o.name}"${raw(err ? ` aria-describedby="${o.name}-error"` : '')}><legend>${o.legend}</legend>
${err ? html`<p class="error" id="${o.name}-error">${t(lang, err.message)}</p>` : ''}
${o.options.map((c, i) => html`<label class="choice" for="${o.name}-${i}"><input type="radio" id="${o.name}-${i}" name="${o.name}" value="${c.code}"${raw(o.checked === c.code ? ' checked' : '')} required> ${c[lang]}</label>`)}
</fieldset>`;
}

function select(o: { id: string; label: string; options: ReadonlyArray<{ value: string; label: string }>; selected?: string | undefined; placeholder?: string }): Html {
  return html`<label for="${o.id}">${o.label}</label>
<select id="${o.id}" name="${o.id}">${o.placeholder !== undefined ? html`<option value="">${o.placeholder}</option>` : ''}${o.options.map((x) => html`<option value="${x.value}"${raw(x.value === o.selected ? ' selected' : '')}>${x.label}</option>`)}</select>`;
}

/** The challenge block: solved by pow.js, or accepted after a wait without JavaScript. */
export function challengeBlock(lang: Lang, c: IssuedChallenge | undefined): Html | '' {
  if (!c) return '';
  return html`<div class="pow" data-pow data-difficulty="${c.difficulty}" data-working="${lang === 'en' ? 'Checking your browser…' : 'Memeriksa browser Anda…'}" data-done="${lang === 'en' ? 'Done. You can send the form.' : 'Selesai. Formulir dapat dikirim.'}">
<p><strong>${t(lang, 'securityCheck')}.</strong> ${t(lang, 'securityWhy')}</p>
<input type="hidden" name="pow_token" value="${c.token}"><input type="hidden" name="pow_solution" value="">
<p data-pow-status aria-live="polite">${t(lang, 'securityNoJs', { s: c.waitSeconds })}</p></div>`;
}

const regionLabel: Record<number, MessageKey> = { 1: 'province', 2: 'regency', 3: 'district', 4: 'village' };
const regionField: Record<number, string> = { 1: 'prov', 2: 'kab', 3: 'kec', 4: 'desa' };

export interface PickerLevel {
  readonly level: number;
  readonly options: readonly RegionEntry[];
  readonly selected?: string | undefined;
}

/**
 * Province → regency → district → village without JavaScript: a GET form that shows
 * one more list each time "Next" is pressed. Returns '' once a village is chosen.
 */
function regionPicker(pc: PageContext, action: string, levels: readonly PickerLevel[], errors: readonly FieldError[], chosen: readonly RegionEntry[]): Html {
  const lang = pc.lang;
  if (chosen.length === 4) {
    const changeTo = `${u(pc, action)}?prov=${chosen[0]!.code}&kab=${chosen[1]!.code}&kec=${chosen[2]!.code}`;
    return html`<p><strong>${t(lang, 'regionChosen')}:</strong> ${[...chosen].reverse().map((r) => r.name).join(', ')}. <a href="${changeTo}">${t(lang, 'changeRegion')}</a></p>`;
  }
  const err = errorOf(errors, 'prov');
  return html`<form method="get" action="${u(pc, action)}" id="pilih-wilayah">
${err ? html`<p class="error" id="prov-error">${t(lang, err.message)}</p>` : ''}
${levels.map((l) => select({
    id: regionField[l.level]!, label: t(lang, regionLabel[l.level]!), selected: l.selected, placeholder: t(lang, 'choose'),
    options: l.options.map((o) => ({ value: o.code, label: o.name })),
  }))}
<button type="submit" class="secondary">${t(lang, 'next')}</button></form>`;
}

function programTable(lang: Lang, m: CheckResult['matches'][number]): Html {
  const desil = desilLabel(m.desilBand, lang) ?? t(lang, 'desilNone');
  return html`<table><caption class="visually-hidden">${t(lang, 'program')}</caption>
<thead><tr><th scope="col">${t(lang, 'program')}</th><th scope="col">${t(lang, 'status')}</th><th scope="col">${t(lang, 'period')}</th></tr></thead>
<tbody>${m.programs.map((p) => html`<tr><th scope="row">${programLabel(p.program, lang)}</th><td class="status-${p.status}">${stateLabel(p.status, lang)}</td><td>${formatPeriod(p.period, lang)}</td></tr>`)}</tbody></table>
<p>${t(lang, 'desil')}: ${desil}</p>`;
}

// ----------------------------------------------------------------------- pages

export function homePage(pc: PageContext): string {
  const l = pc.lang;
  const item = (path: string, title: MessageKey, lead: MessageKey) => html`<li><a href="${u(pc, path)}">${t(l, title)}<span>${t(l, lead)}</span></a></li>`;
  return layout(pc, t(l, 'homeTitle'), html`<h1>${t(l, 'homeTitle')}</h1><p>${t(l, 'homeIntro')}</p>
<ul class="menu">
${item('/cek/nik', 'checkNikTitle', 'checkNikLead')}
${item('/cek/wilayah', 'checkRegionTitle', 'checkRegionLead')}
${item('/usul', 'usulTitle', 'usulLead')}
${item('/sanggah', 'sanggahTitle', 'sanggahLead')}
${item('/pengaduan', 'pengaduanTitle', 'pengaduanLead')}
${item('/lacak', 'lacakTitle', 'lacakLead')}
${item('/statistik', 'statsTitle', 'statsLead')}
</ul>`);
}

export function checkNikPage(pc: PageContext, v: { errors?: readonly FieldError[]; name?: string | undefined; challenge?: IssuedChallenge | undefined; notice?: MessageKey | undefined }): string {
  const l = pc.lang;
  const errors = v.errors ?? [];
  return layout(pc, t(l, 'checkNikTitle'), html`<h1>${t(l, 'checkNikTitle')}</h1>
${errorSummary(l, errors)}${v.notice ? html`<p class="alert" role="alert">${t(l, v.notice)}</p>` : ''}
<p>${t(l, 'checkNikLead')}</p>
<form method="post" action="${u(pc, '/cek/nik')}" novalidate>
${input(l, errors, { id: 'nik', label: t(l, 'nik'), hint: t(l, 'nikHint'), inputmode: 'numeric', autocomplete: 'off', maxlength: 24 })}
${input(l, errors, { id: 'nama', label: t(l, 'name'), value: v.name, autocomplete: 'name', maxlength: 100 })}
${challengeBlock(l, v.challenge)}
<button type="submit">${t(l, 'check')}</button></form>`, { pow: Boolean(v.challenge) });
}

export function checkRegionPage(pc: PageContext, v: {
  levels: readonly PickerLevel[]; chosen: readonly RegionEntry[]; errors?: readonly FieldError[]; name?: string | undefined;
  challenge?: IssuedChallenge | undefined; notice?: MessageKey | undefined;
}): string {
  const l = pc.lang;
  const errors = v.errors ?? [];
  const village = v.chosen.length === 4 ? v.chosen[3]! : undefined;
  return layout(pc, t(l, 'checkRegionTitle'), html`<h1>${t(l, 'checkRegionTitle')}</h1>
${errorSummary(l, errors)}${v.notice ? html`<p class="alert" role="alert">${t(l, v.notice)}</p>` : ''}
<p>${t(l, 'checkRegionLead')}</p>
${regionPicker(pc, '/cek/wilayah', v.levels, errors, v.chosen)}
${village ? html`<form method="post" action="${u(pc, '/cek/wilayah')}" novalidate><input type="hidden" name="desa" value="${village.code}">
${input(l, errors, { id: 'nama', label: t(l, 'name'), value: v.name, autocomplete: 'off', maxlength: 100 })}
${challengeBlock(l, v.challenge)}
<button type="submit">${t(l, 'check')}</button></form>` : ''}`, { pow: Boolean(v.challenge && village) });
}

/** The answer of a check: same layout, and (padded by the caller) same size, found or not. */
export function checkResultPage(pc: PageContext, r: CheckResult, again: string, regionName?: string): string {
  const l = pc.lang;
  const body = r.found
    ? html`<div class="ok" role="status"><p>${t(l, 'found')}</p></div>
${r.matches.map((m) => html`<section class="card"><h2>${t(l, 'foundFor')}: <span class="masked">${m.nameMasked}</span></h2>
${programTable(l, m)}<p><a href="${u(pc, '/sanggah')}?ref=${encodeURIComponent(m.ref)}">${t(l, 'objectThis')}</a></p></section>`)}`
    : html`<div class="alert" role="status"><p>${t(l, 'notFound')}</p></div><p>${t(l, 'notFoundHelp')}</p>
<p><a class="button" href="${u(pc, '/usul')}">${t(l, 'proposeLink')}</a></p>`;
  return layout(pc, t(l, 'resultTitle'), html`<h1>${t(l, 'resultTitle')}</h1>
${regionName ? html`<p>${t(l, 'regionChosen')}: ${regionName}</p>` : ''}${body}
<p><a href="${u(pc, again)}">${t(l, 'checkAgain')}</a></p>`);
}

function contactFields(l: Lang, errors: readonly FieldError[], v: Values): Html {
  return html`<fieldset><legend>${t(l, 'reporter')}</legend><span class="hint">${t(l, 'reporterHint')}</span>
${input(l, errors, { id: 'pelapor', label: t(l, 'reporterName'), value: v.pelapor, autocomplete: 'name', maxlength: 100 })}
${input(l, errors, { id: 'hp', label: t(l, 'reporterPhone'), value: v.hp, type: 'tel', autocomplete: 'tel', inputmode: 'tel', maxlength: 20 })}
</fieldset>`;
}

const programOptions = (l: Lang, withOther: boolean) => [
  ...PORTAL_PROGRAMS.map((p) => ({ value: p, label: programLabel(p, l) })),
  ...(withOther ? [{ value: 'lainnya', label: t(l, 'otherProgram') }] : []),
];

export function usulPage(pc: PageContext, v: {
  levels: readonly PickerLevel[]; chosen: readonly RegionEntry[]; errors?: readonly FieldError[]; values?: Values; challenge?: IssuedChallenge | undefined;
}): string {
  const l = pc.lang;
  const errors = v.errors ?? [];
  const vals = v.values ?? {};
  const village = v.chosen.length === 4 ? v.chosen[3]! : undefined;
  return layout(pc, t(l, 'usulTitle'), html`<h1>${t(l, 'usulTitle')}</h1>
${errorSummary(l, errors)}<p>${t(l, 'usulLead')}</p>
${regionPicker(pc, '/usul', v.levels, errors, v.chosen)}
${village ? html`<form method="post" action="${u(pc, '/usul')}" enctype="multipart/form-data" novalidate><input type="hidden" name="desa" value="${village.code}">
${radios(l, errors, { name: 'kategori', legend: t(l, 'usulWho'), options: USUL_CATEGORIES, checked: vals.kategori })}
${input(l, errors, { id: 'nik', label: t(l, 'usulNik'), hint: t(l, 'nikHint'), inputmode: 'numeric', autocomplete: 'off', maxlength: 24 })}
${input(l, errors, { id: 'nama', label: t(l, 'usulName'), value: vals.nama, autocomplete: 'off', maxlength: 100 })}
${textarea(l, errors, { id: 'alasan', label: t(l, 'usulReason'), value: vals.alasan, maxlength: 2000 })}
${select({ id: 'program', label: t(l, 'usulProgram'), options: programOptions(l, false), selected: vals.program, placeholder: t(l, 'anyProgram') })}
${input(l, errors, { id: 'foto', label: t(l, 'photo'), hint: t(l, 'photoHint'), type: 'file', accept: 'image/jpeg,image/png' })}
${contactFields(l, errors, vals)}
${challengeBlock(l, v.challenge)}
<button type="submit">${t(l, 'send')}</button></form>` : ''}`, { pow: Boolean(v.challenge && village) });
}

export function sanggahPage(pc: PageContext, v: {
  ref?: string | undefined; nameMasked?: string | undefined; regionName?: string | undefined; errors?: readonly FieldError[]; values?: Values;
  challenge?: IssuedChallenge | undefined;
}): string {
  const l = pc.lang;
  const errors = v.errors ?? [];
  const vals = v.values ?? {};
  if (!v.ref || !v.nameMasked) {
    // No form here to link errors to: an expired or broken reference is said plainly.
    return layout(pc, t(l, 'sanggahTitle'), html`<h1>${t(l, 'sanggahTitle')}</h1>${errors.map((e) => html`<p class="alert" role="alert">${t(l, e.message)}</p>`)}<p>${t(l, 'sanggahNoRef')}</p>
<p><a class="button" href="${u(pc, '/cek/wilayah')}">${t(l, 'checkRegionTitle')}</a></p>`);
  }
  return layout(pc, t(l, 'sanggahTitle'), html`<h1>${t(l, 'sanggahTitle')}</h1>
${errorSummary(l, errors)}<p>${t(l, 'sanggahLead')}</p>
<p>${t(l, 'sanggahWho')}: <span class="masked">${v.nameMasked}</span>${v.regionName ? html`, ${v.regionName}` : ''}</p>
<form method="post" action="${u(pc, '/sanggah')}" novalidate><input type="hidden" name="ref" value="${v.ref}">
${radios(l, errors, { name: 'kategori', legend: t(l, 'category'), options: SANGGAH_CATEGORIES, checked: vals.kategori })}
${textarea(l, errors, { id: 'alasan', label: t(l, 'sanggahReason'), value: vals.alasan, maxlength: 2000 })}
${contactFields(l, errors, vals)}
${challengeBlock(l, v.challenge)}
<button type="submit">${t(l, 'send')}</button></form>`, { pow: Boolean(v.challenge) });
}

export function pengaduanPage(pc: PageContext, v: {
  levels: readonly PickerLevel[]; chosen: readonly RegionEntry[]; errors?: readonly FieldError[]; values?: Values; challenge?: IssuedChallenge | undefined;
}): string {
  const l = pc.lang;
  const errors = v.errors ?? [];
  const vals = v.values ?? {};
  const village = v.chosen.length === 4 ? v.chosen[3]! : undefined;
  return layout(pc, t(l, 'pengaduanTitle'), html`<h1>${t(l, 'pengaduanTitle')}</h1>
${errorSummary(l, errors)}<p>${t(l, 'pengaduanLead')}</p>
${regionPicker(pc, '/pengaduan', v.levels, errors, v.chosen)}
${village ? html`<form method="post" action="${u(pc, '/pengaduan')}" novalidate><input type="hidden" name="desa" value="${village.code}">
${radios(l, errors, { name: 'kategori', legend: t(l, 'pengaduanWhat'), options: PENGADUAN_CATEGORIES, checked: vals.kategori })}
${select({ id: 'program', label: t(l, 'pengaduanProgram'), options: programOptions(l, true), selected: vals.program ?? 'pkh' })}
${textarea(l, errors, { id: 'uraian', label: t(l, 'pengaduanDesc'), value: vals.uraian, maxlength: 2000 })}
${input(l, errors, { id: 'nik', label: t(l, 'pengaduanNik'), hint: t(l, 'nikHint'), inputmode: 'numeric', autocomplete: 'off', maxlength: 24 })}
${contactFields(l, errors, vals)}
${challengeBlock(l, v.challenge)}
<button type="submit">${t(l, 'send')}</button></form>` : ''}`, { pow: Boolean(v.challenge && village) });
}

export function submittedPage(pc: PageContext, r: { trackingCode: string; slaDueAt: Date; kind: 'usul' | 'sanggah' | 'pengaduan' }): string {
  const l = pc.lang;
  const code = formatTrackingCode(r.trackingCode);
  return layout(pc, t(l, 'submitted'), html`<h1>${t(l, 'submitted')}</h1>
<div class="ok" role="status"><p>${kindLabel(r.kind, l)} · ${t(l, 'trackingCode')}:</p><p class="code">${code}</p></div>
<p>${t(l, 'keepCode')}</p><p>${t(l, 'answerBy')}: ${formatDate(r.slaDueAt, l)}</p>
<form method="post" action="${u(pc, '/lacak')}"><input type="hidden" name="kode" value="${code}"><button type="submit" class="secondary">${t(l, 'trackNow')}</button></form>`);
}

export function lacakPage(pc: PageContext, v: { errors?: readonly FieldError[]; code?: string | undefined; notFound?: boolean; view?: TrackingView | undefined; challenge?: IssuedChallenge | undefined }): string {
  const l = pc.lang;
  const errors = v.errors ?? [];
  const s = v.view;
  const result = s ? html`<section class="card" aria-labelledby="hasil"><h2 id="hasil">${t(l, 'code')}: <span class="code">${formatTrackingCode(s.trackingCode)}</span></h2>
<table><tbody>
<tr><th scope="row">${t(l, 'kind')}</th><td>${kindLabel(s.kind, l)} · ${categoryLabel(s.kind, s.category, l)}</td></tr>
${s.program ? html`<tr><th scope="row">${t(l, 'program')}</th><td>${programLabel(s.program, l)}</td></tr>` : ''}
<tr><th scope="row">${t(l, 'status')}</th><td><strong>${statusLabel(s.status, l)}</strong></td></tr>
<tr><th scope="row">${t(l, 'submittedAt')}</th><td>${formatDate(s.createdAt, l, true)}</td></tr>
<tr><th scope="row">${s.closedAt ? t(l, 'closedAt') : t(l, 'answerBy')}</th><td>${formatDate(s.closedAt ?? s.slaDueAt, l)}</td></tr>
</tbody></table>
<h3>${t(l, 'history')}</h3><ol>
${s.history.map((h) => html`<li><strong>${formatDate(h.at, l, true)}</strong>: ${h.action === 'submitted' ? kindLabel(s.kind, l) + ' · ' + statusLabel('diterima', l)
    : h.status ? statusLabel(h.status, l) : l === 'en' ? 'Officer reply' : 'Tanggapan petugas'}${h.message ? html`<br>${h.message}` : ''}</li>`)}
</ol></section>` : '';
  return layout(pc, t(l, 'lacakTitle'), html`<h1>${t(l, 'lacakTitle')}</h1>
${errorSummary(l, errors)}${v.notFound ? html`<p class="alert" role="alert">${t(l, 'trackNotFound')}</p>` : ''}
${result}
<form method="post" action="${u(pc, '/lacak')}" novalidate>
${input(l, errors, { id: 'kode', label: t(l, 'code'), hint: t(l, 'codeHint'), value: v.code, autocomplete: 'off', maxlength: 24 })}
${challengeBlock(l, v.challenge)}
<button type="submit">${t(l, 'track')}</button></form>`, { pow: Boolean(v.challenge) });
}

export function statisticsPage(pc: PageContext, s: RegionStatistics, path: readonly RegionEntry[]): string {
  const l = pc.lang;
  const n = (x: number) => formatNumber(x, l);
  const drill = s.rows.length > 0 && s.rows[0]!.code.length < 13;
  const crumbs = html`<nav class="crumbs" aria-label="${t(l, 'regionCol')}"><a href="${u(pc, '/statistik')}">${t(l, 'allIndonesia')}</a>${path.map((r) => html` › <a href="${u(pc, '/statistik')}?wilayah=${r.code}">${r.name}</a>`)}</nav>`;
  const row = (r: RegionStatistics['total'], head: Html) => html`<tr><th scope="row">${head}</th><td class="n">${n(r.families)}</td><td class="n">${n(r.people)}</td>${PORTAL_PROGRAMS.map((p) => html`<td class="n">${n(r.recipients[p])}</td>`)}</tr>`;
  const title = `${t(l, 'statsTitle')}: ${s.region === 'ID' ? t(l, 'allIndonesia') : s.regionName}`;
  return layout(pc, title, html`${crumbs}<h1>${title}</h1><p>${t(l, 'statsLead')}</p>
<div class="scroll" role="region" aria-labelledby="tabel-judul" tabindex="0"><table>
<caption id="tabel-judul">${t(l, 'recipientsOf')}: ${PORTAL_PROGRAMS.map(programShort).join(', ')}</caption>
<thead><tr><th scope="col">${t(l, 'regionCol')}</th><th scope="col" class="n">${t(l, 'families')}</th><th scope="col" class="n">${t(l, 'people')}</th>${PORTAL_PROGRAMS.map((p) => html`<th scope="col" class="n">${programShort(p)}</th>`)}</tr></thead>
<tbody>${s.rows.map((r) => row(r, drill ? html`<a href="${u(pc, '/statistik')}?wilayah=${r.code}">${r.name}</a>` : html`${r.name}`))}</tbody>
<tfoot>${row(s.total, html`${t(l, 'total')}`)}</tfoot></table></div>
<div class="scroll" role="region" aria-labelledby="tabel-penetapan" tabindex="0"><table>
<caption id="tabel-penetapan">${t(l, 'decidedCaption')}</caption>
<thead><tr><th scope="col">${t(l, 'programCol')}</th><th scope="col">${t(l, 'periodCol')}</th><th scope="col" class="n">${t(l, 'decidedFamilies')}</th><th scope="col" class="n">${t(l, 'amountYear')}</th></tr></thead>
<tbody>${PORTAL_PROGRAMS.map((p) => html`<tr><th scope="row">${programShort(p)}</th><td>${s.cycles[p] ?? '–'}</td><td class="n">${n(s.total.decided[p].families)}</td><td class="n">Rp${n(s.total.decided[p].amountPerYear)}</td></tr>`)}</tbody></table></div>
<p><a class="button" href="${u(pc, '/statistik.csv')}?wilayah=${s.region}" download>${t(l, 'downloadCsv')}</a></p>
<p class="hint">${t(l, 'statsNote')} ${formatDate(s.computedAt, l, true)}.</p><p class="hint">${t(l, 'regionsCredit')}</p>`);
}

export function messagePage(pc: PageContext, title: MessageKey, message: MessageKey, opts: { back?: string } = {}): string {
  const l = pc.lang;
  return layout(pc, t(l, title), html`<h1>${t(l, title)}</h1><p>${t(l, message)}</p>
<p><a href="${u(pc, opts.back ?? '/')}">${opts.back ? t(l, 'back') : t(l, 'home')}</a></p>`);
}
