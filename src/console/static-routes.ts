/**
 * Serves the officer console (web/dist, built by `npm run build:web`) under /konsol/.
 * Files are read and gzipped once at start and served from memory: hashed assets are
 * cached for a year, index.html is revalidated, and any other path under /konsol/ gets
 * index.html so deep links work. The server's CSP (no inline scripts) applies here too.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const CONSOLE_PATH = '/konsol/';

/** web/dist from src/console (tsx) and from dist/console (compiled) alike. */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../web/dist/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.txt', '.map']);

interface StaticFile {
  body: Buffer;
  gzip: Buffer | undefined;
  type: string;
  etag: string;
  cacheControl: string;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listFiles(path));
    else out.push(path);
  }
  return out;
}

/** Every file of the build, keyed by its URL path below /konsol/ (e.g. `assets/index-abc.js`). */
export function loadConsoleFiles(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  for (const path of listFiles(dir)) {
    const key = relative(dir, path).split(sep).join('/');
    const body = readFileSync(path);
    const ext = extname(path).toLowerCase();
    const gz = COMPRESSIBLE.has(ext) && body.length > 512 ? gzipSync(body, { level: 9 }) : undefined;
    // Vite names built assets by content hash, so they never change under the same URL.
    const hashed = key.startsWith('assets/');
    files.set(key, {
      body,
      gzip: gz && gz.length < body.length ? gz : undefined,
      type: CONTENT_TYPES[ext] ?? 'application/octet-stream',
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
      cacheControl: hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
  }
  return files;
}

function acceptsGzip(request: FastifyRequest): boolean {
  const accept = request.headers['accept-encoding'];
  return typeof accept === 'string' && /\bgzip\b/.test(accept) && !/\bgzip;\s*q=0(\.0+)?\b/.test(accept);
}

function send(request: FastifyRequest, reply: FastifyReply, file: StaticFile) {
  reply.header('content-type', file.type).header('cache-control', file.cacheControl).header('etag', file.etag).header('vary', 'accept-encoding');
  if (request.headers['if-none-match'] === file.etag) return reply.status(304).send();
  if (file.gzip && acceptsGzip(request)) return reply.header('content-encoding', 'gzip').send(file.gzip);
  return reply.send(file.body);
}

export interface ConsoleStaticOptions {
  /** The built console; default web/dist of this checkout. */
  dir?: string;
}

/**
 * @example await buildServer(ctx, { plugins: [consoleStaticRoutes()] });
 */
export function consoleStaticRoutes(opts: ConsoleStaticOptions = {}) {
  const dir = opts.dir ?? DEFAULT_CONSOLE_DIR;
  return async (app: FastifyInstance) => {
    const files = existsSync(join(dir, 'index.html')) ? loadConsoleFiles(dir) : new Map<string, StaticFile>();
    const index = files.get('index.html');
    if (!index) app.log.warn({ dir }, 'officer console not built: run npm run build:web');

    app.get('/konsol', { schema: { hide: true } }, async (_request, reply) => reply.redirect(CONSOLE_PATH, 301));
    app.get('/konsol/*', { schema: { hide: true } }, async (request, reply) => {
      const raw = (request.params as { '*'?: string })['*'] ?? '';
      let path: string;
      try { path = decodeURIComponent(raw).replace(/^\/+/, ''); } catch { path = raw; }
      const file = files.get(path);
      if (file) return send(request, reply, file);
      // A missing asset is a real 404 (a stale tab asking for an old chunk must not get HTML).
      if (path.startsWith('assets/') || /\.[a-z0-9]{1,5}$/i.test(path)) {
        return reply.status(404).send({ error: { code: 'not_found', message: 'Berkas tidak ditemukan.', requestId: request.id } });
      }
      if (!index) {
        return reply.status(503).type('text/plain; charset=utf-8').send('Konsol petugas belum dibangun: jalankan `npm run build:web`.');
      }
      return send(request, reply, index);
    });
  };
}
