import { pino, type Logger } from 'pino';

/**
 * Paths that may carry identifiers: redacted wherever they appear in a log line.
 * Personal data must never reach logs (UU 27/2022).
 */
export const REDACT_PATHS = [
  'nik', '*.nik', 'kk', '*.kk', 'kkNumber', '*.kkNumber', 'no_kk', '*.no_kk', 'phone', '*.phone',
  'address', '*.address', 'password', '*.password', 'totp', '*.totp', 'accountNumber', '*.accountNumber',
  'req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]',
];

interface LoggedRequest { method?: string; url?: string; id?: string; ip?: string }

/**
 * Requests are logged by path only: a query string may carry a NIK or a name
 * (e.g. `/api/v1/search/members?nik=…`), and pino's redaction cannot see inside a URL.
 * @example serializeRequest({ method: 'GET', url: '/api/v1/search/members?nik=3201…' }).url === '/api/v1/search/members?[disamarkan]'
 */
export function serializeRequest(req: LoggedRequest): Record<string, unknown> {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  return { method: req.method, url: q === -1 ? url : `${url.slice(0, q)}?[disamarkan]`, remoteAddress: req.ip };
}

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[disamarkan]' }, serializers: { req: serializeRequest } }, destination ?? process.stderr);
}
