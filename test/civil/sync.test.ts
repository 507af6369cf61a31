/**
 * Applying the civil registry's event feed to an imported registry: deaths mark members
 * deceased and open review cases (nothing deleted, row integrity kept), moves, KK
 * changes, corrections and births open proposals, and every event is applied once even
 * when the whole feed is received again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, nationalActor, actorFor, type TestDb } from '../support/db.js';
import type { Keyring } from '../../src/platform/keyring.js';
import { verifyRegistryIntegrity } from '../../src/registry/integrity.js';
import { verifyAuditLog } from '../../src/platform/audit.js';
import { startCivilRegistrySim, type RunningSim } from '../../src/civil/sim/server.js';
import { createHttpCivilRegistry, type HttpCivilRegistry } from '../../src/civil/http-client.js';
import { applyCivilEvents, syncCivilEvents } from '../../src/civil/sync-events.js';
import { verifyPendingMembers } from '../../src/civil/verify-members.js';
import type { CivilEvent } from '../../src/civil/types.js';
import { markDeceased } from '../../src/civil/store.js';
import { SEED, count, devKeyring, generatedFiles, importGenerated } from './support.js';

const FAMILIES = 150;
let t: TestDb;
let keyring: Keyring;
let sim: RunningSim;
let registry: HttpCivilRegistry;
let feed: readonly CivilEvent[];

beforeAll(async () => {
  const dir = await generatedFiles(FAMILIES);
  t = await openTestDb();
  keyring = await devKeyring(t.db);
  await importGenerated(t.db, keyring, dir);
  // Verify first, before any event is published, so that the feed's changes can be seen
  // to make verifications stale. A high event rate so a small registry sees every kind.
  const opts = { seed: SEED, families: FAMILIES, eventRate: 0.12, latencyMs: 2, perRecordMs: 0, rateLimit: 0 };
  const quiet = await startCivilRegistrySim({ ...opts, backlog: 0, eventIntervalMs: 3_600_000 });
  registry = createHttpCivilRegistry({ baseUrl: quiet.url, cacheTtlMs: 0 });
  await verifyPendingMembers({ db: t.db, keyring, registry }, nationalActor);
  await quiet.close();
  sim = await startCivilRegistrySim({ ...opts, port: quiet.port, eventIntervalMs: 0 });
  feed = sim.published();
}, 240_000);

afterAll(async () => {
  registry?.close();
  await sim?.close();
  await t?.drop();
});

type Row = Record<string, unknown>;
async function rows(sql: string, params: unknown[] = []): Promise<Row[]> {
  return t.db.transaction(async (tx) => (await tx.raw.query<Row>(sql, params)).rows, nationalActor);
}

describe('syncing the event feed', () => {
  it('refuses a regional scope, which would misfile events about others as unknown', async () => {
    await expect(syncCivilEvents({ db: t.db, keyring, registry }, actorFor('32.01', 'pusat'))).rejects.toThrow(/nasional/);
  });

  it('applies the whole feed, each event recorded once in the ledger', async () => {
    expect(new Set(feed.map((e) => e.type))).toEqual(new Set(['death', 'move', 'kk_change', 'correction', 'birth']));
    const s = await syncCivilEvents({ db: t.db, keyring, registry }, nationalActor, { pageSize: 25 });
    expect(s).toMatchObject({ caughtUp: true, registryUnavailable: false, duplicates: 0, unreadable: 0, cursor: String(feed.length) });
    expect(s.applied + s.skipped).toBe(feed.length);
    expect(s.applied).toBeGreaterThan(feed.length / 2);
    expect(s.pages).toBe(Math.ceil(feed.length / 25));
    const ledger = await rows('select event_id, outcome, reason from civil_event order by seq');
    expect(ledger.map((r) => r.event_id)).toEqual(feed.map((e) => e.eventId));
    expect(await count(t.db, `select count(*) as n from audit_log where action = 'civil.sync.page'`)).toBe(s.pages);
  });

  it('a death marks the member deceased and opens a review case; nothing is deleted', async () => {
    const deaths = await rows(`select e.event_id, e.member_ids from civil_event e where e.event_type = 'death' and e.outcome = 'applied'`);
    expect(deaths.length).toBeGreaterThan(0);
    for (const d of deaths) {
      const ids = (d.member_ids as number[]).map(Number);
      const members = await rows('select presence_status from member where id = any($1::bigint[])', [ids]);
      expect(members.map((m) => m.presence_status)).toEqual(ids.map(() => 'meninggal'));
      const cases = await rows(`select kind, status, member_id from civil_case where event_id = $1`, [d.event_id]);
      expect(cases).toHaveLength(ids.length);
      expect(cases.every((c) => c.kind === 'death' && c.status === 'open')).toBe(true);
    }
    // The change history names the sync's actor; the rows still hash correctly.
    const changes = await count(t.db, `select count(*) as n from registry_change where entity_type = 'member' and op = 'update' and changes ? 'presence_status' and actor = $1`, [nationalActor.id]);
    expect(changes).toBe(deaths.reduce((n, d) => n + (d.member_ids as number[]).length, 0));
    expect(await count(t.db, `select count(*) as n from registry_change where op = 'delete'`)).toBe(0);
    expect((await verifyRegistryIntegrity(t.db, keyring)).broken).toEqual([]);
    expect((await verifyAuditLog(t.db)).ok).toBe(true);
  });

  it('moves, KK changes, corrections and births become proposals, changing nothing yet', async () => {
    const kinds = await rows(`select kind, count(*)::int as n from civil_case where kind <> 'death' group by kind order by kind`);
    expect(kinds.map((k) => k.kind)).toEqual(['birth', 'correction', 'kk_change', 'move']);
    const move = (await rows(`select c.details, c.family_id, f.village_code from civil_case c join family f on f.id = c.family_id where c.kind = 'move' limit 1`))[0]!;
    const details = move.details as { fromVillageCode: string; toVillageCode: string };
    expect(move.village_code).toBe(details.fromVillageCode);
    expect(details.toVillageCode).not.toBe(details.fromVillageCode);
    const withKk = await count(t.db, `select count(*) as n from civil_case where kind in ('move', 'kk_change') and proposed_kk_enc is not null and proposed_kk_bidx is not null`);
    expect(withKk).toBe(await count(t.db, `select count(*) as n from civil_case where kind in ('move', 'kk_change')`));
    const birth = await count(t.db, `select count(*) as n from civil_case where kind = 'birth' and proposed_nik_bidx is not null`);
    expect(birth).toBeGreaterThan(0);
    // Members touched by the feed are due for a new check.
    expect(await count(t.db, 'select count(*) as n from civil_member_status where needs_recheck')).toBeGreaterThan(0);
  });

  it('receiving the whole feed again (cursor lost) applies nothing twice', async () => {
    const before = await rows(`select (select count(*) from civil_case)::int as cases, (select count(*) from registry_change)::int as changes,
      (select count(*) from civil_event)::int as ledger, (select string_agg(presence_status, ',' order by id) from member) as presence`);
    const again = await syncCivilEvents({ db: t.db, keyring, registry }, nationalActor);
    expect(again).toMatchObject({ applied: 0, skipped: 0, duplicates: 0, pages: 0, caughtUp: true });
    await t.db.kysely.deleteFrom('civilCursor' as never).execute();
    const replay = await syncCivilEvents({ db: t.db, keyring, registry }, nationalActor, { pageSize: 40 });
    expect(replay).toMatchObject({ applied: 0, skipped: 0, duplicates: feed.length, caughtUp: true });
    const after = await rows(`select (select count(*) from civil_case)::int as cases, (select count(*) from registry_change)::int as changes,
      (select count(*) from civil_event)::int as ledger, (select string_agg(presence_status, ',' order by id) from member) as presence`);
    expect(after).toEqual(before);
  });

  it('keeps an unreadable event in the ledger instead of dropping it or stopping', async () => {
    const r = await t.db.transaction((tx) => applyCivilEvents(tx, keyring, 'dukcapil', [], [{ eventId: 'bad-1', seq: 99_999, problem: 'unknown event type' }]), nationalActor);
    expect(r.unreadable).toBe(1);
    expect(await rows(`select outcome, reason from civil_event where event_id = 'bad-1'`)).toEqual([{ outcome: 'unreadable', reason: 'unknown event type' }]);
  });

  it('a death found by verification first and then by the feed opens one case', async () => {
    const m = (await rows(`select m.id, m.regency_code, m.village_code, m.family_id, m.nik_enc from member m
      where m.presence_status = 'tinggal' and m.nik_enc is not null order by m.id limit 1`))[0]!;
    const ref = { id: Number(m.id), regencyCode: String(m.regency_code), villageCode: String(m.village_code), familyId: Number(m.family_id) };
    const nik = keyring.cipher.decrypt(m.nik_enc as Uint8Array, 'member.nik');
    const marked = await t.db.transaction((tx) => markDeceased(tx, keyring, [ref], { source: 'dukcapil', eventId: null, actorId: 'test', details: { foundBy: 'verification' } }), nationalActor);
    expect(marked).toHaveLength(1);
    const death: CivilEvent = { eventId: 'late-death', seq: 100_000, type: 'death', nik, occurredOn: '2025-09-01', publishedAt: new Date().toISOString() };
    const r = await t.db.transaction((tx) => applyCivilEvents(tx, keyring, 'dukcapil', [death]), nationalActor);
    expect(r).toMatchObject({ applied: 0, skipped: 1, deaths: 0 });
    expect(await count(t.db, `select count(*) as n from civil_case where member_id = $1 and kind = 'death'`, [ref.id])).toBe(1);
    expect((await verifyRegistryIntegrity(t.db, keyring)).broken).toEqual([]);
  });

  it('shows regional officers only the cases and ledger rows of their region', async () => {
    const all = await count(t.db, 'select count(*) as n from civil_case');
    const bogor = await t.db.transaction(async (tx) => Number((await tx.raw.query<{ n: number }>('select count(*) as n from civil_case')).rows[0]!.n), actorFor('32.01'));
    const bogorExpected = await count(t.db, `select count(*) as n from civil_case where village_code like '32.01.%'`);
    expect(bogor).toBe(bogorExpected);
    expect(bogor).toBeLessThan(all);
  });
});
