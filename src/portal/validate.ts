/**
 * Checks of the values citizens type, shared by the HTML forms and the JSON API.
 * Each returns the normalised value, or undefined when it cannot be accepted.
 */
import { normalizeName } from '../registry/parse-input.js';

/**
 * 16 digits; spaces, dots and dashes as written on cards are dropped. The date and
 * region inside are not checked: a NIK with an odd date can still be in the registry.
 * @example nikInput('3201 0145 0890 0003') === '3201014508900003'
 */
export function nikInput(raw: string | undefined): string | undefined {
  const s = (raw ?? '').normalize('NFKC').replace(/[\s.\-]/g, '');
  return /^\d{16}$/.test(s) ? s : undefined;
}

/**
 * A name in the registry's form (upper case, single spaces), 2–100 characters.
 * @example nameInput("  siti   aminah ") === 'SITI AMINAH'
 */
export function nameInput(raw: string | undefined): string | undefined {
  if (!raw || raw.length > 100) return undefined;
  const r = normalizeName(raw);
  return r.ok && r.value.length >= 2 ? r.value : undefined;
}

/** Free text: trimmed, control characters other than line breaks removed, length bounded. */
export function textInput(raw: string | undefined, min: number, max: number): string | undefined {
  const s = (raw ?? '').normalize('NFC').replace(/\r\n?/g, '\n').replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, '').trim();
  return s.length >= min && s.length <= max ? s : undefined;
}

/**
 * An Indonesian mobile number as `62…` digits; `''` when left empty.
 * @example phoneInput('0812-3456-7890') === '6281234567890'
 * @example phoneInput('') === ''
 */
export function phoneInput(raw: string | undefined): string | undefined {
  const s = (raw ?? '').replace(/[\s\-().]/g, '');
  if (s === '') return '';
  const m = /^(?:\+?62|0)(8\d{7,12})$/.exec(s);
  return m ? `62${m[1]}` : undefined;
}

/** An optional short name (reporter), `''` when empty. */
export function optionalName(raw: string | undefined): string | undefined {
  const s = (raw ?? '').trim();
  if (s === '') return '';
  return nameInput(s);
}
