/**
 * `tepat pmt load-survey truth.csv`: measured per-capita consumption of surveyed
 * families (in demos and tests, the generator's hidden consumption), matched to the
 * registry by No. KK through its keyed blind index, never by the plain number.
 */
import { basename } from 'node:path';
import type { Actor, Db } from '../../platform/db.js';
import { appendAudit } from '../../platform/audit.js';
import { AppError } from '../../platform/errors.js';
import type { Keyring } from '../../platform/keyring.js';
import { openRowSource } from '../../registry/import/read-rows.js';

const KK_COLUMNS = ['no_kk', 'kk_number', 'nomor_kk', 'kk'];
const CONSUMPTION_COLUMNS = ['konsumsi_per_kapita', 'consumption_per_capita', 'consumptionpercapita', 'pengeluaran_per_kapita'];
const POVERTY_LINE_COLUMNS = ['garis_kemiskinan', 'poverty_line', 'povertyline'];

export interface SurveyLoadOptions {
  /** Load only this share of rows (deterministic by No. KK), as a survey sample would. */
  sample?: number;
  batchSize?: number;
  onProgress?: (rows: number) => void;
}

export interface SurveyLoadSummary {
  file: string;
  rows: number;
  sampledOut: number;
  loaded: number;
  /** No. KK not in the registry (or outside the actor's region). */
  unmatched: number;
  /** Rows without a valid No. KK or a positive consumption figure. */
  invalid: number;
}

function normalize(h: string): string {
  return h.replace(/^\uFEFF/, '').trim().toLowerCase().replace(/[\s-]+/g, '_');
}

/** FNV-1a of a string, as a fraction in [0, 1): a stable sample. */
function sampleFraction(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return (h >>> 0) / 2 ** 32;
}

/**
 * @example const s = await loadSurvey({ db, keyring, actor }, 'truth.csv', { sample: 0.2 });
 */
export async function loadSurvey(deps: { db: Db; keyring: Keyring; actor: Actor }, path: string, opts: SurveyLoadOptions = {}): Promise<SurveyLoadSummary> {
  const source = await openRowSource(path);
  const header = source.header.map(normalize);
  const find = (names: readonly string[]): number => header.findIndex((h) => names.includes(h));
  const kkAt = find(KK_COLUMNS);
  const consumptionAt = find(CONSUMPTION_COLUMNS);
  const lineAt = find(POVERTY_LINE_COLUMNS);
  if (kkAt < 0 || consumptionAt < 0) {
    source.close();
    throw new AppError('unknown_format', `Berkas survei harus memiliki kolom no_kk dan konsumsi_per_kapita (atau consumption_per_capita); ditemukan: ${source.header.join(', ')}.`);
  }
  const sample = opts.sample ?? 1;
  const batchSize = opts.batchSize ?? 10_000;
  const file = basename(path);
  const summary: SurveyLoadSummary = { file, rows: 0, sampledOut: 0, loaded: 0, unmatched: 0, invalid: 0 };
  let kk: string[] = [];
  let consumption: number[] = [];
  let lines: Array<number | null> = [];

  const flush = async (): Promise<void> => {
    if (kk.length === 0) return;
    const bidx = kk.map((k) => deps.keyring.index.compute('kk', k).toString('hex'));
    const loaded = await deps.db.transaction(async (tx) => (await tx.raw.query(
      `insert into consumption_survey (family_id, regency_code, village_code, consumption_per_capita, poverty_line, source)
       select f.id, f.regency_code, f.village_code, s.c, s.p, $4
       from unnest($1::text[], $2::bigint[], $3::bigint[]) s(h, c, p) join family f on f.kk_bidx = decode(s.h, 'hex')
       on conflict (family_id, regency_code) do update set consumption_per_capita = excluded.consumption_per_capita,
         poverty_line = excluded.poverty_line, source = excluded.source, loaded_at = now()`,
      [bidx, consumption, lines, file])).rowCount, deps.actor);
    summary.loaded += loaded;
    summary.unmatched += kk.length - loaded;
    kk = [];
    consumption = [];
    lines = [];
    opts.onProgress?.(summary.rows);
  };

  for await (const row of source.rows()) {
    summary.rows++;
    const k = (row.cells[kkAt] ?? '').replace(/\D/g, '');
    const c = Number(row.cells[consumptionAt]);
    const l = lineAt >= 0 && row.cells[lineAt] ? Number(row.cells[lineAt]) : null;
    if (k.length !== 16 || !(c > 0) || (l !== null && !(l > 0))) { summary.invalid++; continue; }
    if (sample < 1 && sampleFraction(k) >= sample) { summary.sampledOut++; continue; }
    kk.push(k);
    consumption.push(Math.round(c));
    lines.push(l === null ? null : Math.round(l));
    if (kk.length >= batchSize) await flush();
  }
  await flush();
  await deps.db.transaction((tx) => appendAudit(tx, { action: 'pmt.load_survey', entityType: 'consumption_survey', entityId: file, changes: summary }), deps.actor);
  return summary;
}
