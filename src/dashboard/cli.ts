/**
 * `tepat dashboard rebuild|fold`: recount the dashboard rollups from the registry (first
 * install, repair), or apply pending changes now.
 */
import type { AppContext } from '../platform/context.js';
import type { Actor } from '../platform/db.js';
import { parseCommandArgs, UsageError, type Io } from '../cli/args.js';
import { foldAll } from './fold-deltas.js';
import { rebuildDashboard } from './rebuild-rollups.js';

export const DASHBOARD_USAGE = `Pemakaian: tepat dashboard PERINTAH
  rebuild   hitung ulang semua rekap dasbor dari registri (pemasangan pertama, perbaikan)
  fold      terapkan sekarang perubahan yang masih antre ke rekap dasbor`;

export async function runDashboardCommand(argv: string[], io: Io, ctx: AppContext): Promise<number> {
  const { positionals } = parseCommandArgs(argv, {}, DASHBOARD_USAGE);
  const actor: Actor = { id: 'cli', role: 'pusat', scope: 'ID', channel: 'cli' };
  const nf = new Intl.NumberFormat('id-ID');
  switch (positionals[0]) {
    case 'rebuild': {
      const s = await rebuildDashboard(ctx.db, actor);
      io.stdout.write(`Rekap dasbor dihitung ulang: ${nf.format(s.families)} keluarga, ${nf.format(s.rows)} baris rekap, ${s.seconds} detik.\n`);
      return 0;
    }
    case 'fold': {
      const applied = await foldAll(ctx.db);
      io.stdout.write(`Perubahan diterapkan ke rekap dasbor: ${nf.format(applied)} baris.\n`);
      return 0;
    }
    default:
      throw new UsageError(DASHBOARD_USAGE);
  }
}
