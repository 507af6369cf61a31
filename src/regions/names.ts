/**
 * Region name keys: lookups by name ignore case, spacing, punctuation and the
 * administrative prefix ("Kabupaten"/"Kab."/"Kota"/"Kecamatan"/"Desa"/"Kelurahan").
 */
const PREFIX = /^(provinsi|prov\.?|kabupaten|kab\.?|kota|kecamatan|kec\.?|desa|kelurahan|kel\.?)\s+/;

export type RegencyKind = 'kabupaten' | 'kota';

/**
 * @example regionNameKey('  Kab.  Bogor ') === 'bogor'
 */
export function regionNameKey(name: string): string {
  const lower = name.toLowerCase().replace(/[\s\u00a0]+/g, ' ').trim();
  return lower.replace(PREFIX, '').replace(/[^a-z0-9 ]/g, '').replace(/ +/g, ' ').trim();
}

/**
 * The kind a typed regency name asks for, if it says: "Kota Bogor" vs "Kab. Bogor".
 * @example regencyKindOf('Kota Bogor') === 'kota'
 */
export function regencyKindOf(name: string): RegencyKind | undefined {
  const lower = name.toLowerCase().trim();
  if (/^kota\s/.test(lower)) return 'kota';
  if (/^(kabupaten|kab\.?)\s/.test(lower)) return 'kabupaten';
  return undefined;
}

/** Kemendagri regency numbers 01–69 are kabupaten, 71–99 kota. */
export function regencyKindOfCode(code: string): RegencyKind {
  return Number(code.slice(3, 5)) >= 71 ? 'kota' : 'kabupaten';
}

/** Level of a dotted Kemendagri code, or undefined when it is not one. */
export function levelOfCode(code: string): 1 | 2 | 3 | 4 | undefined {
  if (/^\d{2}$/.test(code)) return 1;
  if (/^\d{2}\.\d{2}$/.test(code)) return 2;
  if (/^\d{2}\.\d{2}\.\d{2}$/.test(code)) return 3;
  if (/^\d{2}\.\d{2}\.\d{2}\.\d{4}$/.test(code)) return 4;
  return undefined;
}

/**
 * Whether a Kemendagri code lies within a scope ('ID' or a code prefix at any level).
 * @example isWithinScope('32.01', '32.01.01.2001') === true
 */
export function isWithinScope(scope: string, code: string): boolean {
  return scope === 'ID' || code === scope || code.startsWith(scope + '.');
}

/** Whether two regions overlap (one contains the other). */
export function regionsOverlap(a: string, b: string): boolean {
  return isWithinScope(a, b) || isWithinScope(b, a);
}
