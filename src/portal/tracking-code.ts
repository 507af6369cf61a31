/**
 * Tracking codes handed to citizens for Lacak: a kind letter and 12 Crockford base32
 * characters (60 random bits), so codes cannot be guessed or enumerated, and typos
 * between look-alike characters (O/0, I/L/1) are forgiven on input.
 */
import { randomBytes } from 'node:crypto';

export type SubmissionKind = 'usul' | 'sanggah' | 'pengaduan';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const PREFIX: Record<SubmissionKind, string> = { usul: 'U', sanggah: 'S', pengaduan: 'P' };
const STORED = /^[USP][0-9A-HJKMNP-TV-Z]{12}$/;

/**
 * @example newTrackingCode('usul') // 'U7KQM2XD9FZAB'
 */
export function newTrackingCode(kind: SubmissionKind, random: (n: number) => Uint8Array = randomBytes): string {
  const bytes = random(12);
  let code = PREFIX[kind];
  for (let i = 0; i < 12; i++) code += ALPHABET[bytes[i]! & 31];
  return code;
}

/**
 * The stored form of a typed code, or undefined when it cannot be one.
 * @example parseTrackingCode(' u-7kqm-2xd9-fzab ') === 'U7KQM2XD9FZAB'
 * @example parseTrackingCode('U-7KQM-2XD9-FZAO') === 'U7KQM2XD9FZA0'
 */
export function parseTrackingCode(input: string): string | undefined {
  const s = input.toUpperCase().replace(/[\s\-.]/g, '');
  if (s.length !== 13) return undefined;
  const body = s.slice(1).replace(/O/g, '0').replace(/[IL]/g, '1');
  const code = s[0] + body;
  return STORED.test(code) ? code : undefined;
}

/**
 * @example formatTrackingCode('U7KQM2XD9FZAB') === 'U-7KQM-2XD9-FZAB'
 */
export function formatTrackingCode(code: string): string {
  return `${code[0]}-${code.slice(1, 5)}-${code.slice(5, 9)}-${code.slice(9, 13)}`;
}

export function kindOfTrackingCode(code: string): SubmissionKind {
  return code[0] === 'U' ? 'usul' : code[0] === 'S' ? 'sanggah' : 'pengaduan';
}
