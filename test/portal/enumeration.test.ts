/**
 * No enumeration through the status check: answers for a person who is registered, a
 * NIK that exists with another name, and a NIK nobody has must not differ in size, and
 * their timing must agree within measurement noise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPortal, form, FORM, type PortalFixture } from './support.js';
import { nikFor } from '../support/builders.js';

let f: PortalFixture;
// Limits off: this measures the look-up itself, many times over the same people.
const UNLIMITED = { capacity: 1e9, refillPerSecond: 1e9 };
beforeAll(async () => {
  f = await openPortal({ defence: { mode: 'off', hardPerClient: UNLIMITED, softPerClient: UNLIMITED, perNik: UNLIMITED, perVillage: UNLIMITED } });
});
afterAll(async () => { await f.close(); });

type Kind = 'found' | 'wrong_name' | 'unknown';

function bodyFor(kind: Kind, i: number): { nik: string; name: string } {
  const p = f.people[i % f.people.length]!;
  if (kind === 'found') return { nik: p.nik, name: p.name };
  if (kind === 'wrong_name') return { nik: p.nik, name: 'NAMA YANG SALAH SEKALI' };
  return { nik: nikFor(5000 + i, '1975-03-09', 'P'), name: p.name };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(q * (s.length - 1))]!;
}

describe('found and not-found answers', () => {
  it('have the same size and headers, by JSON and by page', async () => {
    const json = await Promise.all((['found', 'wrong_name', 'unknown'] as Kind[]).map((k) =>
      f.app.inject({ method: 'POST', url: '/api/v1/public/check', payload: bodyFor(k, 3) })));
    expect(json.map((r) => r.json<{ found: boolean }>().found)).toEqual([true, false, false]);
    expect(new Set(json.map((r) => r.rawPayload.length)).size).toBe(1);
    const headerShape = (h: Record<string, unknown>) => Object.entries(h).filter(([k]) => k !== 'date').map(([k, v]) => `${k}:${String(v).length}`).sort().join('|');
    expect(new Set(json.map((r) => headerShape(r.headers))).size).toBe(1);

    const pages = await Promise.all((['found', 'wrong_name', 'unknown'] as Kind[]).map((k) => {
      const b = bodyFor(k, 4);
      return f.app.inject({ method: 'POST', url: '/cek/nik', headers: FORM, payload: form({ nik: b.nik, nama: b.name }) });
    }));
    expect(pages.map((r) => r.body.includes('<span class="masked">'))).toEqual([true, false, false]);
    expect(new Set(pages.map((r) => r.rawPayload.length)).size).toBe(1);
    expect(new Set(pages.map((r) => headerShape(r.headers))).size).toBe(1);

    const p = f.people[5]!;
    const region = await Promise.all([p.name, 'TIDAK ADA DI DESA INI'].map((nama) =>
      f.app.inject({ method: 'POST', url: '/cek/wilayah', headers: FORM, payload: form({ desa: p.village, nama }) })));
    expect(region[0]!.body).toContain('<span class="masked">');
    expect(region[0]!.rawPayload.length).toBe(region[1]!.rawPayload.length);
  });

  it('take the same time within noise', async () => {
    const kinds: Kind[] = ['found', 'wrong_name', 'unknown'];
    const times: Record<Kind, number[]> = { found: [], wrong_name: [], unknown: [] };
    const once = async (k: Kind, i: number) => {
      const payload = bodyFor(k, i);
      const t0 = process.hrtime.bigint();
      const r = await f.app.inject({ method: 'POST', url: '/api/v1/public/check', payload });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      expect(r.statusCode).toBe(200);
      return ms;
    };
    for (let i = 0; i < 60; i++) for (const k of kinds) await once(k, i); // warm-up
    // Interleaved, rotating the order, so drift (GC, JIT, other processes) hits all kinds alike.
    for (let i = 0; i < 300; i++) {
      for (let j = 0; j < 3; j++) {
        const k = kinds[(i + j) % 3]!;
        times[k].push(await once(k, i));
      }
    }
    const med = Object.fromEntries(kinds.map((k) => [k, median(times[k])])) as Record<Kind, number>;
    const iqr = Object.fromEntries(kinds.map((k) => [k, quantile(times[k], 0.75) - quantile(times[k], 0.25)])) as Record<Kind, number>;
    // Noise: how much the medians of two halves of the same kind differ.
    const halves = kinds.map((k) => Math.abs(median(times[k].filter((_, i) => i % 2 === 0)) - median(times[k].filter((_, i) => i % 2 === 1))));
    const noise = Math.max(...halves, ...kinds.map((k) => iqr[k] / 4));
    const spread = Math.max(...kinds.map((k) => med[k])) - Math.min(...kinds.map((k) => med[k]));
    console.log(`check timing (ms) medians ${kinds.map((k) => `${k}=${med[k].toFixed(3)}`).join(' ')}; IQR ${kinds.map((k) => iqr[k].toFixed(3)).join('/')}; spread ${spread.toFixed(3)}, noise ${noise.toFixed(3)}`);
    expect(spread).toBeLessThanOrEqual(Math.max(2 * noise, 0.1 * med.unknown));
  });
});
