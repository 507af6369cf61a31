/**
 * A merge's lineage for officers: who merged which records into which, when and why, and
 * whether it was undone. Identifiers are not shown (the stored rows keep them encrypted).
 */
import { z } from 'zod';
import type { Tx } from '../platform/db.js';
import { Dependents, JsonRow } from './row-snapshots.js';

export interface MergeView {
  id: number;
  survivorId: number;
  mergedIds: number[];
  fields: Record<string, number>;
  reason: string;
  mergedBy: string;
  mergedAt: string;
  status: 'merged' | 'unmerged';
  unmergedBy: string | null;
  unmergedAt: string | null;
  unmergeReason: string | null;
  merged: Array<{ memberId: number; villageCode: string; fullName: string | null; birthDate: string | null; dependentRows: number }>;
}

const parse = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);
const iso = (v: Date | string | null): string | null => (v == null ? null : new Date(v).toISOString());

/** The merge, or undefined when absent or when any of its records lies outside the caller's region. */
export async function findMerge(tx: Tx, id: number): Promise<MergeView | undefined> {
  const m = (await tx.raw.query<{
    id: number; regency_code: string; survivor_id: number; merged_ids: number[]; fields: unknown; reason: string; merged_by: string;
    merged_at: Date | string; status: 'merged' | 'unmerged'; unmerged_by: string | null; unmerged_at: Date | string | null; unmerge_reason: string | null;
  }>(`select id, regency_code, survivor_id, merged_ids, fields, reason, merged_by, merged_at, status, unmerged_by, unmerged_at, unmerge_reason
        from identity_merge where id = $1`, [id])).rows[0];
  if (!m) return undefined;
  const members = (await tx.raw.query<{ member_id: number; village_code: string; record: unknown; dependents: unknown }>(
    'select member_id, village_code, record, dependents from identity_merge_member where merge_id = $1 and merge_regency = $2 order by member_id',
    [id, m.regency_code])).rows;
  if (members.length !== m.merged_ids.length) return undefined;
  return {
    id: Number(m.id), survivorId: Number(m.survivor_id), mergedIds: m.merged_ids.map(Number),
    fields: z.record(z.string(), z.number()).parse(parse(m.fields)), reason: m.reason, mergedBy: m.merged_by, mergedAt: iso(m.merged_at)!,
    status: m.status, unmergedBy: m.unmerged_by, unmergedAt: iso(m.unmerged_at), unmergeReason: m.unmerge_reason,
    merged: members.map((x) => {
      const record = JsonRow.parse(parse(x.record));
      return {
        memberId: Number(x.member_id), villageCode: x.village_code,
        fullName: typeof record.full_name === 'string' ? record.full_name : null,
        birthDate: typeof record.birth_date === 'string' ? record.birth_date : null,
        dependentRows: Dependents.parse(parse(x.dependents)).reduce((n, d) => n + d.rows.length, 0),
      };
    }),
  };
}
