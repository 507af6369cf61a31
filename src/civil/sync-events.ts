/**
 * Follows the civil registry's event feed: reads pages after the stored cursor and
 * applies each event exactly once. Per page, in one transaction: the ledger rows are
 * inserted first (`on conflict do nothing`), only the events whose row was new take
 * effect, and the cursor advances. A crash anywhere leaves either all of it or none, and
 * a replayed event (cursor lost, page re-read, a second sync running) finds its ledger
 * row and does nothing.
 */
import type { Actor, Db, Tx } from '../platform/db.js';
import { appendAudit } from '../platform/audit.js';
import { AppError } from '../platform/errors.js';
import type { Keyring } from '../platform/keyring.js';
import type { CivilRegistry } from './civil-registry.js';
import { planEvent, type EventContext, type EventPlan, type MatchedFamily, type MatchedMember } from './plan-events.js';
import { markDeceased, markForRecheck, openProposals, type CaseDraft, type MemberRef } from './store.js';
import { CIVIL_EVENT_TYPES, type CivilEvent, type CivilEventType, type UnavailableReason, type UnreadableEvent } from './types.js';

export interface SyncDeps {
  readonly db: Db;
  readonly keyring: Keyring;
  readonly registry: CivilRegistry;
}

export interface SyncOptions {
  /** Events per page requested from the registry. */
  readonly pageSize?: number;
  /** Stop after about this many events (whole pages). */
  readonly maxEvents?: number;
  /** Called after each committed page (jobs keep their heartbeat and progress with it). */
  readonly onPage?: (s: SyncSummary) => Promise<void> | void;
  readonly signal?: AbortSignal;
}

export interface SyncSummary {
  /** Events taking effect now: a member marked deceased or a proposal opened. */
  applied: number;
  /** New events that changed nothing (about nobody in the registry, or already reflected). */
  skipped: number;
  /** Events already in the ledger: received again, applied before. */
  duplicates: number;
  unreadable: number;
  deaths: number;
  proposals: number;
  byType: Record<CivilEventType, number>;
  pages: number;
  cursor: string;
  caughtUp: boolean;
  registryUnavailable: boolean;
  reason?: UnavailableReason;
}

export interface PageResult {
  applied: number;
  skipped: number;
  duplicates: number;
  unreadable: number;
  deaths: number;
  proposals: number;
  byType: Partial<Record<CivilEventType, number>>;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

async function loadContext(tx: Tx, keyring: Keyring, events: readonly CivilEvent[]): Promise<EventContext> {
  const niks = new Set<string>();
  const kks = new Set<string>();
  for (const e of events) {
    if (e.type === 'move') e.niks.forEach((n) => niks.add(n));
    else niks.add(e.nik);
    if (e.type === 'kk_change') kks.add(e.newKk);
    if (e.type === 'birth') kks.add(e.kk);
  }
  const nikBidx = new Map([...niks].map((n) => [n, hex(keyring.index.compute('nik', n))]));
  const kkBidx = new Map([...kks].map((k) => [k, hex(keyring.index.compute('kk', k))]));
  const members = new Map<string, MatchedMember[]>();
  if (nikBidx.size > 0) {
    const rows = (await tx.raw.query<{ id: number; regency_code: string; village_code: string; family_id: number; presence_status: string; full_name: string; birth_date: string | null; nik: string; kk: string }>(
      `select m.id, m.regency_code, m.village_code, m.family_id, m.presence_status, m.full_name, m.birth_date,
              encode(m.nik_bidx, 'hex') as nik, encode(f.kk_bidx, 'hex') as kk
         from member m join family f on f.id = m.family_id and f.regency_code = m.regency_code
        where m.nik_bidx in (select decode(h, 'hex') from unnest($1::text[]) as h)
        order by m.id`, [[...nikBidx.values()]])).rows;
    for (const r of rows) {
      const list = members.get(r.nik) ?? [];
      list.push({
        id: Number(r.id), regencyCode: r.regency_code, villageCode: r.village_code, familyId: Number(r.family_id), presenceStatus: r.presence_status,
        fullName: r.full_name, birthDate: r.birth_date, familyKkBidx: r.kk,
      });
      members.set(r.nik, list);
    }
  }
  const families = new Map<string, MatchedFamily[]>();
  if (kkBidx.size > 0) {
    const rows = (await tx.raw.query<{ id: number; regency_code: string; village_code: string; kk: string; without_nik: Array<{ id: number; full_name: string; birth_date: string | null }> }>(
      `select f.id, f.regency_code, f.village_code, encode(f.kk_bidx, 'hex') as kk,
              coalesce((select jsonb_agg(jsonb_build_object('id', m.id, 'full_name', m.full_name, 'birth_date', m.birth_date) order by m.id)
                          from member m where m.family_id = f.id and m.regency_code = f.regency_code and m.nik_bidx is null), '[]'::jsonb) as without_nik
         from family f
        where f.kk_bidx in (select decode(h, 'hex') from unnest($1::text[]) as h)
        order by f.id`, [[...kkBidx.values()]])).rows;
    for (const r of rows) {
      const list = families.get(r.kk) ?? [];
      list.push({
        id: Number(r.id), regencyCode: r.regency_code, villageCode: r.village_code,
        withoutNik: r.without_nik.map((m) => ({ id: Number(m.id), fullName: m.full_name, birthDate: m.birth_date })),
      });
      families.set(r.kk, list);
    }
  }
  return {
    membersByNik: (nik) => members.get(nikBidx.get(nik) ?? '') ?? [],
    familiesByKk: (kk) => families.get(kkBidx.get(kk) ?? hex(keyring.index.compute('kk', kk))) ?? [],
    kkBidx: (kk) => kkBidx.get(kk) ?? hex(keyring.index.compute('kk', kk)),
  };
}

/**
 * Applies a batch of events inside the caller's transaction (national scope), exactly
 * once each. Shared by the pull sync and by any push (DCI notify) receiver.
 */
export async function applyCivilEvents(tx: Tx, keyring: Keyring, source: string, events: readonly CivilEvent[], unreadable: readonly UnreadableEvent[] = []): Promise<PageResult> {
  const actorId = tx.actor?.id ?? 'system';
  const result: PageResult = { applied: 0, skipped: 0, duplicates: 0, unreadable: 0, deaths: 0, proposals: 0, byType: {} };
  if (events.length === 0 && unreadable.length === 0) return result;
  const ctx = await loadContext(tx, keyring, events);
  const plans = new Map<string, { event: CivilEvent; plan: EventPlan }>();
  for (const event of events) plans.set(event.eventId, { event, plan: planEvent(event, ctx) });

  const ledger = [
    ...[...plans.values()].map(({ event: e, plan: p }) => ({
      event_id: e.eventId, seq: e.seq, event_type: e.type, occurred_on: e.occurredOn, published_at: e.publishedAt || null,
      outcome: p.outcome, reason: p.reason, regency_code: p.regencyCode, village_code: p.villageCode, member_ids: p.memberIds, family_id: p.familyId,
    })),
    ...unreadable.map((u) => ({
      event_id: u.eventId, seq: u.seq, event_type: 'unknown', occurred_on: null, published_at: null, outcome: 'unreadable', reason: u.problem.slice(0, 500),
      regency_code: null, village_code: null, member_ids: [], family_id: null,
    })),
  ];
  // The ledger row first: only an event whose row is new here may take effect.
  const inserted = new Set((await tx.raw.query<{ event_id: string }>(
    `insert into civil_event (source, event_id, seq, event_type, occurred_on, published_at, outcome, reason, regency_code, village_code, member_ids, family_id)
     select $1, x.event_id, x.seq, x.event_type, x.occurred_on, x.published_at, x.outcome, x.reason, x.regency_code, x.village_code, x.member_ids, x.family_id
       from jsonb_to_recordset($2::jsonb) as x(event_id text, seq bigint, event_type text, occurred_on date, published_at timestamptz, outcome text,
         reason text, regency_code text, village_code text, member_ids bigint[], family_id bigint)
     on conflict (source, event_id) do nothing
     returning event_id`, [source, JSON.stringify(ledger)])).rows.map((r) => r.event_id));

  for (const u of unreadable) {
    if (inserted.has(u.eventId)) result.unreadable++;
    else result.duplicates++;
  }
  const recheck: MemberRef[] = [];
  const proposals: Array<CaseDraft & { eventId: string }> = [];
  for (const { event, plan } of plans.values()) {
    if (!inserted.has(event.eventId)) {
      result.duplicates++;
      continue;
    }
    result.byType[event.type] = (result.byType[event.type] ?? 0) + 1;
    if (plan.outcome === 'applied') result.applied++;
    else result.skipped++;
    recheck.push(...plan.recheck);
    proposals.push(...plan.proposals.map((d) => ({ ...d, eventId: event.eventId })));
    if (plan.deaths.length > 0) {
      const marked = await markDeceased(tx, keyring, plan.deaths, {
        source, eventId: event.eventId, actorId, details: { occurredOn: event.occurredOn, foundBy: 'event' },
      });
      result.deaths += marked.length;
    }
  }
  result.proposals = await openProposals(tx, keyring, source, actorId, proposals);
  await markForRecheck(tx, recheck);
  return result;
}

function emptySummary(cursor: string): SyncSummary {
  return {
    applied: 0, skipped: 0, duplicates: 0, unreadable: 0, deaths: 0, proposals: 0,
    byType: Object.fromEntries(CIVIL_EVENT_TYPES.map((t) => [t, 0])) as Record<CivilEventType, number>,
    pages: 0, cursor, caughtUp: false, registryUnavailable: false,
  };
}

export async function readCursor(db: Db, actor: Actor, source: string): Promise<string> {
  return db.transaction(async (tx) => (await tx.raw.query<{ cursor: string }>('select cursor from civil_cursor where source = $1', [source])).rows[0]?.cursor ?? '0', actor);
}

/**
 * Reads and applies the feed until caught up, the registry stops answering, or
 * `maxEvents` is reached. Must run with national scope: an event about someone outside
 * a regional scope would otherwise be recorded as "not in the registry" for good.
 * @example const summary = await syncCivilEvents({ db, keyring, registry }, systemActor, { pageSize: 200 });
 */
export async function syncCivilEvents(deps: SyncDeps, actor: Actor, opts: SyncOptions = {}): Promise<SyncSummary> {
  if (actor.scope !== 'ID') throw new AppError('forbidden', 'Sinkronisasi peristiwa Dukcapil hanya dengan cakupan nasional (ID).');
  const { db, keyring, registry } = deps;
  const pageSize = opts.pageSize ?? 200;
  const source = registry.source;
  let cursor = await readCursor(db, actor, source);
  const summary = emptySummary(cursor);
  let received = 0;
  while (!opts.signal?.aborted) {
    if (opts.maxEvents !== undefined && received >= opts.maxEvents) break;
    const page = await registry.readEvents(cursor, pageSize);
    if (!page.ok) {
      summary.registryUnavailable = true;
      summary.reason = page.reason;
      break;
    }
    const count = page.events.length + page.unreadable.length;
    if (count > 0) {
      const from = cursor;
      const moved = await db.transaction(async (tx) => {
        const current = (await tx.raw.query<{ cursor: string }>('select cursor from civil_cursor where source = $1 for update', [source])).rows[0]?.cursor ?? '0';
        // Another sync moved the cursor since this page was read: re-read from there.
        if (current !== from) return { raced: current };
        const r = await applyCivilEvents(tx, keyring, source, page.events, page.unreadable);
        await tx.raw.query(
          `insert into civil_cursor (source, cursor) values ($1, $2)
           on conflict (source) do update set cursor = excluded.cursor, updated_at = now()`, [source, page.next]);
        await appendAudit(tx, {
          action: 'civil.sync.page', entityType: 'civil_event', entityId: `${source}:${from}-${page.next}`,
          changes: { from, to: page.next, applied: r.applied, skipped: r.skipped, duplicates: r.duplicates, unreadable: r.unreadable, deaths: r.deaths, proposals: r.proposals },
        });
        return { raced: undefined, r };
      }, actor);
      if (moved.raced !== undefined) {
        cursor = moved.raced;
        continue;
      }
      const r = moved.r!;
      summary.applied += r.applied;
      summary.skipped += r.skipped;
      summary.duplicates += r.duplicates;
      summary.unreadable += r.unreadable;
      summary.deaths += r.deaths;
      summary.proposals += r.proposals;
      for (const [t, n] of Object.entries(r.byType)) summary.byType[t as CivilEventType] += n;
      summary.pages++;
      received += count;
      cursor = page.next;
      summary.cursor = cursor;
      await opts.onPage?.(summary);
    }
    if (!page.hasMore) {
      summary.caughtUp = true;
      break;
    }
  }
  return summary;
}
