import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPortal, form, FORM, type PortalFixture } from './support.js';
import { loginAs, type Session } from '../support/app.js';
import { nationalActor } from '../support/db.js';
import { pngWithText, jpegWithExif } from './images.js';

let f: PortalFixture;
let ip = 0;
const nextIp = () => `10.2.0.${++ip}`;
let bogor: Session;
let makassar: Session;

beforeAll(async () => {
  f = await openPortal();
  bogor = await loginAs(f.app, f.ctx, 'operator.ciawi', 'operator', '32.01.01');
  makassar = await loginAs(f.app, f.ctx, 'operator.makassar', 'operator', '73.71');
});
afterAll(async () => { await f.close(); });

const post = (url: string, payload: unknown) => f.app.inject({ method: 'POST', url, payload: payload as object, remoteAddress: nextIp() });
const officer = (s: Session, method: 'GET' | 'POST', url: string, payload?: unknown) =>
  f.app.inject({ method, url, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, ...(payload ? { payload: payload as object } : {}) });

const REASON = 'Keluarga ini tinggal di rumah berdinding bambu, kepala keluarga buruh harian tanpa penghasilan tetap.';

async function auditActions(): Promise<string[]> {
  const rows = await f.t.db.withConnection((c) => c.query<{ action: string }>('select action from audit_log order by seq'));
  return rows.rows.map((r) => r.action);
}

describe('usul, sanggah and pengaduan through the JSON API', () => {
  it('takes an usul with a photo, strips its metadata, queues it in the village with a 30-day SLA, and audits it', async () => {
    const photo = jpegWithExif();
    expect(photo.includes(Buffer.from('GPS'))).toBe(true);
    const before = (await auditActions()).length;
    const res = await post('/api/v1/public/usul', {
      village_code: '32.01.01.1001', category: 'orang_lain', nik: '3201014203850002', name: 'Marni binti Sukri', reason: REASON,
      program: 'pkh', reporter_name: 'Tetangga Baik', reporter_phone: '0812-3456-7890', photo: { data_base64: photo.toString('base64') },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json<{ tracking_code: string; kind: string; status: string; sla_due_at: string }>();
    expect(body.tracking_code).toMatch(/^U-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(body.status).toBe('diterima');
    expect(Date.parse(body.sla_due_at) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect(res.body).not.toContain('3201014203850002');
    expect((await auditActions()).slice(before)).toEqual(['portal.usul.submitted']);

    const queue = await officer(bogor, 'GET', '/api/v1/portal/submissions?kind=usul');
    expect(queue.statusCode).toBe(200);
    const item = queue.json<{ items: Array<{ id: number; trackingCode: string; villageCode: string; hasPhoto: boolean; sla: { hoursLeft: number; isOverdue: boolean } }> }>()
      .items.find((i) => i.trackingCode === body.tracking_code.replace(/-/g, ''))!;
    expect(item.villageCode).toBe('32.01.01.1001');
    expect(item.hasPhoto).toBe(true);
    expect(item.sla.isOverdue).toBe(false);
    expect(item.sla.hoursLeft).toBeGreaterThan(29 * 24);

    const detail = await officer(bogor, 'GET', `/api/v1/portal/submissions/${item.id}`);
    const d = detail.json<{ subjectName: string; subjectNikMasked: string; reporterPhoneMasked: string; history: Array<{ action: string }> }>();
    expect(d.subjectName).toBe('MARNI BINTI SUKRI');
    expect(d.subjectNikMasked).toBe('3201**********02');
    expect(d.reporterPhoneMasked).toBe('**********890');
    expect(d.history.map((h) => h.action)).toEqual(['submitted']);

    const stored = await officer(bogor, 'GET', `/api/v1/portal/submissions/${item.id}/photo`);
    expect(stored.statusCode).toBe(200);
    expect(stored.headers['content-type']).toBe('image/jpeg');
    expect(stored.rawPayload.includes(Buffer.from('Exif\0\0'))).toBe(true); // orientation only
    expect(stored.rawPayload.includes(Buffer.from('GPS'))).toBe(false);
    expect(stored.rawPayload.includes(Buffer.from('Canon'))).toBe(false);
    expect(stored.rawPayload.length).toBeLessThan(photo.length);

    // Outside the region, the submission does not exist.
    const elsewhere = await officer(makassar, 'GET', `/api/v1/portal/submissions/${item.id}`);
    expect(elsewhere.statusCode).toBe(404);
    const theirs = await officer(makassar, 'GET', '/api/v1/portal/submissions?status=all');
    expect(theirs.json<{ items: unknown[] }>().items).toEqual([]);
  });

  it('refuses a photo that is not a JPEG or PNG, and an unknown village', async () => {
    const bad = await post('/api/v1/public/usul', {
      village_code: '32.01.01.1001', category: 'diri_sendiri', nik: '3201014203850003', name: 'Siti', reason: REASON,
      photo: { data_base64: Buffer.from('GIF89a not really').toString('base64') },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { details: { fields: string[] } } }>().error.details.fields).toEqual(['photo']);
    const nowhere = await post('/api/v1/public/usul', { village_code: '32.01.01.9999', category: 'diri_sendiri', nik: '3201014203850003', name: 'Siti', reason: REASON });
    expect(nowhere.statusCode).toBe(400);
    expect(nowhere.json<{ error: { details: { fields: string[] } } }>().error.details.fields).toEqual(['village_code']);
  });

  it('files a sanggah against a person found by a check, in that person’s village, and lacak follows the officer’s replies', async () => {
    const p = f.people[0]!;
    const check = await post('/api/v1/public/check/region', { village_code: p.village, name: p.name });
    const ref = check.json<{ matches: Array<{ sanggah_ref: string }> }>().matches[0]!.sanggah_ref;
    const forged = await post('/api/v1/public/sanggah', { ref: ref.slice(0, -3) + 'AAA', category: 'mampu', reason: REASON });
    expect(forged.statusCode).toBe(400);
    const res = await post('/api/v1/public/sanggah', { ref, category: 'mampu', reason: 'Punya dua mobil dan toko bangunan besar di pasar desa.' });
    expect(res.statusCode).toBe(201);
    const code = res.json<{ tracking_code: string }>().tracking_code;
    expect(code).toMatch(/^S-/);

    const queue = await officer(bogor, 'GET', '/api/v1/portal/submissions?kind=sanggah');
    const item = queue.json<{ items: Array<{ id: number; villageCode: string; sla: { hoursLeft: number } }> }>().items[0]!;
    expect(item.villageCode).toBe(p.village);
    expect(item.sla.hoursLeft).toBeGreaterThan(13 * 24);
    expect(item.sla.hoursLeft).toBeLessThanOrEqual(14 * 24);
    const detail = (await officer(bogor, 'GET', `/api/v1/portal/submissions/${item.id}`)).json<{ memberNameMasked: string; familyId: number }>();
    expect(detail.memberNameMasked).toBe('S**I A****H');

    const r1 = await officer(bogor, 'POST', `/api/v1/portal/submissions/${item.id}/reply`, { status: 'diproses', publicMessage: 'Pendamping akan memverifikasi ke rumah minggu ini.', internalNote: 'Cek kepemilikan mobil ke Samsat.' });
    expect(r1.statusCode).toBe(200);
    expect(r1.json<{ status: string }>().status).toBe('diproses');
    const r2 = await officer(bogor, 'POST', `/api/v1/portal/submissions/${item.id}/reply`, { status: 'selesai', publicMessage: 'Terbukti mampu; diusulkan keluar dari daftar penerima.' });
    expect(r2.json<{ status: string }>().status).toBe('selesai');
    const wrong = await officer(bogor, 'POST', `/api/v1/portal/submissions/${item.id}/reply`, { status: 'ditolak' });
    expect(wrong.statusCode).toBe(409);
    const readOnly = await loginAs(f.app, f.ctx, 'auditor.satu', 'auditor', 'ID');
    const denied = await officer(readOnly, 'POST', `/api/v1/portal/submissions/${item.id}/reply`, { publicMessage: 'x' });
    expect(denied.statusCode).toBe(403);

    const lacak = await post('/api/v1/public/lacak', { code: code.toLowerCase() });
    expect(lacak.statusCode).toBe(200);
    const v = lacak.json<{ status: string; closed_at: string | null; history: Array<{ status: string | null; message: string | null }> }>();
    expect(v.status).toBe('selesai');
    expect(v.closed_at).not.toBeNull();
    expect(v.history.map((h) => h.status)).toEqual(['diterima', 'diproses', 'selesai']);
    expect(v.history[1]!.message).toBe('Pendamping akan memverifikasi ke rumah minggu ini.');
    expect(lacak.body).not.toContain('Samsat'); // internal note
    expect(lacak.body).not.toContain(p.name);
    const actions = await auditActions();
    expect(actions).toEqual(expect.arrayContaining(['portal.sanggah.submitted', 'portal.submission.status_changed']));
    expect(actions.filter((a) => a === 'portal.submission.status_changed')).toHaveLength(2);
  });

  it('takes a pungli complaint with a 3-day SLA, shows it overdue when late, and 404s an unknown code', async () => {
    const res = await post('/api/v1/public/pengaduan', {
      village_code: '32.01.01.1002', category: 'pungli', program: 'pkh',
      description: 'Ketua kelompok meminta Rp50.000 dari setiap penerima saat pencairan di kantor desa.',
    });
    expect(res.statusCode).toBe(201);
    const code = res.json<{ tracking_code: string }>().tracking_code.replace(/-/g, '');
    await f.t.db.transaction((tx) => tx.raw.query(`update portal_submission set sla_due_at = now() - interval '5 hours' where tracking_code = $1`, [code]), nationalActor);
    const overdue = await officer(bogor, 'GET', '/api/v1/portal/submissions?overdue=true');
    const items = overdue.json<{ items: Array<{ trackingCode: string; sla: { isOverdue: boolean; hoursLeft: number } }> }>().items;
    expect(items.map((i) => i.trackingCode)).toEqual([code]);
    expect(items[0]!.sla.isOverdue).toBe(true);
    expect(items[0]!.sla.hoursLeft).toBeCloseTo(-5, 0);
    const missing = await post('/api/v1/public/lacak', { code: 'P-0000-0000-0000' });
    expect(missing.statusCode).toBe(404);
  });
});

describe('usul, sanggah, pengaduan and lacak through the HTML forms', () => {
  function multipart(fields: Record<string, string>, file?: { name: string; type: string; data: Buffer }) {
    const boundary = '----tepat' + Math.random().toString(16).slice(2);
    const parts: Buffer[] = [];
    for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
    if (file) {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="foto"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`), file.data, Buffer.from('\r\n'));
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    return { headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: Buffer.concat(parts) };
  }

  it('submits an usul with a PNG photo and shows the tracking code, then lacak shows it received', async () => {
    const png = pngWithText();
    const m = multipart({ desa: '32.01.01.1001', kategori: 'keluarga', nik: '3201015508900004', nama: 'Ani Suryani', alasan: REASON, program: '', pelapor: '', hp: '' },
      { name: 'rumah.png', type: 'image/png', data: png });
    const res = await f.app.inject({ method: 'POST', url: '/usul', ...m, remoteAddress: nextIp() });
    expect(res.statusCode).toBe(201);
    const code = /class="code">([A-Z0-9-]+)</.exec(res.body)![1]!;
    expect(code).toMatch(/^U-/);
    expect(res.body).not.toContain('3201015508900004');
    const lacak = await f.app.inject({ method: 'POST', url: '/lacak', headers: FORM, payload: form({ kode: code }), remoteAddress: nextIp() });
    expect(lacak.statusCode).toBe(200);
    expect(lacak.body).toContain('Diterima');
    const id = await f.t.db.transaction(async (tx) => (await tx.raw.query<{ id: number }>('select id from portal_submission where tracking_code = $1', [code.replace(/-/g, '')])).rows[0]!.id, nationalActor);
    const photo = await officer(bogor, 'GET', `/api/v1/portal/submissions/${id}/photo`);
    expect(photo.headers['content-type']).toBe('image/png');
    expect(photo.rawPayload.includes(Buffer.from('tEXt'))).toBe(false);
    expect(photo.rawPayload.includes(Buffer.from('Jl. Rahasia'))).toBe(false);
  });

  it('re-renders the usul form with every error, keeping what was typed except the NIK', async () => {
    const m = multipart({ desa: '32.01.01.1001', kategori: '', nik: '99', nama: 'Ani Suryani', alasan: 'pendek', hp: '123' });
    const res = await f.app.inject({ method: 'POST', url: '/usul', ...m, remoteAddress: nextIp() });
    expect(res.statusCode).toBe(400);
    for (const field of ['kategori', 'nik', 'alasan', 'hp']) expect(res.body).toContain(`href="#${field}"`);
    expect(res.body).toContain('value="Ani Suryani"');
    expect(res.body).not.toContain('value="99"');
  });

  it('refuses an oversized photo with a page that says so', async () => {
    const m = multipart({ desa: '32.01.01.1001', kategori: 'keluarga', nik: '3201015508900004', nama: 'Ani', alasan: REASON },
      { name: 'besar.jpg', type: 'image/jpeg', data: Buffer.alloc(6 * 1024 * 1024, 1) });
    const res = await f.app.inject({ method: 'POST', url: '/usul', ...m, remoteAddress: nextIp() });
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('5 MB');
  });

  it('files a sanggah from a check result link and a pengaduan through the picker', async () => {
    const p = f.people[1]!;
    const result = await f.app.inject({ method: 'POST', url: '/cek/wilayah', headers: FORM, payload: form({ desa: p.village, nama: p.name }), remoteAddress: nextIp() });
    const link = /href="(\/sanggah\?ref=[^"]+)"/.exec(result.body)![1]!.replace(/&amp;/g, '&');
    const page = await f.app.inject({ method: 'GET', url: link, remoteAddress: nextIp() });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('B**I A****H');
    const ref = decodeURIComponent(link.split('ref=')[1]!);
    const s = await f.app.inject({ method: 'POST', url: '/sanggah', headers: FORM, payload: form({ ref, kategori: 'meninggal', alasan: 'Sudah meninggal dunia sejak Maret tahun lalu.' }), remoteAddress: nextIp() });
    expect(s.statusCode).toBe(201);
    expect(s.body).toMatch(/S-[0-9A-Z]{4}-/);

    const picker = await f.app.inject({ method: 'GET', url: '/pengaduan?prov=32&kab=32.01&kec=32.01.01', remoteAddress: nextIp() });
    expect(picker.body).toContain('<select id="desa"');
    const c = await f.app.inject({ method: 'POST', url: '/pengaduan', headers: FORM, payload: form({ desa: '32.01.01.1001', kategori: 'tidak_diterima', program: 'bpnt', uraian: 'Sudah tiga bulan saldo KKS tidak bertambah padahal terdaftar.' }), remoteAddress: nextIp() });
    expect(c.statusCode).toBe(201);
    expect(c.body).toMatch(/P-[0-9A-Z]{4}-/);
  });
});
