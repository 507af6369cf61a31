/**
 * The console's only way to the server: same-origin fetch with the session cookie, the
 * CSRF token on every write, and the server's uniform error body turned into ApiError.
 */

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown; issues?: Array<{ path: string; message: string }>; requestId?: string };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly issues?: Array<{ path: string; message: string }>,
  ) {
    super(message);
  }
}

let csrfToken = '';
let onUnauthenticated: (() => void) | undefined;

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** Called when a request answers 401 (session expired or revoked): the shell shows the login. */
export function setUnauthenticatedHandler(fn: (() => void) | undefined): void {
  onUnauthenticated = fn;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  /** Raw body (file upload) with its content type. */
  raw?: { data: Blob; type: string; headers?: Record<string, string> };
  signal?: AbortSignal;
  /** Do not report a 401 to the shell (the login form handles its own). */
  quiet401?: boolean;
}

async function errorOf(res: Response): Promise<ApiError> {
  let body: Partial<ErrorBody> = {};
  try {
    body = (await res.json()) as ErrorBody;
  } catch {
    /* not JSON */
  }
  const e = body.error;
  return new ApiError(res.status, e?.code ?? 'http_' + res.status, e?.message ?? `HTTP ${res.status}`, e?.details, e?.issues);
}

/**
 * @example const me = await api<Me>('/api/v1/auth/me');
 */
export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = opts.method ?? (opts.body !== undefined || opts.raw ? 'POST' : 'GET');
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: BodyInit | undefined;
  if (opts.raw) {
    headers['content-type'] = opts.raw.type;
    Object.assign(headers, opts.raw.headers);
    body = opts.raw.data;
  } else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, { method, headers, body, credentials: 'same-origin', signal: opts.signal });
  if (!res.ok) {
    const err = await errorOf(res);
    if (res.status === 401 && !opts.quiet401) onUnauthenticated?.();
    throw err;
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** Builds a query string, leaving out empty values. */
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}
