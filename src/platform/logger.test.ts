import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
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
});
