/**
 * Counters of status checks per day, channel and outcome. Checks are not logged one
 * by one: a log of who looked up which NIK would itself be personal data. Counted in
 * memory and added to `portal_check_stat` by `flush` (every minute and on shutdown).
 */
import type { Db } from '../platform/db.js';
import { portalActor } from './actor.js';

export type CheckChannel = 'web' | 'api';
export type CheckOutcome = 'found' | 'not_found' | 'challenged' | 'rate_limited' | 'invalid';

export interface CheckCounter {
  count(channel: CheckChannel, outcome: CheckOutcome, now?: Date): void;
  /** Writes and resets the counts; safe to call concurrently (one write at a time). */
  flush(db: Db): Promise<void>;
}

export function createCheckCounter(): CheckCounter {
  let counts = new Map<string, number>();
  let writing: Promise<void> = Promise.resolve();
  let dayNo = -1;
  let day = '';
  return {
    count(channel, outcome, now = new Date()) {
      // UTC days; the date string is made once a day, not once a check.
      const n = Math.floor(now.getTime() / 86_400_000);
      if (n !== dayNo) { dayNo = n; day = now.toISOString().slice(0, 10); }
      const key = `${day}|${channel}|${outcome}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    },
    flush(db) {
      writing = writing.catch(() => {}).then(async () => {
        if (counts.size === 0) return;
        const batch = counts;
        counts = new Map();
        try {
          await db.transaction(async (tx) => {
            for (const [key, n] of batch) {
              const [day, channel, outcome] = key.split('|');
              await tx.raw.query(
                `insert into portal_check_stat (day, channel, outcome, n) values ($1, $2, $3, $4)
                 on conflict (day, channel, outcome) do update set n = portal_check_stat.n + excluded.n`, [day, channel, outcome, n]);
            }
          }, portalActor());
        } catch (err) {
          // Keep the counts for the next attempt rather than lose them.
          for (const [k, n] of batch) counts.set(k, (counts.get(k) ?? 0) + n);
          throw err;
        }
      });
      return writing;
    },
  };
}
