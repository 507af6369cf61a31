import { describe, expect, it } from 'vitest';
import { emptyIndicators, indicatorsByRegion, SUBMISSION_KEYS, type ReadingContext, type RollupRow } from './indicators.js';

const ctx: ReadingContext = { cycles: new Map([['pkh', '2025-07'], ['bpnt', '2025-04']]), rankingId: 7 };
const row = (regionCode: string, metric: string, n: number, dim = '', bucket = '', amount = 0): RollupRow => ({ regionCode, metric, dim, bucket, n, amount });

describe('indicatorsByRegion', () => {
  it('maps each metric to its indicator, per region', () => {
    const out = indicatorsByRegion([
      row('32', 'families', 3), row('32', 'people', 10), row('32', 'nik_valid', 7), row('32', 'nik_invalid', 2), row('32', 'nik_missing', 1),
      row('32', 'verified', 4), row('32', 'dup_found', 5), row('32', 'dup_resolved', 2), row('33', 'families', 1),
    ], ctx);
    expect(out.get('32')).toMatchObject({ families: 3, people: 10, nikValid: 7, nikInvalid: 2, nikMissing: 1, verified: 4, duplicatesFound: 5, duplicatesResolved: 2 });
    expect(out.get('33')!.families).toBe(1);
    expect(out.get('33')!.people).toBe(0);
  });

  it('counts recipients of each program\'s latest cycle only, and the poor of the current ranking only', () => {
    const ind = indicatorsByRegion([
      row('ID', 'recipients', 5, 'pkh', '2025-07', 15_000_000), row('ID', 'recipients', 9, 'pkh', '2025-04', 27_000_000),
      row('ID', 'recipients', 2, 'bpnt', '2025-04', 4_800_000), row('ID', 'poor', 11, '', '7'), row('ID', 'poor', 13, '', '6'),
    ], ctx).get('ID')!;
    expect(ind.recipients).toEqual({
      bpnt: { cycle: '2025-04', families: 2, amountYear: 4_800_000 },
      pkh: { cycle: '2025-07', families: 5, amountYear: 15_000_000 },
    });
    expect(ind.estimatedPoor).toBe(11);
    expect(indicatorsByRegion([row('ID', 'poor', 13, '', '6')], { ...ctx, rankingId: null }).get('ID')!.estimatedPoor).toBe(0);
  });

  it('sums submissions by kind.category; due-hour buckets are not counted directly', () => {
    const ind = indicatorsByRegion([
      row('32.01', 'sub_open', 4, 'pengaduan.pungli'), row('32.01', 'sub_overdue', 1, 'pengaduan.pungli'),
      row('32.01', 'sub_closed', 6, 'pengaduan.pungli'), row('32.01', 'sub_due', 3, 'pengaduan.pungli', '2099-01-01T00'),
      row('32.01', 'sub_open', 1, 'usul.baru_kategori'),
    ], ctx).get('32.01')!;
    expect(ind.submissions['pengaduan.pungli']).toEqual({ open: 4, closed: 6, overdue: 1 });
    expect(ind.submissions['usul.baru_kategori']).toEqual({ open: 1, closed: 0, overdue: 0 });
    expect(ind.submissions['sanggah.meninggal']).toEqual({ open: 0, closed: 0, overdue: 0 });
  });
});

describe('emptyIndicators', () => {
  it('lists every program with its cycle and every portal category, at zero', () => {
    const e = emptyIndicators(ctx);
    expect(Object.keys(e.recipients)).toEqual(['bpnt', 'pkh']);
    expect(Object.keys(e.submissions)).toEqual([...SUBMISSION_KEYS]);
    expect(SUBMISSION_KEYS).toContain('pengaduan.pungli');
    expect(SUBMISSION_KEYS).toContain('usul.diri_sendiri');
  });
});
