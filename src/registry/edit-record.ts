/**
 * What an API edit of a family or member shares: the import's column definitions,
 * parsers and messages (validate-row.ts) applied to the fields sent, identifiers shown
 * masked, and the answer to a stale `version`. Pure except for the helpers at the end
 * that read the row's last change; update-family.ts and update-member.ts do the writes.
 */
import type { Tx } from '../platform/db.js';
import { maskAddress, maskNik, maskPhone } from '../security/mask.js';
import type { ColumnDef } from './import-columns.js';
import { validateRow, type CellError, type RowValues, type ValidationContext } from './validate-row.js';

/** A value as JSON carries it: text, number, yes/no, a list (codes, programs) or null to clear. */
export type ChangeValue = string | number | boolean | null | string[];
export type Changes = Readonly<Record<string, ChangeValue>>;

export interface FieldIssue {
  /** API field name (camelCase, as in GET /families/:id). */
  readonly field: string;
  /** Import column name, as in the templates and reject reports. */
  readonly column: string;
  readonly code: string;
  readonly message: string;
}

export interface StaleVersion {
  readonly current: { version: number; values: Record<string, unknown> };
  readonly changedBy: string | null;
  readonly changedAt: string;
}

export type EditResult =
  | { ok: true; id: number; version: number }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'invalid'; issues: FieldIssue[] }
  | ({ ok: false; reason: 'stale' } & StaleVersion);

/** Identifier fields: encrypted at rest, masked wherever they are shown. */
const MASKS: Record<string, (v: string) => string> = { nik: maskNik, kkNumber: maskNik, phone: maskPhone, address: maskAddress };

/** A value for display outside the record itself (audit, conflict answers): identifiers masked. */
export function shownValue(field: string, v: unknown): unknown {
  const mask = MASKS[field];
  return mask && typeof v === 'string' ? mask(v) : v ?? null;
}

/** The record's editable values for display, identifiers masked. */
export function shownValues(columns: readonly ColumnDef[], values: RowValues, editable: (field: string) => boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of columns) if (editable(c.field)) out[c.field] = shownValue(c.field, values[c.field]);
  return out;
}

/** A cell as the import would read it; undefined when the JSON value has no cell form. */
export function toCell(v: unknown): string | undefined {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'ya' : 'tidak';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : undefined;
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join(';');
  return undefined;
}

export interface ParsedChanges {
  /** Parsed values of the changed fields (normalised as the import normalises them). */
  readonly values: RowValues;
  /** Warning codes of the whole row after the change, as the import stores them. */
  readonly warnings: string[];
}

/**
 * Validates `changes` against the current values with the import's row validator: the
 * whole row is checked (so cross-field rules and the row's warnings are the import's),
 * but only errors about the changed fields (or a rule they take part in) refuse the edit;
 * a legacy value elsewhere in the row that today's rules would reject does not block it.
 *
 * @example
 * parseChanges(memberColumns, current, { birthDate: '31/02/1990' }, ctx, { notEditable: new Map() })
 * // { ok: false, issues: [{ field: 'birthDate', column: 'tanggal_lahir', code: 'DATE_INVALID', message: 'Tanggal "31/02/1990" tidak ada: …' }] }
 */
export function parseChanges(
  columns: readonly ColumnDef[],
  current: RowValues,
  changes: Changes,
  ctx: ValidationContext,
  opts: { notEditable: ReadonlyMap<string, string>; crossField?: ReadonlyArray<{ code: string; fields: readonly string[] }> },
): { ok: true; parsed: ParsedChanges } | { ok: false; issues: FieldIssue[] } {
  const byField = new Map(columns.map((c) => [c.field, c]));
  const issues: FieldIssue[] = [];
  for (const [field, v] of Object.entries(changes)) {
    const def = byField.get(field);
    const refusal = opts.notEditable.get(field);
    if (!def) issues.push({ field, column: field, code: 'FIELD_UNKNOWN', message: `Kolom ${field} tidak dikenal.` });
    else if (refusal) issues.push({ field, column: def.name, code: 'FIELD_NOT_EDITABLE', message: refusal });
    else if (toCell(v) === undefined) {
      issues.push({ field, column: def.name, code: 'VALUE_TYPE', message: `Isian ${def.name} harus berupa teks, angka, ya/tidak, daftar kode, atau null untuk mengosongkan.` });
    }
  }
  if (issues.length > 0) return { ok: false, issues };

  const changedColumns = new Set(Object.keys(changes).map((f) => byField.get(f)!.name));
  const fieldOfColumn = new Map(columns.map((c) => [c.name, c.field]));
  const crossField = opts.crossField ?? [];
  const isRelevant = (e: CellError) => changedColumns.has(e.column)
    || crossField.some((r) => r.code === e.code && r.fields.some((f) => f in changes));
  const cellOf = (c: ColumnDef) => toCell(c.field in changes ? changes[c.field] : current[c.field]) ?? '';

  // Columns whose stored value fails today's rules are left out of the check (and kept as stored).
  let checked = [...columns];
  for (let attempt = 0; attempt < 3; attempt++) {
    const r = validateRow(checked, checked.map(cellOf), ctx);
    if (r.ok) {
      const values: RowValues = {};
      for (const field of Object.keys(changes)) values[field] = r.values[field] ?? null;
      return { ok: true, parsed: { values, warnings: r.warnings.map((w) => w.code) } };
    }
    const relevant = r.errors.filter(isRelevant);
    if (relevant.length > 0) {
      return {
        ok: false,
        issues: relevant.map((e) => ({ field: fieldOfColumn.get(e.column) ?? e.column, column: e.column, code: e.code, message: e.message })),
      };
    }
    const failing = new Set(r.errors.map((e) => e.column));
    checked = checked.filter((c) => !failing.has(c.name));
  }
  throw new Error('parseChanges: the row did not settle');
}

/**
 * The validation context of an edit: which of the Kemendagri villages and districts the
 * row's values mention exist (the region table, loaded from the same data as the import's).
 * Only the few codes the values can name are looked up.
 */
export async function editContext(tx: Tx, values: readonly unknown[], today = new Date()): Promise<ValidationContext> {
  const codes = new Set<string>();
  for (const v of values) {
    if (typeof v !== 'string') continue;
    const s = v.trim();
    if (/^\d{2}\.\d{2}\.\d{2}\.\d{4}$/.test(s)) codes.add(s);
    const digits = s.replace(/[\s.-]/g, '');
    if (/^\d{16}$/.test(digits)) codes.add(`${digits.slice(0, 2)}.${digits.slice(2, 4)}.${digits.slice(4, 6)}`);
  }
  const known = new Set((await tx.raw.query<{ code: string }>('select code from region where code = any($1::text[])', [[...codes]])).rows.map((r) => r.code));
  return { isKnownVillage: (c) => known.has(c), isKnownDistrict: (c) => known.has(c), today };
}

/** One line per field for the audit trail: before and after, identifiers masked. */
export function changedFields(current: RowValues, next: RowValues, fields: readonly string[]): Array<{ field: string; before: unknown; after: unknown }> {
  return fields
    .filter((f) => JSON.stringify(current[f] ?? null) !== JSON.stringify(next[f] ?? null))
    .map((f) => ({ field: f, before: shownValue(f, current[f]), after: shownValue(f, next[f]) }));
}

/** Who changed the record last, and when (from the registry change log; the row's updated_at otherwise). */
export async function lastChange(tx: Tx, entityType: 'family' | 'member', id: number, regencyCode: string, updatedAt: unknown): Promise<{ changedBy: string | null; changedAt: string }> {
  const row = (await tx.raw.query<{ actor: string; changed_at: string }>(
    `select actor, changed_at from registry_change
      where entity_type = $1 and entity_id = $2 and regency_code = $3 and op in ('insert', 'update')
      order by id desc limit 1`, [entityType, id, regencyCode])).rows[0];
  return {
    changedBy: row?.actor ?? null,
    changedAt: new Date((row?.changed_at ?? updatedAt) as string).toISOString(),
  };
}

export function snake(field: string): string {
  return field.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
}

/** A message that names the first field in error, for the error body. */
export function issuesMessage(issues: readonly FieldIssue[]): string {
  const first = issues[0]!;
  const more = issues.length > 1 ? ` (dan ${issues.length - 1} isian lain)` : '';
  return `Isian ${first.column} tidak valid: ${first.message}${more}`;
}
