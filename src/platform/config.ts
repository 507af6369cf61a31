/**
 * Configuration: the environment parsed once at start-up with Zod; a bad value fails
 * fast with a message that names the variable. Development defaults only in development.
 */
import { resolve } from 'node:path';
import { z } from 'zod';

const Env = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  DATABASE_URL: z.string().url().optional(),
  TEPAT_DATA_DIR: z.string().min(1).default('./data'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** 32-byte master key (base64 or hex) that wraps the data-encryption keys. */
  TEPAT_MASTER_KEY: z.string().optional(),
  /** 32-byte key for blind indexes (keyed HMAC of NIK/KK for exact lookup). */
  TEPAT_INDEX_KEY: z.string().optional(),
  CIVIL_REGISTRY_URL: z.string().url().optional(),
});

export interface Config {
  readonly env: 'development' | 'test' | 'production';
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly port: number;
  readonly host: string;
  readonly logLevel: string;
  readonly masterKey: string;
  readonly indexKey: string;
  readonly civilRegistryUrl: string | undefined;
}

/**
 * Development-only keys: documented as insecure, refused in production.
 * They let `npm start` work on a fresh machine with zero set-up.
 */
export const DEV_MASTER_KEY = 'dGVwYXQtZGV2ZWxvcG1lbnQtbWFzdGVyLWtleS0wMDA=';
export const DEV_INDEX_KEY = 'dGVwYXQtZGV2ZWxvcG1lbnQtYmxpbmQtaW5kZXgtMDA=';

export class ConfigError extends Error {}

/**
 * @example const config = loadConfig(process.env);
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // An empty variable means "not set" (as in `DATABASE_URL= tepat serve`).
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = Env.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Konfigurasi tidak valid / invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production' && (!e.TEPAT_MASTER_KEY || !e.TEPAT_INDEX_KEY)) {
    throw new ConfigError('TEPAT_MASTER_KEY dan TEPAT_INDEX_KEY wajib diisi di production (32 byte, base64 atau hex).');
  }
  return {
    env: e.NODE_ENV,
    databaseUrl: e.DATABASE_URL,
    dataDir: resolve(e.TEPAT_DATA_DIR),
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    masterKey: e.TEPAT_MASTER_KEY ?? DEV_MASTER_KEY,
    indexKey: e.TEPAT_INDEX_KEY ?? DEV_INDEX_KEY,
    civilRegistryUrl: e.CIVIL_REGISTRY_URL,
  };
}
