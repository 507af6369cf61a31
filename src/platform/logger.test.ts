import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { createLogger } from './logger.js';

describe('logger', () => {
  it('never writes identifiers, passwords or cookies', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => { text += d.toString(); });
    const log = createLogger('info', out);
    log.info({ nik: '3201011503900001', member: { nik: '3201011503900002', kkNumber: '3201012501100001' }, password: 'rahasia-sekali-123', req: { headers: { cookie: 'tepat_session=abc' } } }, 'test');
    await new Promise((r) => setImmediate(r));
    expect(text).toContain('[disamarkan]');
    for (const secret of ['3201011503900001', '3201011503900002', '3201012501100001', 'rahasia-sekali-123', 'tepat_session=abc']) expect(text).not.toContain(secret);
  });

  it('logs requests by path only, so identifiers in a query string never reach the log', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => { text += d.toString(); });
    const app = Fastify({ loggerInstance: createLogger('info', out) as unknown as FastifyBaseLogger });
    app.get('/api/v1/search/members', async () => ({ items: [] }));
    const res = await app.inject({ method: 'GET', url: '/api/v1/search/members?nik=3201011503900009&name=SITI%20AMINAH' });
    expect(res.statusCode).toBe(200);
    await app.close();
    await new Promise((r) => setImmediate(r));
    expect(text).toContain('/api/v1/search/members?[disamarkan]');
    for (const secret of ['3201011503900009', 'SITI']) expect(text).not.toContain(secret);
  });
});
