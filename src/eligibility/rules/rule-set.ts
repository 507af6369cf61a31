/**
 * Program rules from `config/programs/*.json`: every version of every program, and the
 * versions in force on a date, ordered so that a program comes after those it depends on.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../platform/errors.js';
import { RuleDefinition, type ParamValue } from './schema.js';
import { resolveRule, type Rule } from './resolve.js';

/** The programs folder, from src/eligibility/rules or dist/eligibility/rules alike. */
export function programsDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'config', 'programs');
}

/**
 * Reads and checks every rule file; overlapping versions of one program are refused.
 * @example const definitions = loadRuleDefinitions();
 */
export function loadRuleDefinitions(dir = programsDir()): RuleDefinition[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  const defs = files.map((file) => {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch (err) {
      throw new AppError('validation', `Berkas aturan ${file} bukan JSON yang sah: ${(err as Error).message}`);
    }
    const parsed = RuleDefinition.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new AppError('validation', `Berkas aturan ${file} tidak valid: ${issues}`);
    }
    return parsed.data;
  });
  checkVersions(defs);
  return defs;
}

function checkVersions(defs: readonly RuleDefinition[]): void {
  const byProgram = new Map<string, RuleDefinition[]>();
  for (const d of defs) byProgram.set(d.program, [...(byProgram.get(d.program) ?? []), d]);
  for (const [program, list] of byProgram) {
    const sorted = [...list].sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : 1));
    for (let i = 0; i < sorted.length; i++) {
      const d = sorted[i]!;
      if (d.effectiveTo !== null && d.effectiveTo <= d.effectiveFrom) throw new AppError('validation', `Aturan ${program} ${d.version}: effectiveTo harus setelah effectiveFrom.`);
      const next = sorted[i + 1];
      if (next && (d.effectiveTo === null || d.effectiveTo > next.effectiveFrom)) {
        throw new AppError('validation', `Aturan ${program}: versi ${d.version} dan ${next.version} berlaku bersamaan.`);
      }
    }
  }
}

export interface RuleSetOptions {
  /** Only these programs (and the programs they depend on). */
  programs?: readonly string[] | undefined;
  /** Param changes per program, for previews. */
  overrides?: Readonly<Record<string, Record<string, ParamValue>>> | undefined;
}

/**
 * The resolved rules in force on `date` (`YYYY-MM-DD`, effectiveTo exclusive), dependencies first.
 * @example const rules = rulesInForce(loadRuleDefinitions(), '2025-07-01');
 */
export function rulesInForce(defs: readonly RuleDefinition[], date: string, opts: RuleSetOptions = {}): Rule[] {
  const inForce = new Map<string, RuleDefinition>();
  for (const d of defs) {
    if (d.effectiveFrom <= date && (d.effectiveTo === null || date < d.effectiveTo)) inForce.set(d.program, d);
  }
  for (const p of opts.programs ?? []) {
    if (!inForce.has(p)) throw new AppError('validation', `Program "${p}" tidak dikenal atau tidak berlaku pada ${date}. Program: ${[...inForce.keys()].join(', ')}.`);
  }
  for (const p of Object.keys(opts.overrides ?? {})) {
    if (!inForce.has(p)) throw new AppError('validation', `Program "${p}" tidak dikenal atau tidak berlaku pada ${date}.`);
  }
  const wanted = new Set<string>();
  const want = (p: string, path: string[]): void => {
    if (path.includes(p)) throw new AppError('validation', `Ketergantungan program melingkar: ${[...path, p].join(' → ')}`);
    const d = inForce.get(p);
    if (!d) throw new AppError('validation', `Program ${path[path.length - 1]} bergantung pada ${p}, yang tidak berlaku pada ${date}.`);
    for (const dep of d.dependsOn) want(dep, [...path, p]);
    wanted.add(p);
  };
  for (const p of opts.programs ?? [...inForce.keys()].sort()) want(p, []);
  // `wanted` is filled depth-first, dependencies before dependants.
  return [...wanted].map((p) => resolveRule(inForce.get(p)!, opts.overrides?.[p] ?? {}));
}

/** First day of a cycle `YYYY-MM`: the reference date for ages and rule versions. */
export function cycleDate(cycle: string): string {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(cycle)) throw new AppError('validation', `Siklus harus berbentuk YYYY-MM, bukan "${cycle}".`);
  return `${cycle}-01`;
}

/** The cycle of a date: its month. */
export function cycleOf(date: Date): string {
  return date.toISOString().slice(0, 7);
}
