/**
 * Region names for the portal's province → regency → district → village pickers and
 * statistics. Regions change by decree, not by request, so they are cached in memory.
 */
import type { Db } from '../platform/db.js';
import { levelOfCode } from '../regions/names.js';

export interface RegionEntry {
  readonly code: string;
  readonly name: string;
  readonly level: number;
  readonly parentCode: string | null;
}

export interface RegionDirectory {
  /** Children of a region; `null` for the provinces. */
  children(parentCode: string | null): Promise<RegionEntry[]>;
  find(code: string): Promise<RegionEntry | undefined>;
  /** The region and its ancestors, province first; empty when unknown. */
  path(code: string): Promise<RegionEntry[]>;
}

/**
 * @example const regions = createRegionDirectory(ctx.db); await regions.children('32.01.01')
 */
export function createRegionDirectory(db: Db, maxEntries = 20_000): RegionDirectory {
  const children = new Map<string, RegionEntry[]>();
  const byCode = new Map<string, RegionEntry | null>();
  const remember = (e: RegionEntry) => { if (byCode.size < maxEntries * 4) byCode.set(e.code, e); };
  const dir: RegionDirectory = {
    async children(parentCode) {
      const key = parentCode ?? '';
      let list = children.get(key);
      if (!list) {
        let q = db.kysely.selectFrom('region').select(['code', 'name', 'level', 'parentCode']);
        q = parentCode === null ? q.where('level', '=', 1) : q.where('parentCode', '=', parentCode);
        list = (await q.orderBy('code').execute()).map((r) => ({ code: r.code, name: r.name, level: Number(r.level), parentCode: r.parentCode }));
        if (children.size < maxEntries) children.set(key, list);
        for (const e of list) remember(e);
      }
      return list;
    },
    async find(code) {
      if (levelOfCode(code) === undefined) return undefined;
      if (byCode.has(code)) return byCode.get(code) ?? undefined;
      const r = await db.kysely.selectFrom('region').select(['code', 'name', 'level', 'parentCode']).where('code', '=', code).executeTakeFirst();
      const e = r ? { code: r.code, name: r.name, level: Number(r.level), parentCode: r.parentCode } : null;
      if (byCode.size < maxEntries * 4) byCode.set(code, e);
      return e ?? undefined;
    },
    async path(code) {
      const out: RegionEntry[] = [];
      let e = await dir.find(code);
      while (e) {
        out.unshift(e);
        e = e.parentCode ? await dir.find(e.parentCode) : undefined;
      }
      return out;
    },
  };
  return dir;
}

/**
 * The deepest consistent selection of a picker's four fields (a regency that is not in
 * the chosen province is ignored, and so on down).
 * @example pickedRegion({ prov: '32', kab: '32.01', kec: '33.74.01' }) === '32.01'
 */
export function pickedRegion(f: { prov?: string | undefined; kab?: string | undefined; kec?: string | undefined; desa?: string | undefined }): string | undefined {
  const chain = [f.prov, f.kab, f.kec, f.desa];
  let picked: string | undefined;
  for (let level = 1; level <= 4; level++) {
    const code = chain[level - 1]?.trim();
    if (!code || levelOfCode(code) !== level) break;
    if (picked && !code.startsWith(`${picked}.`)) break;
    picked = code;
  }
  return picked;
}
