/**
 * Transparency: families and people registered, families reporting that they receive
 * each program, and — from the eligibility decisions, through the dashboard's rollups —
 * families decided as recipients of each program in its latest cycle with their yearly
 * amount in rupiah, per child region of a region. Aggregates only (the smallest unit is a
 * village); no names, no identifiers. Paid amounts wait for the payments feature.
 */
import type { Tx } from '../platform/db.js';
import { levelOfCode } from '../regions/names.js';
import { readDashboardInTransaction } from '../dashboard/read-dashboard.js';
import { PORTAL_PROGRAMS, type PortalProgram } from './program-status.js';
import type { RegionDirectory } from './regions.js';

export interface RegionStatRow {
  readonly code: string;
  readonly name: string;
  readonly families: number;
  readonly people: number;
  readonly recipients: Readonly<Record<PortalProgram, number>>;
  /** Families decided as recipients in the program's latest cycle, and their amount per year (rupiah). */
  readonly decided: Readonly<Record<PortalProgram, DecidedRecipients>>;
}

export interface DecidedRecipients {
  readonly families: number;
  readonly amountPerYear: number;
}

export interface RegionStatistics {
  /** `ID` or a Kemendagri code. */
  readonly region: string;
  readonly regionName: string;
  readonly rows: readonly RegionStatRow[];
  readonly total: RegionStatRow;
  /** Each program's latest decided cycle (`YYYY-MM`), null before any decision. */
  readonly cycles: Readonly<Record<PortalProgram, string | null>>;
  readonly computedAt: Date;
}

const CODE_LENGTH = [2, 5, 8, 13] as const;

/** The region to report on and its children, read beforehand (they are not registry data). */
export interface StatisticsScope {
  /** `ID` or a Kemendagri code. */
  readonly code: string;
  readonly name: string;
  /** Child regions (a village: itself). */
  readonly children: ReadonlyArray<{ code: string; name: string }>;
}

/**
 * The child regions to report on; undefined for an unknown region.
 * @example await statisticsScope(regions, '32.01') // { code: '32.01', name: 'KABUPATEN BOGOR', children: [40 districts] }
 */
export async function statisticsScope(regions: RegionDirectory, region: string): Promise<StatisticsScope | undefined> {
  const level = region === 'ID' ? 0 : levelOfCode(region);
  if (level === undefined) return undefined;
  const self = level === 0 ? { code: 'ID', name: 'Indonesia' } : await regions.find(region);
  if (!self) return undefined;
  const children = level === 4 ? [{ code: region, name: self.name }] : await regions.children(level === 0 ? null : region);
  return { code: self.code, name: self.name, children };
}

/**
 * Per child region of the scope (`ID`: per province), set-based: one aggregate over
 * families and one over members, each a range scan of the region prefix.
 * @example await regionStatistics(tx, await statisticsScope(regions, '32.01'))
 */
export async function regionStatistics(tx: Tx, scope: StatisticsScope, now = new Date()): Promise<RegionStatistics> {
  const region = scope.code;
  const level = region === 'ID' ? 0 : levelOfCode(region)!;
  const childLen = CODE_LENGTH[Math.min(level, 3)]!;
  const range = level === 0 ? '' : level === 4 ? 'where village_code = $2' : 'where village_code >= $2 and village_code < $3';
  const params = level === 0 ? [childLen] : level === 4 ? [childLen, region] : [childLen, `${region}.`, `${region}/`];
  const programCounts = PORTAL_PROGRAMS.map((p) => `count(*) filter (where '${p}' = any(programs_received)) as ${p}`).join(', ');
  const families = await tx.raw.query<Record<string, unknown> & { code: string; families: number }>(
    `select left(village_code, $1::int) as code, count(*) as families, ${programCounts} from family ${range} group by 1`, params);
  const people = await tx.raw.query<{ code: string; people: number }>(
    `select left(village_code, $1::int) as code, count(*) as people from member ${range} group by 1`, params);
  const f = new Map(families.rows.map((r) => [r.code, r]));
  const m = new Map(people.rows.map((r) => [r.code, Number(r.people)]));
  // Decisions from the dashboard's rollups (kept incrementally; no scan of the decisions).
  // A public request only reads: the server folds pending deltas in the background.
  const dash = await readDashboardInTransaction(tx, region, 0);
  const indicators = new Map(level === 4 ? [[region, dash.totals]] : dash.children.map((c) => [c.code, c.indicators]));
  const rows = scope.children.map((c) => {
    const fr = f.get(c.code);
    const recipients = Object.fromEntries(PORTAL_PROGRAMS.map((p) => [p, Number(fr?.[p] ?? 0)])) as Record<PortalProgram, number>;
    const ind = indicators.get(c.code);
    const decided = Object.fromEntries(PORTAL_PROGRAMS.map((p) => {
      const d = ind?.recipients[p];
      return [p, { families: d?.families ?? 0, amountPerYear: d?.amountYear ?? 0 }];
    })) as Record<PortalProgram, DecidedRecipients>;
    return { code: c.code, name: c.name, families: Number(fr?.families ?? 0), people: m.get(c.code) ?? 0, recipients, decided };
  });
  const sum = (pick: (r: RegionStatRow) => number) => rows.reduce((a, r) => a + pick(r), 0);
  const total = {
    code: scope.code, name: scope.name,
    families: sum((r) => r.families), people: sum((r) => r.people),
    recipients: Object.fromEntries(PORTAL_PROGRAMS.map((p) => [p, sum((r) => r.recipients[p])])) as Record<PortalProgram, number>,
    decided: Object.fromEntries(PORTAL_PROGRAMS.map((p) => [p, { families: sum((r) => r.decided[p].families), amountPerYear: sum((r) => r.decided[p].amountPerYear) }])) as Record<PortalProgram, DecidedRecipients>,
  };
  const cycles = Object.fromEntries(PORTAL_PROGRAMS.map((p) => [p, dash.totals.recipients[p]?.cycle ?? null])) as Record<PortalProgram, string | null>;
  return { region: scope.code, regionName: scope.name, rows, total, cycles, computedAt: now };
}

/** RFC 4180 CSV of the statistics, header in Bahasa Indonesia. */
export function statisticsCsv(s: RegionStatistics): string {
  const cell = (v: string | number) => (typeof v === 'number' ? String(v) : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const header = ['kode_wilayah', 'nama_wilayah', 'keluarga_terdaftar', 'jiwa_terdaftar', ...PORTAL_PROGRAMS.map((p) => `keluarga_penerima_${p}`),
    ...PORTAL_PROGRAMS.flatMap((p) => [`keluarga_ditetapkan_${p}`, `anggaran_per_tahun_${p}`])];
  const line = (r: RegionStatRow) => [r.code, r.name, r.families, r.people, ...PORTAL_PROGRAMS.map((p) => r.recipients[p]),
    ...PORTAL_PROGRAMS.flatMap((p) => [r.decided[p].families, r.decided[p].amountPerYear])].map(cell).join(',');
  return [header.join(','), ...s.rows.map(line), line({ ...s.total, name: `TOTAL ${s.total.name}` })].join('\r\n') + '\r\n';
}
