/**
 * Dashboard API (docs/console-api.md, "Dashboard"): a region's indicators with its
 * children, the same as a server-sent event stream, and the province tile layout.
 * Scoped: an account sees its own region and those below it, nothing wider.
 */
import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../platform/context.js';
import { actorOf, assertRegionInScope } from '../server/auth-plugin.js';
import { createDashboardHub, type HubOptions } from './dashboard-hub.js';
import { provinceTiles } from './province-tiles.js';
import { readDashboard } from './read-dashboard.js';
import { DashboardSnapshot, ProvinceTile, RegionCode, type DashboardSnapshot as Snapshot } from './schemas.js';

const READERS = ['pusat', 'dinsos', 'operator', 'pendamping', 'auditor'] as const;

const Query = z.object({ region: RegionCode.optional() });

export interface DashboardRoutesOptions {
  readonly hub?: HubOptions;
  /** Heartbeat comment period of a stream (default 15 s). */
  readonly heartbeatMs?: number;
  /**
   * A stream ends after this long (default 5 minutes) and EventSource reconnects, so a
   * logged-out or expired session stops receiving within that time.
   */
  readonly streamMaxMs?: number;
}

const STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-store',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

const event = (s: Snapshot): string => `event: snapshot\ndata: ${JSON.stringify(s)}\n\n`;

/**
 * @example await app.register(dashboardRoutes(ctx));
 */
export function dashboardRoutes(ctx: AppContext, opts: DashboardRoutesOptions = {}) {
  const deps = { db: ctx.db };
  return async (app: FastifyInstance) => {
    const hub = createDashboardHub(deps, { onError: (err) => ctx.logger.warn({ err }, 'dashboard poll failed'), ...opts.hub });
    const streams = new Set<ServerResponse>();
    // Open streams would keep the server from closing: end them first.
    app.addHook('preClose', async () => {
      hub.close();
      for (const res of streams) res.end();
    });
    let tiles: ProvinceTile[] | undefined;
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get('/api/v1/dashboard', {
      schema: { tags: ['dashboard'], querystring: Query, response: { 200: DashboardSnapshot } },
    }, async (request) => {
      const actor = actorOf(request, READERS);
      assertRegionInScope(actor, request.query.region);
      return readDashboard(deps, actor, request.query.region ?? actor.scope);
    });

    r.get('/api/v1/dashboard/stream', {
      schema: { tags: ['dashboard'], querystring: Query, description: 'text/event-stream: `event: snapshot` (same body as /api/v1/dashboard) on change, at most once a second; a comment every 15 s.' },
    }, async (request, reply) => {
      const actor = actorOf(request, READERS);
      assertRegionInScope(actor, request.query.region);
      const region = request.query.region ?? actor.scope;
      // Read before taking over the response: a refusal is still an ordinary JSON error.
      const first = await readDashboard(deps, actor, region);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { ...STREAM_HEADERS, 'x-request-id': request.id });
      res.write(`retry: 3000\n\n${event(first)}`);
      streams.add(res);
      const unsubscribe = hub.subscribe(region, first, (s) => { res.write(event(s)); });
      const heartbeat = setInterval(() => { res.write(': ping\n\n'); }, opts.heartbeatMs ?? 15_000);
      const lifetime = setTimeout(() => { res.end(); }, opts.streamMaxMs ?? 5 * 60_000);
      let done = false;
      const cleanUp = (): void => {
        if (done) return;
        done = true;
        clearInterval(heartbeat);
        clearTimeout(lifetime);
        unsubscribe();
        streams.delete(res);
      };
      // The response closes when the client goes away (or the stream ends): stop watching.
      res.on('close', cleanUp);
    });

    r.get('/api/v1/dashboard/provinces.json', {
      schema: { tags: ['dashboard'], response: { 200: z.array(ProvinceTile) } },
    }, async (request) => {
      actorOf(request);
      tiles ??= await provinceTiles(ctx.db);
      return tiles;
    });
  };
}
