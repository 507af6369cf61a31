/**
 * Citizen journeys in real Chromium (Debian's, driven by playwright-core) at 360 × 640,
 * with JavaScript switched off except where the proof-of-work script is under test:
 * check by region + name, check by NIK + name, usul with a photo, lacak after an
 * officer's reply, and the challenge solved in the browser. Every page visited is also
 * checked for weight (≤ 50 KB with its CSS and script), labels, one h1, no sideways
 * scrolling at 360 px, text contrast and a skip link reached first by keyboard.
 * Screenshots are kept in test-artifacts/portal/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPortal, type PortalFixture } from './support.js';
import { withExif } from './images.js';
import { buildServer } from '../../src/server/app.js';
import { replyToSubmission } from '../../src/portal/officer-queue.js';
import { actorFor } from '../support/db.js';

// Code inside page.evaluate runs in Chromium; the project compiles without the DOM library,
// so the few browser globals it uses are declared loosely, for this file only.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
declare function getComputedStyle(el: any): any;
declare function createImageBitmap(blob: Blob): Promise<{ width: number; height: number }>;
type Element = any;

const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'portal');
const VIEWPORT = { width: 360, height: 640 };
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let f: PortalFixture;
let guarded: FastifyInstance;
let base: string;
let guardedBase: string;
let profile: string;
let browser: BrowserContext;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  f = await openPortal();
  base = await f.app.listen({ port: 0, host: '127.0.0.1' });
  // A second server over the same database with the challenge always on, a short no-JS wait.
  guarded = await buildServer(f.ctx, { portal: { defence: { mode: 'always' }, challenge: { difficulty: 12, waitSeconds: 2 } } });
  guardedBase = await guarded.listen({ port: 0, host: '127.0.0.1' });
  profile = mkdtempSync(join(tmpdir(), 'tepat-chromium-'));
  browser = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, viewport: VIEWPORT, locale: 'id-ID' });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await guarded?.close();
  await f?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** A page with JavaScript disabled: the portal must work without it. */
async function noJsPage(): Promise<Page> {
  const page = await browser.newPage();
  const cdp = await browser.newCDPSession(page);
  await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
  return page;
}

interface PageReport { url: string; bytes: number; problems: string[] }
const reports: PageReport[] = [];

/** Weight, structure, labels, reflow at 360 px, contrast and the skip link of the current page. */
async function audit(page: Page, htmlBytes: number): Promise<void> {
  const problems = await page.evaluate(() => {
    const out: string[] = [];
    const doc = document.documentElement;
    if (!['id', 'en'].includes(doc.lang)) out.push('html lang missing');
    if (document.querySelectorAll('h1').length !== 1) out.push(`${document.querySelectorAll('h1').length} h1`);
    if (!document.querySelector('main')) out.push('no main landmark');
    for (const el of Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea')) as any[]) {
      if (!el.labels || el.labels.length === 0) out.push(`unlabelled ${el.tagName} ${el.name}`);
    }
    if (doc.scrollWidth > window.innerWidth) out.push(`scrolls sideways: ${doc.scrollWidth}px`);
    const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = (c: number[]) => {
      const [r, g, b] = c.slice(0, 3).map((v) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const background = (el: Element | null): number[] => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3]! > 0)) return c;
      }
      return [255, 255, 255];
    };
    for (const el of Array.from(document.querySelectorAll('body *')) as any[]) {
      const text = Array.from(el.childNodes as any[]).some((n) => n.nodeType === 3 && n.textContent.trim() !== '');
      const box = el.getBoundingClientRect();
      if (!text || box.width === 0 || box.height === 0 || el.closest('.skip,.visually-hidden')) continue;
      const style = getComputedStyle(el);
      const fg = lum(rgb(style.color));
      const bg = lum(background(el));
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      const large = parseFloat(style.fontSize) >= 24 || (parseFloat(style.fontSize) >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) out.push(`contrast ${ratio.toFixed(2)} on "${el.textContent!.trim().slice(0, 30)}"`);
    }
    return out;
  });
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => ({ cls: document.activeElement?.className, left: document.activeElement?.getBoundingClientRect().left ?? -1 }));
  if (first.cls !== 'skip' || first.left < 0) problems.push('first Tab does not reach a visible skip link');
  const assets = await page.evaluate(() => Array.from(document.querySelectorAll('link[rel=stylesheet], script[src]') as any[]).map((e) => String(e.href || e.src)));
  let bytes = htmlBytes;
  for (const a of assets) bytes += (await (await fetch(a)).arrayBuffer()).byteLength;
  if (bytes > 50 * 1024) problems.push(`${bytes} bytes`);
  reports.push({ url: page.url(), bytes, problems });
}

/** Goes somewhere by a navigation that the callback starts, then audits the new page. */
async function step(page: Page, go: () => Promise<unknown>, shot?: string): Promise<void> {
  const final = (r: { status(): number; request(): { isNavigationRequest(): boolean } }) => r.request().isNavigationRequest() && (r.status() < 300 || r.status() >= 400);
  const [response] = await Promise.all([page.waitForEvent('response', final), go()]);
  await page.waitForLoadState('load');
  if (shot) await page.screenshot({ path: join(ARTIFACTS, `${shot}.png`), fullPage: true });
  await audit(page, (await response.body()).length);
}

async function pickVillage(page: Page, village: string, shotPrefix: string): Promise<void> {
  const codes = [village.slice(0, 2), village.slice(0, 5), village.slice(0, 8), village];
  const fields = ['prov', 'kab', 'kec', 'desa'];
  for (let i = 0; i < 4; i++) {
    await page.selectOption(`#${fields[i]}`, codes[i]!);
    await step(page, () => page.click('#pilih-wilayah button'), i === 0 ? `${shotPrefix}-wilayah` : undefined);
  }
}

describe('citizen journeys in Chromium at 360 × 640', () => {
  it('checks status by province → regency → district → village and name, without JavaScript', async () => {
    const page = await noJsPage();
    const p = f.people[7]!; // JOKO AMINAH? family 7: PBI-JK
    await step(page, () => page.goto(`${base}/`), '01-beranda');
    await step(page, () => page.click('text=Cek status dengan wilayah dan nama'));
    await pickVillage(page, p.village, '02-cek-wilayah');
    await page.fill('#nama', p.name.toLowerCase());
    await page.screenshot({ path: join(ARTIFACTS, '03-cek-wilayah-nama.png'), fullPage: true });
    await step(page, () => page.click('main form[method=post] button[type=submit]'), '04-cek-wilayah-hasil');
    const masked = await page.textContent('.masked');
    expect(masked).toMatch(/^[A-Z]\*+[A-Z] [A-Z]\*+[A-Z]$/);
    expect(await page.textContent('main')).toContain('PBI-JK');
    expect(await page.content()).not.toContain(p.name);
    await page.close();
  });

  it('checks status by NIK and name, found and not found, without JavaScript', async () => {
    const page = await noJsPage();
    const p = f.people[0]!;
    await step(page, () => page.goto(`${base}/cek/nik`), '05-cek-nik');
    await page.fill('#nik', p.nik.replace(/(\d{4})/g, '$1 ').trim());
    await page.fill('#nama', p.name);
    await step(page, () => page.click('main button[type=submit]'), '06-cek-nik-hasil');
    expect(await page.textContent('.masked')).toBe('S**I A****H');
    expect(await page.textContent('main')).toMatch(/Menerima[\s\S]*Januari 2025/);
    const found = (await page.content()).length;
    await step(page, () => page.goto(`${base}/cek/nik`));
    await page.fill('#nik', p.nik);
    await page.fill('#nama', 'BUKAN NAMANYA');
    await step(page, () => page.click('main button[type=submit]'), '07-cek-nik-tidak-ditemukan');
    expect(await page.textContent('main')).toContain('Data tidak ditemukan');
    expect(Math.abs((await page.content()).length - found)).toBeLessThan(64); // same padded size (DOM serialisation aside)
    await step(page, () => page.click('text=English'), '08-check-nik-english');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.textContent('h1')).toBe('Check status by NIK');
    await step(page, () => page.click('text=Bahasa Indonesia'));
    expect(await page.getAttribute('html', 'lang')).toBe('id');
    await page.close();
  });

  it('submits an usul with a phone photo whose GPS is removed, then tracks it after an officer replies', async () => {
    const jsPage = await browser.newPage();
    await jsPage.goto(`${base}/aset/portal.css`);
    const dataUrl = await jsPage.evaluate(() => {
      const c = document.createElement('canvas');
      c.width = 1200; c.height = 900;
      const g = c.getContext('2d')!;
      const img = g.createImageData(c.width, c.height);
      for (let i = 0; i < img.data.length; i++) img.data[i] = (i * 2654435761) >>> 24; // noise: a large file, like a camera's
      g.putImageData(img, 0, 0);
      return c.toDataURL('image/jpeg', 0.92);
    });
    await jsPage.close();
    const photo = withExif(Buffer.from(dataUrl.split(',')[1]!, 'base64'));
    expect(photo.length).toBeGreaterThan(200 * 1024);

    const page = await noJsPage();
    await step(page, () => page.goto(`${base}/usul`), '09-usul');
    await pickVillage(page, '32.01.01.1002', '10-usul-wilayah');
    await page.getByLabel('Keluarga lain (tetangga, warga)').check();
    await page.fill('#nik', '3201016007750003');
    await page.fill('#nama', 'Sumiati');
    await page.fill('#alasan', 'Janda lansia tinggal sendiri di rumah berdinding bilik bambu, tidak punya penghasilan tetap.');
    await page.selectOption('#program', 'bpnt');
    await page.setInputFiles('#foto', { name: 'rumah.jpg', mimeType: 'image/jpeg', buffer: photo });
    await page.fill('#hp', '0813 1111 2222');
    await page.screenshot({ path: join(ARTIFACTS, '11-usul-isi.png'), fullPage: true });
    await step(page, () => page.click('main form[method=post] button[type=submit]'), '12-usul-terkirim');
    const code = (await page.textContent('.code'))!.trim();
    expect(code).toMatch(/^U-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(await page.content()).not.toContain('3201016007750003');

    const stored = await f.t.db.withConnection((c) => c.query<{ id: number; bytes: Uint8Array; width: number }>(
      `select s.id, p.bytes, p.width from portal_submission s join portal_submission_photo p on p.submission_id = s.id where s.tracking_code = $1`, [code.replace(/-/g, '')]));
    const row = stored.rows[0]!;
    const bytes = Buffer.from(row.bytes);
    expect(row.width).toBe(1200);
    for (const secret of ['GPS', 'Canon', 'Rahasia', 'xmpmeta']) expect(bytes.includes(Buffer.from(secret))).toBe(false);
    const check = await browser.newPage();
    await check.goto(`${base}/aset/portal.css`);
    const decoded = await check.evaluate(async (b64) => {
      const blob = new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type: 'image/jpeg' });
      const bmp = await createImageBitmap(blob);
      return [bmp.width, bmp.height];
    }, bytes.toString('base64'));
    expect(decoded).toEqual([900, 1200]); // still a valid JPEG, and the kept EXIF orientation (6: turn 90°) is honoured
    await check.close();

    await f.ctx.db.transaction((tx) => replyToSubmission(tx, { id: row.id, status: 'diproses', publicMessage: 'Pendamping PKH akan berkunjung pada hari Kamis.' }), actorFor('32.01.01', 'operator'));
    await step(page, () => page.click('text=Lacak sekarang'), '13-lacak');
    const main = await page.textContent('main');
    expect(main).toContain('Sedang diproses');
    expect(main).toContain('Pendamping PKH akan berkunjung pada hari Kamis.');
    await step(page, () => page.goto(`${base}/lacak`));
    await page.fill('#kode', code.toLowerCase().replace(/-/g, ' '));
    await step(page, () => page.click('main button[type=submit]'), '14-lacak-ketik');
    expect(await page.textContent('main')).toContain('Sedang diproses');
    await page.close();
  });

  it('solves the proof-of-work challenge in the browser when it is on, and lets a browser without JavaScript through after the wait', async () => {
    const p = f.people[3]!;
    const page = await browser.newPage();
    await step(page, () => page.goto(`${guardedBase}/cek/nik`), '15-tantangan');
    expect(await page.locator('[data-pow]').count()).toBe(1);
    await page.fill('#nik', p.nik);
    await page.fill('#nama', p.name);
    await page.waitForFunction(() => document.querySelector('input[name=pow_solution]').value !== '', undefined, { timeout: 30_000 });
    await step(page, () => page.click('main button[type=submit]'), '16-tantangan-lolos');
    expect(await page.textContent('.masked')).toBe('D**I A****H');
    await page.close();

    const noJs = await noJsPage();
    await step(noJs, () => noJs.goto(`${guardedBase}/cek/nik`));
    await noJs.fill('#nik', p.nik);
    await noJs.fill('#nama', p.name);
    await noJs.waitForTimeout(2100);
    await step(noJs, () => noJs.click('main button[type=submit]'));
    expect(await noJs.textContent('.masked')).toBe('D**I A****H');
    await noJs.close();
  });

  it('shows statistics, the complaint form and the objection page within the same limits', async () => {
    const page = await noJsPage();
    await step(page, () => page.goto(`${base}/statistik`), '17-statistik');
    await step(page, () => page.click('text=Jawa Barat'));
    await step(page, () => page.goto(`${base}/statistik?wilayah=32.01.01`), '18-statistik-kecamatan');
    expect(await page.textContent('caption')).toContain('PKH');
    await step(page, () => page.goto(`${base}/pengaduan?prov=32&kab=32.01&kec=32.01.01&desa=32.01.01.1001`), '19-pengaduan');
    await step(page, () => page.goto(`${base}/sanggah`), '20-sanggah-tanpa-rujukan');
    await step(page, () => page.goto(`${base}/lacak`));
    await page.close();
  });

  it('kept every page within 50 KB, labelled, one column at 360 px, readable and keyboard-reachable', () => {
    expect(reports.length).toBeGreaterThan(15);
    const bad = reports.filter((r) => r.problems.length > 0).map((r) => `${r.url}: ${r.problems.join('; ')}`);
    expect(bad).toEqual([]);
    console.log(`pages audited: ${reports.length}; heaviest ${Math.max(...reports.map((r) => r.bytes))} bytes with CSS and script`);
  });
});
