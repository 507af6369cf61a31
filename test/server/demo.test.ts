/**
 * `tepat serve --demo` loads, once, a registry a newcomer can explore: families, a desil
 * ranking, this month's eligibility decisions, the duplicate search, and demo accounts.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, nationalActor, type TestDb } from '../support/db.js';
import { testContext } from '../support/app.js';
import type { AppContext } from '../../src/platform/context.js';
import { loadDemoData } from '../../src/server/serve.js';

let t: TestDb;
let ctx: AppContext;
let said = '';
const io = { stdout: new Writable({ write(_c, _e, cb) { cb(); } }), stderr: new Writable({ write(c: Buffer, _e, cb) { said += c.toString(); cb(); } }) };

async function counts() {
  return t.db.transaction(async (tx) => (await tx.raw.query<{ families: number; members: number; ranked: number; decided: number; identity_jobs: number; accounts: number; pairs: number; dashboard_pending: boolean; audit: number }>(`select
    (select count(*) from family)::int as families,
    (select count(*) from member)::int as members,
    (select count(*) from welfare_rank r join welfare_ranking w on w.id = r.ranking_id and w.is_current)::int as ranked,
    (select count(*) from eligibility_decision_set)::int as decided,
    (select count(*) from job where kind = 'identity.run' and status = 'done')::int as identity_jobs,
    (select count(*) from account)::int as accounts,
    (select count(*) from identity_pair)::int as pairs,
    (select count(*) from audit_log)::int as audit,
    dashboard_pending() as dashboard_pending`)).rows[0]!, nationalActor);
}

beforeAll(async () => {
  t = await openTestDb();
  ctx = await testContext(t);
}, 60_000);
afterAll(async () => { await t.drop(); });

describe('demo data', () => {
  it('loads families, ranking, decisions, the duplicate search and accounts, and does nothing on a second start', async () => {
    await loadDemoData(ctx, io, 600);
    const first = await counts();
    // Duplicates registered again by the generator (a few per cent) wait in the review queue.
    expect(first.families).toBeGreaterThanOrEqual(600);
    expect(first.pairs).toBeGreaterThan(0);
    // Some duplicates carry typing damage the import rejects (and reports); nearly all load.
    const rejected = [...said.matchAll(/(\d+) ditolak/g)].reduce((n, m) => n + Number(m[1]), 0);
    expect(rejected).toBeLessThan(first.members / 100);
    expect(first.members).toBeGreaterThan(first.families);
    expect(first.ranked).toBe(first.families);
    expect(first.decided).toBe(first.families);
    expect(first.identity_jobs).toBe(1);
    expect(first.accounts).toBe(4);
    // Folded into the dashboard's rollups before the server opens.
    expect(first.dashboard_pending).toBe(false);
    expect(said).toMatch(/diperingkat dengan PMT \(R² /);
    expect(said).toMatch(/TOTP: [A-Z2-7]{16,}/);

    said = '';
    await loadDemoData(ctx, io, 600);
    expect(await counts()).toEqual(first);
    expect(said).toBe('');
  }, 300_000);
});
