import { describe, expect, it } from 'vitest';
import { generateIndonesianCorpus } from '../../bench/dedup-corpus.js';
import { blockingKeys, buildCandidateIndex, collectCandidatePairs, preparedBlockingKeys, WINDOW } from './blocking.js';
import { clusterPairs } from './cluster.js';
import { compareIdNumbers } from './compare.js';
import { deduplicate, deduplicateParallel } from './dedup.js';
import { DedupHelper } from './parallel.js';
import { FeatureBuilder, prepareRecords } from './features.js';
import { estimateModel, parseModel } from './model.js';
import { PairScorer } from './score.js';
import type { PersonRecord } from './types.js';

/** Background population (made by code) so parameters are estimated as in real use. */
const background = generateIndonesianCorpus({ people: 3000, duplicateRate: 0.1, seed: 42 }).records;

function person(over: Partial<PersonRecord> & { id: string }): PersonRecord {
  return {
    nik: '', kkNumber: '', fullName: '', sex: 'L', birthPlace: 'Garut', birthDate: '', motherName: '',
    address: 'Dusun Krajan RT 002/RW 001', villageCode: '32.05.12.2003', ...over,
  };
}

const cases: PersonRecord[] = [
  person({ id: 'dupA', nik: '3205121205900101', kkNumber: '3205120101100001', fullName: 'Muhammad Rizki', birthDate: '1990-05-12', motherName: 'Siti Aminah' }),
  person({ id: 'dupB', nik: '3205121205900101', kkNumber: '', fullName: 'M. Rizky', birthDate: '1990-12-05', motherName: 'St. Aminah', address: 'Jl. Krajan RT 2 RW 1' }),
  person({ id: 'typoA', nik: '3205124507800202', kkNumber: '3205120101100002', fullName: 'Sri Wahyuningsih', sex: 'P', birthDate: '1980-07-05', motherName: 'Painem' }),
  person({ id: 'typoB', nik: '3205124507800203', kkNumber: '3205120101100002', fullName: 'Sri Wahyuningsih', sex: 'P', birthDate: '1980-07-05', motherName: 'Painem' }),
  person({ id: 'swapA', nik: '3205121508750303', fullName: 'Soetrisno', birthDate: '1975-08-15', motherName: 'Tumini', kkNumber: '3205120101100003' }),
  person({ id: 'swapB', nik: '3205121580750303', fullName: 'Sutrisno', birthDate: '1975-08-15', motherName: 'Tumini' }),
  person({ id: 'twin1', nik: '3205120303100404', kkNumber: '3205120101100004', fullName: 'Hasan Basri', birthDate: '2010-03-03', motherName: 'Nur Hidayah' }),
  person({ id: 'twin2', nik: '3205120303100405', kkNumber: '3205120101100004', fullName: 'Husein Basri', birthDate: '2010-03-03', motherName: 'Nur Hidayah' }),
  person({ id: 'father', nik: '3205121111600506', kkNumber: '3205120101100005', fullName: 'Ahmad Yusuf', birthDate: '1960-11-11', motherName: 'Aminah' }),
  person({ id: 'son', nik: '3205122002880507', kkNumber: '3205120101100005', fullName: 'Ahmad Yusuf', birthDate: '1988-02-20', motherName: 'Khadijah' }),
  person({ id: 'sonNoNik', nik: '', kkNumber: '3205120101100005', fullName: 'Achmad Yoesoef', birthDate: '1988-02-20', motherName: 'Khadijah' }),
];

const prepared = prepareRecords([...background, ...cases]);
const result = deduplicate(prepared);
const at = (id: string): number => prepared.ids.indexOf(id);
const explain = (a: string, b: string) => result.scorer.explain(Math.min(at(a), at(b)), Math.max(at(a), at(b)));
const together = (a: string, b: string): boolean => result.clusterOf[at(a)] === result.clusterOf[at(b)];

describe('pair scoring and explanations', () => {
  it('links an abbreviated, respelled name with swapped day/month and the same NIK', () => {
    const e = explain('dupA', 'dupB');
    expect(e.decision).toBe('link');
    expect(e.summary).toContain('NIK sama');
    expect(e.fields.find((f) => f.field === 'birthDate')?.note).toBe('tanggal lahir hari/bulan tertukar');
    expect(e.fields.find((f) => f.field === 'name')?.note).toMatch(/^nama mirip \(.*singkatan/);
    expect(together('dupA', 'dupB')).toBe(true);
  });

  it('names a one-digit and a transposed NIK difference, and old spelling', () => {
    expect(explain('typoA', 'typoB').fields.find((f) => f.field === 'nik')?.note).toBe('NIK beda 1 digit');
    const swap = explain('swapA', 'swapB');
    expect(swap.fields.find((f) => f.field === 'nik')?.note).toBe('NIK tertukar 2 digit');
    expect(swap.fields.find((f) => f.field === 'name')?.note).toContain('ejaan lama');
    expect(together('swapA', 'swapB')).toBe(true);
  });

  it('keeps twins apart', () => {
    const e = explain('twin1', 'twin2');
    expect(e.cannotLink).toBe(true);
    expect(e.decision).not.toBe('link');
    expect(e.notes.join(' ')).toContain('kembar');
    expect(together('twin1', 'twin2')).toBe(false);
  });

  it('keeps a son named after his father apart, but links the son to his own duplicate', () => {
    const e = explain('father', 'son');
    expect(e.cannotLink).toBe(true);
    expect(e.notes.join(' ')).toContain('ayah/ibu dan anak senama');
    expect(together('father', 'son')).toBe(false);
    expect(together('father', 'sonNoNik')).toBe(false);
    expect(together('son', 'sonNoNik')).toBe(true);
  });

  it('counts a common name for less than a rare one', () => {
    const p = prepareRecords([
      ...background,
      person({ id: 'c1', fullName: 'Siti Aminah' }),
      person({ id: 'c2', fullName: 'Siti Aminah' }),
      person({ id: 'r1', fullName: 'Kusumawardhani Prameswari' }),
      person({ id: 'r2', fullName: 'Kusumawardhani Prameswari' }),
    ]);
    const scorer = new PairScorer(p, result.model);
    const n = p.n;
    const common = scorer.explain(n - 4, n - 3).fields.find((f) => f.field === 'name')!;
    const rare = scorer.explain(n - 2, n - 1).fields.find((f) => f.field === 'name')!;
    expect(common.level).toBe(rare.level);
    expect(rare.weight - common.weight).toBeGreaterThan(4);
  });

  it('serialises the model to JSON and scores the same with it', () => {
    const model = parseModel(JSON.parse(JSON.stringify(result.model)));
    const again = new PairScorer(prepared, model);
    expect(again.score(at('dupA'), at('dupB'))).toBeCloseTo(result.scorer.score(at('dupA'), at('dupB')), 6);
    expect(() => parseModel({ version: 2 })).toThrow();
  });

  it('estimates parameters that make sense without labels', () => {
    const m = result.model;
    const bf = (f: keyof typeof m.fields, l: number): number => Math.log2(m.fields[f].m[l]! / m.fields[f].u[l]!);
    expect(bf('nik', 3)).toBeGreaterThan(8);
    expect(bf('nik', 0)).toBeLessThan(0);
    expect(bf('birthDate', 7)).toBeGreaterThan(bf('birthDate', 0));
    expect(m.lambda).toBeGreaterThan(0);
    expect(m.lambda).toBeLessThan(0.01);
  });
});

describe('blocking', () => {
  it('gives a record and its corrupted duplicate a shared key', () => {
    const a = blockingKeys(cases[0]!);
    const b = new Set(blockingKeys(cases[1]!));
    expect(a.some((k) => b.has(k))).toBe(true);
  });

  it('survives a wrong NIK digit even when name and date are wrong too', () => {
    const a = blockingKeys(person({ id: 'x', nik: '3205121205900101', fullName: 'Bambang', birthDate: '1990-05-12' }));
    const b = new Set(blockingKeys(person({ id: 'y', nik: '3205121205900701', fullName: 'Joko', birthDate: '1970-01-01' })));
    expect(a.some((k) => b.has(k))).toBe(true);
  });

  it('makes no identifier key from a placeholder NIK', () => {
    expect(blockingKeys(person({ id: 'z', nik: '0000000000000000', fullName: 'Budi' })).some((k) => k.startsWith('i'))).toBe(false);
  });

  it('finds nearly every true pair of the synthetic corpus', () => {
    const data = generateIndonesianCorpus({ people: 3000, duplicateRate: 0.15, seed: 5 });
    const p = prepareRecords(data.records);
    const index = buildCandidateIndex(p);
    const model = estimateModel(p, index);
    expect(model.estimatedFrom.candidatePairs).toBeGreaterThan(0);
    const res = deduplicate(p, { model });
    let truePairs = 0, found = 0;
    const by = new Map<string, number[]>();
    data.truth.forEach((t, i) => by.set(t, [...(by.get(t) ?? []), i]));
    for (const members of by.values()) for (let a = 0; a < members.length; a++) for (let b = a + 1; b < members.length; b++) {
      truePairs++;
      if (res.clusterOf[members[a]!] === res.clusterOf[members[b]!]) found++;
    }
    expect(found / truePairs).toBeGreaterThan(0.9);
  });
});

describe('clusterPairs', () => {
  const pairsOf = (list: [number, number, number][]) => ({
    count: list.length,
    i: Int32Array.from(list.map((x) => x[0])),
    j: Int32Array.from(list.map((x) => x[1])),
    weight: Float32Array.from(list.map((x) => x[2])),
    cannotLink: new Uint8Array(list.length),
  });

  it('does not chain weak links into a giant cluster', () => {
    // 0–1–2–…–9: each neighbour looks like a match, but ends of the chain contradict.
    const n = 10;
    const chain: [number, number, number][] = [];
    for (let k = 0; k + 1 < n; k++) chain.push([k, k + 1, 8]);
    const clusterOf = clusterPairs(n, pairsOf(chain), () => -12, { linkWeight: 3 });
    const sizes = new Map<number, number>();
    for (const c of clusterOf) sizes.set(c, (sizes.get(c) ?? 0) + 1);
    expect(Math.max(...sizes.values())).toBeLessThanOrEqual(2);
  });

  it('keeps a cohesive group together', () => {
    const all: [number, number, number][] = [];
    for (let a = 0; a < 5; a++) for (let b = a + 1; b < 5; b++) all.push([a, b, 10]);
    const clusterOf = clusterPairs(5, pairsOf(all), () => 10, { linkWeight: 3 });
    expect(new Set(clusterOf).size).toBe(1);
  });

  it('never joins across a cannot-link pair', () => {
    const p = pairsOf([[0, 1, 20], [1, 2, 20], [0, 2, 20]]);
    p.cannotLink[2] = 1;
    const clusterOf = clusterPairs(3, p, () => 0, { linkWeight: 3 });
    expect(clusterOf[0]).not.toBe(clusterOf[2]);
  });
});

describe('family rules against keying errors', () => {
  const scoreOf = (a: PersonRecord, b: PersonRecord) => {
    const p = prepareRecords([...background, a, b]);
    const scorer = new PairScorer(p, result.model);
    return scorer.explain(p.n - 2, p.n - 1);
  };

  it('does not take two wrong digits in a birth date for a parent and child of the same name', () => {
    const a = person({ id: 'a', fullName: 'Sarah Swift', birthDate: '1824-11-22' });
    const typo = scoreOf(a, person({ id: 'b', fullName: 'Sarah Swift', birthDate: '1854-11-25' }));
    expect(typo.notes.join(' ')).not.toContain('ayah/ibu dan anak');
    const generation = scoreOf(a, person({ id: 'c', fullName: 'Sarah Swift', birthDate: '1852-03-09' }));
    expect(generation.notes.join(' ')).toContain('ayah/ibu dan anak');
    expect(generation.cannotLink).toBe(true);
  });

  it('does not take a record with the same NIK and a misspelt name for a twin', () => {
    const base = { kkNumber: '3205120101100009', birthDate: '1990-04-04', motherName: 'Sumarni' };
    const e = scoreOf(person({ id: 'a', nik: '3205124404900011', fullName: 'Siti Lestari', sex: 'P', ...base }), person({ id: 'b', nik: '3205124404900011', fullName: 'Smti Lestari', sex: 'P', ...base }));
    expect(e.cannotLink).toBe(false);
    expect(e.decision).toBe('link');
  });

  it('still keeps apart twins whose NIK serials are consecutive', () => {
    const base = { kkNumber: '3205120101100009', birthDate: '2012-04-04', motherName: 'Sumarni' };
    const e = scoreOf(person({ id: 'a', nik: '3205120404120011', fullName: 'Hasan Basri', ...base }), person({ id: 'b', nik: '3205120404120012', fullName: 'Husein Basri', ...base }));
    expect(e.cannotLink).toBe(true);
  });
});

describe('term frequencies of places', () => {
  it('counts a shared rare birth place for more than a shared common one', () => {
    const common = background.find((r) => r.birthPlace)!.birthPlace!;
    const p = prepareRecords([
      ...background,
      person({ id: 'c1', fullName: 'Budi', birthPlace: common }),
      person({ id: 'c2', fullName: 'Ani', birthPlace: common }),
      person({ id: 'r1', fullName: 'Budi', birthPlace: 'Barnham Broom' }),
      person({ id: 'r2', fullName: 'Ani', birthPlace: 'Barnham Broom' }),
    ]);
    const scorer = new PairScorer(p, estimateModel(p, buildCandidateIndex(p)));
    const place = (i: number) => scorer.explain(i, i + 1).fields.find((f) => f.field === 'birthPlace')!;
    expect(place(p.n - 2).level).toBe(place(p.n - 4).level);
    expect(place(p.n - 2).weight).toBeGreaterThan(place(p.n - 4).weight + 2);
  });
});

describe('features', () => {
  it('reads ISO dates directly, years before 1000 included, and KK numbers as numbers', () => {
    const p = prepareRecords([
      person({ id: 'a', birthDate: '0950-05-07', kkNumber: '3205120101100001' }),
      person({ id: 'b', birthDate: '1990-12-31', kkNumber: '3205-1201-0110-0001' }),
      person({ id: 'c', birthDate: '0000-01-01', kkNumber: '0000000000000000', nik: '3205120101100001' }),
    ]);
    expect([p.dobY[0], p.dobM[0], p.dobD[0]]).toEqual([950, 5, 7]);
    expect([p.dobY[1], p.dobM[1], p.dobD[1]]).toEqual([1990, 12, 31]);
    expect(p.dobY[2]).toBe(0);
    expect(p.kk[0]).toBe(p.kk[1]);
    expect(p.kk[2]).toBe(-1);
    expect(p.idAsKk[2]).toBe(p.kk[0]);
  });

  it('builds the same records from two halves merged as from one builder', () => {
    const records = generateIndonesianCorpus({ people: 300, duplicateRate: 0.2, seed: 4 }).records;
    const whole = prepareRecords(records);
    const first = new FeatureBuilder();
    const second = new FeatureBuilder();
    records.forEach((r, k) => (k < 150 ? first : second).add(r));
    first.absorb(second.state());
    expect(first.finish()).toEqual(whole);
  });
});

describe('identifier comparison on numbers', () => {
  it.each([
    ['3201010101900001', '3201010101900001', 3],
    ['3201010101900001', '3201010101900002', 2],
    ['3201010101900001', '3201010110900001', 1],
    ['3201010101900001', '2301010101900001', 1],
    ['3201010101900001', '3201010101900010', 1],
    ['3201010101900001', '3201010101900022', 0],
    ['1234567', '1234576', 1],
    ['1234567', '12345678', 0],
  ])('%s / %s → %i', (a, b, level) => {
    const split = (s: string) => [s.length, s.length > 8 ? Number(s.slice(0, s.length - 8)) : 0, Number(s.slice(-8))] as const;
    expect(compareIdNumbers(...split(a), ...split(b))).toBe(level);
  });
});

describe('candidate index', () => {
  it('pairs exactly the records that share a key string (no caps)', () => {
    const p = prepareRecords(generateIndonesianCorpus({ people: 600, duplicateRate: 0.2, seed: 9 }).records);
    const pairs = collectCandidatePairs(p, buildCandidateIndex(p, { maxBlockSize: 1e9 }));
    const fromIndex = new Set<number>();
    for (let k = 0; k < pairs.count; k++) fromIndex.add(pairs.i[k]! * p.n + pairs.j[k]!);
    const holders = new Map<string, number[]>();
    for (let i = 0; i < p.n; i++) for (const key of new Set(preparedBlockingKeys(p, i))) holders.set(key, [...(holders.get(key) ?? []), i]);
    const fromStrings = new Set<number>();
    for (const h of holders.values()) for (let a = 0; a < h.length; a++) for (let b = a + 1; b < h.length; b++) fromStrings.add(h[a]! * p.n + h[b]!);
    for (const k of fromStrings) expect(fromIndex.has(k)).toBe(true);
    // Integer keys may only add the rare pair of a hash collision.
    expect(fromIndex.size - fromStrings.size).toBeLessThanOrEqual(2);
  });

  it('pairs neighbours in a name block larger than its cap instead of dropping it', () => {
    // Cap 20: pairs of name parts may hold 5 records, windowed up to 20.
    const copies = Array.from({ length: 16 }, (_, k) => person({ id: `w${k}`, fullName: 'Harriet Mcilquham', birthDate: `19${50 + k}-01-02` }));
    const p = prepareRecords(copies);
    const index = buildCandidateIndex(p, { maxBlockSize: 20 });
    expect(index.stats.windowedBlocks).toBeGreaterThan(0);
    const pairs = collectCandidatePairs(p, index);
    const partners = new Map<number, Set<number>>();
    for (let k = 0; k < pairs.count; k++) {
      if (!partners.has(pairs.i[k]!)) partners.set(pairs.i[k]!, new Set());
      partners.get(pairs.i[k]!)!.add(pairs.j[k]!);
    }
    // Sorted by birth date, each record meets the next ones, not all 15 others.
    expect(partners.get(0)!.has(1)).toBe(true);
    expect(partners.get(0)!.has(15)).toBe(false);
    expect(pairs.count).toBeLessThan((16 * 15) / 2);
    expect(pairs.count).toBeGreaterThanOrEqual(16 - 1);
    expect(WINDOW).toBeGreaterThan(0);
  });
});

describe('parallel scoring', () => {
  it('gives the same pairs and clusters on two threads as on one', async () => {
    const one = deduplicate(prepared);
    const two = await deduplicateParallel(prepared, { threads: 2, minParallelPairs: 1 });
    expect(two.pairs.count).toBe(one.pairs.count);
    expect(Array.from(two.pairs.i)).toEqual(Array.from(one.pairs.i));
    expect(Array.from(two.pairs.weight)).toEqual(Array.from(one.pairs.weight));
    expect(Array.from(two.clusterOf)).toEqual(Array.from(one.clusterOf));
  }, 60_000);

  it('enumerates pairs on a helper thread too, with the same result', async () => {
    const one = deduplicate(prepared);
    const helper = DedupHelper.start();
    try {
      const two = await deduplicateParallel(prepared, { helpers: [helper], minParallelPairs: 1 });
      expect(two.stats.candidatePairs).toBe(one.stats.candidatePairs);
      expect(Array.from(two.pairs.j)).toEqual(Array.from(one.pairs.j));
      expect(Array.from(two.clusterOf)).toEqual(Array.from(one.clusterOf));
      expect(two.model).toEqual(one.model);
    } finally {
      helper.close();
    }
  }, 60_000);
});
