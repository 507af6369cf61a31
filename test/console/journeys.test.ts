/**
 * Officer journeys in real Chromium (Debian's, driven by playwright-core) at 1366 × 768:
 * login with TOTP, search by NIK and by a misspelled name, an edit conflict resolved in
 * the merge view, duplicate review (merge then unmerge), a citizen's complaint answered
 * and read in Lacak, the live dashboard drilled down to a village, and a village operator
 * who cannot reach another village's family through any screen or URL. Every page
 * visited is audited (labels, one h1, reflow, contrast); screenshots are kept in
 * test-artifacts/console/.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CIPHER_CONTEXT } from '../../src/platform/keyring.js';
import { generateTotp } from '../../src/security/totp.js';
import { buildFamilyRow, writeCsv } from '../support/builders.js';
import { ARTIFACTS, TABLET, apiStatus, go, login, openConsole, reports, shot, type Account, type ConsoleFixture } from './support.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;

let f: ConsoleFixture;
/** Two families in different villages of one district, each with a member who has a NIK. */
interface Person { familyId: number; memberId: number; village: string; name: string; nik: string }
let home: Person;
let neighbour: Person;

async function personIn(familyId: number): Promise<Person> {
  const [m] = await f.sql<{ id: number; family_id: number; village_code: string; full_name: string; nik_enc: Uint8Array }>(
    `select id, family_id, village_code, full_name, nik_enc from member
      where family_id = $1 and nik_enc is not null and full_name ~ '^[A-Z]+ [A-Z]{5,}$' order by id limit 1`, [familyId]);
  if (!m) throw new Error(`no suitable member in family ${familyId}`);
  return { familyId: Number(m.family_id), memberId: Number(m.id), village: m.village_code, name: m.full_name, nik: f.ctx.keyring.cipher.decrypt(m.nik_enc, CIPHER_CONTEXT.nik) };
}

/** Swaps two inner letters of the last word: "DEWI ROSMIATI" → "DEWI ROSMAITI". */
function misspell(name: string): string {
  const words = name.split(' ');
  const last = words[words.length - 1]!;
  const i = Math.floor(last.length / 2);
  words[words.length - 1] = last.slice(0, i) + last[i + 1] + last[i] + last.slice(i + 2);
  return words.join(' ');
}

beforeAll(async () => {
  f = await openConsole();
  // A district with two villages that each hold a family with a searchable member.
  const candidates = await f.sql<{ id: number; village_code: string }>(
    `select f.id, f.village_code from family f
      where exists (select 1 from member m where m.family_id = f.id and m.nik_enc is not null and m.full_name ~ '^[A-Z]+ [A-Z]{5,}$')
      order by f.village_code, f.id`);
  for (const a of candidates) {
    const b = candidates.find((x) => x.village_code.slice(0, 8) === a.village_code.slice(0, 8) && x.village_code !== a.village_code);
    if (b) {
      home = await personIn(Number(a.id));
      neighbour = await personIn(Number(b.id));
      break;
    }
  }
  if (!home) throw new Error('the generated registry has no district with two searchable villages');
}, 600_000);

afterAll(async () => { await f?.close(); });

const district = () => home.village.slice(0, 8);

/** Fills one of the search forms and waits for its answer to be shown. */
async function search(page: Page, label: 'NIK (16 digit)' | 'Nama', value: string): Promise<void> {
  const field = page.getByLabel(label, { exact: true });
  await field.fill(value);
  await Promise.all([
    page.waitForResponse((r) => r.url().includes('/api/v1/search/members')),
    page.locator('form', { has: field }).getByRole('button', { name: 'Cari' }).click(),
  ]);
  await page.locator('#res-h').waitFor();
}

describe('officer console in Chromium at 1366 × 768', () => {
  let dinsos: Account;
  let dinsosPage: Page;

  it('logs in with password and TOTP, shows role and region, switches language, and loads ≤ 300 KB of JavaScript first', async () => {
    dinsos = await f.account('dinsos.bogor', 'dinsos', '32.01');
    const page = await f.newPage();
    const scripts: Array<{ url: string; bytes: number; encoding: string | undefined }> = [];
    page.on('response', (r) => {
      if (/\/konsol\/assets\/.*\.js$/.test(r.url())) scripts.push({ url: r.url(), bytes: Number(r.headers()['content-length'] ?? 0), encoding: r.headers()['content-encoding'] });
    });
    await page.goto(`${f.base}/konsol/`);
    await page.getByLabel('Nama pengguna').fill(dinsos.username);
    await page.getByLabel('Kata sandi').fill(dinsos.password);
    await page.getByRole('button', { name: 'Masuk' }).click();
    const totp = page.getByLabel('Kode autentikator (6 digit)');
    await totp.waitFor();
    expect(await page.textContent('[role=alert]')).toContain('Masukkan kode 6 digit');
    await shot(page, '01-login-totp');
    // A wrong code is refused with the server's message, then the right one lets in.
    const good = generateTotp(dinsos.totp!);
    await totp.fill(String((Number(good) + 500_000) % 1_000_000).padStart(6, '0'));
    await page.getByRole('button', { name: 'Masuk' }).click();
    await page.getByText('Kode autentikator salah').waitFor();
    await totp.fill(generateTotp(dinsos.totp!));
    await page.getByRole('button', { name: 'Masuk' }).click();
    await page.locator('nav.sidenav').waitFor();
    await page.getByText('Kabupaten Bogor (32.01)').waitFor();
    const header = await page.textContent('header');
    expect(header).toContain('dinsos.bogor');
    expect(header).toContain('Dinas Sosial');
    const nav = await page.textContent('nav.sidenav');
    for (const item of ['Cari', 'Impor', 'Duplikat', 'Dukcapil', 'Pengajuan warga', 'Dasbor']) expect(nav).toContain(item);
    await shot(page, '02-beranda-cari');

    // First load: the shell only, gzipped, within 300 KB; ECharts comes with the dashboard.
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.every((s) => s.encoding === 'gzip')).toBe(true);
    const firstLoad = scripts.reduce((n, s) => n + s.bytes, 0);
    expect(firstLoad).toBeLessThanOrEqual(300 * 1024);
    expect(scripts.some((s) => s.url.includes('dashboard'))).toBe(false);
    console.log(`console first load: ${scripts.length} script(s), ${(firstLoad / 1024).toFixed(1)} KB gzipped`);

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('link', { name: 'Search' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.textContent('h1')).toBe('Search families and members');
    await shot(page, '03-english');
    await page.getByRole('button', { name: 'Bahasa Indonesia' }).click();
    await page.getByRole('link', { name: 'Cari' }).waitFor();
    dinsosPage = page;

    // An auditor reads but changes nothing; a bank has no registry menu at all.
    const auditor = await f.account('auditor.nasional', 'auditor', 'ID');
    const ap = await f.newPage();
    await login(ap, f.base, auditor);
    await ap.getByText('Mode baca saja').waitFor();
    expect(await ap.textContent('nav.sidenav')).not.toContain('Impor');
    await go(ap, f.base, `/keluarga/${home.familyId}`);
    await ap.getByRole('heading', { name: 'Anggota keluarga' }).waitFor();
    expect(await ap.getByRole('button', { name: 'Lihat identitas' }).count()).toBe(0);
    expect(await ap.getByRole('link', { name: 'Ubah data keluarga' }).count()).toBe(0);
    const bank = await f.account('bank.penyalur', 'bank', 'ID');
    const bp = await f.newPage();
    await login(bp, f.base, bank);
    expect(await bp.textContent('nav.sidenav')).not.toMatch(/Cari|Duplikat|Pengajuan/);
    await go(bp, f.base, `/keluarga/${home.familyId}`);
    await bp.getByText('Peran Anda tidak memiliki akses').waitFor();
    expect(await apiStatus(bp, `/api/v1/families/${home.familyId}`)).toBe(403);

    // Logging out ends the session on the server too.
    await ap.getByRole('button', { name: 'Keluar' }).click();
    await ap.getByRole('heading', { name: 'Masuk ke konsol petugas' }).waitFor();
    expect(await ap.evaluate(async () => (await fetch('/api/v1/auth/me')).status)).toBe(401);
  });

  it('finds a person by NIK and by a misspelled name, opens the family and reveals a NIK for a stated purpose', async () => {
    const page = dinsosPage;
    await go(page, f.base, '/cari');
    await search(page, 'NIK (16 digit)', home.nik);
    const results = page.getByTestId('search-results');
    // The NIK's holder (and any planted duplicate sharing it), names masked.
    const row = results.locator('tbody tr', { has: page.locator(`a[href="#/keluarga/${home.familyId}"]`) });
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain(home.village);
    expect(await results.textContent()).not.toContain(home.name);
    expect(await results.textContent()).not.toContain(home.nik.slice(4, 12)); // NIKs masked in the list
    await shot(page, '04-cari-nik');

    const typo = misspell(home.name);
    expect(typo).not.toBe(home.name);
    await page.getByLabel('Kecamatan').selectOption(district());
    await search(page, 'Nama', typo);
    const links = await page.getByTestId('search-results').locator('a').evaluateAll((as: any[]) => as.map((a) => a.getAttribute('href')));
    expect(links).toContain(`#/keluarga/${home.familyId}`);
    await shot(page, '05-cari-nama-salah-eja');

    await page.locator(`a[href="#/keluarga/${home.familyId}"]`).first().click();
    await page.getByRole('heading', { name: 'Anggota keluarga' }).waitFor();
    await page.getByRole('heading', { name: 'Kelayakan program' }).waitFor();
    await page.getByTestId('history').waitFor();
    const members = page.getByTestId('members');
    expect(await members.textContent()).toContain(home.name);
    await shot(page, '06-keluarga');

    const memberRow = members.locator('tr', { hasText: home.name });
    await memberRow.getByRole('button', { name: 'Lihat identitas' }).click();
    await page.getByLabel('Tujuan melihat data (wajib, dicatat)').fill('verifikasi lapangan: pencocokan KTP');
    await page.getByRole('button', { name: 'Tampilkan' }).click();
    await page.getByTestId('revealed').waitFor();
    expect(await page.getByTestId('revealed').textContent()).toContain(home.nik);
    await shot(page, '07-lihat-identitas');
    const logged = await f.sql<{ purpose: string }>(`select purpose from access_log where kind = 'unmasked' and entity_id = $1 and actor = 'dinsos.bogor'`, [home.memberId]);
    expect(logged.map((l) => l.purpose)).toContain('verifikasi lapangan: pencocokan KTP');
    await page.keyboard.press('Escape');
  });

  it('shows a merge view when two officers edit the same family, and saves the chosen values with the new version', async () => {
    const a = await f.account('operator.a', 'operator', district());
    const b = await f.account('operator.b', 'operator', district());
    const pa = await f.newPage();
    const pb = await f.newPage();
    await login(pa, f.base, a);
    await login(pb, f.base, b);
    const [before] = await f.sql<{ version: number; roof_material: string | null }>('select version, roof_material from family where id = $1', [home.familyId]);
    for (const p of [pa, pb]) {
      await go(p, f.base, `/keluarga/${home.familyId}/ubah`);
      await p.getByLabel('Luas lantai (m²)').waitFor();
    }
    // The server's import validator answers a bad value at the field.
    await pa.getByLabel('Luas lantai (m²)').fill('dua puluh');
    await pa.getByRole('button', { name: 'Simpan' }).click();
    await pa.locator('.field-error').first().waitFor();
    expect(await pa.locator('.field-invalid').count()).toBe(1);
    await shot(pa, '08-ubah-validasi');
    await pa.getByLabel('Luas lantai (m²)').fill('45');
    await pa.getByRole('button', { name: 'Simpan' }).click();
    await pa.getByText(`Perubahan tersimpan (versi ${before!.version + 1})`).waitFor();

    // The second officer still has the old version: a 409 and the merge view, no overwrite.
    const roof = before!.roof_material === 'genteng' ? 'seng' : 'genteng';
    await pb.getByLabel('Luas lantai (m²)').fill('50');
    await pb.getByLabel('Atap').selectOption(roof);
    await pb.getByRole('button', { name: 'Simpan' }).click();
    const merge = pb.getByTestId('merge-view');
    await merge.waitFor();
    expect(await merge.textContent()).toContain('operator.a');
    const floorRow = merge.locator('tr[data-field=floorAreaM2]');
    expect(await floorRow.textContent()).toContain('bentrok');
    expect(await floorRow.textContent()).toContain('45');
    expect(await floorRow.textContent()).toContain('50');
    const resubmit = merge.getByRole('button', { name: /Simpan pilihan/ });
    expect(await resubmit.isDisabled()).toBe(true); // a conflicting field needs a person's choice
    const [stillA] = await f.sql<{ floor_area_m2: number }>('select floor_area_m2 from family where id = $1', [home.familyId]);
    expect(Number(stillA!.floor_area_m2)).toBe(45);
    await shot(pb, '09-ubah-bentrok');
    await floorRow.getByLabel('Pakai milik Anda').check();
    await resubmit.click();
    await pb.getByText(`Perubahan tersimpan (versi ${before!.version + 2})`).waitFor();
    const [after] = await f.sql<{ version: number; floor_area_m2: number; roof_material: string }>('select version, floor_area_m2, roof_material from family where id = $1', [home.familyId]);
    expect(after).toEqual({ version: before!.version + 2, floor_area_m2: 50, roof_material: roof });
    await shot(pb, '10-ubah-tersimpan');
  });

  it('imports an uploaded CSV with live progress and offers the rejected rows as a report', async () => {
    const op = await f.account('operator.impor', 'operator', district());
    const page = await f.newPage();
    await login(page, f.base, op);
    await go(page, f.base, '/impor');
    const dir = mkdtempSync(join(tmpdir(), 'tepat-konsol-impor-'));
    const path = join(dir, 'keluarga-baru.csv');
    writeCsv(path, 'families', [
      buildFamilyRow(9001, { kode_desa: home.village }),
      buildFamilyRow(9002, { kode_desa: home.village, luas_lantai: 'dua puluh' }),
      buildFamilyRow(9003, { kode_desa: home.village }),
    ]);
    await page.getByLabel('Berkas CSV atau XLSX (keluarga atau anggota)').setInputFiles(path);
    await page.getByRole('button', { name: 'Unggah dan impor' }).click();
    const job = page.getByTestId('import-job');
    await job.and(page.locator('[data-status=done]')).waitFor({ timeout: 60_000 });
    expect(await job.getByTestId('import-accepted').textContent()).toBe('2');
    expect(await job.getByTestId('import-rejected').textContent()).toBe('1');
    expect(await job.locator('progress').getAttribute('value')).toBe(await job.locator('progress').getAttribute('max'));
    await shot(page, '11-impor-selesai');
    const [report] = await Promise.all([page.waitForEvent('download'), job.getByRole('link', { name: 'Unduh laporan kesalahan (CSV)' }).click()]);
    const text = readFileSync((await report.path())!, 'utf8');
    expect(text).toContain('luas_lantai');
    expect(text.trim().split('\n')).toHaveLength(2);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reviews a duplicate pair side by side, merges it, then undoes the merge', async () => {
    const page = dinsosPage;
    let [pair] = await f.sql<{ id: number; a: number; b: number }>(
      `select p.id, p.member_a as a, p.member_b as b from identity_pair p where p.status = 'pending' order by p.probability desc, p.id limit 1`);
    if (!pair) {
      // Everything was linked automatically: put one accepted pair back in the queue.
      [pair] = await f.sql(`update identity_pair set status = 'pending', decided_by = null, decided_at = null
        where id = (select id from identity_pair where status = 'accepted' order by id limit 1) returning id, member_a as a, member_b as b`);
    }
    expect(pair).toBeDefined();
    await go(page, f.base, '/duplikat');
    await page.getByTestId('pairs').waitFor();
    await shot(page, '12-duplikat-antrean');
    await page.locator(`a[href="#/duplikat/${pair!.id}"]`).click();
    const compare = page.getByTestId('pair-compare');
    await compare.waitFor();
    expect(await compare.locator('tbody tr').count()).toBeGreaterThanOrEqual(8);
    expect(await compare.textContent()).toMatch(/[+-]\d/); // per-field weights
    await shot(page, '13-duplikat-banding');

    await page.getByLabel('Alasan penggabungan (min. 5 karakter)').fill('orang yang sama, tercatat dua kali');
    await page.getByRole('button', { name: 'Gabungkan catatan' }).click();
    await page.waitForURL(/#\/penggabungan\/\d+$/);
    await page.getByText('Tergabung').waitFor();
    const mergeId = Number(/penggabungan\/(\d+)/.exec(page.url())![1]);
    expect(await f.sql('select id from member where id = $1', [pair!.b])).toHaveLength(0);
    await shot(page, '14-digabung');

    await page.getByLabel('Alasan pembatalan (min. 5 karakter)').fill('ternyata kembar, bukan orang yang sama');
    await page.getByRole('button', { name: 'Batalkan penggabungan' }).click();
    await page.getByText('Penggabungan dibatalkan').waitFor();
    await page.getByText('Dibatalkan', { exact: true }).waitFor();
    expect(await f.sql('select id from member where id = $1', [pair!.b])).toHaveLength(1);
    const [restored] = await f.sql<{ status: string }>('select status from identity_pair where id = $1', [pair!.id]);
    expect(restored!.status).toBe('pending');
    const [m] = await f.sql<{ status: string }>('select status from identity_merge where id = $1', [mergeId]);
    expect(m!.status).toBe('unmerged');
    await shot(page, '15-batal-gabung');
  });

  it('lists civil-registry cases of the region and records a decision on one', async () => {
    const [c] = await f.sql<{ id: number }>(
      `insert into civil_case (regency_code, village_code, kind, source, event_id, family_id, member_id, details, opened_by)
       select regency_code, village_code, 'death', 'dukcapil', 'uji-konsol-1', family_id, id, '{"dateOfDeath": "2026-10-02"}'::jsonb, 'civil-sync'
         from member where id = $1 returning id`, [home.memberId]);
    const page = dinsosPage;
    await go(page, f.base, '/dukcapil');
    const row = page.getByTestId('civil-cases').locator('tr', { hasText: `#${c!.id}` });
    expect(await row.textContent()).toContain('Kematian');
    expect(await row.textContent()).toContain(home.name);
    await shot(page, '16-dukcapil');
    await row.getByLabel('Tolak').check();
    await row.getByLabel('Catatan').fill('warga masih hidup, dikunjungi pendamping');
    await row.getByRole('button', { name: 'Selesaikan' }).click();
    await row.getByText(`Kasus #${c!.id} diselesaikan.`).waitFor();
    const [decided] = await f.sql<{ status: string; decided_by: string }>('select status, decided_by from civil_case where id = $1', [c!.id]);
    expect(decided).toEqual({ status: 'rejected', decided_by: 'dinsos.bogor' });
  });

  it('answers a citizen’s complaint with an SLA timer and assignment, and the citizen reads the reply in Lacak', async () => {
    const res = await f.app.inject({
      method: 'POST', url: '/api/v1/public/pengaduan',
      payload: { village_code: home.village, category: 'pungli', program: 'pkh', description: 'Ada potongan Rp 50.000 oleh oknum saat pencairan bantuan bulan ini.' },
    });
    expect(res.statusCode).toBe(201);
    const code = res.json<{ tracking_code: string }>().tracking_code;
    const officer = await f.account('operator.desa', 'operator', home.village);
    const page = await f.newPage();
    await login(page, f.base, officer);
    await go(page, f.base, '/pengajuan');
    const list = page.getByTestId('submissions');
    await list.waitFor();
    const row = list.locator('tr', { hasText: code });
    expect(await row.getByTestId('sla').textContent()).toMatch(/^sisa \d/);
    await shot(page, '17-pengajuan-antrean');
    await row.locator('a').click();
    await page.getByTestId('submission-history').waitFor();
    await page.getByLabel('Nama pengguna petugas (kosongkan untuk melepas)').fill('operator.desa');
    await page.locator('form', { hasText: 'Tugaskan ke petugas' }).getByRole('button', { name: 'Simpan' }).click();
    await page.getByTestId('assigned-to').waitFor();
    await page.getByLabel('Status baru').selectOption('diproses');
    const message = 'Laporan diterima; petugas akan memeriksa pencairan bersama pendamping PKH minggu ini.';
    await page.getByLabel('Pesan untuk warga (tampil di Lacak)').fill(message);
    await page.getByRole('button', { name: 'Kirim' }).click();
    await page.getByText('Balasan terkirim').waitFor();
    await page.getByTestId('submission-history').getByText(message).waitFor();
    await shot(page, '18-pengajuan-dibalas');

    const citizen = await f.newPage({ width: 360, height: 640 });
    await citizen.goto(`${f.base}/lacak`);
    await citizen.fill('#kode', code);
    await citizen.click('main button[type=submit]');
    await citizen.waitForLoadState('load');
    const main = await citizen.textContent('main');
    expect(main).toContain(message);
    expect(main).toContain('Sedang diproses');
    await citizen.screenshot({ path: join(ARTIFACTS, '19-lacak-warga.png'), fullPage: true });
  });

  it('drills the live dashboard down from the country to a village, downloads a chart as CSV and PNG, and updates by itself', async () => {
    const pusat = await f.account('pusat.monitor', 'pusat', 'ID');
    const page = await f.newPage();
    await login(page, f.base, pusat);
    await go(page, f.base, '/dasbor');
    await page.getByTestId('kpis').waitFor();
    await page.locator('#cartogram-svg a[data-code="32"]').waitFor();
    await page.getByTestId('live').getByText('Langsung').waitFor();
    expect(await page.locator('#cartogram-svg a').count()).toBe(38);
    await shot(page, '20-dasbor-nasional');

    const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('[data-chart=programs] [data-download=csv]').click()]);
    expect(readFileSync((await csv.path())!, 'utf8')).toMatch(/^\uFEFFProgram,/);
    const [png] = await Promise.all([page.waitForEvent('download'), page.locator('[data-chart=nik] [data-download=png]').click()]);
    expect(readFileSync((await png.path())!).subarray(1, 4).toString()).toBe('PNG');
    const [mapPng] = await Promise.all([page.waitForEvent('download'), page.locator('[data-chart=map] [data-download=png]').click()]);
    expect(readFileSync((await mapPng.path())!).subarray(1, 4).toString()).toBe('PNG');

    const path = [home.village.slice(0, 2), home.village.slice(0, 5), home.village.slice(0, 8), home.village];
    await page.locator('#cartogram-svg a[data-code="32"]').click();
    for (const code of path.slice(1)) {
      await page.locator(`.child-links a[data-code="${code}"]`).click();
      await page.waitForURL(new RegExp(`wilayah=${code.replace(/\./g, '\\.')}$`));
    }
    await page.getByText('Tingkat desa: tidak ada wilayah di bawahnya.').waitFor();
    const crumbs = page.getByTestId('breadcrumb').locator('li');
    expect(await crumbs.count()).toBe(5);
    const [{ n }] = (await f.sql<{ n: number }>('select count(*)::int as n from family where village_code = $1', [home.village])) as [{ n: number }];
    const kpi = (label: string) => page.getByTestId('kpis').locator('li', { hasText: label }).locator('.kpi-value');
    expect(await kpi('Keluarga terdaftar').textContent()).toBe(String(n));
    await shot(page, '21-dasbor-desa');

    // A new complaint in the village reaches the open page through the event stream.
    const before = Number(await kpi('Pengajuan terbuka').textContent());
    const res = await f.app.inject({
      method: 'POST', url: '/api/v1/public/pengaduan',
      payload: { village_code: home.village, category: 'tidak_diterima', program: 'bpnt', description: 'Bantuan sembako bulan ini belum diterima oleh keluarga kami.' },
    });
    expect(res.statusCode).toBe(201);
    await page.waitForFunction((expected) => {
      const li = Array.from(document.querySelectorAll('[data-testid=kpis] li') as any[]).find((x) => x.textContent.includes('Pengajuan terbuka'));
      return li && Number(li.querySelector('.kpi-value').textContent) === expected;
    }, before + 1, { timeout: 20_000 });
  });

  it('keeps a village operator inside the village: no screen or URL reaches a family of another village', async () => {
    const op = await f.account('operator.satu.desa', 'operator', home.village);
    const page = await f.newPage();
    await login(page, f.base, op);
    await page.getByText(`(${home.village})`).waitFor();

    // Own family: visible (the control case).
    await go(page, f.base, `/keluarga/${home.familyId}`);
    await page.getByTestId('members').waitFor();

    // The neighbour's family by URL, page after page.
    for (const route of [`/keluarga/${neighbour.familyId}`, `/keluarga/${neighbour.familyId}/ubah`]) {
      await go(page, f.base, route);
      await page.getByText('Data tidak ditemukan atau di luar cakupan wilayah Anda.').waitFor();
      expect(await page.textContent('main')).not.toContain(neighbour.name);
    }
    await shot(page, '22-di-luar-cakupan');
    await go(page, f.base, `/anggota/${neighbour.memberId}/ubah`);
    await page.getByText('Data tidak ditemukan atau di luar cakupan wilayah Anda.').waitFor();

    // The API answers the same session with 404 (absent) or 403 (refused), never the data.
    const denied = [404, 403];
    for (const url of [`/api/v1/families/${neighbour.familyId}`, `/api/v1/families/${neighbour.familyId}/history`, `/api/v1/families/${neighbour.familyId}/eligibility`,
      `/api/v1/members/${neighbour.memberId}`, `/api/v1/civil/members/${neighbour.memberId}/verifications`, `/api/v1/dashboard?region=${neighbour.village}`,
      `/api/v1/families?region=${neighbour.village}`, `/api/v1/families/export?region=${neighbour.village}&format=csv`]) {
      expect(denied, url).toContain(await apiStatus(page, url));
    }
    expect(denied).toContain(await apiStatus(page, `/api/v1/members/${neighbour.memberId}/reveal`, { method: 'POST', body: { purpose: 'mencoba membuka data desa lain' } }));
    expect(denied).toContain(await apiStatus(page, `/api/v1/families/${neighbour.familyId}`, { method: 'PATCH', body: { version: 1, changes: { floorAreaM2: 99 } } }));

    // Search finds nothing of the neighbour, by NIK or by exact name.
    await go(page, f.base, '/cari');
    await search(page, 'NIK (16 digit)', neighbour.nik);
    await page.getByText('Tidak ada yang cocok di wilayah Anda.').waitFor();
    await search(page, 'Nama', neighbour.name);
    expect(await page.locator(`a[href="#/keluarga/${neighbour.familyId}"]`).count()).toBe(0);
    // The family list and the region pickers offer nothing beyond the village.
    await page.locator('section', { hasText: 'Daftar keluarga' }).getByRole('button', { name: 'Buka' }).click();
    await page.locator('section', { hasText: 'Daftar keluarga' }).locator('table').waitFor();
    const villages = await page.locator('section', { hasText: 'Daftar keluarga' }).locator('tbody code').allTextContents();
    expect(villages.length).toBeGreaterThan(0);
    expect(new Set(villages)).toEqual(new Set([home.village]));
    expect(await page.locator('.region-picker select').count()).toBe(0);
    await shot(page, '23-cari-desa-sendiri');

    // The dashboard of another village is refused on screen as well.
    await go(page, f.base, `/dasbor?wilayah=${neighbour.village}`);
    await page.getByText('Data tidak ditemukan atau di luar cakupan wilayah Anda.').waitFor();
    await go(page, f.base, '/dasbor');
    await page.getByTestId('kpis').waitFor();
    expect(await page.getByTestId('breadcrumb').locator('li').count()).toBe(1);
  });

  it('fits a tablet (768 × 1024) without sideways scrolling', async () => {
    const op = await f.account('operator.tablet', 'operator', district());
    const page = await f.newPage(TABLET);
    await login(page, f.base, op);
    const pages = [['/cari', '24-tablet-cari', 'nav.sidenav'], [`/keluarga/${home.familyId}`, '25-tablet-keluarga', '[data-testid=history]'], ['/dasbor', '26-tablet-dasbor', '.echart canvas']] as const;
    for (const [route, name, ready] of pages) {
      await go(page, f.base, route);
      await page.locator(ready).first().waitFor();
      await shot(page, name);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    }
  });

  it('kept every page labelled, with one h1, no sideways scrolling and readable contrast', () => {
    expect(reports.length).toBeGreaterThan(15);
    const bad = reports.filter((r) => r.problems.length > 0).map((r) => `${r.url}: ${r.problems.join('; ')}`);
    expect(bad).toEqual([]);
  });
});
