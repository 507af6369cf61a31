/**
 * The deduplication job on a generated registry with planted duplicates: it finds them
 * (pairwise precision and recall of the groups it forms, printed), keeps look-alikes
 * apart, stores explained pairs and keys, and a second run changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, nationalActor, actorFor, isPostgres, type TestDb } from '../support/db.js';
import type { Keyring } from '../../src/platform/keyring.js';
import { runIdentityJob, type IdentityRunSummary } from '../../src/identity/run-identity-job.js';
import { StoredExplanation } from '../../src/identity/pair-status.js';
import {
  devKeyring, generatedFiles, groupPairs, importGenerated, lookalikeRows, memberIdsByRow, pairKey, quality, truthPairs,
} from './support.js';

const FAMILIES = 400;
let t: TestDb;
let keyring: Keyring;
let dir: string;
let first: IdentityRunSummary;

async function all<R>(sql: string, params: unknown[] = []): Promise<R[]> {
  return t.db.transaction(async ({ raw }) => (await raw.query<R>(sql, params)).rows, nationalActor);
}

/** Everything the job wrote, in a comparable form. */
async function identitySnapshot(): Promise<string> {
  const pairs = await all<{ k: string }>(`select concat_ws('|', id, regency_code, member_a, member_b, model_id, weight, probability, decision,
      cannot_link, explanation::text, held_reason, status, decided_by, decided_at, found_by, created_at, updated_at) as k from identity_pair order by id`);
  const keys = await all<{ n: number; h: string }>(`select count(*)::int as n, md5(string_agg(member_id || ':' || key_hash, ',' order by member_id, key_hash)) as h from identity_key`);
  const keyed = await all<{ k: string }>(`select md5(string_agg(concat_ws('|', member_id, encode(row_hash, 'hex'), keyed_village, keys_version), ',' order by member_id)) as k from identity_keyed`);
  return JSON.stringify({ pairs: pairs.map((r) => r.k), keys: keys[0], keyed: keyed[0] });
}

beforeAll(async () => {
  t = await openTestDb();
  keyring = await devKeyring(t.db);
  dir = await generatedFiles(FAMILIES);
  await importGenerated(t.db, keyring, dir);
  first = await runIdentityJob({ db: t.db, keyring }, nationalActor, { batchSize: 400 });
}, 600_000);
afterAll(async () => { await t?.drop(); });

describe('identity job', () => {
  it('finds the planted duplicates: pairwise precision and recall of its groups', async () => {
    const idOf = await memberIdsByRow(t.db);
    const truth = truthPairs(dir, idOf);
    const accepted = await all<{ a: number; b: number }>(`select member_a as a, member_b as b from identity_pair where status = 'accepted'`);
    const stored = await all<{ a: number; b: number }>('select member_a as a, member_b as b from identity_pair');
    const linked = quality(groupPairs(accepted.map((p) => [Number(p.a), Number(p.b)])), truth);
    const candidates = quality(new Set(stored.map((p) => pairKey(Number(p.a), Number(p.b)))), truth);
    console.log(`identity job on ${first.people} people (${FAMILIES} families, 15% duplicates, 5% damaged rows): ` +
      `auto-linked groups P=${linked.precision.toFixed(4)} R=${linked.recall.toFixed(4)} F1=${linked.f1.toFixed(4)} ` +
      `(${linked.tp}/${linked.truth} true pairs); review queue + links R=${candidates.recall.toFixed(4)} ` +
      `(${stored.length} pairs stored, ${first.pending} pending); ${first.seconds}s`);
    expect(truth.size).toBeGreaterThan(100);
    expect(linked.precision).toBeGreaterThanOrEqual(0.97);
    expect(linked.recall).toBeGreaterThanOrEqual(0.85);
    expect(candidates.recall).toBeGreaterThanOrEqual(0.9);
    expect(first.pairs).toBe(stored.length);
  });

  it('keeps look-alikes apart: no twins or father and son of the same name linked automatically', async () => {
    const idOf = await memberIdsByRow(t.db);
    const accepted = await all<{ a: number; b: number }>(`select member_a as a, member_b as b from identity_pair where status = 'accepted'`);
    const groups = groupPairs(accepted.map((p) => [Number(p.a), Number(p.b)]));
    const family = lookalikeRows(dir).filter((l) => l.kind !== 'common_name');
    let checked = 0;
    for (const l of family) {
      const a = idOf.get(l.rowA);
      const b = idOf.get(l.rowB);
      if (a === undefined || b === undefined) continue;
      checked++;
      expect(groups.has(pairKey(a, b)), `${l.kind} rows ${l.rowA}/${l.rowB}`).toBe(false);
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('stores every pair with its score, decision and per-field explanation in Bahasa Indonesia', async () => {
    const rows = await all<{ explanation: unknown; probability: number; decision: string; status: string; model_id: number }>(
      'select explanation, probability, decision, status, model_id from identity_pair');
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      const e = StoredExplanation.parse(r.explanation);
      expect(e.fields.map((f) => f.field)).toEqual(['name', 'birthDate', 'sex', 'nik', 'kk', 'mother', 'birthPlace', 'address', 'region']);
      expect(e.summary.length).toBeGreaterThan(0);
      expect(Number(r.probability)).toBeCloseTo(e.probability, 10);
      expect(Number(r.model_id)).toBe(first.modelId);
    }
    expect(rows.some((r) => /nama|tanggal lahir|NIK/.test(StoredExplanation.parse(r.explanation).summary))).toBe(true);
    expect(rows.filter((r) => r.status === 'pending').every((r) => ['link', 'review'].includes(r.decision))).toBe(true);
  });

  it('stores blocking keys for everyone', async () => {
    const [{ people, keyed, perPerson }] = await all<{ people: number; keyed: number; perPerson: number }>(
      `select (select count(*) from member)::int as people, (select count(*) from identity_keyed)::int as keyed,
              (select count(*) from identity_key)::float / greatest((select count(*) from member), 1) as "perPerson"`) as [{ people: number; keyed: number; perPerson: number }];
    expect(keyed).toBe(people);
    expect(perPerson).toBeGreaterThan(10);
  });

  it('audits the job and its batches', async () => {
    const actions = await all<{ action: string; n: number }>(
      `select action, count(*)::int as n from audit_log where action like 'identity.%' group by action order by action`);
    const byAction = Object.fromEntries(actions.map((a) => [a.action, a.n]));
    expect(byAction['identity.job.start']).toBe(1);
    expect(byAction['identity.job.done']).toBe(1);
    expect(byAction['identity.model.store']).toBe(1);
    expect(byAction['identity.keys.batch']).toBeGreaterThan(1);
    expect(byAction['identity.pairs.batch']).toBeGreaterThan(1);
  });

  it('run again on unchanged data: writes nothing, same model, same pairs', async () => {
    const before = await identitySnapshot();
    const auditBefore = await all<{ n: number }>(`select count(*)::int as n from audit_log`);
    const again = await runIdentityJob({ db: t.db, keyring }, nationalActor, { batchSize: 400 });
    expect(again.jobId).not.toBe(first.jobId);
    expect(again.resumed).toBe(false);
    expect(again.modelId).toBe(first.modelId);
    expect(again.modelEstimated).toBe(false);
    expect(again.keyedPeople).toBe(0);
    expect(again.inserted).toBe(0);
    expect(again.updated).toBe(0);
    expect(again.pairs).toBe(first.pairs);
    expect(await identitySnapshot()).toBe(before);
    // Only the job's own start and end are recorded.
    const auditAfter = await all<{ n: number }>(`select count(*)::int as n from audit_log`);
    expect(auditAfter[0]!.n - auditBefore[0]!.n).toBe(2);
  });

  it('one region only: reads, keys and pairs stay inside it; outside scope is refused', async () => {
    const [{ regency }] = await all<{ regency: string }>(
      `select regency_code as regency from identity_pair where regency_code = regency_b group by 1 order by count(*) desc limit 1`) as [{ regency: string }];
    const run = await runIdentityJob({ db: t.db, keyring }, nationalActor, { region: regency, estimate: true, batchSize: 400 });
    expect(run.scope).toBe(regency);
    expect(run.modelEstimated).toBe(true);
    const [{ n }] = await all<{ n: number }>(`select count(*)::int as n from member where regency_code = $1`, [regency]) as [{ n: number }];
    expect(run.people).toBe(n);
    const outside = await all<{ n: number }>(`select count(*)::int as n from identity_pair where found_by = $1 and (regency_code <> $2 or regency_b <> $2)`, [`job#${run.jobId}`, regency]);
    expect(outside[0]!.n).toBe(0);
    await expect(runIdentityJob({ db: t.db, keyring }, actorFor(regency), { region: '73' })).rejects.toThrow(/di luar wilayah/);
  });

  it.runIf(isPostgres())('refuses a second run of the same scope while one is running (PostgreSQL)', async () => {
    await t.db.withConnection(async (conn) => {
      await conn.query(`select pg_advisory_lock(727284, hashtext('ID'))`);
      try {
        await expect(runIdentityJob({ db: t.db, keyring }, nationalActor)).rejects.toThrow(/sedang berjalan/);
      } finally {
        await conn.query(`select pg_advisory_unlock(727284, hashtext('ID'))`);
      }
    });
  });
});
