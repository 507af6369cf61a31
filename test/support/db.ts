/**
 * A fresh database per test file, copied from the run's migrated template
 * (see test/global-setup.ts): PGlite by default, PostgreSQL when DATABASE_URL is set.
 */
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import pg from 'pg';
import { openDb, type Db, type Actor } from '../../src/platform/db.js';

export interface TestDb {
  db: Db;
  /** PostgreSQL only: the fresh database's URL, for child processes. */
  url?: string;
  drop(): Promise<void>;
}

export const nationalActor: Actor = { id: 'test', role: 'pusat', scope: 'ID', channel: 'system' };

export function actorFor(scope: string, role = 'operator'): Actor {
  return { id: `test-${scope}`, role, scope, channel: 'api' };
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = '/' + name;
  return u.toString();
}

export function isPostgres(): boolean {
  return Boolean(process.env.DATABASE_URL);
}

export async function openTestDb(): Promise<TestDb> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const template = inject('postgresTemplate');
    const name = `tepat_t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create database ${name} template ${template}`);
    await admin.end();
    const dbUrl = withDatabase(url, name);
    const db = await openDb({ databaseUrl: dbUrl });
    return {
      db,
      url: dbUrl,
      async drop() {
        await db.close();
        const a = new pg.Client({ connectionString: url });
        await a.connect();
        await a.query(`drop database if exists ${name} with (force)`);
        await a.end();
      },
    };
  }
  const path = inject('pgliteTemplate');
  const db = await openDb({ loadDataDir: new Blob([readFileSync(path)]) });
  return { db, drop: () => db.close() };
}
