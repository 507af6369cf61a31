/**
 * Database access: embedded PGlite by default, PostgreSQL when DATABASE_URL is set.
 *
 * Both sit behind one small `RawConnection` (query, exec, COPY FROM STDIN) so that
 * Kysely, migrations and bulk COPY share the same connection and transaction. Every
 * scoped transaction switches to the `tepat_app` role and sets the caller's region,
 * so row-level security applies on both engines (see migrations/0001_platform.sql).
 */
import { mkdirSync } from 'node:fs';
import { once } from 'node:events';
import {
  CamelCasePlugin,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
} from 'kysely';
import pg from 'pg';
import { from as copyFromStream } from 'pg-copy-streams';
import { AppError } from './errors.js';
import type { Tables } from './db-types.js';

export type DbKind = 'pglite' | 'postgres';

export interface RawConnection {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: R[]; rowCount: number }>;
  /** Runs one or more statements without parameters (migrations, SET LOCAL). */
  exec(sql: string): Promise<void>;
  /** Runs `COPY … FROM STDIN` with the given data (text format, as a string or UTF-8 bytes). */
  copyFrom(copySql: string, data: string | Uint8Array): Promise<void>;
}

interface PooledConnection extends RawConnection {
  release(): void;
}

interface RawPool {
  readonly kind: DbKind;
  acquire(): Promise<PooledConnection>;
  end(): Promise<void>;
}

/** Who is acting, and where: drives row-level security and the audit trail. */
export interface Actor {
  /** Account id or a system name such as `cli` or `job:import`. */
  readonly id: string;
  readonly role: string;
  /** `ID` for national scope, otherwise a Kemendagri code at any level. */
  readonly scope: string;
  readonly channel: 'api' | 'cli' | 'job' | 'portal' | 'system';
  readonly requestId?: string;
}

export interface Tx {
  readonly kysely: Kysely<Tables>;
  readonly raw: RawConnection;
  readonly actor: Actor | undefined;
}

export interface Db {
  readonly kind: DbKind;
  /** Pool-backed Kysely for system work that is not scoped to an actor (migrations, regions). */
  readonly kysely: Kysely<Tables>;
  /** A transaction; with an actor it runs as `tepat_app` under row-level security. */
  transaction<T>(fn: (tx: Tx) => Promise<T>, actor?: Actor): Promise<T>;
  /** A connection outside any transaction (e.g. for advisory locks). */
  withConnection<T>(fn: (raw: RawConnection) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** PGlite only: the whole data directory as a tarball (test templates, backups). */
  dumpDataDir?(): Promise<Blob>;
  /** PostgreSQL only: the connection string, for worker threads that open their own connections. */
  readonly url?: string;
}

// JSON column contents (e.g. change diffs keyed by SQL column name) keep their keys.
const camelCase = new CamelCasePlugin({ maintainNestedObjectKeys: true });

class RawDatabaseConnection implements DatabaseConnection {
  constructor(readonly raw: RawConnection) {}
  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.raw.query<R>(compiled.sql, compiled.parameters);
    return { rows: result.rows, numAffectedRows: BigInt(result.rowCount) };
  }
  // Streaming is not used: bulk reads go through keyset pagination instead.
  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new AppError('internal', 'streamQuery is not supported');
  }
}

class RawDriver implements Driver {
  constructor(private readonly pool: RawPool) {}
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return new RawDatabaseConnection(await this.pool.acquire());
  }
  async beginTransaction(conn: DatabaseConnection): Promise<void> {
    await (conn as RawDatabaseConnection).raw.exec('begin');
  }
  async commitTransaction(conn: DatabaseConnection): Promise<void> {
    await (conn as RawDatabaseConnection).raw.exec('commit');
  }
  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    await (conn as RawDatabaseConnection).raw.exec('rollback');
  }
  async releaseConnection(conn: DatabaseConnection): Promise<void> {
    ((conn as RawDatabaseConnection).raw as PooledConnection).release();
  }
  async destroy(): Promise<void> {}
}

function kyselyOver(pool: RawPool): Kysely<Tables> {
  const dialect: Dialect = {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new RawDriver(pool),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
  return new Kysely<Tables>({ dialect, plugins: [camelCase] });
}

/** A pool that always hands out one connection, for a Kysely bound to a transaction. */
function singleConnectionPool(kind: DbKind, conn: RawConnection): RawPool {
  return {
    kind,
    acquire: async () => Object.assign(Object.create(null) as object, {
      query: conn.query.bind(conn),
      exec: conn.exec.bind(conn),
      copyFrom: conn.copyFrom.bind(conn),
      release: () => {},
    }) as PooledConnection,
    end: async () => {},
  };
}

/** Escapes a value for use inside a single-quoted SQL literal in SET statements. */
function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function actorSettings(actor: Actor): string {
  // set_config(..., true) is transaction-local, so a pooled connection never keeps a scope.
  return [
    'set local role tepat_app',
    `select set_config('tepat.scope', ${literal(actor.scope)}, true)`,
    `select set_config('tepat.actor', ${literal(actor.id)}, true)`,
    `select set_config('tepat.actor_role', ${literal(actor.role)}, true)`,
    `select set_config('tepat.channel', ${literal(actor.channel)}, true)`,
    `select set_config('tepat.request_id', ${literal(actor.requestId ?? '')}, true)`,
  ].join(';\n');
}

function makeDb(pool: RawPool): Db {
  const kysely = kyselyOver(pool);
  return {
    kind: pool.kind,
    kysely,
    async transaction<T>(fn: (tx: Tx) => Promise<T>, actor?: Actor): Promise<T> {
      const conn = await pool.acquire();
      try {
        await conn.exec('begin');
        try {
          if (actor) await conn.exec(actorSettings(actor));
          const tx: Tx = { kysely: kyselyOver(singleConnectionPool(pool.kind, conn)), raw: conn, actor };
          const result = await fn(tx);
          await conn.exec('commit');
          return result;
        } catch (err) {
          await conn.exec('rollback').catch(() => {});
          throw err;
        }
      } finally {
        conn.release();
      }
    },
    async withConnection<T>(fn: (raw: RawConnection) => Promise<T>): Promise<T> {
      const conn = await pool.acquire();
      try {
        return await fn(conn);
      } finally {
        conn.release();
      }
    },
    async close() {
      await kysely.destroy();
      await pool.end();
    },
  };
}

// ---------------------------------------------------------------- PostgreSQL

// Same value shapes on both engines: bigint and numeric as numbers (ids and counts stay
// far below 2^53), dates as 'YYYY-MM-DD' strings, never local-time Date objects.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));
pg.types.setTypeParser(1082, (v) => v);

function postgresPool(url: string): RawPool {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', () => {}); // idle client errors surface on the next query instead
  const wrap = (client: pg.PoolClient): PooledConnection => ({
    async query<R>(sql: string, params?: readonly unknown[]) {
      const r = await client.query(sql, params as unknown[] | undefined);
      return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
    },
    async exec(sql: string) {
      await client.query(sql);
    },
    async copyFrom(copySql: string, data: string | Uint8Array) {
      const stream = client.query(copyFromStream(copySql));
      const done = once(stream, 'finish');
      const failed = once(stream, 'error').then(([err]) => { throw err; });
      stream.end(data);
      await Promise.race([done, failed]);
    },
    release: () => client.release(),
  });
  return {
    kind: 'postgres',
    async acquire() {
      try {
        return wrap(await pool.connect());
      } catch (err) {
        throw new AppError('database_unreachable', `Basis data PostgreSQL tidak dapat dihubungi: ${(err as Error).message}`);
      }
    },
    end: () => pool.end(),
  };
}

// ---------------------------------------------------------------- PGlite

interface PGliteLike {
  dumpDataDir(compression?: 'none' | 'gzip' | 'auto'): Promise<Blob>;
  query<R>(sql: string, params?: unknown[], opts?: { blob?: Blob }): Promise<{ rows: R[]; affectedRows?: number }>;
  exec(sql: string): Promise<unknown>;
  close(): Promise<void>;
}

/** PGlite is one connection: callers queue for it, as for a pool of size one. */
function pglitePool(db: PGliteLike): RawPool {
  let tail: Promise<void> = Promise.resolve();
  const conn: RawConnection = {
    async query<R>(sql: string, params?: readonly unknown[]) {
      const r = await db.query<R>(sql, params as unknown[] | undefined);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
    async copyFrom(copySql: string, data: string | Uint8Array) {
      const sql = copySql.replace(/from\s+stdin/i, "FROM '/dev/blob'");
      // PGlite only calls arrayBuffer() on the blob. A real Blob keeps a native copy of the
      // data that garbage collection does not count, so bulk loads of many batches
      // (imports) saw hundreds of MB pile up; this hands over the bytes we already have.
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      const buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
        ? bytes.buffer
        : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      const blob = { arrayBuffer: async () => buffer, size: bytes.byteLength };
      await db.query(sql, [], { blob: blob as unknown as Blob });
    },
  };
  return {
    kind: 'pglite',
    acquire() {
      let release!: () => void;
      const next = new Promise<void>((r) => { release = r; });
      const ready = tail.then(() => ({ ...conn, release }));
      tail = tail.then(() => next);
      return ready;
    },
    end: () => db.close(),
  };
}

export interface OpenDbOptions {
  databaseUrl?: string | undefined;
  /** PGlite data directory; undefined means in memory. */
  dataDir?: string | undefined;
  /** PGlite: start from a dumped data directory (tests use a migrated template). */
  loadDataDir?: Blob | undefined;
}

/**
 * Opens the configured database.
 * @example const db = await openDb({ dataDir: './data/pglite' });
 */
export async function openDb(opts: OpenDbOptions): Promise<Db> {
  if (opts.databaseUrl) {
    const db = makeDb(postgresPool(opts.databaseUrl));
    await db.withConnection((c) => c.query('select 1'));
    return { ...db, url: opts.databaseUrl };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const lite = await PGlite.create({
    dataDir: opts.dataDir,
    loadDataDir: opts.loadDataDir,
    parsers: { 20: (v: string) => Number(v), 1700: (v: string) => Number(v), 1082: (v: string) => v },
  });
  const typed = lite as unknown as PGliteLike;
  return { ...makeDb(pglitePool(typed)), dumpDataDir: () => typed.dumpDataDir('none') };
}
