/**
 * Clustering of scored pairs into people.
 *
 * Plain connected components over links chain weak evidence into giant clusters
 * (A≈B, B≈C, …, Y≈Z although A and Z share nothing). Here links are taken strongest
 * first, and two groups are joined only when the groups as a whole agree: the mean
 * evidence (Bayes factor) over all cross pairs must reach `minCohesion`, and no cross
 * pair may be a cannot-link (twins, parent and child). A pair with little data is
 * neutral; a pair whose fields contradict each other pulls the mean down. This is average-linkage
 * agglomeration restricted to strong links, with constraints.
 */

/** Scored candidate pairs in parallel arrays (i < j). */
export interface ScoredPairs {
  readonly count: number;
  readonly i: Int32Array;
  readonly j: Int32Array;
  /** log2 odds. */
  readonly weight: Float32Array;
  /** 1 = cannot-link (family rule). */
  readonly cannotLink: Uint8Array;
}

/**
 * Default cohesion: the cross pairs of two groups must on average carry 4 bits (16:1)
 * of evidence for "same person". With 0, two groups of twenty records each joined by
 * one strong link passed whenever half their cross pairs agreed and half contradicted.
 */
export const DEFAULT_MIN_COHESION = 4;

export interface ClusterOptions {
  /** Links at or above this weight (log2 odds) may join groups. */
  readonly linkWeight: number;
  /**
   * Mean evidence over all cross pairs needed to join two groups, in bits of Bayes
   * factor (match weight minus `priorWeight`, each clipped to ±15): the cross pairs
   * must on average favour "same person" by this much (default
   * {@link DEFAULT_MIN_COHESION}).
   */
  readonly minCohesion?: number;
  /** log2 prior odds included in the weights (default 0). */
  readonly priorWeight?: number;
  /** Most cross pairs evaluated per join; larger joins are sampled (default 4,096). */
  readonly maxCrossPairs?: number;
}

/**
 * Cluster `n` records. `scorePair(i, j)` scores pairs that were not among the
 * candidates (log2 odds, `-Infinity` for a cannot-link). Returns, per record, the index
 * of the first record of its cluster.
 *
 * @example
 * const clusterOf = clusterPairs(n, pairs, (i, j) => scorer.score(i, j), { linkWeight: 3.17 });
 */
export function clusterPairs(
  n: number,
  pairs: ScoredPairs,
  scorePair: (i: number, j: number) => number,
  options: ClusterOptions,
): Int32Array {
  const minCohesion = options.minCohesion ?? DEFAULT_MIN_COHESION;
  const prior = options.priorWeight ?? 0;
  const maxCross = options.maxCrossPairs ?? 4096;
  const known = new Map<number, number>();
  const strong: number[] = [];
  for (let e = 0; e < pairs.count; e++) {
    const a = pairs.i[e]!;
    const b = pairs.j[e]!;
    const w = pairs.cannotLink[e] ? -Infinity : pairs.weight[e]!;
    known.set(a * n + b, w);
    if (w >= options.linkWeight) strong.push(e);
  }
  strong.sort((x, y) => pairs.weight[y]! - pairs.weight[x]! || x - y);
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const members = new Map<number, number[]>();
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  const weightOf = (a: number, b: number): number => {
    const key = a < b ? a * n + b : b * n + a;
    const hit = known.get(key);
    if (hit !== undefined) return hit;
    const w = a < b ? scorePair(a, b) : scorePair(b, a);
    known.set(key, w);
    return w;
  };
  for (const e of strong) {
    const ra = find(pairs.i[e]!);
    const rb = find(pairs.j[e]!);
    if (ra === rb) continue;
    const ma = members.get(ra) ?? [ra];
    const mb = members.get(rb) ?? [rb];
    if (ma.length > 1 || mb.length > 1) {
      const total = ma.length * mb.length;
      const step = total > maxCross ? total / maxCross : 1;
      let sum = 0;
      let seen = 0;
      let blocked = false;
      for (let t = 0; t < total; t += step) {
        const k = Math.floor(t);
        const a = ma[Math.floor(k / mb.length)]!;
        const b = mb[k % mb.length]!;
        const w = weightOf(a, b);
        if (w === -Infinity) { blocked = true; break; }
        const bf = w - prior;
        sum += bf > 15 ? 15 : bf < -15 ? -15 : bf;
        seen++;
      }
      if (blocked || sum / seen < minCohesion) continue;
    }
    const [big, small, mBig, mSmall] = ma.length >= mb.length ? [ra, rb, ma, mb] : [rb, ra, mb, ma];
    parent[small] = big;
    for (const x of mSmall) mBig.push(x);
    members.set(big, mBig);
    members.delete(small);
  }
  const out = new Int32Array(n);
  const first = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const r = find(i);
    if (first[r] === -1) first[r] = i;
    out[i] = first[r]!;
  }
  return out;
}
