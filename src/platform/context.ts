/**
 * The composition root: configuration, database, keys and logger, wired once and
 * passed to features as plain dependencies. CLI commands and the server share it.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { openDb, type Db } from './db.js';
import { migrate } from './migrate.js';
import { openKeyring, type Keyring } from './keyring.js';
import { createLogger } from './logger.js';
import { loadRegions } from '../regions/load.js';

export interface AppContext {
  readonly config: Config;
  readonly db: Db;
  readonly keyring: Keyring;
  readonly logger: Logger;
  close(): Promise<void>;
}

/**
 * Opens the database (migrating it and loading regions on first start) and the keys.
 * @example const ctx = await openContext(loadConfig(process.env));
 */
export async function openContext(config: Config, opts: { logger?: Logger } = {}): Promise<AppContext> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.databaseUrl ? undefined : join(config.dataDir, 'pglite') });
  try {
    const { applied } = await migrate(db);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    const regions = await loadRegions(db);
    if (!regions.skipped) logger.info({ regions: regions.loaded }, 'regions loaded');
    const keyring = await openKeyring(db, config);
    return { config, db, keyring, logger, close: () => db.close() };
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
}
