/**
 * The officer console in real Chromium: a server over a test database with a generated
 * registry of one regency (planted duplicates, identity pairs reviewed by the engine),
 * the built console at /konsol/, accounts made on demand, and helpers to log in through
 * the login form (TOTP codes from src/security/totp.ts) and keep screenshots.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { openTestDb, nationalActor, type TestDb } from '../support/db.js';
import { TEST_PASSWORD, testContext } from '../support/app.js';
import type { AppContext } from '../../src/platform/context.js';
import { buildServer } from '../../src/server/app.js';
import { addUser } from '../../src/auth/accounts.js';
import { generateTotp } from '../../src/security/totp.js';
import { generateFiles } from '../../src/generate/write-files.js';
import { importFile } from '../../src/registry/import/import-file.js';
import { runIdentityJob } from '../../src/identity/run-identity-job.js';
import { DEFAULT_CONSOLE_DIR, consoleStaticRoutes } from '../../src/console/static-routes.js';

// Code inside page.evaluate runs in Chromium; the project compiles without the DOM library.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
declare function getComputedStyle(el: any): any;

export const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'console');
export const DESKTOP = { width: 1366, height: 768 };
export const TABLET = { width: 768, height: 1024 };
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const REGENCY = '32.01';

export interface Account {
  username: string;
  password: string;
  role: string;
  scope: string;
  /** TOTP secret, for roles that need a second factor. */
  totp?: string;
}

export interface ConsoleFixture {
  t: TestDb;
  ctx: AppContext;
  app: FastifyInstance;
  base: string;
  browser: Browser;
  account(username: string, role: string, scope: string): Promise<Account>;
  /** A fresh browser context (own cookies) with one page at the desktop size. */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  sql<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

/** The journeys need the built console; `npm test` builds it before vitest runs. */
export function assertConsoleBuilt(): void {
  if (!existsSync(join(DEFAULT_CONSOLE_DIR, 'index.html'))) {
    throw new Error(`The officer console is not built (${DEFAULT_CONSOLE_DIR} has no index.html): run \`npm run build:web\` first (\`npm test\` does it).`);
  }
}

export async function openConsole(families = 140): Promise<ConsoleFixture> {
  assertConsoleBuilt();
  mkdirSync(ARTIFACTS, { recursive: true });
  const t = await openTestDb();
  const ctx = await testContext(t);
  const dir = mkdtempSync(join(tmpdir(), 'tepat-console-'));
  try {
    await generateFiles({ families, seed: 8080, out: dir, regions: [REGENCY], duplicateRate: 0.15, errorRate: 0 });
    for (const f of ['families.csv', 'members.csv']) await importFile({ db: t.db, keyring: ctx.keyring, actor: nationalActor }, join(dir, f));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await runIdentityJob({ db: t.db, keyring: ctx.keyring }, nationalActor);
  const app = await buildServer(ctx, { plugins: [consoleStaticRoutes()] });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const contexts: BrowserContext[] = [];
  const sql = async <R,>(text: string, params: unknown[] = []) => t.db.transaction(async ({ raw }) => (await raw.query<R>(text, params)).rows, nationalActor);
  return {
    t, ctx, app, base, browser, sql,
    async account(username, role, scope) {
      const r = await addUser({ db: t.db, keyring: ctx.keyring }, { username, role, scope, password: TEST_PASSWORD });
      if (!r.ok) throw new Error(r.message);
      return { username, password: TEST_PASSWORD, role, scope, ...(r.totp ? { totp: r.totp.secret } : {}) };
    },
    async newPage(viewport = DESKTOP) {
      const context = await browser.newContext({ viewport, locale: 'id-ID', acceptDownloads: true });
      contexts.push(context);
      return context.newPage();
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close();
      await app.close();
      await t.drop();
    },
  };
}

/** Logs in through the form: password first, then the TOTP code when the server asks for it. */
export async function login(page: Page, base: string, a: Account): Promise<void> {
  await page.goto(`${base}/konsol/`);
  await page.getByLabel('Nama pengguna').fill(a.username);
  await page.getByLabel('Kata sandi').fill(a.password);
  await page.getByRole('button', { name: 'Masuk' }).click();
  if (a.totp) {
    const field = page.getByLabel('Kode autentikator (6 digit)');
    await field.waitFor();
    await field.fill(generateTotp(a.totp));
    await page.getByRole('button', { name: 'Masuk' }).click();
  }
  await page.locator('nav.sidenav').waitFor();
}

/** Opens a console route (`/keluarga/7`) and waits for its heading. */
export async function go(page: Page, base: string, route: string): Promise<void> {
  await page.goto(`${base}/konsol/#${route}`);
  await page.locator('h1').first().waitFor();
}

export interface PageReport { url: string; problems: string[] }
export const reports: PageReport[] = [];

/**
 * Structure, labels, reflow and text contrast of the current page (as the portal's
 * journeys check them): html lang, one h1, a main landmark, every control labelled,
 * no sideways scrolling, WCAG AA contrast for text outside charts.
 */
export async function audit(page: Page): Promise<void> {
  const problems = await page.evaluate(() => {
    const out: string[] = [];
    const doc = document.documentElement;
    if (!['id', 'en'].includes(doc.lang)) out.push('html lang missing');
    const h1 = Array.from(document.querySelectorAll('h1') as any[]).filter((h) => !h.closest('dialog:not([open])'));
    if (h1.length !== 1) out.push(`${h1.length} h1`);
    if (!document.querySelector('main')) out.push('no main landmark');
    for (const el of Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea')) as any[]) {
      const named = (el.labels && el.labels.length > 0) || el.getAttribute('aria-label') || el.closest('label');
      if (!named) out.push(`unlabelled ${el.tagName} ${el.name}`);
    }
    if (doc.scrollWidth > window.innerWidth) out.push(`scrolls sideways: ${doc.scrollWidth}px`);
    const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = (c: number[]) => {
      const [r, g, b] = c.slice(0, 3).map((v) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const background = (el: any): number[] => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3]! > 0)) return c;
      }
      return [255, 255, 255];
    };
    for (const el of Array.from(document.querySelectorAll('body *')) as any[]) {
      if (el.closest('svg, .echart, option, .visually-hidden, .skip')) continue;
      const text = Array.from(el.childNodes as any[]).some((n) => n.nodeType === 3 && n.textContent.trim() !== '');
      const box = el.getBoundingClientRect();
      if (!text || box.width === 0 || box.height === 0) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || Number(style.opacity) < 1) continue;
      const fg = lum(rgb(style.color));
      const bg = lum(background(el));
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      const large = parseFloat(style.fontSize) >= 24 || (parseFloat(style.fontSize) >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) out.push(`contrast ${ratio.toFixed(2)} on "${String(el.textContent).trim().slice(0, 30)}"`);
    }
    return out;
  });
  reports.push({ url: page.url(), problems });
}

/** A full-page screenshot in test-artifacts/console/, after an audit of the page. */
export async function shot(page: Page, name: string): Promise<void> {
  await audit(page);
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** What the page's own session gets from the API (status only), as a user could try by hand. */
export async function apiStatus(page: Page, url: string, init: { method?: string; body?: unknown } = {}): Promise<number> {
  return page.evaluate(async ({ url: u, method, body }) => {
    const me = (await (await fetch('/api/v1/auth/me')).json()) as { csrfToken: string };
    const res = await fetch(u, {
      method: method ?? 'GET',
      headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return res.status;
  }, { url, method: init.method, body: init.body });
}
