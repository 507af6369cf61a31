/**
 * The public portal as one Fastify plugin: HTML pages (mounted at `basePath`), the
 * public JSON API (`/api/v1/public/*`) and the officer queue API
 * (`/api/v1/portal/submissions*`). Each part is registered in its own encapsulated
 * scope, so the portal's body parsers and HTML error page affect nothing else.
 *
 * @example
 * const app = await buildServer(ctx, { plugins: [portalRoutes(ctx)] });
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../platform/context.js';
import { apiRoutes } from './api-routes.js';
import { officerRoutes } from './officer-routes.js';
import { pageRoutes } from './page-routes.js';
import { createPortal, type PortalOptions } from './service.js';

export type { PortalOptions } from './service.js';

export function portalRoutes(ctx: AppContext, opts: PortalOptions = {}): (app: FastifyInstance) => Promise<void> {
  return async (app: FastifyInstance) => {
    const portal = createPortal(ctx, opts);
    app.addHook('onClose', async () => { await portal.close(); });
    await app.register(pageRoutes(portal), { prefix: portal.basePath });
    await app.register(apiRoutes(portal));
    await app.register(officerRoutes(ctx, portal));
  };
}
