/**
 * Ordered plain-SQL migrations from `migrations/NNNN_name.sql`, each applied once in its
 * own transaction and recorded in schema_migration; `grants.sql` is re-applied after.
 * On PostgreSQL an advisory lock keeps two starting servers from migrating at once.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.js';

const MIGRATION_LOCK = 727_283; // "TEPAT" on a phone keypad, for the advisory lock

/** The migrations folder, from src/platform or dist/platform alike. */
export function migrationsDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'migrations');
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

/**
 * @example const { applied } = await migrate(db);
 */
export async function migrate(db: Db, dir = migrationsDir()): Promise<MigrationResult> {
  const files = readdirSync(dir).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f)).sort();
  return db.withConnection(async (conn) => {
    if (db.kind === 'postgres') await conn.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await conn.exec(`create table if not exists schema_migration (
        version text primary key, applied_at timestamptz not null default now())`);
      const done = new Set((await conn.query<{ version: string }>('select version from schema_migration')).rows.map((r) => r.version));
      const applied: string[] = [];
      for (const file of files) {
        const version = file.replace(/\.sql$/, '');
        if (done.has(version)) continue;
        await conn.exec('begin');
        try {
          await conn.exec(readFileSync(join(dir, file), 'utf8'));
          await conn.query('insert into schema_migration (version) values ($1)', [version]);
          await conn.exec('commit');
        } catch (err) {
          await conn.exec('rollback');
          throw new Error(`Migrasi ${file} gagal: ${(err as Error).message}`);
        }
        applied.push(version);
      }
      await conn.exec(readFileSync(join(dir, 'grants.sql'), 'utf8'));
      // PGlite reads COPY data from its virtual /dev/blob file, which needs this role.
      // Embedded, it has no other clients, so the grant opens nothing to anyone else.
      if (db.kind === 'pglite') await conn.exec('grant pg_read_server_files to tepat_app');
      return { applied, alreadyApplied: done.size };
    } finally {
      if (db.kind === 'postgres') await conn.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  });
}
