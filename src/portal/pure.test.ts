import { describe, expect, it } from 'vitest';
import { padHtml, padJson, html, raw } from './html.js';
import { canTransition, reduceStatus } from './submission-status.js';
import { formatTrackingCode, newTrackingCode, parseTrackingCode } from './tracking-code.js';
import { nameInput, nikInput, phoneInput, textInput } from './validate.js';
import { pickedRegion } from './regions.js';
import { programsReceivedStatus } from './program-status.js';
import { createRefSigner } from './refs.js';
import { createHmac } from 'node:crypto';
import { formatPeriod } from './i18n.js';
import { createBatcher } from './batcher.js';

describe('html', () => {
  it('escapes interpolations unless marked raw', () => {
    expect(html`<p title="${'"x"'}">${'<script>'}${raw('<b>ok</b>')}${['a', '&']}</p>`.value).toBe('<p title="&quot;x&quot;">&lt;script&gt;<b>ok</b>a&amp;</p>');
  });
  it('pads pages and JSON to exact sizes', () => {
    expect(Buffer.byteLength(padHtml('<html><body>é</body></html>', 512))).toBe(512);
    expect(padHtml('<html><body>x</body></html>', 64)).toMatch(/<!-- +-->\n<\/body>/);
    expect(Buffer.byteLength(padHtml('x'.repeat(600), 512))).toBe(1024);
    expect(JSON.parse(padJson('{"a":1}', 100))).toEqual({ a: 1 });
    expect(padJson('{"a":1}', 100)).toHaveLength(100);
  });
});

describe('submission status', () => {
  it('reduces a history and refuses impossible steps', () => {
    expect(reduceStatus([{ action: 'submitted' }, { action: 'replied' }, { action: 'status_changed', toStatus: 'diproses' }, { action: 'status_changed', toStatus: 'selesai' }]))
      .toEqual({ ok: true, status: 'selesai' });
    expect(reduceStatus([{ action: 'submitted' }, { action: 'status_changed', toStatus: 'selesai' }, { action: 'status_changed', toStatus: 'ditolak' }]))
      .toEqual({ ok: false, reason: 'invalid_transition', at: 2 });
    expect(reduceStatus([{ action: 'replied' }])).toEqual({ ok: false, reason: 'not_submitted', at: 0 });
    expect(canTransition('ditolak', 'diproses')).toBe(true);
    expect(canTransition('diproses', 'diterima')).toBe(false);
  });
});

describe('tracking codes', () => {
  it('are 60 random bits after the kind letter, and forgive look-alike characters', () => {
    const code = newTrackingCode('pengaduan');
    expect(code).toMatch(/^P[0-9A-HJKMNP-TV-Z]{12}$/);
    expect(parseTrackingCode(formatTrackingCode(code).toLowerCase())).toBe(code);
    expect(parseTrackingCode('U-7KQM-2XD9-FZAO')).toBe('U7KQM2XD9FZA0');
    expect(parseTrackingCode('U-IL00-0000-0000')).toBe('U110000000000');
    expect(parseTrackingCode('X-7KQM-2XD9-FZAB')).toBeUndefined();
    expect(parseTrackingCode('U-7KQM')).toBeUndefined();
    expect(new Set(Array.from({ length: 1000 }, () => newTrackingCode('usul'))).size).toBe(1000);
  });
});

describe('input checks', () => {
  it('normalise what citizens type', () => {
    expect(nikInput('3201 0145-0890.0003')).toBe('3201014508900003');
    expect(nikInput('３２０１０１４５０８９００００３')).toBe('3201014508900003');
    expect(nikInput('320101450890000')).toBeUndefined();
    expect(nameInput("  siti   aminah ")).toBe('SITI AMINAH');
    expect(nameInput('1234567890123456')).toBeUndefined();
    expect(textInput('  ok\u0007 ', 1, 10)).toBe('ok');
    expect(textInput('pendek', 20, 100)).toBeUndefined();
    expect(phoneInput('+62 812-3456-7890')).toBe('6281234567890');
    expect(phoneInput('')).toBe('');
    expect(phoneInput('021 555 1234')).toBeUndefined();
  });
  it('take the deepest consistent region of a picker', () => {
    expect(pickedRegion({ prov: '32', kab: '32.01', kec: '32.01.01', desa: '32.01.01.2001' })).toBe('32.01.01.2001');
    expect(pickedRegion({ prov: '32', kab: '33.74', kec: '33.74.01' })).toBe('32');
    expect(pickedRegion({ prov: 'x' })).toBeUndefined();
  });
});

describe('program status from programs received', () => {
  it('lists the five public programs with their periods', () => {
    const s = programsReceivedStatus({ programsReceived: ['bpnt', 'prakerja', 'pip'], programsReceivedPeriods: ['2025-04', '', ''] });
    expect(s.programs.map((p) => `${p.program}:${p.status}:${p.period}`)).toEqual([
      'pkh:tidak_menerima:null', 'bpnt:menerima:2025-04', 'pbi_jk:tidak_menerima:null', 'blt_dd:tidak_menerima:null', 'pip:menerima:null',
    ]);
    expect(s.desilBand).toBeNull();
    expect(formatPeriod('2025-04', 'id')).toBe('April 2025');
  });
});

describe('sanggah references', () => {
  it('round-trip, and refuse tampering and expiry', () => {
    const refs = createRefSigner((p) => createHmac('sha256', 'k').update(p).digest().subarray(0, 16));
    const t = refs.issue({ memberId: 4711, regencyCode: '32.01' }, 1_700_000_000_000);
    expect(refs.verify(t, 1_700_000_000_000)).toEqual({ memberId: 4711, regencyCode: '32.01' });
    const [body, mac] = t.split('.');
    const [, regency, exp] = Buffer.from(body!, 'base64url').toString().split('~');
    const other = Buffer.from(`${(4712).toString(36)}~${regency}~${exp}`).toString('base64url');
    expect(other).not.toBe(body);
    expect(refs.verify(`${other}.${mac}`, 1_700_000_000_000)).toBeUndefined();
    expect(refs.verify(t, 1_700_000_000_000 + 25 * 3600_000)).toBeUndefined();
  });
});

describe('batcher', () => {
  it('runs the first request alone, then groups those that arrive while batches are busy', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const lookUp = createBatcher(async (xs: number[]) => { batches.push(xs); await gate; return xs.map((x) => x * 10); }, { maxBatch: 3, maxInFlight: 1 });
    const answers = Promise.all([1, 2, 3, 4, 5, 6].map(lookUp));
    release();
    expect(await answers).toEqual([10, 20, 30, 40, 50, 60]);
    expect(batches).toEqual([[1], [2, 3, 4], [5, 6]]);
  });
  it('waits up to the linger for others to join a batch, and no longer once it is full', async () => {
    const batches: number[][] = [];
    const lookUp = createBatcher(async (xs: number[]) => { batches.push(xs); return xs; }, { maxBatch: 3, maxInFlight: 4, lingerMs: 20 });
    const first = Promise.all([lookUp(1), lookUp(2)]);
    await new Promise((r) => setTimeout(r, 5));
    const more = Promise.all([lookUp(3), lookUp(4)]);
    expect(await first).toEqual([1, 2]);
    await more;
    expect(batches[0]).toEqual([1, 2, 3]);
    expect(batches[1]).toEqual([4]);
  });

  it('fails every request of a failed batch, and keeps going', async () => {
    const lookUp = createBatcher(async (xs: number[]) => { if (xs.includes(2)) throw new Error('db down'); return xs; }, { maxBatch: 10, maxInFlight: 1 });
    const [a, b] = await Promise.allSettled([lookUp(1), lookUp(2)]);
    expect(a.status).toBe('fulfilled');
    expect(b.status).toBe('rejected');
    expect(await lookUp(3)).toBe(3);
  });
});
