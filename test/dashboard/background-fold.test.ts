/**
 * The server's background fold: deltas left by writers (an import, an eligibility run)
 * reach the rollups without any reader, and the rollups then equal a full rebuild.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../support/db.js';
import { startDashboardFolding } from '../../src/dashboard/background-fold.js';
import { rebuildDashboard } from '../../src/dashboard/rebuild-rollups.js';
import { nationalActor } from '../support/db.js';
import { devKeyring, importGenerated, rollupContents } from './support.js';

let t: TestDb;
beforeAll(async () => { t = await openTestDb(); }, 60_000);
afterAll(async () => { await t.drop(); });

const pending = async () => t.db.transaction(async (tx) => (await tx.raw.query<{ p: boolean }>('select dashboard_pending() as p')).rows[0]!.p, nationalActor);

describe('background dashboard fold', () => {
  it('folds what writers left, in small steps, until nothing is pending; the rollups equal a rebuild', async () => {
    const keyring = await devKeyring(t.db);
    await importGenerated(t.db, keyring, { families: 40, seed: 7, regions: ['32.01'] });
    expect(await pending()).toBe(true);
    const errors: unknown[] = [];
    // Steps far smaller than the deltas: the loop must keep going, step after step.
    const folding = startDashboardFolding(t.db, { error: (o: unknown) => { errors.push(o); } }, { everyMs: 20, stepRows: 7 });
    const deadline = Date.now() + 60_000;
    while (await pending()) {
      if (Date.now() > deadline) throw new Error('deltas still pending after 60 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    await folding.stop();
    expect(errors).toEqual([]);
    const folded = await rollupContents(t.db);
    expect(Object.keys(folded).length).toBeGreaterThan(0);
    await rebuildDashboard(t.db, nationalActor);
    expect(await rollupContents(t.db)).toEqual(folded);
  }, 120_000);
});
