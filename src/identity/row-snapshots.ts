/**
 * Whole rows as JSON and back, for merge lineage: `to_jsonb(row)` keeps every column
 * (ciphertexts stay encrypted, timestamps keep their microseconds) and
 * `jsonb_populate_record` restores exactly those values. The tables that reference a
 * member (foreign keys, e.g. a civil-registry status) are found in the catalog, so a
 * table added by another feature later is snapshotted and restored too, never silently
 * lost to a cascading delete.
 */
import { z } from 'zod';
import type { Tx } from '../platform/db.js';

export const JsonRow = z.record(z.string(), z.unknown());
export type JsonRow = z.infer<typeof JsonRow>;

export const Dependents = z.array(z.object({ table: z.string(), rows: z.array(JsonRow) }));
export type Dependents = z.infer<typeof Dependents>;

interface ForeignKey {
  table: string;
  columns: string[];
  refColumns: string[];
}

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Foreign keys that reference `member`, from the catalog. */
export async function memberDependents(tx: Tx): Promise<ForeignKey[]> {
  const rows = await tx.raw.query<{ table_name: string; cols: string[]; ref_cols: string[] }>(
    `select c.conrelid::regclass::text as table_name,
            array_agg(a.attname::text order by k.ord) as cols, array_agg(ra.attname::text order by k.ord) as ref_cols
       from pg_constraint c
       cross join lateral unnest(c.conkey, c.confkey) with ordinality as k(att, ref_att, ord)
       join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.att
       join pg_attribute ra on ra.attrelid = c.confrelid and ra.attnum = k.ref_att
      where c.contype = 'f' and c.confrelid = 'member'::regclass
      group by c.oid, c.conrelid
      order by 1`);
  return rows.rows.map((r) => ({ table: r.table_name, columns: r.cols, refColumns: r.ref_cols }));
}

/** Rows of other tables that reference this member row (given as JSON). */
export async function snapshotDependents(tx: Tx, fks: readonly ForeignKey[], member: JsonRow): Promise<Dependents> {
  const out: Dependents = [];
  for (const fk of fks) {
    const where = fk.columns.map((c, x) => `t.${ident(c)} = $${x + 1}`).join(' and ');
    const rows = await tx.raw.query<{ row: unknown }>(`select to_jsonb(t) as row from ${fk.table} t where ${where}`,
      fk.refColumns.map((c) => member[c]));
    if (rows.rows.length > 0) out.push({ table: fk.table, rows: rows.rows.map((r) => JsonRow.parse(typeof r.row === 'string' ? JSON.parse(r.row) : r.row)) });
  }
  return out;
}

/** Inserts rows back exactly as snapshotted; only into tables that still reference member. */
export async function restoreDependents(tx: Tx, fks: readonly ForeignKey[], dependents: Dependents): Promise<number> {
  const known = new Set(fks.map((f) => f.table));
  let n = 0;
  for (const d of dependents) {
    if (!known.has(d.table)) throw new Error(`cannot restore rows of ${d.table}: it no longer references member`);
    for (const row of d.rows) {
      await tx.raw.query(`insert into ${d.table} overriding system value select * from jsonb_populate_record(null::${d.table}, $1::jsonb)`, [JSON.stringify(row)]);
      n++;
    }
  }
  return n;
}

let memberColumnList: string | undefined;

/** Member columns in table order (for a whole-row update). */
async function memberColumns(tx: Tx): Promise<string> {
  if (!memberColumnList) {
    const rows = await tx.raw.query<{ attname: string }>(
      `select attname::text as attname from pg_attribute where attrelid = 'member'::regclass and attnum > 0 and not attisdropped order by attnum`);
    memberColumnList = rows.rows.map((r) => ident(r.attname)).join(', ');
  }
  return memberColumnList;
}

/** Re-inserts a member row exactly as snapshotted (same id, every column). */
export async function insertMemberRow(tx: Tx, row: JsonRow): Promise<void> {
  await tx.raw.query('insert into member overriding system value select * from jsonb_populate_record(null::member, $1::jsonb)', [JSON.stringify(row)]);
}

/** Overwrites every column of an existing member row with the snapshot's values. */
export async function overwriteMemberRow(tx: Tx, row: JsonRow): Promise<number> {
  const cols = await memberColumns(tx);
  const r = await tx.raw.query(
    `update member m set (${cols}) = (select ${cols} from jsonb_populate_record(null::member, $1::jsonb))
      where m.id = ($1::jsonb->>'id')::bigint and m.regency_code = $1::jsonb->>'regency_code'`, [JSON.stringify(row)]);
  return r.rowCount;
}
