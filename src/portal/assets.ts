/**
 * The portal's two static files, read once and served from memory with a content
 * hash in the URL (cached for a year). Read from src/portal/assets in development
 * and after `npm run build` alike.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly hash: string;
}

function assetsDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'portal', 'assets');
}

function load(name: string, type: string): Asset {
  const body = readFileSync(join(assetsDir(), name));
  return { body, type, hash: createHash('sha256').update(body).digest('hex').slice(0, 10) };
}

let cached: { css: Asset; js: Asset } | undefined;

export function portalAssets(): { css: Asset; js: Asset } {
  cached ??= { css: load('portal.css', 'text/css; charset=utf-8'), js: load('pow.js', 'text/javascript; charset=utf-8') };
  return cached;
}
