/**
 * Dashboard test support: a registry from the synthetic generator, changes made through
 * the real paths where they exist (import, identity job, merge, ranking, eligibility run)
 * and plain SQL as the application role where a change is a row (edits, deletes, civil
 * statuses, submissions), and an independent direct count of every indicator.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Actor, Db } from '../../src/platform/db.js';
import { openKeyring, type Keyring } from '../../src/platform/keyring.js';
import { DEV_INDEX_KEY, DEV_MASTER_KEY } from '../../src/platform/config.js';
import { generateFiles } from '../../src/generate/write-files.js';
import { importFile } from '../../src/registry/import/import-file.js';
import { emptyIndicators, SUBMISSION_KEYS } from '../../src/dashboard/indicators.js';
import type { Indicators } from '../../src/dashboard/schemas.js';
import { nationalActor } from '../support/db.js';

export async function devKeyring(db: Db): Promise<Keyring> {
  return openKeyring(db, { masterKey: DEV_MASTER_KEY, indexKey: DEV_INDEX_KEY });
}

/** Generated families (with duplicates and damaged rows) imported through the import. */
export async function importGenerated(db: Db, keyring: Keyring, opts: { families: number; seed: number; regions?: string[] }): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'tepat-dash-'));
  await generateFiles({ families: opts.families, seed: opts.seed, out, duplicateRate: 0.1, errorRate: 0.02, ...(opts.regions ? { regions: opts.regions } : {}) });
  await importFile({ db, keyring, actor: nationalActor }, join(out, 'families.csv'));
  await importFile({ db, keyring, actor: nationalActor }, join(out, 'members.csv'));
  return out;
}

export const asApp = <T>(db: Db, fn: (q: (sql: string, params?: unknown[]) => Promise<Array<Record<string, unknown>>>) => Promise<T>, actor: Actor = nationalActor): Promise<T> =>
  db.transaction((tx) => fn(async (sql, params) => (await tx.raw.query<Record<string, unknown>>(sql, params)).rows), actor);

let trackingSeq = 0;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** A syntactically valid tracking code (kind letter + 12 Crockford characters), unique per process. */
export function trackingCode(kind: 'usul' | 'sanggah' | 'pengaduan'): string {
  let n = ++trackingSeq + Math.floor(Math.random() * 1e9) * 1000;
  let s = '';
  for (let i = 0; i < 12; i++) { s = CROCKFORD[n % 32] + s; n = Math.floor(n / 32); }
  return { usul: 'U', sanggah: 'S', pengaduan: 'P' }[kind] + s;
}

/** Inserts a submission as the portal would store it; `dueHours` from now (negative: overdue). */
export async function insertSubmission(db: Db, s: { village: string; kind: 'usul' | 'sanggah' | 'pengaduan'; category: string; dueHours: number; closed?: boolean }): Promise<number> {
  return asApp(db, async (q) => Number((await q(
    `insert into portal_submission (regency_code, village_code, tracking_code, kind, category, status, description, sla_due_at, closed_at)
     values (left($1, 5), $1, $2, $3, $4, $5, 'uji dasbor', now() + make_interval(hours => $6), $7) returning id`,
    [s.village, trackingCode(s.kind), s.kind, s.category, s.closed ? 'selesai' : 'diterima', s.dueHours, s.closed ? new Date() : null]))[0]!.id));
}

/** Records a civil-registry answer for members, as the civil store does (status row per member). */
export async function setCivilStatus(db: Db, memberIds: number[], outcome: 'verified' | 'mismatch' | 'not_found', opts: { stale?: boolean } = {}): Promise<void> {
  if (memberIds.length === 0) return;
  await asApp(db, (q) => q(
    `insert into civil_member_status (member_id, regency_code, village_code, member_version, outcome, verification_id, checked_at)
     select m.id, m.regency_code, m.village_code, m.version - $3::int, $2, 0, now() from member m where m.id = any($1::bigint[])
     on conflict (member_id, regency_code) do update set outcome = excluded.outcome, member_version = excluded.member_version, needs_recheck = false`,
    [memberIds, outcome, opts.stale ? 1 : 0]));
}

const NIK_FLAGS = ['NIK_UNKNOWN_REGION', 'NIK_PLACEHOLDER', 'NIK_BIRTH_DATE_MISMATCH', 'NIK_SEX_MISMATCH', 'NIK_EQUALS_KK'];

/**
 * Every indicator of one region counted straight from the source tables (as the owner),
 * written without the dashboard's SQL: the reference the rollups must match.
 */
export async function directIndicators(db: Db, region: string): Promise<Indicators> {
  return db.transaction(async ({ raw }) => {
    const one = async (sql: string, params: unknown[] = []): Promise<Record<string, number>> => {
      const row = (await raw.query<Record<string, unknown>>(sql, params)).rows[0] ?? {};
      return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v ?? 0)]));
    };
    const inRegion = (col: string) => `($1 = 'ID' or ${col} = $1 or ${col} like $1 || '.%')`;
    const fam = await one(`select count(*) as n from family where ${inRegion('village_code')}`, [region]);
    const mem = await one(
      `select count(*) as people,
              count(*) filter (where nik_bidx is null) as missing,
              count(*) filter (where nik_bidx is not null and nik_warnings && $2::text[]) as invalid,
              count(*) filter (where nik_bidx is not null and not (nik_warnings && $2::text[])) as valid
         from member where presence_status in ('tinggal', 'baru') and ${inRegion('village_code')}`, [region, NIK_FLAGS]);
    const ver = await one(
      `select count(*) as n from member m join civil_member_status s on s.member_id = m.id and s.regency_code = m.regency_code
        where s.outcome = 'verified' and not s.needs_recheck and s.member_version = m.version and ${inRegion('m.village_code')}`, [region]);
    const dup = await one(
      `select count(*) as found, count(*) filter (where status <> 'pending') as resolved from identity_pair where ${inRegion('village_a')}`, [region]);
    const poor = await one(
      `select count(*) as n from welfare_rank r join welfare_ranking k on k.id = r.ranking_id and k.is_current
        where r.desil <= 4 and ${inRegion('r.village_code')}`, [region]);
    const ind = emptyIndicators({ cycles: new Map(), rankingId: null });
    Object.assign(ind, {
      families: fam.n, people: mem.people, nikValid: mem.valid, nikInvalid: mem.invalid, nikMissing: mem.missing, verified: ver.n,
      duplicatesFound: dup.found, duplicatesResolved: dup.resolved, estimatedPoor: poor.n,
    });
    const latest = (await raw.query<{ program: string; cycle: string }>(
      `select program, max(cycle) as cycle from eligibility_decision where status in ('masuk', 'tetap', 'keluar_berikutnya') group by program order by program`)).rows;
    for (const { program, cycle } of latest) {
      const r = await one(
        `select count(*) as families, coalesce(sum(amount_per_year), 0) as amount from eligibility_decision
          where program = $2 and cycle = $3 and status in ('masuk', 'tetap', 'keluar_berikutnya') and ${inRegion('village_code')}`, [region, program, cycle]);
      ind.recipients[program] = { cycle, families: r.families!, amountYear: r.amount! };
    }
    for (const key of SUBMISSION_KEYS) ind.submissions[key] = { open: 0, closed: 0, overdue: 0 };
    const subs = (await raw.query<{ k: string; open: number; closed: number; overdue: number }>(
      `select kind || '.' || category as k, count(*) filter (where closed_at is null) as open, count(*) filter (where closed_at is not null) as closed,
              count(*) filter (where closed_at is null and sla_due_at < date_trunc('hour', now())) as overdue
         from portal_submission where ${inRegion('village_code')} group by 1`, [region])).rows;
    for (const s of subs) ind.submissions[s.k] = { open: Number(s.open), closed: Number(s.closed), overdue: Number(s.overdue) };
    return ind;
  });
}

/** A small deterministic PRNG for test data. */
export function seeded(seed: number) {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p: number): boolean => next() < p,
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
  };
}

/** The rollup table in a comparable form (key → n/amount), after folding everything. */
export async function rollupContents(db: Db): Promise<Record<string, string>> {
  const rows = (await db.transaction(({ raw }) => raw.query<{ k: string; v: string }>(
    `select region_code || '|' || coalesce(parent_code, '-') || '|' || level || '|' || metric || '|' || dim || '|' || bucket as k, n || '/' || amount as v
       from dashboard_rollup order by 1`))).rows;
  return Object.fromEntries(rows.map((r) => [r.k, r.v]));
}
