/**
 * Verification status per region, one level below the region asked for (national →
 * provinces, province → regencies, regency → districts, district → villages): members
 * verified, mismatched, unknown to the civil registry, reported deceased, not yet
 * checked, and without a NIK; plus open cases and proposals. Counts only what the
 * caller's scope can see (row-level security).
 */
import type { Tx } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import { levelOfCode } from '../regions/names.js';
import { REGION_FILTER } from './store.js';

export interface RegionCounts {
  members: number;
  verified: number;
  mismatched: number;
  /** NIK unknown to the civil registry. */
  unknown: number;
  deceased: number;
  /** With a NIK, but never checked, or changed (here or at the registry) since the last check. */
  notChecked: number;
  withoutNik: number;
  openCases: number;
}

export interface RegionReportRow extends RegionCounts {
  code: string;
  name: string | null;
}

export interface CivilReport {
  region: string;
  rows: RegionReportRow[];
  total: RegionCounts;
}

const GROUP_LENGTH: Record<0 | 1 | 2 | 3 | 4, number> = { 0: 2, 1: 5, 2: 8, 3: 13, 4: 13 };

function zero(): RegionCounts {
  return { members: 0, verified: 0, mismatched: 0, unknown: 0, deceased: 0, notChecked: 0, withoutNik: 0, openCases: 0 };
}

/**
 * @example await db.transaction((tx) => civilReport(tx, '32.01'), actor)
 */
export async function civilReport(tx: Tx, region = 'ID'): Promise<CivilReport> {
  const level = region === 'ID' ? 0 : levelOfCode(region);
  if (level === undefined) throw new AppError('validation', `Kode wilayah ${region} tidak valid.`);
  const len = GROUP_LENGTH[level];
  const param = region === 'ID' ? null : region;
  const members = (await tx.raw.query<{ code: string } & Record<string, number>>(
    `select left(m.village_code, $1) as code,
            count(*)::int as members,
            count(*) filter (where m.nik_bidx is null)::int as without_nik,
            count(*) filter (where fresh and s.outcome = 'verified')::int as verified,
            count(*) filter (where fresh and s.outcome = 'mismatch')::int as mismatched,
            count(*) filter (where fresh and s.outcome = 'not_found')::int as unknown,
            count(*) filter (where fresh and s.outcome = 'deceased')::int as deceased,
            count(*) filter (where m.nik_bidx is not null and not fresh)::int as not_checked
       from member m
       left join civil_member_status s on s.member_id = m.id and s.regency_code = m.regency_code
       cross join lateral (select s.member_id is not null and s.member_version = m.version and not s.needs_recheck as fresh) f
      where ${REGION_FILTER('m.village_code', '$2')}
      group by 1`, [len, param])).rows;
  const cases = (await tx.raw.query<{ code: string; open_cases: number }>(
    `select left(village_code, $1) as code, count(*)::int as open_cases
       from civil_case where status = 'open' and ${REGION_FILTER('village_code', '$2')}
      group by 1`, [len, param])).rows;
  const byCode = new Map<string, RegionReportRow>();
  const row = (code: string) => {
    let r = byCode.get(code);
    if (!r) byCode.set(code, (r = { code, name: null, ...zero() }));
    return r;
  };
  for (const m of members) {
    Object.assign(row(m.code), {
      members: m.members, withoutNik: m.without_nik, verified: m.verified, mismatched: m.mismatched, unknown: m.unknown, deceased: m.deceased, notChecked: m.not_checked,
    });
  }
  for (const c of cases) row(c.code).openCases = c.open_cases;
  const codes = [...byCode.keys()];
  if (codes.length > 0) {
    const names = (await tx.raw.query<{ code: string; name: string }>('select code, name from region where code = any($1::text[])', [codes])).rows;
    for (const n of names) byCode.get(n.code)!.name = n.name;
  }
  const rows = [...byCode.values()].sort((a, b) => (a.code < b.code ? -1 : 1));
  const total = zero();
  for (const r of rows) for (const k of Object.keys(total) as Array<keyof RegionCounts>) total[k] += r[k];
  return { region, rows, total };
}
