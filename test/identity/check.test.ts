/**
 * The incremental check: people imported after the job are compared with the registry
 * through the stored blocking keys only, and their duplicates are found.
 */
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, nationalActor, actorFor, type TestDb } from '../support/db.js';
import type { Keyring } from '../../src/platform/keyring.js';
import { importFile } from '../../src/registry/import/import-file.js';
import { checkPeople } from '../../src/identity/check-people.js';
import { runIdentityJob } from '../../src/identity/run-identity-job.js';
import { devKeyring, duplicateRows, generatedFiles, importGenerated, memberIdsByRow, pairKey, splitMembers } from './support.js';

let t: TestDb;
let keyring: Keyring;
let dir: string;
let second: string;
let moved: Map<number, { file: string; row: number }>;
let newIds: number[];

async function all<R>(sql: string, params: unknown[] = []): Promise<R[]> {
  return t.db.transaction(async ({ raw }) => (await raw.query<R>(sql, params)).rows, nationalActor);
}

beforeAll(async () => {
  t = await openTestDb();
  keyring = await devKeyring(t.db);
  dir = await generatedFiles(300, 777);
  const dupRows = new Set(duplicateRows(dir).map((d) => d.duplicateRow));
  const split = splitMembers(dir, (row) => !dupRows.has(row));
  second = split.second;
  moved = split.moved;
  await importGenerated(t.db, keyring, dir, split.first);
}, 600_000);
afterAll(async () => { await t?.drop(); });

describe('incremental check', () => {
  it('before any model: stores the keys, scores nothing', async () => {
    const ids = [...(await memberIdsByRow(t.db)).values()].slice(0, 5);
    const r = await t.db.transaction((tx) => checkPeople(tx, keyring, ids), nationalActor);
    expect(r).toMatchObject({ checked: 5, pairs: 0, modelId: null });
    const keys = await all<{ n: number }>('select count(distinct member_id)::int as n from identity_key where member_id = any($1::bigint[])', [ids]);
    expect(keys[0]!.n).toBe(5);
  });

  it('finds the duplicates among people imported after the job, by key lookup', async () => {
    const job = await runIdentityJob({ db: t.db, keyring }, nationalActor);
    expect(job.modelId).not.toBeNull();
    await importFile({ db: t.db, keyring, actor: nationalActor }, second);
    const byFile = { 'members-a.csv': await memberIdsByRow(t.db, 'members-a.csv'), 'members-b.csv': await memberIdsByRow(t.db, basename(second)) };
    // Member id by row of the original members.csv (the truth's numbering).
    const idOf = new Map<number, number>();
    for (const [row, to] of moved) {
      const id = byFile[to.file as keyof typeof byFile].get(to.row);
      if (id !== undefined) idOf.set(row, id);
    }
    newIds = [...byFile['members-b.csv'].values()];
    expect(newIds.length).toBeGreaterThan(50);
    const pairsBefore = await all<{ n: number }>('select count(*)::int as n from identity_pair');

    const started = performance.now();
    const r = await t.db.transaction((tx) => checkPeople(tx, keyring, newIds), nationalActor);
    const ms = performance.now() - started;
    console.log(`checkPeople: ${r.checked} people in one call, ${r.candidates} candidates, ${r.comparedPairs} pairs compared, ` +
      `${r.pairs} stored (${r.autoAccepted} auto-linked, ${r.pending} pending) in ${ms.toFixed(0)} ms = ${(ms / r.checked).toFixed(2)} ms/person (${t.db.kind}, test registry)`);
    expect(r.checked).toBe(newIds.length);
    expect(r.modelId).toBe(job.modelId);

    // Each new record is a duplicate of a person already in the registry (or of another new one).
    const truth = new Set<string>();
    const byPerson = new Map<string, number[]>();
    for (const d of duplicateRows(dir)) {
      const ids = [idOf.get(d.originalRow), idOf.get(d.duplicateRow)].filter((x): x is number => x !== undefined);
      byPerson.set(d.personId, [...new Set([...(byPerson.get(d.personId) ?? []), ...ids])]);
    }
    for (const ids of byPerson.values()) for (let x = 0; x < ids.length; x++) for (let y = x + 1; y < ids.length; y++) truth.add(pairKey(ids[x]!, ids[y]!));
    const stored = await all<{ a: number; b: number; status: string }>(
      `select member_a as a, member_b as b, status from identity_pair where member_a = any($1::bigint[]) or member_b = any($1::bigint[])`, [newIds]);
    const found = new Set(stored.map((p) => pairKey(Number(p.a), Number(p.b))));
    const newSet = new Set(newIds);
    const expected = [...truth].filter((k) => k.split('-').some((x) => newSet.has(Number(x))));
    const hit = expected.filter((k) => found.has(k)).length;
    const acceptedWrong = stored.filter((p) => p.status === 'accepted' && !truth.has(pairKey(Number(p.a), Number(p.b)))).length;
    const accepted = stored.filter((p) => p.status === 'accepted').length;
    console.log(`incremental check recall ${hit}/${expected.length} = ${(hit / expected.length).toFixed(4)}; auto-linked precision ${accepted - acceptedWrong}/${accepted}`);
    expect(hit / expected.length).toBeGreaterThanOrEqual(0.9);
    expect(acceptedWrong / Math.max(accepted, 1)).toBeLessThanOrEqual(0.03);

    // Checked again: the same pairs, nothing new.
    const again = await t.db.transaction((tx) => checkPeople(tx, keyring, newIds), nationalActor);
    expect(again.pairs).toBe(r.pairs);
    const pairsAfter = await all<{ n: number }>('select count(*)::int as n from identity_pair');
    expect(pairsAfter[0]!.n - pairsBefore[0]!.n).toBeLessThanOrEqual(r.pairs);
    const audits = await all<{ n: number }>(`select count(*)::int as n from audit_log where action = 'identity.check'`);
    expect(audits[0]!.n).toBe(3);
  });

  it('an edited person gets new keys, and none of the old ones stay', async () => {
    const id = newIds[0]!;
    const before = await all<{ h: string }>('select key_hash::text as h from identity_key where member_id = $1 order by 1', [id]);
    await t.db.transaction(async ({ raw }) => {
      await raw.query(`update member set full_name = 'Bambang Sutejo Wiryonagoro', birth_date = '1950-02-03' where id = $1`, [id]);
    }, nationalActor);
    const r = await t.db.transaction((tx) => checkPeople(tx, keyring, [id]), nationalActor);
    expect(r.checked).toBe(1);
    const after = await all<{ h: string }>('select key_hash::text as h from identity_key where member_id = $1 order by 1', [id]);
    expect(after.length).toBeGreaterThan(5);
    const kept = after.filter((k) => before.some((b) => b.h === k.h)).length;
    // Name and date keys changed; only keys of unchanged fields (NIK, place, village) remain.
    expect(kept).toBeLessThan(before.length);
    const [{ n }] = await all<{ n: number }>('select count(*)::int as n from identity_key where member_id = $1', [id]) as [{ n: number }];
    expect(n).toBe(after.length);
  });

  it('sees only the caller\'s region: no pair with anyone outside it', async () => {
    const [{ id, regency }] = await all<{ id: number; regency: string }>(
      `select m.id, m.regency_code as regency from member m where m.id = any($1::bigint[]) order by m.id limit 1`, [newIds]) as [{ id: number; regency: string }];
    const other = await all<{ regency: string }>('select distinct regency_code as regency from member where regency_code <> $1 limit 1', [regency]);
    const actor = actorFor(other[0]!.regency);
    const r = await t.db.transaction((tx) => checkPeople(tx, keyring, [id]), actor);
    expect(r.checked).toBe(0);
    const national = await t.db.transaction((tx) => checkPeople(tx, keyring, [id]), nationalActor);
    const [{ t0 }] = await all<{ t0: string }>('select clock_timestamp()::text as t0') as [{ t0: string }];
    const own = await t.db.transaction((tx) => checkPeople(tx, keyring, [id]), actorFor(regency));
    expect(own.checked).toBe(1);
    expect(own.candidates).toBeLessThanOrEqual(national.candidates);
    const outside = await all<{ n: number }>(
      `select count(*)::int as n from identity_pair where updated_at >= $2::timestamptz
         and (member_a = $1 or member_b = $1) and (regency_code <> $3 or regency_b <> $3)`, [id, t0, regency]);
    expect(outside[0]!.n).toBe(0);
  });
});
