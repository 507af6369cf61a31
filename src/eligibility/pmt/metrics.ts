/**
 * Targeting quality: who a score selects at a quota, against who is truly poor.
 *
 * Inclusion error: share of selected families that are not in the target group
 * (leakage). Exclusion error: share of the target group not selected (undercoverage).
 * These are the measures behind "PKH exclusion 77.7%, inclusion 46.5%" (DOMAIN.md).
 */

export interface TargetingRow {
  id: number;
  /** Measured per-capita consumption. */
  consumption: number;
  /** Poverty line of the family's area, when known. */
  povertyLine: number | null;
  /** The score to rank by: lower means poorer (PMT: predicted log consumption). */
  score: number;
}

export interface TargetingErrors {
  selected: number;
  target: number;
  inclusionError: number;
  exclusionError: number;
}

export interface TargetingReport {
  families: number;
  quota: number;
  /** Target = the poorest `quota` share by measured consumption (IE equals EE then). */
  atQuota: TargetingErrors;
  /** Target = families under their poverty line, when the survey has poverty lines. */
  poor: TargetingErrors | null;
}

function order<T extends { id: number }>(rows: readonly T[], key: (r: T) => number): T[] {
  return [...rows].sort((a, b) => key(a) - key(b) || a.id - b.id);
}

function errors(selected: ReadonlySet<number>, target: ReadonlySet<number>): TargetingErrors {
  let both = 0;
  for (const id of selected) if (target.has(id)) both++;
  return {
    selected: selected.size,
    target: target.size,
    inclusionError: selected.size === 0 ? 0 : (selected.size - both) / selected.size,
    exclusionError: target.size === 0 ? 0 : (target.size - both) / target.size,
  };
}

/**
 * Errors of selecting the `quota` share with the lowest scores (ties by id).
 * @example targeting(rows, 0.4) // the desil 1–4 quota
 */
export function targeting(rows: readonly TargetingRow[], quota: number): TargetingReport {
  const k = Math.round(rows.length * quota);
  const selected = new Set(order(rows, (r) => r.score).slice(0, k).map((r) => r.id));
  const poorest = new Set(order(rows, (r) => r.consumption).slice(0, k).map((r) => r.id));
  const withLines = rows.filter((r) => r.povertyLine !== null);
  const poor = withLines.length === rows.length && rows.length > 0
    ? errors(selected, new Set(rows.filter((r) => r.consumption < r.povertyLine!).map((r) => r.id)))
    : null;
  return { families: rows.length, quota, atQuota: errors(selected, poorest), poor };
}

/** Coefficient of determination of predictions against outcomes. */
export function rSquared(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  const n = actual.length;
  if (n === 0) return 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += actual[i]!;
  mean /= n;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < n; i++) {
    ssRes += (actual[i]! - predicted[i]!) ** 2;
    ssTot += (actual[i]! - mean) ** 2;
  }
  return ssTot === 0 ? 0 : 1 - ssRes / ssTot;
}

/** A stable pseudo-random fraction in [0, 1) for an id: the held-out split. */
export function splitFraction(id: number, salt = 0): number {
  let h = (Math.imul(id ^ salt, 0x9e3779b1) ^ (id >>> 16)) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
}
