import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPortal, UNKNOWN_NIK, form, FORM, type PortalFixture } from './support.js';
import { CHECK_JSON_BYTES } from '../../src/portal/api-routes.js';
import { CHECK_PAGE_BYTES } from '../../src/portal/page-routes.js';
import { solveChallenge } from '../../src/portal/challenge.js';
import { loginAs } from '../support/app.js';

let f: PortalFixture;
// A short tarpit: the flood test sends dozens of requests over the hard cap one after another.
beforeAll(async () => { f = await openPortal({ defence: { tarpitMs: 5 } }); });
afterAll(async () => { await f.close(); });

let ip = 0;
/** Each test its own client address, so per-client limits do not carry over. */
const nextIp = () => `10.1.0.${++ip}`;

const check = (body: Record<string, unknown>, remoteAddress = nextIp()) =>
  f.app.inject({ method: 'POST', url: '/api/v1/public/check', payload: body, remoteAddress });

describe('status check by NIK + name (JSON)', () => {
  it('answers with the masked name and each program status and period', async () => {
    const p = f.people[0]!; // family 0: PKH 2025-01, Sembako 2025-04
    const res = await check({ nik: p.nik, name: p.name.toLowerCase() });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ found: boolean; name_masked: string; programs: Array<{ program: string; status: string; period: string | null }> }>();
    expect(body.found).toBe(true);
    expect(body.name_masked).toBe('S**I A****H');
    expect(body.programs).toEqual([
      { program: 'pkh', status: 'menerima', period: '2025-01' },
      { program: 'bpnt', status: 'menerima', period: '2025-04' },
      { program: 'pbi_jk', status: 'tidak_menerima', period: null },
      { program: 'blt_dd', status: 'tidak_menerima', period: null },
      { program: 'pip', status: 'tidak_menerima', period: null },
    ]);
    expect(res.body).not.toContain(p.nik);
    expect(res.body).not.toContain(p.name);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('needs both NIK and name to match, and answers not-found alike in size', async () => {
    const p = f.people[1]!;
    const found = await check({ nik: p.nik, name: p.name });
    const wrongName = await check({ nik: p.nik, name: 'ORANG LAIN SEKALI' });
    const unknown = await check({ nik: UNKNOWN_NIK, name: p.name });
    expect(found.json<{ found: boolean }>().found).toBe(true);
    for (const r of [wrongName, unknown]) {
      expect(r.statusCode).toBe(200);
      expect(r.json()).toEqual({ found: false, name_masked: null, desil_band: null, programs: [], sanggah_ref: null });
    }
    const sizes = new Set([found, wrongName, unknown].map((r) => r.rawPayload.length));
    expect([...sizes]).toEqual([CHECK_JSON_BYTES]);
    expect(new Set([found, wrongName, unknown].map((r) => r.headers['content-length']))).toHaveProperty('size', 1);
  });

  it('answers many concurrent checks, each with its own result (they share batched look-ups)', async () => {
    const asks = f.people.slice(0, 24).map((p, i) => (i % 3 === 0 ? { nik: p.nik, name: p.name, found: true }
      : i % 3 === 1 ? { nik: p.nik, name: 'SALAH NAMA', found: false } : { nik: UNKNOWN_NIK.slice(0, 12) + String(1000 + i), name: p.name, found: false }));
    const answers = await Promise.all(asks.map((a) => check({ nik: a.nik, name: a.name })));
    expect(answers.map((r) => r.json<{ found: boolean }>().found)).toEqual(asks.map((a) => a.found));
    const first = answers[0]!.json<{ name_masked: string }>();
    expect(first.name_masked).toBe('S**I A****H');
  });

  it('refuses a malformed NIK as a validation error, without looking anything up', async () => {
    const res = await check({ nik: '12345', name: 'BUDI' });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('validation');
  });

  it('limits look-ups of one NIK whoever asks, with the same answer whether it exists or not', async () => {
    const p = f.people[2]!;
    const statuses = async (nik: string) => {
      const out: number[] = [];
      for (let i = 0; i < 12; i++) out.push((await check({ nik, name: p.name })).statusCode);
      return out;
    };
    const known = await statuses(p.nik);
    const unknown = await statuses(UNKNOWN_NIK.slice(0, 12) + '4321');
    expect(known).toEqual([...Array(10).fill(200), 429, 429]);
    expect(unknown).toEqual(known);
  });

  it('asks a client over its soft limit to solve a challenge, then lets it through once solved', async () => {
    const addr = nextIp();
    const p = f.people[3]!;
    let res;
    for (let i = 0; i < 25; i++) {
      res = await check({ nik: f.people[(i % 20) + 10]!.nik, name: 'NAMA APA SAJA' }, addr);
      if (res.statusCode === 429) break;
    }
    expect(res!.statusCode).toBe(429);
    const err = res!.json<{ error: { code: string; details: { reason: string; challenge: { token: string; difficulty: number } } } }>().error;
    expect(err.details.reason).toBe('challenge_required');
    const { token, difficulty } = err.details.challenge;
    const wrong = await check({ nik: p.nik, name: p.name, pow: { token, solution: 'x' } }, addr);
    expect(wrong.statusCode).toBe(429);
    const solution = solveChallenge(token, difficulty);
    const ok = await check({ nik: p.nik, name: p.name, pow: { token, solution } }, addr);
    expect(ok.statusCode).toBe(200);
    expect(ok.json<{ found: boolean }>().found).toBe(true);
    const replay = await check({ nik: p.nik, name: p.name, pow: { token, solution } }, addr);
    expect(replay.statusCode).toBe(429);
    expect(replay.json<{ error: { details: { reason: string } } }>().error.details.reason).toBe('challenge_required');
  });

  it('keeps serving other clients while one floods', async () => {
    const flooder = nextIp();
    const codes: number[] = [];
    for (let i = 0; i < 150; i++) codes.push((await check({ nik: UNKNOWN_NIK, name: 'BOT' + 'X'.repeat(i % 5) }, flooder)).statusCode);
    expect(codes.filter((c) => c === 429).length).toBeGreaterThan(100);
    const p = f.people[4]!;
    const other = await check({ nik: p.nik, name: p.name });
    expect(other.statusCode).toBe(200);
    expect(other.json<{ found: boolean }>().found).toBe(true);
  });
});

describe('status check pages', () => {
  it('finds by village + name, listing namesakes masked, with a sanggah link each', async () => {
    const p = f.people[5]!;
    const page = await f.app.inject({ method: 'GET', url: `/cek/wilayah?prov=${p.village.slice(0, 2)}&kab=${p.village.slice(0, 5)}&kec=${p.village.slice(0, 8)}&desa=${p.village}`, remoteAddress: nextIp() });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('name="desa"');
    const res = await f.app.inject({ method: 'POST', url: '/cek/wilayah', headers: FORM, payload: form({ desa: p.village, nama: p.name }), remoteAddress: nextIp() });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('R**A A****H');
    expect(res.body).toContain('/sanggah?ref=');
    expect(res.body).not.toContain(p.name);
    expect(res.rawPayload.length).toBe(CHECK_PAGE_BYTES);
    const none = await f.app.inject({ method: 'POST', url: '/cek/wilayah', headers: FORM, payload: form({ desa: p.village, nama: 'TIDAK ADA ORANGNYA' }), remoteAddress: nextIp() });
    expect(none.statusCode).toBe(200);
    expect(none.rawPayload.length).toBe(CHECK_PAGE_BYTES);
  });

  it('re-renders the NIK form with errors and never echoes the NIK typed', async () => {
    const res = await f.app.inject({ method: 'POST', url: '/cek/nik', headers: FORM, payload: form({ nik: '3201999', nama: 'Budi' }), remoteAddress: nextIp() });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('aria-invalid="true"');
    expect(res.body).toContain('href="#nik"');
    expect(res.body).not.toContain('3201999');
  });

  it('speaks English after the language switch', async () => {
    const sw = await f.app.inject({ method: 'GET', url: '/bahasa?ke=en&kembali=/cek/nik' });
    expect(sw.statusCode).toBe(303);
    expect(sw.headers.location).toBe('/cek/nik');
    const cookie = sw.cookies.find((c) => c.name === 'tepat_lang')!;
    const page = await f.app.inject({ method: 'GET', url: '/cek/nik', cookies: { tepat_lang: cookie.value }, remoteAddress: nextIp() });
    expect(page.body).toContain('<html lang="en">');
    expect(page.body).toContain('Check status by NIK');
    const evil = await f.app.inject({ method: 'GET', url: '/bahasa?ke=en&kembali=//evil.example' });
    expect(evil.headers.location).toBe('/');
  });

  it('counts checks per day and outcome for officers, without logging who looked up whom', async () => {
    const pusat = await loginAs(f.app, f.ctx, 'pusat.statistik', 'pusat', 'ID');
    const res = await f.app.inject({ method: 'GET', url: '/api/v1/portal/check-stats', headers: { cookie: pusat.cookie } });
    expect(res.statusCode).toBe(200);
    const { items } = res.json<{ items: Array<{ channel: string; outcome: string; count: number }> }>();
    const count = (channel: string, outcome: string) => items.find((i) => i.channel === channel && i.outcome === outcome)?.count ?? 0;
    expect(count('api', 'found')).toBeGreaterThan(3);
    expect(count('api', 'not_found')).toBeGreaterThan(3);
    expect(count('api', 'rate_limited')).toBeGreaterThan(0);
    expect(count('api', 'challenged')).toBeGreaterThan(0);
    expect(count('web', 'invalid')).toBeGreaterThan(0);
    expect(count('web', 'found')).toBeGreaterThan(0);
    const operator = await loginAs(f.app, f.ctx, 'operator.statistik', 'operator', '32.01.01');
    expect((await f.app.inject({ method: 'GET', url: '/api/v1/portal/check-stats', headers: { cookie: operator.cookie } })).statusCode).toBe(403);
  });

  it('refuses a form posted from another site', async () => {
    const p = f.people[6]!;
    const res = await f.app.inject({ method: 'POST', url: '/cek/nik', headers: { ...FORM, origin: 'https://evil.example', host: 'localhost:80' }, payload: form({ nik: p.nik, nama: p.name }), remoteAddress: nextIp() });
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toMatch(/text\/html/);
  });
});
