/**
 * Indonesian personal-name normalisation and phonetic keys.
 *
 * Spelling rules follow the 1947 (Republican/Soewandi) and 1972 (EYD) reforms, which
 * replaced the Van Ophuijsen spellings oe→u, dj→j, tj→c, nj→ny, sj→sy, ch→kh and
 * Dutch j→y; older people (and their parents' names) are still often registered in the
 * old spelling ("Soetrisno", "Djoko", "Tjahjono").
 */
import { basicFold } from './strings.js';

/** Result of normalising one personal name. */
export interface NormalizedName {
  /** Name parts after stripping titles, canonicalising and modernising spelling. */
  readonly tokens: readonly string[];
  /** Parts after "bin"/"binti" (the father's name), kept apart from the name itself. */
  readonly patronym: readonly string[];
  /** Titles or degrees that were removed ("hj", "s.pd", …). */
  readonly titles: readonly string[];
  /** True when a pre-1972 spelling (oe, dj, tj, …) was modernised. */
  readonly oldSpelling: boolean;
  /** True when an abbreviation (M., Moch., St., Abd.) was expanded. */
  readonly abbreviated: boolean;
}

/** Honorifics and religious/social titles written before the name. */
const PREFIX_TITLES = new Set([
  'h', 'hj', 'haji', 'hajjah', 'hajah', 'hja', 'kh', 'kyai', 'kiai', 'ust', 'ustadz', 'ustad', 'ustadzah',
  'dr', 'drs', 'dra', 'drg', 'ir', 'prof', 'bpk', 'bapak', 'pak', 'ibu', 'bu', 'ny', 'nyonya', 'nn', 'nona',
  'tn', 'tuan', 'sdr', 'sdri', 'alm', 'almh', 'almarhum', 'almarhumah', 'rr', 'ra', 'mr', 'mrs', 'ms', 'dra',
]);

/** Academic degrees (written after the name, often after a comma). Dots removed. */
const DEGREES = new Set([
  'spd', 'se', 'sh', 'st', 'skom', 'ssos', 'sag', 'sip', 'skep', 'sfarm', 'sked', 'spsi', 'shut', 'ssi', 'sikom',
  'spdi', 'shi', 'sthi', 'sei', 'ssy', 'sak', 'sgz', 'stp', 'spt', 'sp', 'ssn', 'sds', 'sgz', 'skm', 'sst', 'sth',
  'mpd', 'msi', 'mm', 'mkes', 'mh', 'mt', 'mag', 'mkom', 'mpdi', 'msc', 'mba', 'ma', 'phd', 'dr', 'drs', 'dra',
  'amd', 'ama', 'amdkep', 'amdkeb', 'amdkes', 'amdfarm', 'ampd', 'bsc', 'ba', 'lc', 'apt', 'ners', 'ns', 'spog', 'spa',
  'mpsi', 'mkn', 'mtr', 'mhum',
]);

/** Separators introducing the father's name (Malay/Arabic naming). */
const PATRONYM_MARKERS = new Set(['bin', 'binti', 'bt', 'bte', 'bnt', 'ibn', 'ibnu']);

/** Canonical forms of name families written many ways. */
const CANONICAL = new Map<string, string>([
  ...['muhammad', 'muhamad', 'mohammad', 'mohamad', 'mochammad', 'mochamad', 'mohammed', 'muhammed', 'mohamed',
    'muhamed', 'moch', 'mochd', 'moh', 'mohd', 'muh', 'mhd', 'mhmd', 'mukhammad', 'mokhammad', 'muchammad',
    'muchamad', 'mukhamad', 'mokhamad', 'mouhammad', 'moehammad', 'moehamad', 'mahmmad']
    .map((v) => [v, 'muhammad'] as [string, string]),
  ...['ahmad', 'achmad', 'akhmad', 'ahmat', 'achmat', 'akhmat', 'ahmed', 'achmed', 'amad']
    .map((v) => [v, 'ahmad'] as [string, string]),
  ...['siti', 'sitti', 'sity', 'siiti'].map((v) => [v, 'siti'] as [string, string]),
  ...['nur', 'noor', 'nurul', 'nor', 'noer', 'noerul', 'nuur'].map((v) => [v, 'nur'] as [string, string]),
  ...['abdul', 'abd', 'abdoel', 'abdol'].map((v) => [v, 'abdul'] as [string, string]),
]);

/** Abbreviations that only mean the family at the start of a name ("M. Rizki", "St. Aminah"). */
const LEADING_ABBREVIATIONS = new Map<string, string>([
  ['m', 'muhammad'],
  ['md', 'muhammad'],
  ['st', 'siti'],
  ['sti', 'siti'],
  ['ach', 'ahmad'],
]);

const ABBREVIATION_SOURCES = new Set(['moch', 'mochd', 'moh', 'mohd', 'muh', 'mhd', 'mhmd', 'abd']);

/**
 * Modernise one token written in the pre-1972 spelling. Dutch "j" (= modern y) is only
 * rewritten when the token shows another old-spelling marker, because in modern
 * spelling j is j.
 */
export function modernizeSpelling(token: string): { text: string; changed: boolean } {
  if (!/(oe|dj|tj|sj|nj|ch|dh|th)/.test(token)) return { text: token, changed: false };
  let t = token;
  if (/(oe|dj|tj|sj|nj)/.test(t)) t = t.replace(/(^|[^dtsn])j/g, '$1y');
  t = t
    .replace(/oe/g, 'u')
    .replace(/dj/g, 'j')
    .replace(/tj/g, 'c')
    .replace(/sj/g, 'sy')
    .replace(/nj/g, 'ny')
    .replace(/ch/g, 'kh')
    .replace(/dh/g, 'd')
    .replace(/th/g, 't');
  return { text: t, changed: t !== token };
}

/** Collapse runs of the same letter ("Muhammad" → "muhamad", "Sitti" → "siti"). */
export function collapseDoubles(token: string): string {
  let out = '';
  let prev = -1;
  let changed = false;
  for (let k = 0; k < token.length; k++) {
    const c = token.charCodeAt(k);
    if (c === prev && c >= 97 && c <= 122) {
      changed = true;
      continue;
    }
    prev = c;
    out += token[k];
  }
  return changed ? out : token;
}

function cleanToken(raw: string): string {
  return raw.replace(/[.,]/g, '');
}

function isDegreeToken(raw: string): boolean {
  const t = cleanToken(raw);
  if (t === '') return true;
  return DEGREES.has(t) || (/\./.test(raw.replace(/\.$/, '')) && t.length <= 8);
}

/**
 * Normalise an Indonesian personal name.
 *
 * @example
 * normalizeName('Hj. Siti Aminah, S.Pd.').tokens // ['siti', 'aminah']
 * normalizeName('MOCH RISKI').tokens             // ['muhammad', 'riski']
 * normalizeName('Soetrisno bin Djojo').patronym  // ['yoyo'] → see tests for the rule
 */
export function normalizeName(input: string | null | undefined): NormalizedName {
  const titles: string[] = [];
  let oldSpelling = false;
  let abbreviated = false;
  if (!input) return { tokens: [], patronym: [], titles, oldSpelling, abbreviated };
  let s = basicFold(input).replace(/-/g, ' ');
  // Degrees after a comma: "Budi Santoso, S.Pd., M.Pd." — only dropped when every
  // part after the comma looks like a degree, so "Clifford, 1st baron" is kept.
  const comma = s.indexOf(',');
  if (comma >= 0) {
    const tail = s.slice(comma + 1).split(/[\s,]+/).filter((x) => x !== '');
    if (tail.length > 0 && tail.every(isDegreeToken)) {
      titles.push(...tail.map(cleanToken));
      s = s.slice(0, comma);
    }
  }
  // Split on spaces, and on dots that separate abbreviations ("M.Rizki", "H.M. Yusuf").
  let raw = s
    .split(/\s+/)
    .flatMap((w) => (/^[a-z]{1,4}\.[a-z]{3,}/.test(w) ? w.split('.').map((p, i, a) => (i < a.length - 1 ? p + '.' : p)) : [w]))
    .filter((w) => w !== '' && w !== '.' && w !== ',');
  // Leading titles (possibly several: "Prof. Dr. H.").
  while (raw.length > 1) {
    const t = cleanToken(raw[0]!);
    if (PREFIX_TITLES.has(t) || (t === 'kh' && raw.length > 1)) {
      titles.push(t);
      raw = raw.slice(1);
      continue;
    }
    break;
  }
  // Trailing degrees without a comma ("Budi Santoso S.Pd").
  while (raw.length > 1) {
    const last = raw[raw.length - 1]!;
    const t = cleanToken(last);
    if ((DEGREES.has(t) && (raw.length > 2 || /\./.test(last))) || (/\./.test(last.replace(/\.$/, '')) && t.length <= 8 && t.length >= 2)) {
      titles.push(t);
      raw = raw.slice(0, -1);
      continue;
    }
    break;
  }
  const tokens: string[] = [];
  const patronym: string[] = [];
  let target = tokens;
  for (let k = 0; k < raw.length; k++) {
    let t = cleanToken(raw[k]!);
    // A number is never part of a name ("Budi 2", "Arthur Young 1855"): noise.
    if (t === '' || /^\d+$/.test(t)) continue;
    if (PATRONYM_MARKERS.has(t) && target === tokens && tokens.length > 0 && k < raw.length - 1) {
      target = patronym;
      continue;
    }
    if (target.length === 0 && LEADING_ABBREVIATIONS.has(t) && k < raw.length - 1) {
      t = LEADING_ABBREVIATIONS.get(t)!;
      abbreviated = true;
    }
    const direct = CANONICAL.get(t) ?? CANONICAL.get(collapseDoubles(t));
    if (direct !== undefined) {
      if (ABBREVIATION_SOURCES.has(t)) abbreviated = true;
      if (/(oe|dj|tj)/.test(t)) oldSpelling = true;
      t = direct;
    } else {
      const mod = modernizeSpelling(t);
      if (mod.changed) oldSpelling = true;
      t = mod.text;
      // Canonical forms are kept as written ("muhammad"); other parts lose doubled letters.
      t = CANONICAL.get(t) ?? CANONICAL.get(collapseDoubles(t)) ?? collapseDoubles(t);
    }
    if (t !== '') target.push(t);
  }
  return { tokens, patronym, titles, oldSpelling, abbreviated };
}

/**
 * Phonetic key for one Indonesian name part: folds spellings that sound alike in
 * Indonesian (z/s/j in Javanese/Sundanese renderings, f/v/p, q/k, kh/h, sy/s, dz/ts,
 * y/i, e/i, o/u, ae/ai, final h, doubled letters, an epenthetic e in "Selamet").
 * Input should be a token from {@link normalizeName}.
 *
 * @example phoneticKey('rizky') === phoneticKey('riski') // true
 */
export function phoneticKey(token: string): string {
  let t = token;
  t = t
    .replace(/kh/g, 'h')
    .replace(/dz/g, 'z')
    .replace(/ts/g, 's')
    .replace(/sy/g, 's')
    .replace(/sh/g, 's')
    .replace(/gh/g, 'g')
    .replace(/ph/g, 'f')
    .replace(/ck/g, 'k')
    .replace(/x/g, 'ks')
    .replace(/q/g, 'k')
    .replace(/[fv]/g, 'p')
    .replace(/z/g, 's')
    .replace(/y/g, 'i')
    .replace(/w/g, 'u')
    .replace(/ae/g, 'ai')
    .replace(/ei/g, 'ai');
  // Epenthetic e after an initial consonant before l/r: "selamet" ~ "slamet", "seri" ~ "sri".
  t = t.replace(/^([bcdgkmpst])e([lr])(?=[aeiou])/, '$1$2');
  t = t.replace(/e/g, 'i').replace(/o/g, 'u');
  if (t.length > 3) t = t.replace(/h$/, '');
  t = t.replace(/([a-z])\1+/g, '$1');
  return t;
}
