import { describe, expect, it } from 'vitest';
import { Gram, choleskySolve, fitRidge, predict, solveRidge } from './ridge.js';
import { rSquared, splitFraction, targeting } from './metrics.js';

function rng(seed: number) {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return { next, normal: () => Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next()) };
}

describe('linear algebra', () => {
  it('solves a symmetric positive-definite system by Cholesky', () => {
    const a = Float64Array.from([4, 12, -16, 12, 37, -43, -16, -43, 98]);
    const x = choleskySolve(a, Float64Array.from([1, 2, 3]), 3);
    // A·x must give b back
    for (let i = 0; i < 3; i++) expect(a[i * 3]! * x[0]! + a[i * 3 + 1]! * x[1]! + a[i * 3 + 2]! * x[2]!).toBeCloseTo([1, 2, 3][i]!, 10);
    expect(() => choleskySolve(Float64Array.from([1, 2, 2, 1]), Float64Array.from([1, 1]), 2)).toThrow(/positive definite/);
  });
});

describe('ridge regression with one-hot regions', () => {
  const r = rng(7);
  const rows = Array.from({ length: 4000 }, () => {
    const x = [r.normal(), r.next() < 0.3 ? 1 : 0, r.normal() * 3];
    const region = Math.floor(r.next() * 5);
    const effect = [0.5, -0.2, 0, 0.3, -0.6][region]!;
    return { x, cats: [region], y: 1 + 2 * x[0]! - 0.7 * x[1]! + 0.1 * x[2]! + effect + 0.05 * r.normal() };
  });

  it('recovers known coefficients and region effects', () => {
    const g = new Gram(3, 5);
    for (const row of rows) g.add(row.x, row.cats, row.y);
    const beta = solveRidge(g, 1e-8);
    expect(beta[1]).toBeCloseTo(2, 1);
    expect(beta[2]).toBeCloseTo(-0.7, 1);
    expect(beta[3]).toBeCloseTo(0.1, 2);
    // Region effects are identified up to the intercept: differences are what count
    expect(beta[4]! - beta[8]!).toBeCloseTo(0.5 + 0.6, 1);
    const predicted = rows.map((row) => predict(beta, 3, row.x, row.cats));
    expect(rSquared(rows.map((row) => row.y), predicted)).toBeGreaterThan(0.99);
  });

  it('accumulates one-hot columns sparsely exactly as a dense design would', () => {
    const sparse = new Gram(3, 5);
    const dense = new Gram(8, 0);
    for (const row of rows.slice(0, 500)) {
      sparse.add(row.x, row.cats, row.y);
      dense.add([...row.x, ...[0, 1, 2, 3, 4].map((c) => (c === row.cats[0] ? 1 : 0))], [], row.y);
    }
    for (let i = 0; i < 9; i++) for (let j = 0; j < 9; j++) expect(sparse.at(i, j)).toBeCloseTo(dense.at(i, j), 8);
    expect(sparse.sst()).toBeCloseTo(dense.sst(), 8);
  });

  it('shrinks towards zero as the penalty grows, and picks the penalty on validation rows', () => {
    const core = new Gram(3, 5);
    const validation = new Gram(3, 5);
    rows.forEach((row, i) => (i % 5 === 0 ? validation : core).add(row.x, row.cats, row.y));
    const small = solveRidge(core, 1e-6);
    const large = solveRidge(core, 100);
    expect(Math.abs(large[1]!)).toBeLessThan(Math.abs(small[1]!) / 10);
    const fit = fitRidge(core, validation, [100, 1, 1e-6]);
    expect(fit.lambda).toBe(1e-6);
    expect(fit.validationSse[2]).toBeLessThan(fit.validationSse[0]!);
    // SSE from the Gram equals the sum over rows
    const direct = rows.filter((_, i) => i % 5 === 0).reduce((s, row) => s + (row.y - predict(small, 3, row.x, row.cats)) ** 2, 0);
    expect(validation.sse(small)).toBeCloseTo(direct, 6);
  });
});

describe('targeting errors', () => {
  it('counts leakage and undercoverage at a quota', () => {
    // 10 families; consumption rank 1..10; the score swaps families 2 and 5
    const rows = Array.from({ length: 10 }, (_, i) => ({ id: i + 1, consumption: (i + 1) * 100, povertyLine: 250, score: i + 1 }));
    rows[1]!.score = 5.5;
    rows[4]!.score = 1.5;
    const t = targeting(rows, 0.4);
    // selected {1,5,3,4}, poorest 40% {1,2,3,4}: one of four is wrong both ways
    expect(t.atQuota).toEqual({ selected: 4, target: 4, inclusionError: 0.25, exclusionError: 0.25 });
    // poor = consumption < 250 = {1,2}: selected catches 1 of 2, and 3 of 4 selected are not poor
    expect(t.poor).toEqual({ selected: 4, target: 2, inclusionError: 0.75, exclusionError: 0.5 });
  });

  it('splits families stably and evenly', () => {
    const f = Array.from({ length: 20000 }, (_, i) => splitFraction(i + 1));
    expect(f.filter((x) => x < 0.2).length / f.length).toBeCloseTo(0.2, 1);
    expect(splitFraction(12345)).toBe(splitFraction(12345));
  });
});
