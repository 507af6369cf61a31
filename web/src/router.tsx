/**
 * A small hash router: `#/keluarga/42?tab=riwayat`. Hash routes need nothing from the
 * server and survive reloads; the server also answers index.html for any /konsol/ path.
 */
import { useEffect, useState } from 'react';

export interface Route {
  /** Path segments, e.g. ['keluarga', '42']. */
  segments: string[];
  query: URLSearchParams;
  path: string;
}

function parse(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/';
  const [path = '/', search = ''] = raw.split('?');
  return { path, segments: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(search) };
}

export function currentRoute(): Route {
  return parse(window.location.hash);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const on = () => setRoute(currentRoute());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** `href('/keluarga/42')` → `#/keluarga/42`. */
export function href(to: string): string {
  return `#${to.startsWith('/') ? to : `/${to}`}`;
}

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  const target = href(to);
  if (opts.replace) window.location.replace(target);
  else window.location.hash = target.slice(1);
}
