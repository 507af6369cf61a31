/**
 * Serving the built console at /konsol/: content types, gzip when asked, a year's cache
 * for hashed assets and revalidation for index.html, deep links answered with
 * index.html, real 404s for missing assets, and a clear answer when nothing is built.
 * Also checks the real build keeps to the server's CSP (no inline script).
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONSOLE_DIR, consoleStaticRoutes } from '../../src/console/static-routes.js';
import { assertConsoleBuilt } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'tepat-konsol-dist-'));
const INDEX = '<!doctype html><html lang="id"><head><script type="module" src="/konsol/assets/index-Ab12Cd.js"></script></head><body><div id="root"></div></body></html>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4000))});\n`.repeat(3);
let app: FastifyInstance;
let empty: FastifyInstance;

beforeAll(async () => {
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'index-Ab12Cd.js'), SCRIPT);
  writeFileSync(join(dir, 'assets', 'index-Ef34Gh.css'), 'body{margin:0}');
  app = Fastify();
  await consoleStaticRoutes({ dir })(app);
  empty = Fastify();
  await consoleStaticRoutes({ dir: join(dir, 'nothing-here') })(empty);
});
afterAll(async () => {
  await app.close();
  await empty.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('console static files', () => {
  it('redirects /konsol to /konsol/ and serves index.html there, revalidated', async () => {
    const r = await app.inject({ url: '/konsol' });
    expect(r.statusCode).toBe(301);
    expect(r.headers.location).toBe('/konsol/');
    const index = await app.inject({ url: '/konsol/' });
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.body).toBe(INDEX);
  });

  it('answers deep links with index.html so the client router takes over', async () => {
    for (const url of ['/konsol/keluarga/12', '/konsol/dasbor/wilayah', '/konsol/cari%20nama']) {
      const r = await app.inject({ url });
      expect(r.statusCode, url).toBe(200);
      expect(r.body).toBe(INDEX);
    }
  });

  it('gzips hashed assets for clients that accept it, caches them for a year and honours ETags', async () => {
    const gz = await app.inject({ url: '/konsol/assets/index-Ab12Cd.js', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(gz.statusCode).toBe(200);
    expect(gz.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(gz.headers.vary).toBe('accept-encoding');
    expect(gz.rawPayload.length).toBeLessThan(SCRIPT.length / 10);
    expect(gunzipSync(gz.rawPayload).toString()).toBe(SCRIPT);

    const plain = await app.inject({ url: '/konsol/assets/index-Ab12Cd.js' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(SCRIPT);
    const refused = await app.inject({ url: '/konsol/assets/index-Ab12Cd.js', headers: { 'accept-encoding': 'gzip;q=0' } });
    expect(refused.headers['content-encoding']).toBeUndefined();

    const again = await app.inject({ url: '/konsol/assets/index-Ab12Cd.js', headers: { 'if-none-match': String(gz.headers.etag) } });
    expect(again.statusCode).toBe(304);
    const css = await app.inject({ url: '/konsol/assets/index-Ef34Gh.css' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('answers 404 for a missing asset instead of HTML, and 503 with a hint when the console is not built', async () => {
    const missing = await app.inject({ url: '/konsol/assets/index-Old999.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'not_found' } });
    expect((await app.inject({ url: '/konsol/favicon.ico' })).statusCode).toBe(404);
    const r = await empty.inject({ url: '/konsol/' });
    expect(r.statusCode).toBe(503);
    expect(r.body).toContain('npm run build:web');
  });

  it('builds a console without inline scripts (the server CSP allows script-src self only)', () => {
    assertConsoleBuilt();
    const html = readFileSync(join(DEFAULT_CONSOLE_DIR, 'index.html'), 'utf8');
    const scripts = html.match(/<script\b[^>]*>[\s\S]*?<\/script>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) {
      expect(s).toMatch(/\ssrc="\/konsol\/assets\/[^"]+\.js"/);
      expect(s.replace(/<script\b[^>]*>/, '').replace('</script>', '').trim()).toBe('');
    }
    expect(html).not.toMatch(/\son[a-z]+=/i); // no inline event handlers either
    expect(readdirSync(join(DEFAULT_CONSOLE_DIR, 'assets')).some((f) => /^dashboard-.*\.js$/.test(f))).toBe(true);
  });
});
