/**
 * A simulated civil registry (Dukcapil) speaking the DCI search API over HTTP, with the
 * misbehaviour of a real government service: variable latency, a request quota (429
 * with Retry-After), and on a share of requests a fault: 5xx, 429, a hang past any
 * sensible timeout, or a very slow answer. Events are published over time, readable by
 * search (`seq gt CURSOR`) and pushed to subscribers (DCI subscribe / notify, at least
 * once: a delivery not acknowledged with 2xx is sent again).
 *
 * node:http rather than Fastify: it is a stand-in for someone else's service, kept
 * small and fast so it is never the bottleneck of the benchmark it serves.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { z } from 'zod';
import { createRateLimiter } from '../../platform/rate-limit.js';
import { Random, mix32 } from '../../generate/random.js';
import {
  DCI_VERSION, RECORD_PERSON, RECORD_VERIFICATION, RECORD_VITAL_EVENT, REG_TYPE, SEARCH_PATH, SUBSCRIBE_PATH, SearchRequestMessage, SubscribeRequestMessage,
  VerificationQueryValue, ack, dciEvent, dciPerson, eventTypeOfUri, httpErrorBody, notifyMessage, verificationRecord, type SearchResponseItem,
  type SearchResponseMessage,
} from '../dci.js';
import { compareWithRecord } from '../matching.js';
import type { CivilEvent, CivilEventType } from '../types.js';
import { applySimEvent, buildSimPopulation, type SimPopulation, type SimPopulationOptions } from './civil-population.js';

export interface SimOptions extends SimPopulationOptions {
  readonly port?: number;
  readonly host?: string;
  /** Share of registry requests that fail (0–1): 5xx, 429, hang or very slow. */
  readonly faultRate?: number;
  /** Median latency of an answer; actual latency is log-normal around it. */
  readonly latencyMs?: number;
  /** Extra latency per person in a batch. */
  readonly perRecordMs?: number;
  /** Quota in requests per second (0 = none); over it the answer is 429. */
  readonly rateLimit?: number;
  /** How long a hanging request is held before its connection is dropped. */
  readonly hangMs?: number;
  /** Events published at start (default: a tenth of the feed). */
  readonly backlog?: number;
  /** One more event is published every this many ms (0 = all at once). */
  readonly eventIntervalMs?: number;
  /** When the feed started (ms since epoch); pass the same value to a restarted simulator. */
  readonly feedStart?: number;
  /** A population already built (tests reuse one across restarts). */
  readonly population?: SimPopulation;
  /** How often subscriptions are served with new events (DCI notify push). */
  readonly pushIntervalMs?: number;
}

export interface SimStats {
  requests: number;
  answered: number;
  faults: Record<'server_error' | 'rate_limited' | 'hang' | 'slow' | 'quota', number>;
  verifications: number;
  inFlight: number;
  peakInFlight: number;
  eventsPublished: number;
  subscriptions: number;
  /** Events delivered by notify (acknowledged with 2xx), and failed deliveries (retried). */
  notified: number;
  notifyFailures: number;
}

export interface RunningSim {
  readonly url: string;
  readonly port: number;
  readonly population: SimPopulation;
  stats(): SimStats;
  /** Events published so far (all of them once the feed has run out). */
  published(): readonly CivilEvent[];
  close(): Promise<void>;
}

const MAX_BODY = 8 * 1024 * 1024;
const MAX_PAGE = 1000;

/**
 * @example const sim = await startCivilRegistrySim({ seed: 7, families: 500, port: 0 }); // sim.url
 */
export async function startCivilRegistrySim(opts: SimOptions): Promise<RunningSim> {
  const population = opts.population ?? buildSimPopulation(opts);
  const events = population.events;
  const faultRate = opts.faultRate ?? 0;
  const latencyMs = opts.latencyMs ?? 40;
  const perRecordMs = opts.perRecordMs ?? 0.3;
  const hangMs = opts.hangMs ?? 30_000;
  const backlog = Math.min(events.length, opts.backlog ?? Math.ceil(events.length / 10));
  const intervalMs = opts.eventIntervalMs ?? 1000;
  const feedStart = opts.feedStart ?? Date.now();
  const quota = opts.rateLimit && opts.rateLimit > 0 ? createRateLimiter({ capacity: opts.rateLimit, refillPerSecond: opts.rateLimit }) : undefined;
  const rng = new Random(mix32(opts.seed >>> 0, 0xfa17));
  const stats: SimStats = {
    requests: 0, answered: 0, faults: { server_error: 0, rate_limited: 0, hang: 0, slow: 0, quota: 0 }, verifications: 0, inFlight: 0, peakInFlight: 0, eventsPublished: 0,
    subscriptions: 0, notified: 0, notifyFailures: 0,
  };
  let applied = 0;

  const visibleCount = (now: number): number => intervalMs <= 0 ? events.length
    : Math.min(events.length, backlog + Math.max(0, Math.floor((now - feedStart) / intervalMs)));
  const publishedAt = (seq: number): string => new Date(intervalMs <= 0 || seq <= backlog ? feedStart : feedStart + (seq - backlog) * intervalMs).toISOString();
  /** The registry's holdings follow its own published events. */
  const catchUp = (): number => {
    const visible = visibleCount(Date.now());
    while (applied < visible) applySimEvent(population, events[applied++]!);
    stats.eventsPublished = visible;
    return visible;
  };
  catchUp();

  function answerItem(item: SearchRequestMessage['message']['search_request'][number], visible: number): SearchResponseItem {
    const c = item.search_criteria;
    const ts = new Date().toISOString();
    const reject = (message: string): SearchResponseItem => ({ reference_id: item.reference_id, timestamp: ts, status: 'rjct', status_reason_code: 'rjct.search_criteria.invalid', status_reason_message: message });
    const data = (recordType: string, records: unknown[]) => ({ version: DCI_VERSION, reg_type: REG_TYPE, reg_record_type: recordType, reg_records: records });
    if (c.reg_record_type === RECORD_VERIFICATION && c.query_type === 'idtype-value' && !Array.isArray(c.query) && c.query.type === 'NIK') {
      const claim = VerificationQueryValue.safeParse(c.query.value);
      if (!claim.success || !/^\d{16}$/.test(claim.data.nik)) return reject('NIK harus 16 digit');
      stats.verifications++;
      const rec = population.byNik.get(claim.data.nik);
      const result = compareWithRecord({ nik: claim.data.nik, name: claim.data.name, birthDate: claim.data.birth_date, kk: claim.data.kk }, rec);
      return { reference_id: item.reference_id, timestamp: ts, status: 'succ', data: data(RECORD_VERIFICATION, [verificationRecord(result)]) };
    }
    if (c.reg_record_type === RECORD_PERSON && c.query_type === 'idtype-value' && !Array.isArray(c.query) && c.query.type === 'KK') {
      const niks = population.byKk.get(String(c.query.value)) ?? new Set<string>();
      const people = [...niks].map((n) => population.byNik.get(n)!).map((p) => dciPerson({
        nik: p.nik, name: p.name, sex: p.sex, birthDate: p.birthDate, relationship: p.relationship, villageCode: p.villageCode, deathDate: p.deathDate,
      }));
      return { reference_id: item.reference_id, timestamp: ts, status: 'succ', data: data(RECORD_PERSON, people) };
    }
    if (c.reg_record_type === RECORD_VITAL_EVENT && c.query_type === 'expression' && Array.isArray(c.query)) {
      const e = c.query[0]?.expression1;
      const after = e && e.attribute_name === 'seq' && e.operator === 'gt' ? Number(e.attribute_value) : Number.NaN;
      if (!Number.isInteger(after) || after < 0) return reject('ekspresi yang didukung: seq gt N');
      const size = Math.min(MAX_PAGE, c.pagination?.page_size ?? 100);
      const page = events.slice(after, Math.min(visible, after + size)).map((ev) => dciEvent({ ...ev, publishedAt: publishedAt(ev.seq) }));
      return {
        reference_id: item.reference_id, timestamp: ts, status: 'succ', data: data(RECORD_VITAL_EVENT, page),
        pagination: { page_size: size, page_number: 1, total_count: Math.max(0, visible - after) },
      };
    }
    return reject('jenis rekaman atau kueri tidak didukung');
  }

  function search(body: unknown): { status: number; json: unknown } {
    const parsed = SearchRequestMessage.safeParse(body);
    if (!parsed.success) return { status: 400, json: httpErrorBody('rjct.message.invalid', parsed.error.issues[0]?.message ?? 'invalid') };
    const visible = catchUp();
    const req = parsed.data;
    const answers = req.message.search_request.map((item) => answerItem(item, visible));
    const response: SearchResponseMessage = {
      header: {
        version: DCI_VERSION, message_id: randomUUID(), message_ts: new Date().toISOString(), action: 'on-search', status: 'succ',
        sender_id: req.header.receiver_id ?? 'dukcapil', receiver_id: req.header.sender_id ?? '', total_count: answers.length, completed_count: answers.length,
      },
      message: { transaction_id: req.message.transaction_id, correlation_id: randomUUID(), search_response: answers },
    };
    return { status: 200, json: response };
  }

  // ---------------------------------------------------------------- subscribe / notify

  interface Subscription { code: string; base: string; types: Set<CivilEventType>; delivered: number; busy: boolean; failures: number; nextAt: number }
  const subscriptions: Subscription[] = [];

  /** POSTs JSON to a subscriber; resolves with the HTTP status (0 on a network error). */
  function postJson(url: string, json: unknown, timeout: number): Promise<number> {
    return new Promise((resolve) => {
      const body = JSON.stringify(json);
      const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, timeout }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(0));
      req.end(body);
    });
  }

  function subscribe(body: unknown): { status: number; json: unknown } {
    const parsed = SubscribeRequestMessage.safeParse(body);
    if (!parsed.success) return { status: 400, json: httpErrorBody('rjct.message.invalid', parsed.error.issues[0]?.message ?? 'invalid') };
    const uri = new URL(parsed.data.header.sender_uri);
    // Callbacks only to loopback: the simulator must not be a way to reach other hosts.
    if (uri.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(uri.hostname)) {
      return { status: 400, json: httpErrorBody('rjct.sender_uri.invalid', 'sender_uri harus http://127.0.0.1') };
    }
    const items = parsed.data.message.subscribe_request;
    const types = items.map((i) => eventTypeOfUri(i.subscribe_criteria.reg_event_type)).filter((t): t is CivilEventType => t !== undefined);
    if (types.length === 0) return { status: 200, json: ack('ERR', { code: 'rjct.notify_types.invalid', message: 'jenis peristiwa tidak dikenal' }) };
    const sub: Subscription = { code: `sub-${subscriptions.length + 1}`, base: uri.href.replace(/\/$/, ''), types: new Set(types), delivered: 0, busy: false, failures: 0, nextAt: 0 };
    subscriptions.push(sub);
    stats.subscriptions = subscriptions.length;
    const answer = ack('ACK');
    const ts = new Date().toISOString();
    void postJson(`${sub.base}/on-subscribe`, {
      header: { version: DCI_VERSION, message_id: randomUUID(), message_ts: ts, action: 'on-subscribe', status: 'succ', sender_id: 'dukcapil', total_count: items.length },
      message: {
        transaction_id: parsed.data.message.transaction_id, correlation_id: answer.message.correlation_id,
        subscribe_response: items.map((i) => ({
          reference_id: i.reference_id, timestamp: ts, status: eventTypeOfUri(i.subscribe_criteria.reg_event_type) ? 'succ' : 'rjct',
          subscriptions: [{ code: sub.code, status: 'subscribe', timestamp: ts, reg_event_type: i.subscribe_criteria.reg_event_type }],
        })),
      },
    }, 5000);
    return { status: 200, json: answer };
  }

  /** Delivers published events to each subscriber in order, at least once: a batch is resent until acknowledged. */
  function push(): void {
    const visible = catchUp();
    for (const sub of subscriptions) {
      if (sub.busy || Date.now() < sub.nextAt || sub.delivered >= visible) continue;
      const batch: CivilEvent[] = [];
      let upTo = sub.delivered;
      for (let i = sub.delivered; i < visible && batch.length < 50; i++) {
        upTo = i + 1;
        const e = events[i]!;
        if (sub.types.has(e.type)) batch.push({ ...e, publishedAt: publishedAt(e.seq) });
      }
      if (batch.length === 0) {
        sub.delivered = upTo;
        continue;
      }
      sub.busy = true;
      void postJson(`${sub.base}/notify`, notifyMessage(batch), 5000).then((status) => {
        sub.busy = false;
        if (status >= 200 && status < 300) {
          sub.delivered = upTo;
          sub.failures = 0;
          stats.notified += batch.length;
        } else {
          sub.failures++;
          sub.nextAt = Date.now() + Math.min(5000, 50 * 2 ** sub.failures);
          stats.notifyFailures++;
        }
      });
    }
  }
  const pusher = setInterval(push, opts.pushIntervalMs ?? 100);

  /** Log-normal around the median (σ = 0.5): most answers near it, a long tail of slow ones. */
  function latency(records: number): number {
    return latencyMs * Math.exp(0.5 * rng.normal()) + perRecordMs * records;
  }

  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => { timers.delete(t); fn(); }, ms);
    timers.add(t);
  };

  const server = http.createServer((req, res) => {
    const send = (status: number, json: unknown, headers: Record<string, string> = {}): void => {
      if (res.destroyed || res.writableEnded) return;
      const body = JSON.stringify(json);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
      res.end(body);
    };
    if (req.method === 'GET' && req.url === '/healthz') return send(200, { status: 'ok' });
    if (req.method === 'GET' && req.url === '/sim/stats') return send(200, { ...stats, eventsTotal: events.length, people: population.byNik.size });
    if (req.method !== 'POST' || !req.url?.startsWith('/registry/')) return send(404, httpErrorBody('not_found', 'tidak ditemukan'));

    stats.requests++;
    stats.inFlight++;
    stats.peakInFlight = Math.max(stats.peakInFlight, stats.inFlight);
    res.on('close', () => { stats.inFlight--; });
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      if (quota && !quota.take('all')) {
        stats.faults.quota++;
        return send(429, httpErrorBody('rate_limited', 'kuota permintaan terlampaui'), { 'retry-after': '1' });
      }
      let extra = 0;
      if (faultRate > 0 && rng.chance(faultRate)) {
        const kind = rng.choose<'server_error' | 'rate_limited' | 'hang' | 'slow'>([['server_error', 40, 0], ['rate_limited', 25, 0], ['hang', 20, 0], ['slow', 15, 0]]);
        stats.faults[kind]++;
        if (kind === 'server_error') {
          const status = rng.pick([500, 502, 503]);
          return later(latency(0), () => send(status, httpErrorBody(`http.${status}`, 'layanan sedang gangguan')));
        }
        if (kind === 'rate_limited') return later(latency(0) / 4, () => send(429, httpErrorBody('rate_limited', 'terlalu banyak permintaan'), { 'retry-after': '1' }));
        if (kind === 'hang') return later(hangMs, () => res.socket?.destroy());
        extra = latencyMs * rng.range(10, 40);
      }
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(400, httpErrorBody('rjct.message.invalid', 'JSON tidak valid'));
      }
      if (req.url === SUBSCRIBE_PATH) {
        const answer = subscribe(body);
        return later(latency(1) + extra, () => { stats.answered++; send(answer.status, answer.json); });
      }
      if (req.url !== SEARCH_PATH) {
        return send(501, httpErrorBody('rjct.action.not_supported', 'simulator mendukung /registry/sync/search dan /registry/subscribe'));
      }
      const items = z.object({ message: z.object({ search_request: z.array(z.unknown()) }) }).safeParse(body);
      const n = items.success ? items.data.message.search_request.length : 0;
      const answer = search(body);
      later(latency(n) + extra, () => {
        stats.answered++;
        send(answer.status, answer.json);
      });
    });
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    port,
    population,
    stats: () => ({ ...stats, faults: { ...stats.faults } }),
    published: () => events.slice(0, catchUp()).map((e) => ({ ...e, publishedAt: publishedAt(e.seq) })),
    async close() {
      clearInterval(pusher);
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
