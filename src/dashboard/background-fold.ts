/**
 * Keeps the dashboard's rollups current in a running server: every few seconds, pending
 * deltas are folded in bounded steps (each its own transaction, so requests interleave),
 * until none are left. Readers also fold a little (read-dashboard.ts), but a registry
 * nobody is looking at — or a large job's deltas — must not wait for a reader.
 */
import type { Logger } from 'pino';
import type { Db } from '../platform/db.js';
import { foldDashboard } from './fold-deltas.js';

export interface BackgroundFoldOptions {
  /** How often to look for pending deltas (default 5 s). */
  readonly everyMs?: number;
  /** Delta rows per step (default 20,000). */
  readonly stepRows?: number;
}

export interface BackgroundFold {
  /** Stops the timer and waits for a fold in progress. */
  stop(): Promise<void>;
}

/**
 * @example const folding = startDashboardFolding(ctx.db, ctx.logger); … await folding.stop();
 */
export function startDashboardFolding(db: Db, logger: Pick<Logger, 'error'>, opts: BackgroundFoldOptions = {}): BackgroundFold {
  const stepRows = opts.stepRows ?? 20_000;
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = (): void => {
    if (running || stopped) return;
    running = (async () => {
      try {
        // A step that applied fewer rows than it could found nothing more pending; a skipped
        // step means another process is folding.
        for (;;) {
          const r = await foldDashboard(db, { maxRows: stepRows });
          if (r.skipped || r.applied < stepRows || stopped) break;
          await new Promise((resolve) => setImmediate(resolve));
        }
      } catch (err) {
        logger.error({ err }, 'dashboard fold failed');
      } finally {
        running = undefined;
      }
    })();
  };
  const timer = setInterval(tick, opts.everyMs ?? 5000);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
