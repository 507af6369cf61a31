/**
 * Receiving pushed events (DCI `/registry/notify`): the message is parsed and its events
 * applied through the same ledger as the pulled feed, so a registry that delivers at least
 * once, or a push and a pull of the same event, still takes effect exactly once. Answer
 * the registry with 2xx only after this resolves: the delivery is then committed.
 *
 * Not exposed as a route yet: a public notify endpoint must first verify the registry's
 * message signature (DCI `signature`), or anyone could report deaths.
 */
import type { Actor, Db } from '../platform/db.js';
import { appendAudit } from '../platform/audit.js';
import { AppError } from '../platform/errors.js';
import type { Keyring } from '../platform/keyring.js';
import { NotifyMessage, readEventRecords } from './dci.js';
import { applyCivilEvents, type PageResult } from './sync-events.js';

export type NotifyOutcome = { readonly ok: true; readonly result: PageResult } | { readonly ok: false; readonly problem: string };

/**
 * @example const r = await ingestNotify({ db, keyring }, systemActor, 'dukcapil', request.body); reply.status(r.ok ? 200 : 400);
 */
export async function ingestNotify(deps: { db: Db; keyring: Keyring }, actor: Actor, source: string, body: unknown): Promise<NotifyOutcome> {
  if (actor.scope !== 'ID') throw new AppError('forbidden', 'Peristiwa Dukcapil hanya diterima dengan cakupan nasional (ID).');
  const msg = NotifyMessage.safeParse(body);
  if (!msg.success) return { ok: false, problem: msg.error.issues[0]?.message ?? 'pesan tidak valid' };
  const read = readEventRecords(msg.data.message.notify_event);
  if (!read.ok) return { ok: false, problem: 'peristiwa tanpa reference_id atau seq' };
  const result = await deps.db.transaction(async (tx) => {
    const r = await applyCivilEvents(tx, deps.keyring, source, read.events, read.unreadable);
    await appendAudit(tx, {
      action: 'civil.notify', entityType: 'civil_event', entityId: `${source}:${msg.data.message.transaction_id}`,
      changes: { received: read.events.length + read.unreadable.length, applied: r.applied, skipped: r.skipped, duplicates: r.duplicates, unreadable: r.unreadable, deaths: r.deaths, proposals: r.proposals },
    });
    return r;
  }, actor);
  return { ok: true, result };
}
