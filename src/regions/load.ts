/**
 * Loads all Kemendagri regions into the database: idempotent (upsert by code), and
 * skipped when the table already holds the same number of rows.
 */
import type { Db } from '../platform/db.js';
import { readRegions } from './data.js';
import { regionNameKey } from './names.js';
import { copyText } from '../platform/copy.js';

export interface LoadRegionsResult {
  loaded: number;
  skipped: boolean;
}

/**
 * @example await loadRegions(db); // 91,599 rows on first start, nothing after
 */
export async function loadRegions(db: Db): Promise<LoadRegionsResult> {
  const regions = readRegions();
  const current = await db.kysely.selectFrom('region').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  if (Number(current.n) === regions.length) return { loaded: 0, skipped: true };
  await db.transaction(async ({ raw }) => {
    await raw.exec('create temp table region_stage (like region) on commit drop');
    const lines = regions.map((r) => copyText([r.code, r.parentCode, String(r.level), r.name, regionNameKey(r.name)]));
    await raw.copyFrom('copy region_stage (code, parent_code, level, name, name_key) from stdin', lines.join(''));
    // Parents first (ordered by level) so the self-reference holds inside one statement.
    await raw.exec(`insert into region select * from region_stage order by level, code
      on conflict (code) do update set parent_code = excluded.parent_code, level = excluded.level,
        name = excluded.name, name_key = excluded.name_key
      where (region.parent_code, region.level, region.name) is distinct from (excluded.parent_code, excluded.level, excluded.name)`);
  });
  return { loaded: regions.length, skipped: false };
}
