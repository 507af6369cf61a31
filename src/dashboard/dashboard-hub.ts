/**
 * Live dashboard snapshots for server-sent events: one shared poller per region, however
 * many clients watch it. Once a second (while anyone watches) the hub folds pending deltas
 * and checks the rollups' change counter; when it moved, each watched region is read once
 * and its clients get the new snapshot only if their region's figures changed.
 */
import type { Actor, Db } from '../platform/db.js';
import { DEFAULT_READ_FOLD_LIMIT, readDashboard } from './read-dashboard.js';
import { foldDashboard } from './fold-deltas.js';
import type { DashboardSnapshot } from './schemas.js';

export type SnapshotListener = (snapshot: DashboardSnapshot) => void;

export interface DashboardHub {
  /**
   * Watches a region; `current` is the snapshot the client was just sent. Returns the
   * function that stops watching.
   */
  subscribe(region: string, current: DashboardSnapshot, listener: SnapshotListener): () => void;
  /** Regions watched now (tests, health). */
  watchedRegions(): string[];
  close(): void;
}

export interface HubOptions {
  /** Poll period (default 1,000 ms: at most one snapshot a second per region). */
  readonly intervalMs?: number;
  /** Delta rows folded per tick (default 50,000). */
  readonly foldRows?: number;
  readonly onError?: (err: unknown) => void;
}

interface Watched {
  readonly listeners: Set<SnapshotListener>;
  /** The figures last sent, without asOf (which moves with any change anywhere). */
  lastFigures: string;
  /** Change counter the figures were read at; null before the first poll. */
  seq: number | null;
}

const figuresOf = (s: DashboardSnapshot): string => JSON.stringify({ region: s.region, totals: s.totals, children: s.children });

/** Reads with the region itself as scope: the hub serves only clients already authorised for it. */
const regionReader = (region: string): Actor => ({ id: 'system:dashboard', role: 'system', scope: region, channel: 'system' });

/**
 * @example
 * const hub = createDashboardHub({ db });
 * const stop = hub.subscribe('32.01', first, (s) => res.write(`event: snapshot\ndata: ${JSON.stringify(s)}\n\n`));
 */
export function createDashboardHub(deps: { db: Db }, opts: HubOptions = {}): DashboardHub {
  const regions = new Map<string, Watched>();
  let timer: NodeJS.Timeout | undefined;
  let ticking = false;
  let closed = false;

  async function tick(): Promise<void> {
    if (ticking || regions.size === 0) return;
    ticking = true;
    try {
      await foldDashboard(deps.db, { maxRows: opts.foldRows ?? 50_000 });
      const seq = await deps.db.transaction(async (tx) => Number((await tx.raw.query<{ seq: number }>('select seq from dashboard_state where id = 1')).rows[0]!.seq));
      for (const [region, w] of regions) {
        if (w.seq === seq) continue;
        const snapshot = await readDashboard(deps, regionReader(region), region, { foldLimit: DEFAULT_READ_FOLD_LIMIT });
        w.seq = seq;
        const figures = figuresOf(snapshot);
        if (figures === w.lastFigures) continue;
        w.lastFigures = figures;
        for (const listener of w.listeners) listener(snapshot);
      }
    } catch (err) {
      opts.onError?.(err);
    } finally {
      ticking = false;
    }
  }

  function stopIfIdle(): void {
    if (regions.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  }

  return {
    subscribe(region, current, listener) {
      if (closed) return () => {};
      let w = regions.get(region);
      if (!w) regions.set(region, (w = { listeners: new Set(), lastFigures: figuresOf(current), seq: null }));
      w.listeners.add(listener);
      timer ??= setInterval(() => { void tick(); }, opts.intervalMs ?? 1_000);
      const watched = w;
      return () => {
        watched.listeners.delete(listener);
        if (watched.listeners.size === 0 && regions.get(region) === watched) regions.delete(region);
        stopIfIdle();
      };
    },
    watchedRegions: () => [...regions.keys()],
    close() {
      closed = true;
      regions.clear();
      stopIfIdle();
    },
  };
}
