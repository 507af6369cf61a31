/**
 * `tepat serve [--port P] [--host H] [--demo]`: migrates, loads regions, optionally
 * loads demo data for a few regencies on first start, and serves API, portal and console.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../platform/config.js';
import { openContext, type AppContext } from '../platform/context.js';
import { parseCommandArgs, UsageError, type Io } from '../cli/args.js';
import { buildServer } from './app.js';
import { CONSOLE_PATH, consoleStaticRoutes } from '../console/static-routes.js';
import { addUser } from '../auth/accounts.js';
import { importFile, orderImportFiles } from '../registry/import/import-file.js';
import type { Actor } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import { loadSurvey } from '../eligibility/pmt/load-survey.js';
import { fitPmtModel } from '../eligibility/pmt/fit-pmt.js';
import { rankFamilies } from '../eligibility/pmt/rank-families.js';
import { runEligibility } from '../eligibility/run-eligibility.js';
import { cycleOf } from '../eligibility/rules/rule-set.js';
import { runIdentityJob } from '../identity/run-identity-job.js';
import { foldAll } from '../dashboard/fold-deltas.js';
import { startDashboardFolding } from '../dashboard/background-fold.js';

const USAGE = 'Pemakaian: tepat serve [--port P] [--host H] [--demo] [--demo-families N]';

export const DEMO_PASSWORD = 'Tepat-Demo-Sandi-2026';
const DEMO_REGENCIES = '32.01,33.74,73.71';

/**
 * What an office would have done after loading its registry, so every screen of the demo
 * has something to show: a consumption survey (a fifth of the families; everyone in a small
 * demo), a fitted PMT and the desil ranking (the 14 BPS criteria when too few families to
 * fit), this month's eligibility decisions, and the duplicate search.
 */
async function prepareDemoWork(ctx: AppContext, io: Io, truthFile: string, families: number, actor: Actor): Promise<void> {
  const deps = { db: ctx.db, keyring: ctx.keyring, actor };
  const survey = await loadSurvey(deps, truthFile, { sample: families >= 5000 ? 0.2 : 1 });
  const fit = await fitPmtModel(deps, {}).catch((err: unknown) => {
    if (err instanceof AppError && err.code === 'validation') return undefined;
    throw err;
  });
  const ranking = await rankFamilies(deps, fit ? {} : { method: 'bps14' });
  const method = fit ? `PMT (R² ${fit.r2.test.toFixed(2)})` : '14 kriteria BPS (terlalu sedikit keluarga untuk melatih PMT)';
  io.stderr.write(`  survei konsumsi: ${survey.loaded} keluarga; ${ranking.families} keluarga diperingkat dengan ${method}\n`);
  const cycle = cycleOf(new Date());
  const run = await runEligibility(deps, { cycle });
  io.stderr.write(`  kelayakan periode ${cycle}: ${run.families} keluarga diputuskan\n`);
  const identity = await runIdentityJob({ db: ctx.db, keyring: ctx.keyring }, actor, {});
  io.stderr.write(`  pencarian duplikat: ${identity.pairs} pasangan calon duplikat\n`);
  // The dashboard and the public statistics show all of it from the first page view.
  await foldAll(ctx.db);
}

/** Loads demo families and accounts once: skipped when the registry already has families. */
export async function loadDemoData(ctx: AppContext, io: Io, families: number): Promise<void> {
  const existing = await ctx.db.kysely.selectFrom('account').select('id').limit(1).executeTakeFirst();
  const anyFamily = await ctx.db.transaction(async ({ kysely }) => kysely.selectFrom('family').select('id').limit(1).executeTakeFirst(),
    { id: 'demo', role: 'pusat', scope: 'ID', channel: 'system' });
  if (!anyFamily) {
    io.stderr.write(`Memuat data demo: ${families} keluarga sintetis di ${DEMO_REGENCIES}…\n`);
    const dir = await mkdtemp(join(tmpdir(), 'tepat-demo-'));
    try {
      const { runGenerateCommand } = await import('../generate/cli.js');
      const code = await runGenerateCommand(['--families', String(families), '--seed', '2026', '--out', dir, '--regions', DEMO_REGENCIES, '--duplicate-rate', '0.03'], { stdout: io.stderr, stderr: io.stderr });
      if (code !== 0) throw new Error('pembuatan data demo gagal');
      const actor = { id: 'demo-loader', role: 'pusat', scope: 'ID', channel: 'system' } as const;
      for (const { path } of await orderImportFiles([join(dir, 'families.csv'), join(dir, 'members.csv')])) {
        const s = await importFile({ db: ctx.db, keyring: ctx.keyring, actor }, path);
        io.stderr.write(`  ${s.file}: ${s.imported} baris diimpor${s.rejected > 0 ? `, ${s.rejected} ditolak` : ''}\n`);
      }
      await prepareDemoWork(ctx, io, join(dir, 'truth.csv'), families, actor);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  if (!existing) {
    const deps = { db: ctx.db, keyring: ctx.keyring };
    const accounts = [
      { username: 'pusat', role: 'pusat', scope: 'ID' },
      { username: 'dinsos.bogor', role: 'dinsos', scope: '32.01' },
      { username: 'operator.bogor', role: 'operator', scope: '32.01.01' },
      { username: 'auditor', role: 'auditor', scope: 'ID' },
    ];
    io.stderr.write(`Akun demo (kata sandi: ${DEMO_PASSWORD}):\n`);
    for (const a of accounts) {
      const r = await addUser(deps, { ...a, password: DEMO_PASSWORD });
      if (r.ok) io.stderr.write(`  ${a.username.padEnd(16)} ${a.role.padEnd(10)} wilayah ${a.scope}${r.totp ? `  TOTP: ${r.totp.secret}` : ''}\n`);
    }
  }
}

export async function runServeCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    port: { type: 'string' }, host: { type: 'string' }, demo: { type: 'boolean', default: false }, 'demo-families': { type: 'string' },
  }, USAGE);
  const env = { ...process.env };
  if (values.port) env.PORT = values.port;
  if (values.host) env.HOST = values.host;
  const config = loadConfig(env);
  const demoFamilies = values['demo-families'] ? Number(values['demo-families']) : 3000;
  if (!Number.isInteger(demoFamilies) || demoFamilies < 1) throw new UsageError(`--demo-families harus bilangan bulat positif.\n${USAGE}`);
  const ctx = await openContext(config);
  if (values.demo) await loadDemoData(ctx, io, demoFamilies);
  const app = await buildServer(ctx, { plugins: [consoleStaticRoutes()] });
  // Pick up keys added by `tepat keys rotate` (its grace period is longer than this).
  const refresh = setInterval(() => { ctx.keyring.refresh().catch((err: unknown) => ctx.logger.error({ err }, 'keyring refresh failed')); }, 5000);
  refresh.unref();
  // Dashboard rollups follow every write within seconds, whether or not anyone is watching.
  const folding = startDashboardFolding(ctx.db, ctx.logger);
  await app.listen({ port: config.port, host: config.host });
  const origin = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
  io.stdout.write(`Tepat berjalan di ${origin}/\n`);
  io.stdout.write(`Konsol petugas: ${origin}${CONSOLE_PATH}\n`);
  // Civil-registry work (verification, event sync) runs in the background when configured.
  const worker = new AbortController();
  if (config.civilRegistryUrl) {
    const { runCivilWorker } = await import('../civil/jobs.js');
    const { civilRegistryFor } = await import('../civil/wiring.js');
    const registry = civilRegistryFor(config);
    void runCivilWorker({ db: ctx.db, keyring: ctx.keyring, registry }, { signal: worker.signal, syncEveryMs: 60_000 })
      .catch((err: unknown) => ctx.logger.error({ err }, 'civil-registry worker stopped'));
  }
  const stop = async () => {
    worker.abort();
    await folding.stop();
    await app.close();
    await ctx.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise<number>(() => {});
}
