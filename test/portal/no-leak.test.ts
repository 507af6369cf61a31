/**
 * No answer of the portal contains anyone's NIK, No. KK or street address, or a full
 * name: every page, form result, JSON answer, CSV and officer answer is collected and
 * searched for every identifier in the registry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { openPortal, form, FORM, type PortalFixture } from './support.js';
import { loginAs } from '../support/app.js';
import { kkFor } from '../support/builders.js';

let f: PortalFixture;
const UNLIMITED = { capacity: 1e9, refillPerSecond: 1e9 };
beforeAll(async () => {
  f = await openPortal({ checkFloorMs: 0, defence: { mode: 'off', hardPerClient: UNLIMITED, softPerClient: UNLIMITED, perNik: UNLIMITED, perVillage: UNLIMITED } });
});
afterAll(async () => { await f.close(); });

describe('portal answers', () => {
  it('never contain an unmasked NIK, No. KK, street address or full name of anyone', async () => {
    const answers: Array<{ what: string; res: LightMyRequestResponse }> = [];
    const get = async (url: string) => {
      const res = await f.app.inject({ method: 'GET', url });
      answers.push({ what: `GET ${url}`, res });
      return res;
    };
    const post = async (url: string, payload: Record<string, unknown>, asForm = false) => {
      const res = await f.app.inject({ method: 'POST', url, ...(asForm ? { headers: FORM, payload: form(payload as Record<string, string>) } : { payload }) });
      answers.push({ what: `POST ${url} ${JSON.stringify(payload).slice(0, 60)}`, res });
      return res;
    };

    for (const url of ['/', '/cek/nik', '/cek/wilayah', '/usul', '/sanggah', '/pengaduan', '/lacak', '/statistik', '/statistik.csv', '/aset/portal.css', '/aset/pow.js',
      '/api/v1/public/challenge', '/api/v1/public/regions', '/api/v1/public/regions?parent=32.01.01', '/api/v1/public/statistics', '/api/v1/public/statistics?region=32.01.01&format=csv']) await get(url);
    const villages = [...new Set(f.people.map((p) => p.village))];
    for (const v of villages) {
      await get(`/cek/wilayah?prov=${v.slice(0, 2)}&kab=${v.slice(0, 5)}&kec=${v.slice(0, 8)}&desa=${v}`);
      for (const code of [v.slice(0, 2), v.slice(0, 5), v.slice(0, 8), v]) { await get(`/statistik?wilayah=${code}`); await get(`/statistik.csv?wilayah=${code}`); }
      await get(`/api/v1/public/statistics?region=${v.slice(0, 8)}`);
    }
    const refs: string[] = [];
    for (const p of f.people) {
      await post('/api/v1/public/check', { nik: p.nik, name: p.name });
      const region = await post('/api/v1/public/check/region', { village_code: p.village, name: p.name });
      refs.push(...region.json<{ matches: Array<{ sanggah_ref: string }> }>().matches.map((m) => m.sanggah_ref));
      await post('/cek/nik', { nik: p.nik, nama: p.name }, true);
      await post('/cek/wilayah', { desa: p.village, nama: p.name }, true);
    }
    for (const ref of refs.slice(0, 5)) await get(`/sanggah?ref=${encodeURIComponent(ref)}`);
    const p0 = f.people[0]!;
    const usul = await post('/api/v1/public/usul', { village_code: p0.village, category: 'orang_lain', nik: p0.nik, name: p0.name, reason: 'Rumah rusak berat, penghasilan tidak menentu sejak sakit.', reporter_phone: '081298765432' });
    const sanggah = await post('/api/v1/public/sanggah', { ref: refs[1]!, category: 'pindah', reason: 'Sudah pindah ke Kalimantan sejak dua tahun lalu.' });
    const aduan = await post('/pengaduan', { desa: p0.village, kategori: 'pungli', program: 'pkh', uraian: 'Dipotong Rp100.000 oleh oknum saat pencairan.', nik: f.people[2]!.nik }, true);
    for (const code of [usul.json<{ tracking_code: string }>().tracking_code, sanggah.json<{ tracking_code: string }>().tracking_code]) {
      await post('/api/v1/public/lacak', { code });
      await post('/lacak', { kode: code }, true);
    }
    expect(aduan.statusCode).toBe(201);
    const officer = await loginAs(f.app, f.ctx, 'pusat.uji', 'pusat', 'ID');
    const queue = await f.app.inject({ method: 'GET', url: '/api/v1/portal/submissions?status=all', headers: { cookie: officer.cookie } });
    const officerAnswers = [queue];
    for (const item of queue.json<{ items: Array<{ id: number }> }>().items) {
      officerAnswers.push(await f.app.inject({ method: 'GET', url: `/api/v1/portal/submissions/${item.id}`, headers: { cookie: officer.cookie } }));
    }

    expect(answers.length).toBeGreaterThan(200);
    const niks = f.people.map((p) => p.nik);
    const kks = f.families.map((fam, i) => kkFor(i, fam.kode_desa));
    const addresses = f.families.map((fam) => fam.alamat!);
    const names = f.people.map((p) => p.name);
    const leaks: string[] = [];
    for (const { what, res } of answers) {
      const text = res.rawPayload.toString('utf8');
      if (res.statusCode >= 500) leaks.push(`${what}: status ${res.statusCode}`);
      if (/\d{16}/.test(text)) leaks.push(`${what}: 16-digit number`);
      for (const x of [...niks, ...kks, ...addresses, 'Kenanga', '081298765432', '6281298765432']) if (text.includes(x)) leaks.push(`${what}: ${x}`);
      for (const n of names) if (text.toUpperCase().includes(n)) leaks.push(`${what}: name ${n}`);
    }
    for (const res of officerAnswers) {
      const text = res.body;
      expect(res.statusCode).toBe(200);
      if (/\d{16}/.test(text)) leaks.push('officer answer: 16-digit number');
      for (const x of [...niks, ...addresses, '081298765432']) if (text.includes(x)) leaks.push(`officer answer: ${x}`);
    }
    expect(leaks).toEqual([]);
  });
});
