/**
 * The HTTP adapter: a `CivilRegistry` over the DCI search API of a civil registry (the
 * simulator, or a standards-based registry). Per call it applies, in this order:
 * cache (TTL) → circuit breaker → concurrency limit → request with a timeout →
 * retries with exponential backoff and full jitter (honouring Retry-After on 429).
 * Verifications are batched into one DCI search message of up to `batchSize` items.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { CallOptions, CivilRegistry } from './civil-registry.js';
import {
  AckResponse, DciPerson, SEARCH_PATH, SUBSCRIBE_PATH, SearchResponseMessage, VerificationRecord, civilPersonOf, eventSearch, familySearch,
  readEventRecords, subscribeMessage, verificationSearch, verifyResultOf, type SearchRequestMessage, type SearchResponseItem,
} from './dci.js';
import { CircuitBreaker, DEFAULT_BREAKER, Semaphore, TtlCache, backoffDelay, type BreakerOptions } from './resilience.js';
import type { EventPage, FamilyOutcome, SubscribeOutcome, UnavailableReason, VerifyOutcome, VerifyRequest, VerifyResult } from './types.js';

export interface HttpCivilRegistryOptions {
  readonly baseUrl: string;
  /** Per attempt. */
  readonly timeoutMs?: number;
  readonly maxAttempts?: number;
  readonly backoff?: { readonly baseMs: number; readonly capMs: number };
  readonly breaker?: BreakerOptions;
  /** HTTP requests in flight at once. */
  readonly concurrency?: number;
  /** People per search message (DCI batch search). 1 = one request per person. */
  readonly batchSize?: number;
  /** 0 disables the cache. */
  readonly cacheTtlMs?: number;
  readonly cacheMaxEntries?: number;
  readonly senderId?: string;
  /** DCI receiver id of the registry (default 'dukcapil'). */
  readonly receiverId?: string;
  /**
   * Name of the registry in verification records and the event ledger (default: the
   * receiver id). It must not change when the service moves to another address, or the
   * ledger would treat its events as new.
   */
  readonly source?: string;
  readonly random?: () => number;
  readonly now?: () => number;
}

export interface ClientStats {
  calls: number;
  attempts: number;
  retries: number;
  failures: Record<string, number>;
  breakerOpened: number;
  breakerState: string;
  cacheHits: number;
  cacheMisses: number;
  peakInFlight: number;
}

export interface HttpCivilRegistry extends CivilRegistry {
  stats(): ClientStats;
  /** Closes idle keep-alive connections. */
  close(): void;
}

export const CLIENT_DEFAULTS = {
  timeoutMs: 3000,
  maxAttempts: 4,
  backoff: { baseMs: 100, capMs: 3000 },
  concurrency: 8,
  batchSize: 50,
  cacheTtlMs: 10 * 60_000,
  cacheMaxEntries: 100_000,
} as const;

type Attempt =
  | { kind: 'ok'; body: unknown }
  | { kind: 'retry'; reason: UnavailableReason; retryAfterMs?: number; health: 'failure' | 'neutral' }
  | { kind: 'fail'; reason: UnavailableReason };

type CallResult<T> = { ok: true; message: T } | { ok: false; reason: UnavailableReason };

class TimeoutError extends Error {}

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3). */
function retryAfterMs(value: string | string[] | undefined, now: number): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function cacheKey(r: VerifyRequest): string {
  // Hashed, so the long-lived cache holds no NIK in clear.
  return createHash('sha256').update(`${r.nik}|${r.name}|${r.birthDate ?? ''}|${r.kk ?? ''}`).digest('base64url');
}

/**
 * @example
 * const registry = createHttpCivilRegistry({ baseUrl: config.civilRegistryUrl });
 * const [outcome] = await registry.verify([{ nik, name, birthDate, kk }]);
 */
export function createHttpCivilRegistry(opts: HttpCivilRegistryOptions): HttpCivilRegistry {
  const base = new URL(opts.baseUrl);
  const isHttps = base.protocol === 'https:';
  const timeoutMs = opts.timeoutMs ?? CLIENT_DEFAULTS.timeoutMs;
  const maxAttempts = opts.maxAttempts ?? CLIENT_DEFAULTS.maxAttempts;
  const backoff = opts.backoff ?? CLIENT_DEFAULTS.backoff;
  const batchSize = opts.batchSize ?? CLIENT_DEFAULTS.batchSize;
  const senderId = opts.senderId ?? 'tepat';
  const receiverId = opts.receiverId ?? 'dukcapil';
  const random = opts.random ?? Math.random;
  const now = opts.now ?? Date.now;
  const semaphore = new Semaphore(opts.concurrency ?? CLIENT_DEFAULTS.concurrency);
  const breaker = new CircuitBreaker(opts.breaker ?? DEFAULT_BREAKER);
  const cache = new TtlCache<string, VerifyResult>(opts.cacheTtlMs ?? CLIENT_DEFAULTS.cacheTtlMs, opts.cacheMaxEntries ?? CLIENT_DEFAULTS.cacheMaxEntries);
  const agentOptions = { keepAlive: true, maxSockets: semaphore.limit };
  const agent = isHttps ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  const urlOf = (path: string) => new URL(path.replace(/^\//, ''), base.href.endsWith('/') ? base.href : `${base.href}/`);
  const searchUrl = urlOf(SEARCH_PATH);
  const subscribeUrl = urlOf(SUBSCRIBE_PATH);
  const stats = { calls: 0, attempts: 0, retries: 0, failures: {} as Record<string, number> };

  function post(url: URL, body: string, ms: number): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
    return new Promise((resolve, reject) => {
      const req = (isHttps ? https : http).request(url, {
        method: 'POST', agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), accept: 'application/json' },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (err) => { clearTimeout(timer); reject(err); });
      });
      // One deadline for the whole exchange (connect, wait, body), not an idle timeout.
      const timer = setTimeout(() => req.destroy(new TimeoutError('timeout')), ms);
      req.on('error', (err) => { clearTimeout(timer); reject(err); });
      req.end(body);
    });
  }

  async function attempt(url: URL, body: string, ms: number): Promise<Attempt> {
    let res;
    try {
      res = await post(url, body, ms);
    } catch (err) {
      return { kind: 'retry', reason: err instanceof TimeoutError ? 'timeout' : 'network', health: 'failure' };
    }
    if (res.status === 200) {
      try {
        return { kind: 'ok', body: JSON.parse(res.text) as unknown };
      } catch {
        return { kind: 'fail', reason: 'bad_response' };
      }
    }
    if (res.status === 429) {
      const after = retryAfterMs(res.headers['retry-after'], now());
      return { kind: 'retry', reason: 'rate_limited', health: 'neutral', ...(after !== undefined ? { retryAfterMs: after } : {}) };
    }
    if (res.status >= 500) return { kind: 'retry', reason: 'server_error', health: 'failure' };
    return { kind: 'fail', reason: 'bad_response' };
  }

  function search(message: SearchRequestMessage, co: CallOptions = {}): Promise<CallResult<SearchResponseMessage>> {
    return call(searchUrl, message, (b) => SearchResponseMessage.safeParse(b).data, co);
  }

  async function call<T>(url: URL, message: unknown, parse: (body: unknown) => T | undefined, co: CallOptions = {}): Promise<CallResult<T>> {
    stats.calls++;
    const body = JSON.stringify(message);
    const deadline = co.deadlineMs !== undefined ? now() + co.deadlineMs : Number.POSITIVE_INFINITY;
    const attempts = co.maxAttempts ?? maxAttempts;
    let last: UnavailableReason = 'timeout';
    for (let i = 0; i < attempts; i++) {
      if (i > 0) stats.retries++;
      if (!breaker.allow(now())) return fail('circuit_open');
      const release = await semaphore.acquire();
      let result: Attempt;
      try {
        const remaining = deadline - now();
        if (remaining <= 0) return fail(last);
        stats.attempts++;
        result = await attempt(url, body, Math.min(timeoutMs, remaining));
      } finally {
        release();
      }
      if (result.kind === 'ok') {
        const parsed = parse(result.body);
        if (parsed === undefined) {
          breaker.neutral();
          return fail('bad_response');
        }
        breaker.success(now());
        return { ok: true, message: parsed };
      }
      if (result.kind === 'fail') {
        breaker.neutral();
        return fail(result.reason);
      }
      if (result.health === 'failure') breaker.failure(now());
      else breaker.neutral();
      last = result.reason;
      count(result.reason);
      if (i === attempts - 1) break;
      const delay = Math.max(result.retryAfterMs ?? 0, backoffDelay(i, backoff, random));
      if (now() + delay >= deadline) break;
      await sleep(delay);
    }
    return fail(last);
  }

  function count(reason: string): void {
    stats.failures[reason] = (stats.failures[reason] ?? 0) + 1;
  }

  function fail(reason: UnavailableReason): { ok: false; reason: UnavailableReason } {
    if (reason === 'circuit_open' || reason === 'bad_response') count(reason);
    return { ok: false, reason };
  }

  function firstItem(message: SearchResponseMessage): SearchResponseItem | undefined {
    return message.message.search_response[0];
  }

  async function verifyChunk(chunk: readonly VerifyRequest[], co: CallOptions | undefined): Promise<VerifyOutcome[]> {
    const res = await search(verificationSearch(chunk, senderId, receiverId), co);
    if (!res.ok) return chunk.map(() => ({ ok: false, reason: res.reason }));
    const byRef = new Map(res.message.message.search_response.map((item) => [item.reference_id, item]));
    return chunk.map((req, i): VerifyOutcome => {
      const item = byRef.get(String(i));
      const rec = item?.status === 'succ' ? VerificationRecord.safeParse(item.data?.reg_records[0]) : undefined;
      if (!rec?.success) return { ok: false, reason: 'bad_response' };
      const result = verifyResultOf(rec.data);
      cache.set(cacheKey(req), result, now());
      return { ok: true, result, fromCache: false };
    });
  }

  return {
    source: opts.source ?? receiverId,

    async verify(requests, co) {
      const out = new Array<VerifyOutcome>(requests.length);
      const misses: number[] = [];
      const t = now();
      requests.forEach((r, i) => {
        const hit = cache.get(cacheKey(r), t);
        if (hit) out[i] = { ok: true, result: hit, fromCache: true };
        else misses.push(i);
      });
      const chunks: number[][] = [];
      for (let i = 0; i < misses.length; i += batchSize) chunks.push(misses.slice(i, i + batchSize));
      await Promise.all(chunks.map(async (idx) => {
        const answers = await verifyChunk(idx.map((i) => requests[i]!), co);
        idx.forEach((i, k) => { out[i] = answers[k]!; });
      }));
      return out;
    },

    async fetchFamily(kk, co): Promise<FamilyOutcome> {
      const res = await search(familySearch(kk, senderId, receiverId), co);
      if (!res.ok) return res;
      const item = firstItem(res.message);
      if (!item || item.status !== 'succ') return { ok: false, reason: 'bad_response' };
      const people = z.array(DciPerson).safeParse(item.data?.reg_records ?? []);
      if (!people.success) return { ok: false, reason: 'bad_response' };
      return { ok: true, members: people.data.map(civilPersonOf) };
    },

    async readEvents(cursor, limit, co): Promise<EventPage> {
      const res = await search(eventSearch(cursor, limit, senderId, receiverId), co);
      if (!res.ok) return res;
      const item = firstItem(res.message);
      if (!item || item.status !== 'succ') return { ok: false, reason: 'bad_response' };
      const read = readEventRecords(item.data?.reg_records ?? []);
      // Without an id and position an event cannot be recorded: refuse the page, lose nothing.
      if (!read.ok) return { ok: false, reason: 'bad_response' };
      const { events, unreadable } = read;
      const next = read.lastSeq !== undefined ? String(read.lastSeq) : cursor === '' ? '0' : cursor;
      const returned = events.length + unreadable.length;
      return { ok: true, events, unreadable, next, hasMore: (item.pagination?.total_count ?? returned) > returned };
    },

    async subscribe(callbackUri, types, co): Promise<SubscribeOutcome> {
      const res = await call(subscribeUrl, subscribeMessage(types, callbackUri, senderId, receiverId), (b) => AckResponse.safeParse(b).data, co);
      if (!res.ok) return res;
      if (res.message.message.ack_status !== 'ACK') return { ok: false, reason: 'bad_response' };
      return { ok: true, correlationId: res.message.message.correlation_id };
    },

    stats(): ClientStats {
      return {
        ...stats, failures: { ...stats.failures }, breakerOpened: breaker.opened, breakerState: breaker.state(now()),
        cacheHits: cache.hits, cacheMisses: cache.misses, peakInFlight: semaphore.peak,
      };
    },

    close() {
      agent.destroy();
    },
  };
}
