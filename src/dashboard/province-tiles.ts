/**
 * Tile cartogram of the 38 provinces: one square per province on a row/column grid that
 * roughly follows geography (Sumatra west, Java along the bottom, Kalimantan, Sulawesi,
 * Maluku, Papua east). Our own layout, so it carries no map licence; names come from the
 * Kemendagri region table.
 */
import type { Db } from '../platform/db.js';
import type { ProvinceTile } from './schemas.js';

/** Province code → [row, col]. */
export const PROVINCE_GRID: Readonly<Record<string, readonly [number, number]>> = {
  // Sumatra, north-west to south-east, with the Riau and Bangka-Belitung islands
  '11': [0, 0], '12': [1, 1], '14': [1, 2], '21': [1, 3],
  '13': [2, 1], '15': [2, 2], '19': [2, 3],
  '17': [3, 2], '16': [3, 3], '18': [4, 3],
  // Java, west to east, Yogyakarta below Central Java; then Bali and Nusa Tenggara
  '36': [4, 4], '31': [4, 5], '32': [4, 6], '33': [4, 7], '35': [4, 8], '34': [5, 7],
  '51': [4, 9], '52': [4, 10], '53': [4, 11],
  // Kalimantan
  '65': [0, 6], '61': [1, 5], '64': [1, 6], '62': [2, 5], '63': [2, 6],
  // Sulawesi
  '75': [1, 9], '71': [1, 10], '76': [2, 8], '72': [2, 9], '73': [3, 8], '74': [3, 9],
  // Maluku
  '82': [1, 11], '81': [2, 11],
  // Papua: Bird's Head west, Jayapura north-east, highlands, Merauke south
  '96': [1, 12], '92': [1, 13], '94': [2, 13], '91': [2, 14], '95': [3, 14], '93': [4, 14],
};

/**
 * The grid with names from the region table, in code order.
 * @example (await provinceTiles(db)).find((t) => t.code === '32') // { code: '32', name: 'Jawa Barat', row: 4, col: 6 }
 */
export async function provinceTiles(db: Db): Promise<ProvinceTile[]> {
  const rows = (await db.transaction((tx) => tx.raw.query<{ code: string; name: string }>(
    'select code, name from region where level = 1 order by code'))).rows;
  return rows.flatMap((r) => {
    const cell = PROVINCE_GRID[r.code];
    return cell ? [{ code: r.code, name: r.name, row: cell[0], col: cell[1] }] : [];
  });
}
