/**
 * Finding a person in the registry: by NIK through its blind index (exact), or by name
 * inside a region with the identity engine's normalisation (titles, old spellings,
 * Muhammad/M./Moch., phonetic classes) and its name comparator for the ranking.
 *
 * Candidates come from an index, never from a scan of the registry: inside a village or
 * district, the members of that area (village_code index); over a regency, province or
 * the whole country, the identity engine's blocking keys (`identity_key`, the same keys
 * `tepat identity run`, imports checks and edits maintain), looked up with the keys a name
 * alone yields. Results carry masked names; every person returned is an access-log entry.
 */
import { normalizeName, phoneticKey, prepareRecords } from '../dedup/index.js';
import { Comparator, emptyNameDetail } from '../dedup/compare.js';
import { NAME_LEVEL } from '../dedup/types.js';
import type { Tx } from '../platform/db.js';
import type { Keyring } from '../platform/keyring.js';
import { KeyHasher } from '../identity/block-keys.js';
import { levelOfCode } from '../regions/names.js';
import { maskName } from '../security/mask.js';

export interface MemberHit {
  readonly memberId: number;
  readonly familyId: number;
  readonly villageCode: string;
  readonly nameMasked: string;
  readonly sex: string;
  readonly birthYear: number | null;
  readonly relationship: string;
  /** 1 = same name (or the NIK); lower = less alike. */
  readonly score: number;
}

export interface SearchResult {
  readonly items: MemberHit[];
  /** Not every candidate could be read (an area over 50,000 people, or a name part too common this wide): narrow the region or give more of the name. */
  readonly truncated: boolean;
}

interface MemberRow {
  id: number; regency_code: string; family_id: number; village_code: string; full_name: string; sex: string; birth_date: string | null; relationship: string;
}

const COLUMNS = 'm.id, m.regency_code, m.family_id, m.village_code, m.full_name, m.sex, m.birth_date::text as birth_date, m.relationship';
/** Most people of a village or district read for one name search. */
const AREA_CAP = 50_000;
/** Most holders of one blocking key in the region before it counts as a stop key. */
const KEY_CAP = 500;

/** SQL condition keeping `column` inside `region` ('ID' = everywhere), as an index range. */
function regionCondition(column: string, region: string, params: unknown[]): string {
  if (region === 'ID') return 'true';
  if (levelOfCode(region) === 4) {
    params.push(region);
    return `${column} = $${params.length}`;
  }
  // Every code under 32.01 sorts between '32.01.' and '32.01/'.
  params.push(`${region}.`, `${region}/`);
  return `${column} >= $${params.length - 1} and ${column} < $${params.length}`;
}

function hit(r: MemberRow, score: number): MemberHit {
  return {
    memberId: Number(r.id), familyId: Number(r.family_id), villageCode: r.village_code, nameMasked: maskName(r.full_name),
    sex: r.sex, birthYear: r.birth_date ? Number(r.birth_date.slice(0, 4)) : null, relationship: r.relationship, score,
  };
}

/** Records that the actor saw these people (masked), with why. One statement. */
async function logHits(tx: Tx, rows: readonly MemberRow[], purpose: string): Promise<void> {
  const actor = tx.actor;
  if (!actor) throw new Error('search needs an actor');
  if (rows.length === 0) return;
  await tx.raw.query(
    `insert into access_log (regency_code, village_code, actor, actor_role, entity_type, entity_id, kind, purpose, request_id)
     select x.regency_code, x.village_code, $1, $2, 'member', x.id, 'record', $3, $4
       from unnest($5::text[], $6::text[], $7::bigint[]) as x(regency_code, village_code, id)`,
    [actor.id, actor.role, purpose, actor.requestId ?? null, rows.map((r) => r.regency_code), rows.map((r) => r.village_code), rows.map((r) => Number(r.id))]);
}

/**
 * Exact NIK search (blind index); the NIK itself is never stored or logged.
 * @example await searchMembersByNik(tx, keyring, '3201014203850002', '32.01') // { items: [{ memberId: 7, score: 1, … }], truncated: false }
 */
export async function searchMembersByNik(tx: Tx, keyring: Keyring, nik: string, region: string): Promise<SearchResult> {
  const params: unknown[] = [keyring.index.compute('nik', nik)];
  const rows = (await tx.raw.query<MemberRow>(
    `select ${COLUMNS} from member m where m.nik_bidx = $1 and ${regionCondition('m.village_code', region, params)} order by m.id limit 50`, params)).rows;
  await logHits(tx, rows, 'pencarian NIK');
  return { items: rows.map((r) => hit(r, 1)), truncated: false };
}

/**
 * Keys of the identity engine that a name alone (with the search region) can produce:
 * name-part pairs, pairs within a regency, parts within a district, parts within a
 * village, and one-letter deletions of long parts. See src/dedup/blocking.ts.
 */
export function nameSearchKeys(codes: readonly string[], region: string, districts: readonly string[]): string[] {
  const keys = new Set<string>();
  const level = region === 'ID' ? 0 : levelOfCode(region) ?? 0;
  const regency = level >= 2 ? region.slice(0, 5) : '';
  const sorted = [...codes].sort();
  for (let a = 0; a < sorted.length; a++) {
    for (let b = a + 1; b < sorted.length; b++) {
      keys.add(`nn:${sorted[a]}|${sorted[b]}`);
      if (regency) keys.add(`nnr:${sorted[a]}|${sorted[b]}:${regency}`);
    }
  }
  for (const c of codes) {
    for (const d of districts) keys.add(`nd:${c}:${d}`);
    if (level === 4) keys.add(`nv:${c.slice(0, 3)}:${region}`).add(`n1r:${c}:${region}`);
    if (c.length >= 5) {
      keys.add(`del:${c}`);
      for (let x = 0; x < c.length; x++) keys.add(`del:${c.slice(0, x)}${c.slice(x + 1)}`);
    }
  }
  return [...keys];
}

/** Phonetic codes of a name's parts, longest (rarest) first, as the engine's blocking takes them. */
function nameCodes(tokens: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of [...tokens].sort((a, b) => b.length - a.length)) {
    const c = phoneticKey(t);
    if (t.length >= 2 && c.length >= 2 && !out.includes(c)) out.push(c);
  }
  return out.slice(0, 8);
}

async function areaCandidates(tx: Tx, region: string): Promise<{ rows: MemberRow[]; truncated: boolean }> {
  const params: unknown[] = [];
  const where = regionCondition('m.village_code', region, params);
  params.push(AREA_CAP + 1);
  const rows = (await tx.raw.query<MemberRow>(`select ${COLUMNS} from member m where ${where} limit $${params.length}`, params)).rows;
  return { rows: rows.slice(0, AREA_CAP), truncated: rows.length > AREA_CAP };
}

async function keyCandidates(tx: Tx, keyring: Keyring, codes: readonly string[], region: string): Promise<{ rows: MemberRow[]; truncated: boolean }> {
  // Within a regency, each of its districts gives a key per name part (about 10–60 districts).
  const districts = region !== 'ID' && levelOfCode(region) === 2
    ? (await tx.raw.query<{ code: string }>('select code from region where parent_code = $1 and level = 3', [region])).rows.map((r) => r.code)
    : [];
  const hasher = new KeyHasher(keyring);
  const hashes = [...new Set(nameSearchKeys(codes, region, districts).map((k) => hasher.hashKey(k)))];
  const params: unknown[] = [hashes, KEY_CAP];
  const where = regionCondition('k.village_code', region, params);
  // As in the engine's blocking: a key held by more people than the cap in the region
  // (one common name part, "Muhammad" in a district) is a stop key and is left out; the
  // rarer keys (name-part pairs, long parts) find the person.
  const rows = (await tx.raw.query<MemberRow & { stop_keys: number }>(
    `with q as (select unnest($1::bigint[]) as h),
     holders as (
       select q.h, c.member_id, c.regency_code from q
       cross join lateral (select k.member_id, k.regency_code from identity_key k
                            where k.key_hash = q.h and ${where} limit $2 + 1) c),
     counted as (select h, count(*) as n from holders group by h),
     picked as (select distinct h.member_id, h.regency_code from holders h join counted c on c.h = h.h where c.n <= $2)
     select ${COLUMNS}, s.stop_keys
       from (select (select count(*) from counted where n > $2)::int as stop_keys) s
       left join (picked p join member m on m.id = p.member_id and m.regency_code = p.regency_code) on true`, params)).rows;
  const found = rows.filter((r) => r.id !== null);
  // Only stop keys: the name is too common to search this wide without another part.
  return { rows: found, truncated: found.length === 0 && (rows[0]?.stop_keys ?? 0) > 0 };
}

/** Level weights: a name search shows people whose name shares at least one strong part. */
const LEVEL_WEIGHT: Record<number, number> = {
  [NAME_LEVEL.exact]: 1, [NAME_LEVEL.strong]: 0.9, [NAME_LEVEL.partial]: 0.75, [NAME_LEVEL.some]: 0.55,
};

/**
 * Ranks candidates by the dedup comparator's name agreement with the query; best first.
 * @example rankByName('Moch. Riski', [{ id: 1, full_name: 'MUHAMMAD RIZKI', … }]) // [{ row, score: 1 }]
 */
export function rankByName<R extends { id: number; full_name: string }>(query: string, rows: readonly R[]): Array<{ row: R; score: number }> {
  if (rows.length === 0) return [];
  // Many people share a name: normalise and compare each distinct name once.
  const byName = new Map<string, R[]>();
  for (const r of rows) {
    const same = byName.get(r.full_name);
    if (same) same.push(r);
    else byName.set(r.full_name, [r]);
  }
  const names = [...byName.keys()];
  const p = prepareRecords([{ id: 'q', fullName: query }, ...names.map((fullName, i) => ({ id: String(i), fullName }))]);
  const cmp = new Comparator(p);
  // A record's name is a list of name-part ids: listTok[listStart[L] .. listStart[L + 1]).
  const span = (i: number): [number, number] | undefined => {
    const list = p.nameList[i]!;
    return list < 0 ? undefined : [p.listStart[list]!, p.listStart[list + 1]!];
  };
  const q = span(0);
  if (!q) return [];
  const out: Array<{ row: R; score: number; info: number }> = [];
  for (let i = 1; i <= names.length; i++) {
    const c = span(i);
    if (!c) continue;
    const detail = emptyNameDetail();
    const level = cmp.compareTokenLists(p.listTok, q[0], q[1], p.listTok, c[0], c[1], detail);
    const weight = LEVEL_WEIGHT[level];
    if (weight === undefined) continue;
    const parts = Math.max(q[1] - q[0], c[1] - c[0]);
    const coverage = Math.min(1, (detail.exact + detail.phonetic + detail.typo + detail.concat) / Math.max(parts, 1));
    const score = Math.round(100 * (0.7 * weight + 0.3 * coverage)) / 100;
    const info = cmp.lastNameInfo;
    for (const row of byName.get(names[i - 1]!)!) out.push({ row, score, info });
  }
  out.sort((a, b) => b.score - a.score || b.info - a.info || a.row.id - b.row.id);
  return out.map(({ row, score }) => ({ row, score }));
}

export type NameSearch = { ok: true; result: SearchResult } | { ok: false; reason: 'no_name_parts' };

/**
 * @example await searchMembersByName(tx, keyring, { name: 'Moch. Riski', region: '32.01.01.1001', limit: 20 })
 */
export async function searchMembersByName(tx: Tx, keyring: Keyring, q: { name: string; region: string; limit: number }): Promise<NameSearch> {
  const tokens = normalizeName(q.name).tokens;
  const codes = nameCodes(tokens);
  if (tokens.length === 0 || codes.length === 0) return { ok: false, reason: 'no_name_parts' };
  const level = q.region === 'ID' ? 0 : levelOfCode(q.region) ?? 0;
  const found = level >= 3 ? await areaCandidates(tx, q.region) : await keyCandidates(tx, keyring, codes, q.region);
  const ranked = rankByName(q.name, found.rows).slice(0, q.limit);
  await logHits(tx, ranked.map((r) => r.row), 'pencarian nama');
  return { ok: true, result: { items: ranked.map((r) => hit(r.row, r.score)), truncated: found.truncated } };
}
