import { describe, expect, it } from 'vitest';
import { civilEventOf, dciEvent } from './dci.js';
import { classifyVerification, compareWithRecord, nameScore, normalizeName } from './matching.js';
import type { CivilEvent } from './types.js';

describe('name comparison', () => {
  it('ignores case, accents, punctuation and spacing, not spelling', () => {
    expect(normalizeName("  Ma'ruf   Amin ")).toBe('MARUF AMIN');
    expect(normalizeName('Renée')).toBe('RENEE');
    expect(nameScore('SITI aminah', 'Siti  Aminah')).toBe(100);
    expect(nameScore('Suparman', 'Soeparman')).toBe(78);
    expect(nameScore('', '')).toBe(100);
  });
});

describe('compareWithRecord', () => {
  const record = { name: 'Siti Aminah', birthDate: '1990-01-02', kk: '3201011501200001', deathDate: null };
  const claim = { nik: '3201014201900001', name: 'SITI AMINAH', birthDate: '1990-01-02', kk: '3201011501200001' };

  it('answers per field, sesuai or tidak_sesuai', () => {
    expect(compareWithRecord(claim, record)).toEqual({
      nikStatus: 'aktif', name: { result: 'sesuai', score: 100 }, birthDate: { result: 'sesuai' }, kk: { result: 'sesuai' },
    });
    const r = compareWithRecord({ ...claim, name: 'Siti Aminah Hj', birthDate: '1990-02-01', kk: null }, record);
    expect(r.name?.result).toBe('tidak_sesuai');
    expect(r.birthDate?.result).toBe('tidak_sesuai');
    expect(r.kk).toBeUndefined();
  });

  it('reports unknown NIKs and deaths', () => {
    expect(compareWithRecord(claim, undefined)).toEqual({ nikStatus: 'tidak_ditemukan' });
    expect(compareWithRecord(claim, { ...record, deathDate: '2025-01-01' }).nikStatus).toBe('meninggal');
  });
});

describe('classifyVerification', () => {
  it('gives one outcome: not found and deceased outrank field differences', () => {
    expect(classifyVerification({ nikStatus: 'aktif', name: { result: 'sesuai' }, birthDate: { result: 'sesuai' } })).toEqual({ outcome: 'verified', mismatched: [] });
    expect(classifyVerification({ nikStatus: 'aktif', name: { result: 'sesuai' }, kk: { result: 'tidak_sesuai' } })).toEqual({ outcome: 'mismatch', mismatched: ['kk'] });
    expect(classifyVerification({ nikStatus: 'meninggal', name: { result: 'tidak_sesuai' } }).outcome).toBe('deceased');
    expect(classifyVerification({ nikStatus: 'tidak_ditemukan' }).outcome).toBe('not_found');
  });
});

describe('DCI vital events', () => {
  const base = { seq: 3, occurredOn: '2025-07-10', publishedAt: '2025-07-11T00:00:00.000Z' };
  const events: CivilEvent[] = [
    { ...base, eventId: 'e1', type: 'death', nik: '3201014201900001' },
    { ...base, eventId: 'e2', type: 'move', kk: '3201011501200001', niks: ['3201014201900001', '3201010101900002'], toVillageCode: '32.01.02.2001', newKk: '3201020107259501' },
    { ...base, eventId: 'e3', type: 'kk_change', nik: '3201014201900001', oldKk: '3201011501200001', newKk: '3201010107259502', reason: 'pisah_kk' },
    { ...base, eventId: 'e4', type: 'correction', nik: '3201014201900001', field: 'birth_date', value: '1990-01-03' },
    { ...base, eventId: 'e5', type: 'birth', nik: '3201010907259501', kk: '3201011501200001', name: 'Naura', sex: 'P', birthDate: '2025-07-09', villageCode: '32.01.01.2001' },
  ];

  it('round-trip through the notify_event shape unchanged', () => {
    for (const e of events) expect(civilEventOf(dciEvent(e))).toEqual(e);
    expect(dciEvent(events[0]!).data.reg_event_type).toBe('spdci-common:RegistryEventType:Death');
  });

  it('refuses an unknown event type', () => {
    const d = dciEvent(events[0]!);
    expect(() => civilEventOf({ ...d, data: { ...d.data, reg_event_type: 'spdci-common:RegistryEventType:Adoption' } })).toThrow(/unknown event type/);
  });
});
