/** `tepat keys rotate [--grace-seconds S]`: new data key, then re-encryption in batches. */
import type { AppContext } from './context.js';
import { parseCommandArgs, UsageError, type Io } from '../cli/args.js';
import { progressBar } from './progress.js';
import { rotateKeys } from './key-rotation.js';

const USAGE = 'Pemakaian: tepat keys rotate [--grace-seconds 15]  (jeda agar server yang berjalan memuat kunci baru)';

export async function runKeysCommand(argv: string[], io: Io, ctx: AppContext): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'rotate') throw new UsageError(USAGE);
  const { values } = parseCommandArgs(rest, { 'grace-seconds': { type: 'string', default: '15' } }, USAGE);
  const grace = Number(values['grace-seconds']);
  if (!Number.isFinite(grace) || grace < 0) throw new UsageError(USAGE);
  const bar = progressBar(io.stderr as NodeJS.WriteStream, 'nilai');
  const result = await rotateKeys(ctx.db, ctx.keyring, {
    graceMs: grace * 1000,
    onProgress: (p) => bar.update({ done: p.done, label: `${p.table}.${p.column}` }),
  });
  bar.finish();
  io.stdout.write(JSON.stringify(result) + '\n');
  return 0;
}
