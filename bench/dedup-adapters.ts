/**
 * Map the public benchmark datasets onto the engine's PersonRecord, and compute
 * pairwise precision/recall/F1 of a clustering against ground truth.
 * Truth is read only for scoring, never passed to the engine.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { PersonRecord } from '../src/dedup/types.js';

export interface LabelledRecords {
  readonly records: PersonRecord[];
  /** Ground-truth entity per record (same string = same person). */
  readonly truth: string[];
}

function readCsv(path: string): Record<string, string>[] {
  return parse(readFileSync(path), { columns: (h: string[]) => h.map((x) => x.trim()), trim: true, skip_empty_lines: true }) as Record<string, string>[];
}

function isoFromCompact(s: string | undefined): string {
  if (!s || !/^\d{8}$/.test(s)) return '';
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}

function febrlRecord(r: Record<string, string>, source?: string): PersonRecord {
  const region = [r.state, r.postcode, r.suburb].map((x) => (x ?? '').replace(/\./g, ' ')).filter((x) => x !== '');
  return {
    id: r.rec_id!,
    fullName: `${r.given_name ?? ''} ${r.surname ?? ''}`.trim(),
    // soc_sec_id plays the part of the NIK: a personal identifier with typos.
    nik: r.soc_sec_id ?? '',
    birthDate: isoFromCompact(r.date_of_birth),
    address: [r.street_number, r.address_1, r.address_2].filter(Boolean).join(' '),
    // state > postcode > suburb as a region hierarchy.
    villageCode: r.state && r.postcode ? region.join('.') : '',
    source,
  };
}

function febrlEntity(recId: string): string {
  const m = /^rec-(\d+)-/.exec(recId);
  return m ? m[1]! : recId;
}

export function loadFebrl3(dir: string): LabelledRecords {
  const rows = readCsv(`${dir}/febrl3.csv`);
  return { records: rows.map((r) => febrlRecord(r)), truth: rows.map((r) => febrlEntity(r.rec_id!)) };
}

export function loadFebrl4(dir: string): LabelledRecords {
  const a = readCsv(`${dir}/febrl4a.csv`);
  const b = readCsv(`${dir}/febrl4b.csv`);
  return {
    records: [...a.map((r) => febrlRecord(r, 'a')), ...b.map((r) => febrlRecord(r, 'b'))],
    truth: [...a, ...b].map((r) => febrlEntity(r.rec_id!)),
  };
}

/** UK postcode "tq13 8df" as a hierarchy: area.district.sector.unit. */
function postcodeHierarchy(pc: string | undefined): string {
  const m = /^([a-z]+)(\d+[a-z]?)\s*(\d)([a-z]*)$/i.exec((pc ?? '').trim());
  if (!m) return '';
  return `${m[1]}.${m[2]}.${m[3]}.${m[4]}`.toLowerCase();
}

export function loadHistorical(dir: string): LabelledRecords {
  const rows = readCsv(`${dir}/historical_50k.csv`);
  return {
    records: rows.map((r) => ({
      id: r.unique_id!,
      fullName: r.full_name ?? '',
      birthDate: r.dob ?? '',
      birthPlace: r.birth_place ?? '',
      sex: r.gender === 'male' ? 'L' : r.gender === 'female' ? 'P' : '',
      villageCode: postcodeHierarchy(r.postcode_fake),
    })),
    truth: rows.map((r) => r.cluster!),
  };
}

export interface PairMetrics {
  readonly truePairs: number;
  readonly predictedPairs: number;
  readonly truePositives: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

function pairs2(k: number): number {
  return (k * (k - 1)) / 2;
}

/** Pairwise metrics of a clustering (cluster label per record) against truth labels. */
export function clusterMetrics(clusterOf: ArrayLike<number>, truth: readonly string[]): PairMetrics {
  const pred = new Map<number, number>();
  const tru = new Map<string, number>();
  const both = new Map<string, number>();
  for (let i = 0; i < truth.length; i++) {
    const c = clusterOf[i]!;
    pred.set(c, (pred.get(c) ?? 0) + 1);
    tru.set(truth[i]!, (tru.get(truth[i]!) ?? 0) + 1);
    const k = `${c}\u0000${truth[i]}`;
    both.set(k, (both.get(k) ?? 0) + 1);
  }
  let predictedPairs = 0;
  for (const v of pred.values()) predictedPairs += pairs2(v);
  let truePairs = 0;
  for (const v of tru.values()) truePairs += pairs2(v);
  let tp = 0;
  for (const v of both.values()) tp += pairs2(v);
  return metrics(truePairs, predictedPairs, tp);
}

/** Pairwise metrics of a list of predicted pairs (i < j, no repeats). */
export function pairListMetrics(pi: ArrayLike<number>, pj: ArrayLike<number>, count: number, truth: readonly string[]): PairMetrics {
  const tru = new Map<string, number>();
  for (const t of truth) tru.set(t, (tru.get(t) ?? 0) + 1);
  let truePairs = 0;
  for (const v of tru.values()) truePairs += pairs2(v);
  let tp = 0;
  for (let e = 0; e < count; e++) if (truth[pi[e]!] === truth[pj[e]!]) tp++;
  return metrics(truePairs, count, tp);
}

function metrics(truePairs: number, predictedPairs: number, tp: number): PairMetrics {
  const precision = predictedPairs > 0 ? tp / predictedPairs : 1;
  const recall = truePairs > 0 ? tp / truePairs : 1;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { truePairs, predictedPairs, truePositives: tp, precision, recall, f1 };
}
