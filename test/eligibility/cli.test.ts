/** `tepat eligibility …` and `tepat pmt …` as the lead wires them: arguments in, text or JSON out. */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../support/db.js';
import { testContext } from '../support/app.js';
import type { AppContext } from '../../src/platform/context.js';
import { UsageError, type Io } from '../../src/cli/args.js';
import { runEligibilityCommand, runPmtCommand } from '../../src/eligibility/cli.js';
import { insertFamilies, type MemberSpec } from './support.js';

let t: TestDb;
let ctx: AppContext;

function capture(): { io: Io; out: () => string } {
  let text = '';
  const sink = () => new Writable({ write(chunk, _enc, done) { text += String(chunk); done(); } });
  return { io: { stdout: sink(), stderr: new Writable({ write(_c, _e, done) { done(); } }) }, out: () => text };
}

const poor: MemberSpec = {
  presenceStatus: 'tinggal', birthDate: '1950-01-01', sex: 'P', relationship: 'kepala', isPregnant: false, educationLevel: 'sd',
  schoolParticipation: 'tidak_lagi', severeDisability: false, disabilities: [], occupation: 'buruh_tani', workStatus: 'pekerja_bebas',
  healthInsurance: 'pbi_jkn', chronicIllness: 'tidak_ada',
};

beforeAll(async () => {
  t = await openTestDb();
  ctx = await testContext(t);
  await insertFamilies(t.db, Array.from({ length: 30 }, (_, i) => ({ villageCode: i % 2 ? '32.01.02.2001' : '73.71.01.1001', programsReceived: [], members: [poor], rank: null })));
}, 120_000);
afterAll(async () => { await t.drop(); });

describe('eligibility and pmt commands', () => {
  it('ranks by the 14 criteria, runs a cycle and previews a change', async () => {
    const rank = capture();
    expect(await runPmtCommand(['rank', '--method', 'bps14', '--date', '2025-07-01', '--json'], rank.io, ctx)).toBe(0);
    expect(JSON.parse(rank.out())).toMatchObject({ method: 'bps14', families: 30, desil: [3, 3, 3, 3, 3, 3, 3, 3, 3, 3] });

    // The demo weights shipped with the code (fitted on synthetic data) rank without a survey.
    const demo = capture();
    expect(await runPmtCommand(['rank', '--weights', 'src/eligibility/pmt/weights/synthetic-demo.json', '--date', '2025-07-01', '--json'], demo.io, ctx)).toBe(0);
    expect(JSON.parse(demo.out())).toMatchObject({ method: 'pmt', modelVersion: null, families: 30 });
    const bps = capture();
    await runPmtCommand(['rank', '--method', 'bps14', '--date', '2025-07-01', '--json'], bps.io, ctx);

    const run = capture();
    expect(await runEligibilityCommand(['run', '--cycle', '2025-07', '--json'], run.io, ctx)).toBe(0);
    const summary = JSON.parse(run.out()) as { families: number; programs: Array<{ program: string; paidFamilies: number }> };
    expect(summary.families).toBe(30);
    // desil 1-4 of 30 families = 12, each with an elder
    expect(summary.programs.find((p) => p.program === 'pkh')!.paidFamilies).toBe(12);

    const preview = capture();
    expect(await runEligibilityCommand(['preview', '--set', 'pkh.maxDesil=2', '--set', 'pkh.amountElderly=3000000', '--cycle', '2025-07'], preview.io, ctx)).toBe(0);
    expect(preview.out()).toMatch(/PKH \(maxDesil 4 → 2, amountElderly 2400000 → 3000000\)/);
    expect(preview.out()).toMatch(/keluarga layak 12 → 6/);

    const rules = capture();
    expect(await runEligibilityCommand(['rules', '--cycle', '2025-07', '--json'], rules.io, ctx)).toBe(0);
    const order = (JSON.parse(rules.out()) as Array<{ program: string }>).map((r) => r.program);
    expect([...order].sort()).toEqual(['blt_dd', 'bpnt', 'pbi_jk', 'pip', 'pkh']);
    // BLT Dana Desa is decided after the programs it excludes.
    expect(order.indexOf('blt_dd')).toBeGreaterThan(Math.max(order.indexOf('pkh'), order.indexOf('bpnt')));
  });

  it('reports bad usage and missing data clearly', async () => {
    const { io } = capture();
    await expect(runEligibilityCommand(['preview', '--set', 'pkh.tidakAda=1'], io, ctx)).rejects.toThrow(UsageError);
    await expect(runEligibilityCommand(['run', '--cycle', '2025-13'], io, ctx)).rejects.toThrow(/YYYY-MM/);
    await expect(runPmtCommand(['fit'], io, ctx)).rejects.toThrow(/Belum ada data konsumsi/);
    expect(await runPmtCommand([], io, ctx)).toBe(2);
  });
});
