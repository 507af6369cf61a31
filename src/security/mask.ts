/**
 * Masking of personal data for lists, exports to non-privileged roles and public
 * pages. UU 27/2022 (PDP) requires public lists to be masked; cekbansos shows
 * names like `W***N L****I`.
 *
 * Every function accepts `null`/`undefined` (returns `''`), normalises with NFKC
 * (full-width digits become ASCII) and, when the input looks wrong, hides
 * everything rather than reveal more than intended. Masking is for display only:
 * a masked value is not anonymous (name + village can still identify someone).
 */

type Maybe = string | null | undefined;

const STAR = '*';
const SEPARATORS = /[\s.\-/()]+/g;
const ASCII = /^[\x20-\x7e]*$/;

let segmenter: Intl.Segmenter | undefined;

/** Splits into user-perceived characters so `é` (e + combining accent) or an emoji stays whole. */
function graphemes(text: string): string[] {
  if (ASCII.test(text)) return text.split('');
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

function clean(value: Maybe): string {
  return typeof value === 'string' ? value.normalize('NFKC').trim() : '';
}

/** Keeps `head` leading and `tail` trailing characters when at least `minLength` long, else stars only. */
function keepEnds(value: string, head: number, tail: number, minLength: number): string {
  const chars = graphemes(value);
  if (chars.length < minLength) return STAR.repeat(chars.length);
  return chars.slice(0, head).join('') + STAR.repeat(chars.length - head - tail) + chars.slice(chars.length - tail).join('');
}

/**
 * Masks a NIK: first 4 digits (province + regency) and last 2 visible, the
 * birth date and most of the serial hidden. Spaces, dots and dashes are removed
 * first. Shorter than 12 characters (not a real NIK): all stars.
 *
 * @example
 * maskNik('3201011503900001'); // '3201**********01'
 * maskNik('3201 0115 0390 0001'); // '3201**********01'
 */
export function maskNik(nik: Maybe): string {
  return keepEnds(clean(nik).replace(SEPARATORS, ''), 4, 2, 12);
}

/**
 * Masks a family card number (No. KK) like a NIK.
 *
 * @example
 * maskKk('3201012001150003'); // '3201**********03'
 */
export function maskKk(kk: Maybe): string {
  return maskNik(kk);
}

/**
 * Masks a person's name word by word: first and last letter of each word with
 * one star per hidden letter (`WAWAN` → `W***N`); words of one or two letters
 * become first letter + `*`. Runs of spaces collapse; apostrophes and hyphens
 * count as letters of their word; case is kept; multibyte-safe.
 *
 * @example
 * maskName('WAWAN LUTHFI'); // 'W***N L****I'
 * maskName("  Ma'ruf   Amin "); // 'M****f A**n'
 * maskName('I GUSTI AYU'); // 'I* G***I A*U'
 */
export function maskName(name: Maybe): string {
  const text = clean(name);
  if (text === '') return '';
  return text
    .split(/\s+/u)
    .map((word) => {
      const chars = graphemes(word);
      if (chars.length <= 2) return `${chars[0]}${STAR}`;
      return chars[0] + STAR.repeat(chars.length - 2) + chars[chars.length - 1];
    })
    .join(' ');
}

/**
 * Masks a phone number, keeping only the last 3 digits. Formatting (`+`, spaces,
 * dashes) is dropped; fewer than 7 digits (not a real number): all stars.
 *
 * @example
 * maskPhone('081234567890'); // '*********890'
 * maskPhone('+62 812-3456-7890'); // '**********890'
 */
export function maskPhone(phone: Maybe): string {
  const digits = clean(phone).replace(/\D/g, '');
  return keepEnds(digits, 0, 3, 7);
}

/**
 * Masks a bank account number, keeping the last 4 characters. Spaces and dashes
 * are dropped; fewer than 8 characters: all stars.
 *
 * @example
 * maskAccount('0123-01-012345-50-1'); // '***********5501'
 */
export function maskAccount(account: Maybe): string {
  return keepEnds(clean(account).replace(SEPARATORS, ''), 0, 4, 8);
}

// Administrative-area segments that may be shown: the keyword, then letters only.
// Anything with a digit (house number, RT/RW, postcode) or without a keyword
// (street name, landmark) is hidden.
const AREA_SEGMENT =
  /^(?:desa|ds\.?|kelurahan|kel\.?|kecamatan|kec\.?|distrik|kabupaten|kab\.?|kota|provinsi|prov\.?)\s+[\p{L}\p{M}' .-]+$/iu;

/**
 * Masks a free-text street address: keeps only comma-separated segments that are
 * administrative areas (Desa/Kel./Kec./Kab./Kota/Prov. followed by a name without
 * digits) behind a `***`, and drops the street, house number, RT/RW, postcode and
 * anything unrecognised. If nothing coarse is recognised, returns `***`.
 *
 * @example
 * maskAddress('Jl. Merdeka No. 5, RT 003/RW 002, Desa Sukamaju, Kec. Cibinong, Kab. Bogor');
 * // '***, Desa Sukamaju, Kec. Cibinong, Kab. Bogor'
 * maskAddress('Gang Mawar 3 dekat masjid'); // '***'
 */
export function maskAddress(address: Maybe): string {
  const text = clean(address);
  if (text === '') return '';
  const kept = text
    .split(/[,;\n]/)
    .map((segment) => segment.trim().replace(/\s+/g, ' '))
    .filter((segment) => AREA_SEGMENT.test(segment));
  return ['***', ...kept].join(', ');
}
