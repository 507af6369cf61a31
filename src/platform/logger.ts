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

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[disamarkan]' } }, destination ?? process.stderr);
}
