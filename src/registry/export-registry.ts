/**
 * Export of the families and members of a region (within the caller's scope, row-level
 * security deciding), one row per member with its family's columns, identifiers masked.
 * Read a page of families at a time (keyset on village and id, the family_village_idx
 * order) with their members, each page in its own scoped transaction, and streamed out
 * as CSV or XLSX (exceljs streaming writer): memory stays flat whatever the region's size.
 * The export is audited when it starts (who, which region, which format) and when it ends
 * (how many rows).
 */
import { PassThrough, Readable } from 'node:stream';
import { once } from 'node:events';
import { appendAudit } from '../platform/audit.js';
import { csvLine } from '../platform/csv.js';
import type { Actor, Db } from '../platform/db.js';
import type { Keyring } from '../platform/keyring.js';
import { levelOfCode } from '../regions/names.js';
import { familyColumns, memberColumns } from './import-columns.js';
import { familyValuesFromRow, memberValuesFromRow } from './integrity.js';
import { shownValue } from './edit-record.js';

export type ExportFormat = 'csv' | 'xlsx';

export interface ExportDeps {
  readonly db: Db;
  readonly keyring: Keyring;
}

const MEMBER_COLUMNS = memberColumns.filter((c) => c.field !== 'kkNumber');
const RENAMED: Record<string, string> = { 'family:no_hp': 'no_hp_keluarga', 'member:no_hp': 'no_hp_anggota' };

/** Header of the export: import column names (so the layout reads like the templates), ids first. */
export const EXPORT_HEADER: readonly string[] = [
  'id_keluarga', ...familyColumns.map((c) => RENAMED[`family:${c.name}`] ?? c.name),
  'id_anggota', ...MEMBER_COLUMNS.map((c) => RENAMED[`member:${c.name}`] ?? c.name),
];

function cell(field: string, v: unknown): string | number {
  const shown = shownValue(field, v);
  if (shown === null || shown === undefined) return '';
  if (typeof shown === 'boolean') return shown ? 'ya' : 'tidak';
  if (Array.isArray(shown)) return shown.join(';');
  return typeof shown === 'number' ? shown : String(shown);
}

type DbRow = Record<string, unknown>;

function regionWhere(region: string, params: unknown[]): string {
  if (region === 'ID') return 'true';
  if (levelOfCode(region) === 4) {
    params.push(region);
    return `village_code = $${params.length}`;
  }
  params.push(`${region}.`, `${region}/`);
  return `village_code >= $${params.length - 1} and village_code < $${params.length}`;
}

/**
 * The export's rows, a page of families (and their members) at a time.
 * @example for await (const rows of exportPages(deps, actor, '32.01.01')) …
 */
export async function* exportPages(deps: ExportDeps, actor: Actor, region: string, pageSize = 500): AsyncGenerator<Array<Array<string | number>>> {
  let after: { village: string; id: number } | undefined;
  for (;;) {
    const page = await deps.db.transaction(async (tx) => {
      const params: unknown[] = [];
      let where = regionWhere(region, params);
      if (after) {
        params.push(after.village, after.id);
        where += ` and (village_code, id) > ($${params.length - 1}, $${params.length})`;
      }
      params.push(pageSize);
      const families = (await tx.raw.query<DbRow>(`select * from family where ${where} order by village_code, id limit $${params.length}`, params)).rows;
      if (families.length === 0) return { families, members: [] as DbRow[] };
      const members = (await tx.raw.query<DbRow>(
        `select m.* from member m join unnest($1::bigint[], $2::text[]) as f(id, regency_code)
            on m.family_id = f.id and m.regency_code = f.regency_code
          order by m.family_id, m.id`, [families.map((f) => Number(f.id)), families.map((f) => f.regency_code)])).rows;
      return { families, members };
    }, actor);
    if (page.families.length === 0) return;
    const byFamily = new Map<string, DbRow[]>();
    for (const m of page.members) {
      const k = `${m.family_id}:${m.regency_code}`;
      const list = byFamily.get(k);
      if (list) list.push(m);
      else byFamily.set(k, [m]);
    }
    const rows: Array<Array<string | number>> = [];
    for (const f of page.families) {
      const fv = familyValuesFromRow(deps.keyring, f);
      const familyCells = [Number(f.id), ...familyColumns.map((c) => cell(c.field, fv[c.field]))];
      const members = byFamily.get(`${f.id}:${f.regency_code}`) ?? [];
      if (members.length === 0) rows.push([...familyCells, '', ...MEMBER_COLUMNS.map(() => '')]);
      for (const m of members) {
        const mv = memberValuesFromRow(deps.keyring, m, fv.kkNumber as string);
        rows.push([...familyCells, Number(m.id), ...MEMBER_COLUMNS.map((c) => cell(c.field, mv[c.field]))]);
      }
    }
    yield rows;
    const last = page.families[page.families.length - 1]!;
    after = { village: String(last.village_code), id: Number(last.id) };
    if (page.families.length < pageSize) return;
  }
}

/** Records the export in the audit trail before any row leaves. */
export async function auditExportStart(db: Db, actor: Actor, region: string, format: ExportFormat): Promise<void> {
  await db.transaction((tx) => appendAudit(tx, { action: 'registry.export', entityType: 'region', entityId: region, changes: { format } }), actor);
}

async function auditExportEnd(db: Db, actor: Actor, region: string, format: ExportFormat, rows: number): Promise<void> {
  await db.transaction((tx) => appendAudit(tx, { action: 'registry.export.done', entityType: 'region', entityId: region, changes: { format, rows } }), actor);
}

/**
 * The export as a CSV byte stream (UTF-8 with BOM for Excel), produced as it is read.
 * @example reply.type('text/csv').send(exportCsv(deps, actor, '32.01'))
 */
export function exportCsv(deps: ExportDeps, actor: Actor, region: string): Readable {
  async function* lines(): AsyncGenerator<string> {
    yield '\uFEFF' + csvLine(EXPORT_HEADER);
    let n = 0;
    for await (const rows of exportPages(deps, actor, region)) {
      let chunk = '';
      for (const r of rows) chunk += csvLine(r);
      n += rows.length;
      yield chunk;
    }
    await auditExportEnd(deps.db, actor, region, 'csv', n);
  }
  return Readable.from(lines());
}

/**
 * The export as an XLSX byte stream (exceljs streaming writer: rows are committed as
 * they are written and never kept).
 */
export function exportXlsx(deps: ExportDeps, actor: Actor, region: string): Readable {
  const out = new PassThrough();
  void (async () => {
    const { default: ExcelJS } = await import('exceljs');
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
    const sheet = workbook.addWorksheet('registri');
    sheet.addRow([...EXPORT_HEADER]).commit();
    let n = 0;
    for await (const rows of exportPages(deps, actor, region)) {
      for (const r of rows) sheet.addRow(r).commit();
      n += rows.length;
      // Let the client read before the next page: no more than a page or so is buffered.
      if (out.writableNeedDrain) await once(out, 'drain');
    }
    sheet.commit();
    await auditExportEnd(deps.db, actor, region, 'xlsx', n);
    await workbook.commit();
  })().catch((err: unknown) => out.destroy(err as Error));
  return out;
}
