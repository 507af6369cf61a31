/**
 * Ridge regression for the proxy means test, without dependencies: normal equations
 * accumulated in one streaming pass, solved by Cholesky.
 *
 * Rows have dense features plus categorical region codes (province, regency), each
 * one-hot: a row touches one column per category group, so accumulating XᵀX costs
 * O(dense² + dense·groups) per row instead of O(columns²). Dense features are
 * standardised before the penalty; region dummies are penalised on their own scale,
 * which shrinks a region with few surveyed families towards its parent (a random-
 * effects-like estimate). The intercept is not penalised.
 */

/** Solves A x = b for symmetric positive-definite A (row-major n×n), by Cholesky. */
export function choleskySolve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (!(s > 0)) throw new Error(`matrix not positive definite at ${i}`);
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / l[j * n + j]!;
      }
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * y[k]!;
    y[i] = s / l[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}

/**
 * Sufficient statistics of a design with an intercept, `dense` features and one-hot
 * categories: Σx xᵀ, Σx y, Σy², n over column layout [1, dense…, categories…].
 */
export class Gram {
  readonly size: number;
  readonly xtx: Float64Array;
  readonly xty: Float64Array;
  yty = 0;
  n = 0;

  constructor(readonly dense: number, readonly categories: number) {
    this.size = 1 + dense + categories;
    this.xtx = new Float64Array(this.size * this.size);
    this.xty = new Float64Array(this.size);
  }

  /** Adds a row: dense values and the column indexes (0-based among categories) it has set. */
  add(x: ArrayLike<number>, cats: readonly number[], y: number): void {
    const p = this.size;
    const d = this.dense;
    const m = this.xtx;
    // Column 0 is the intercept (value 1); dense features follow.
    m[0]! += 1;
    this.xty[0]! += y;
    for (let i = 0; i < d; i++) {
      const xi = x[i]!;
      if (xi === 0) continue;
      const row = (1 + i) * p;
      m[row]! += xi;
      this.xty[1 + i]! += xi * y;
      for (let j = 0; j <= i; j++) m[row + 1 + j]! += xi * x[j]!;
    }
    for (const c of cats) {
      const ci = 1 + d + c;
      const row = ci * p;
      m[row]! += 1;
      this.xty[ci]! += y;
      for (let j = 0; j < d; j++) m[row + 1 + j]! += x[j]!;
      for (const c2 of cats) if (c2 <= c) m[row + 1 + d + c2]! += 1;
    }
    this.yty += y * y;
    this.n += 1;
  }

  /** Adds another Gram's statistics (e.g. training = core + validation). */
  merge(other: Gram): Gram {
    const g = new Gram(this.dense, this.categories);
    for (let i = 0; i < g.xtx.length; i++) g.xtx[i] = this.xtx[i]! + other.xtx[i]!;
    for (let i = 0; i < g.xty.length; i++) g.xty[i] = this.xty[i]! + other.xty[i]!;
    g.yty = this.yty + other.yty;
    g.n = this.n + other.n;
    return g;
  }

  /** Value at (i, j) of the full symmetric Σx xᵀ (only the lower triangle is stored). */
  at(i: number, j: number): number {
    return i >= j ? this.xtx[i * this.size + j]! : this.xtx[j * this.size + i]!;
  }

  /** Sum of squared errors of coefficients `beta` (full layout) on these rows. */
  sse(beta: Float64Array): number {
    const p = this.size;
    let quad = 0;
    let lin = 0;
    for (let i = 0; i < p; i++) {
      lin += beta[i]! * this.xty[i]!;
      let s = 0;
      for (let j = 0; j < p; j++) s += this.at(i, j) * beta[j]!;
      quad += beta[i]! * s;
    }
    return this.yty - 2 * lin + quad;
  }

  /** Total sum of squares around these rows' own mean. */
  sst(): number {
    return this.n === 0 ? 0 : this.yty - (this.xty[0]! * this.xty[0]!) / this.n;
  }
}

/**
 * Ridge coefficients in the raw (unstandardised) layout [intercept, dense…, categories…],
 * minimising Σ(y − xβ)²/n + λ(Σ (βⱼσⱼ)² over dense + Σ β² over categories).
 */
export function solveRidge(g: Gram, lambda: number): Float64Array {
  const p = g.size;
  const n = g.n;
  if (n < 2) throw new Error('too few rows to fit');
  const mean = new Float64Array(p);
  for (let i = 0; i < p; i++) mean[i] = g.xtx[i * p]! / n; // column sums are row 0 … stored at (i, 0)
  const scale = new Float64Array(p).fill(1);
  for (let i = 1; i <= g.dense; i++) {
    const variance = g.at(i, i) / n - mean[i]! * mean[i]!;
    scale[i] = variance > 1e-12 ? Math.sqrt(variance) : 0;
  }
  const ym = g.xty[0]! / n;
  // Centred, scaled system over the non-intercept columns that vary.
  const cols: number[] = [];
  for (let i = 1; i < p; i++) {
    const variance = g.at(i, i) / n - mean[i]! * mean[i]!;
    if (i <= g.dense ? scale[i]! > 0 : variance > 1e-12) cols.push(i);
  }
  const k = cols.length;
  const a = new Float64Array(k * k);
  const b = new Float64Array(k);
  for (let r = 0; r < k; r++) {
    const i = cols[r]!;
    for (let c = 0; c <= r; c++) {
      const j = cols[c]!;
      const v = (g.at(i, j) / n - mean[i]! * mean[j]!) / (scale[i]! * scale[j]!);
      a[r * k + c] = v;
      a[c * k + r] = v;
    }
    a[r * k + r]! += lambda;
    b[r] = (g.xty[i]! / n - mean[i]! * ym) / scale[i]!;
  }
  const z = k > 0 ? choleskySolve(a, b, k) : new Float64Array(0);
  const beta = new Float64Array(p);
  let intercept = ym;
  for (let r = 0; r < k; r++) {
    const i = cols[r]!;
    beta[i] = z[r]! / scale[i]!;
    intercept -= beta[i]! * mean[i]!;
  }
  beta[0] = intercept;
  return beta;
}

/** Prediction for one row in the raw layout. */
export function predict(beta: Float64Array, dense: number, x: ArrayLike<number>, cats: readonly number[]): number {
  let s = beta[0]!;
  for (let i = 0; i < dense; i++) s += beta[1 + i]! * x[i]!;
  for (const c of cats) s += beta[1 + dense + c]!;
  return s;
}

/**
 * Picks λ from a grid by the error on a validation set, then fits on all training rows.
 * @example const { beta, lambda } = fitRidge(core, validation, [1e-4, 1e-3, 1e-2, 1e-1]);
 */
export function fitRidge(core: Gram, validation: Gram, grid: readonly number[]): { beta: Float64Array; lambda: number; validationSse: number[] } {
  const validationSse = grid.map((l) => (validation.n > 0 ? validation.sse(solveRidge(core, l)) : 0));
  let best = 0;
  for (let i = 1; i < grid.length; i++) if (validationSse[i]! < validationSse[best]!) best = i;
  const lambda = grid[best]!;
  return { beta: solveRidge(core.merge(validation), lambda), lambda, validationSse };
}
