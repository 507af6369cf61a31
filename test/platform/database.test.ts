import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, actorFor, nationalActor, type TestDb } from '../support/db.js';
import { migrate } from '../../src/platform/migrate.js';
import { loadRegions } from '../../src/regions/load.js';

let t: TestDb;
beforeAll(async () => { t = await openTestDb(); });
afterAll(async () => { await t.drop(); });

describe('platform database', () => {
  it('has every Kemendagri region, and loading again changes nothing', async () => {
    const rows = await t.db.kysely.selectFrom('region').select(['level']).select((eb) => eb.fn.countAll<number>().as('n'))
      .groupBy('level').orderBy('level').execute();
    expect(rows.map((r) => Number(r.n))).toEqual([38, 514, 7285, 83762]);
    expect(await loadRegions(t.db)).toEqual({ loaded: 0, skipped: true });
  });

  it('migrating twice applies nothing the second time', async () => {
    const again = await migrate(t.db);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toBeGreaterThanOrEqual(2);
  });

  it('refuses to change or delete audit records, even for the table owner', async () => {
    await t.db.withConnection((c) => c.exec(`insert into audit_log values (1, now(), 'a', 'pusat', 'ID', 'cli', 'test',
      'none', null, '{}', null, decode(repeat('00', 32), 'hex'), decode(repeat('11', 32), 'hex'))`));
    await expect(t.db.withConnection((c) => c.exec('delete from audit_log'))).rejects.toThrow(/append-only/);
    await expect(t.db.withConnection((c) => c.exec("update audit_log set actor = 'b'"))).rejects.toThrow(/append-only/);
    await expect(t.db.withConnection((c) => c.exec('truncate audit_log'))).rejects.toThrow(/append-only/);
  });

  it('scopes rows by region inside actor transactions, failing closed without a scope', async () => {
    const scope = (code: string) => t.db.transaction(async ({ raw }) =>
      (await raw.query<{ ok: boolean }>('select tepat_scope_allows($1) as ok', ['32.01.01.2001'])).rows[0]?.ok, actorFor(code));
    expect(await scope('32.01')).toBe(true);
    expect(await scope('32.01.01.2001')).toBe(true);
    expect(await scope('32.01.01.200')).toBe(false);
    expect(await scope('32.0')).toBe(false);
    expect(await scope('33')).toBe(false);
    expect(await t.db.transaction(async ({ raw }) => (await raw.query<{ r: string }>('select current_user as r')).rows[0]?.r, nationalActor)).toBe('tepat_app');
    const unscoped = await t.db.transaction(async ({ raw }) => {
      await raw.exec("set local role tepat_app");
      return (await raw.query<{ ok: boolean }>('select tepat_scope_allows($1) as ok', ['32'])).rows[0]?.ok;
    });
    expect(unscoped).toBe(false);
  });
});
