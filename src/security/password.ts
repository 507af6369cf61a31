/**
 * Password hashing (argon2id) and the password policy for staff accounts.
 *
 * Hashing follows the OWASP Password Storage Cheat Sheet minimum for argon2id
 * (m = 19 MiB, t = 2, p = 1) and NIST SP 800-63B: passwords are normalised to
 * Unicode NFKC before hashing, length ≥ 10 (stricter than NIST's 8), no
 * composition rules, but common and context-specific passwords are refused.
 *
 * argon2id runs in WebAssembly on the calling thread (≈ 80–110 ms per hash on a
 * server core): rate-limit login and keep verification off hot request paths.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { argon2id } from 'hash-wasm';
import { COMMON_PASSWORDS } from './common-passwords.js';

/** argon2id cost parameters. */
export interface Argon2Params {
  /** Memory in KiB. */
  memoryKiB: number;
  iterations: number;
  parallelism: number;
  /** Output length in bytes. */
  hashLength: number;
  /** Random salt length in bytes. */
  saltLength: number;
}

/** OWASP-recommended argon2id parameters: 19 MiB, 2 passes, 1 lane. */
export const DEFAULT_ARGON2_PARAMS: Readonly<Argon2Params> = Object.freeze({
  memoryKiB: 19 * 1024,
  iterations: 2,
  parallelism: 1,
  hashLength: 32,
  saltLength: 16,
});

// Bounds for parameters read back from a stored hash, so a corrupted or planted
// row cannot make one login allocate gigabytes or spin for minutes.
const LIMITS = { maxMemoryKiB: 256 * 1024, maxIterations: 16, maxParallelism: 16 } as const;
/** Longest password (in UTF-8 bytes) that is hashed at all. */
const MAX_PASSWORD_BYTES = 1024;

const PHC =
  /^\$argon2id\$v=19\$m=(\d{1,7}),t=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9+/]{11,88})\$([A-Za-z0-9+/]{22,88})$/;

interface ParsedHash {
  memoryKiB: number;
  iterations: number;
  parallelism: number;
  salt: Buffer;
  hash: Buffer;
}

function parsePhc(encoded: string): ParsedHash | undefined {
  const m = PHC.exec(encoded);
  if (m === null) return undefined;
  const parsed = {
    memoryKiB: Number(m[1]),
    iterations: Number(m[2]),
    parallelism: Number(m[3]),
    salt: Buffer.from(m[4]!, 'base64'),
    hash: Buffer.from(m[5]!, 'base64'),
  };
  const ok =
    parsed.parallelism >= 1 &&
    parsed.parallelism <= LIMITS.maxParallelism &&
    parsed.iterations >= 1 &&
    parsed.iterations <= LIMITS.maxIterations &&
    parsed.memoryKiB >= 8 * parsed.parallelism &&
    parsed.memoryKiB <= LIMITS.maxMemoryKiB &&
    parsed.salt.length >= 8 &&
    parsed.hash.length >= 16;
  return ok ? parsed : undefined;
}

function normalize(password: string): string {
  return password.normalize('NFKC');
}

async function argon2Raw(password: string, salt: Uint8Array, p: Omit<Argon2Params, 'saltLength'>): Promise<Buffer> {
  const out = await argon2id({
    password: Buffer.from(password, 'utf8'),
    salt,
    iterations: p.iterations,
    parallelism: p.parallelism,
    memorySize: p.memoryKiB,
    hashLength: p.hashLength,
    outputType: 'binary',
  });
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * Hashes a password with argon2id and a random salt. Returns the PHC string
 * (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`, unpadded base64), which
 * carries its own parameters so they can be raised later.
 *
 * @example
 * const passwordHash = await hashPassword('Gunung-Salak-di-Bogor');
 * // '$argon2id$v=19$m=19456,t=2,p=1$…'
 */
export async function hashPassword(password: string, params: Readonly<Argon2Params> = DEFAULT_ARGON2_PARAMS): Promise<string> {
  if (typeof password !== 'string') throw new TypeError('password must be a string');
  const normalized = normalize(password);
  if (normalized.length === 0) throw new RangeError('password must not be empty');
  if (Buffer.byteLength(normalized, 'utf8') > MAX_PASSWORD_BYTES) {
    throw new RangeError(`password is longer than ${MAX_PASSWORD_BYTES} bytes`);
  }
  const salt = randomBytes(params.saltLength);
  const hash = await argon2Raw(normalized, salt, params);
  return `$argon2id$v=19$m=${params.memoryKiB},t=${params.iterations},p=${params.parallelism}$${b64(salt)}$${b64(hash)}`;
}

function b64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '');
}

// Fixed hash verified when the account does not exist, so an unknown username
// costs as much time as a wrong password (no user enumeration by timing).
const DUMMY_HASH =
  `$argon2id$v=19$m=${DEFAULT_ARGON2_PARAMS.memoryKiB},t=${DEFAULT_ARGON2_PARAMS.iterations},` +
  `p=${DEFAULT_ARGON2_PARAMS.parallelism}$dGVwYXQtZHVtbXktc2FsdA$${'A'.repeat(43)}`;

/**
 * Checks a password against a stored argon2id PHC string in constant time
 * (the recomputed hash is compared with `crypto.timingSafeEqual`).
 *
 * Pass `undefined` when the account was not found: a dummy hash with the default
 * parameters is verified anyway and `false` returned, so response time does not
 * reveal which usernames exist. Throws if the stored string is not a valid
 * argon2id hash within sane parameter bounds (a data problem worth surfacing).
 *
 * @example
 * const user = await users.findByUsername(username);
 * const ok = await verifyPassword(password, user?.passwordHash);
 * if (!ok || !user) return { ok: false, reason: 'invalid_credentials' };
 */
export async function verifyPassword(password: string, encoded: string | undefined | null): Promise<boolean> {
  const stored = encoded ?? DUMMY_HASH;
  const parsed = parsePhc(stored);
  if (parsed === undefined) {
    throw new Error('stored password hash is not a valid argon2id PHC string within accepted parameters');
  }
  const normalized = typeof password === 'string' ? normalize(password) : '';
  const usable = normalized.length > 0 && Buffer.byteLength(normalized, 'utf8') <= MAX_PASSWORD_BYTES;
  // Unusable input still costs a full hash, then fails: same timing, no shortcut.
  const candidate = await argon2Raw(usable ? normalized : '\u0000', parsed.salt, {
    memoryKiB: parsed.memoryKiB,
    iterations: parsed.iterations,
    parallelism: parsed.parallelism,
    hashLength: parsed.hash.length,
  });
  const equal = timingSafeEqual(candidate, parsed.hash);
  return equal && usable && encoded !== undefined && encoded !== null;
}

/**
 * True when a stored hash uses weaker (or different) parameters than `params`,
 * so the caller should re-hash the password after a successful login.
 *
 * @example
 * if (ok && passwordNeedsRehash(user.passwordHash)) await users.setPasswordHash(user.id, await hashPassword(password));
 */
export function passwordNeedsRehash(encoded: string, params: Readonly<Argon2Params> = DEFAULT_ARGON2_PARAMS): boolean {
  const parsed = parsePhc(encoded);
  return (
    parsed === undefined ||
    parsed.memoryKiB !== params.memoryKiB ||
    parsed.iterations !== params.iterations ||
    parsed.parallelism !== params.parallelism ||
    parsed.hash.length !== params.hashLength ||
    parsed.salt.length !== params.saltLength
  );
}

// ---------------------------------------------------------------------------
// Policy
// ---------------------------------------------------------------------------

/** Minimum password length in characters (Unicode code points). */
export const MIN_PASSWORD_LENGTH = 10;
/** Maximum password length in characters. */
export const MAX_PASSWORD_LENGTH = 128;

/** Why a password was refused. */
export type PasswordViolationCode = 'too_short' | 'too_long' | 'common' | 'contains_username' | 'repeated' | 'sequence';

export interface PasswordViolation {
  code: PasswordViolationCode;
  /** Reason in Bahasa Indonesia, ready to show to the user. */
  message: string;
}

export type PasswordPolicyResult = { ok: true } | { ok: false; violations: PasswordViolation[] };

const MESSAGES: Record<PasswordViolationCode, string> = {
  too_short: `Kata sandi minimal ${MIN_PASSWORD_LENGTH} karakter.`,
  too_long: `Kata sandi maksimal ${MAX_PASSWORD_LENGTH} karakter.`,
  common: 'Kata sandi terlalu umum dan mudah ditebak. Gunakan gabungan beberapa kata yang tidak lazim.',
  contains_username: 'Kata sandi tidak boleh memuat nama pengguna.',
  repeated: 'Kata sandi tidak boleh berupa satu karakter atau pola pendek yang diulang-ulang.',
  sequence: 'Kata sandi tidak boleh berupa urutan huruf, angka, atau tombol keyboard (misalnya "qwerty" atau "12345").',
};

// Rows, columns and alphabets whose runs make weak passwords; each is matched
// forwards and backwards. Indonesia uses the US QWERTY layout.
const SEQUENCES = [
  '01234567890',
  'abcdefghijklmnopqrstuvwxyz',
  "`1234567890-=",
  'qwertyuiop[]\\',
  "asdfghjkl;'",
  'zxcvbnm,./',
  '!@#$%^&*()_+',
  '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/-[\'=]',
  'qazwsxedcrfvtgbyhnujmikolp',
  '7894561230',
  '1472583690',
  '9876543210',
];
const SEQUENCE_TEXT = [...SEQUENCES, ...SEQUENCES.map((s) => [...s].reverse().join(''))];
const MIN_RUN = 3;

/** Length of the longest keyboard/alphabet run starting at `start`. */
function longestRunAt(text: string, start: number): number {
  let best = 0;
  for (const seq of SEQUENCE_TEXT) {
    let from = seq.indexOf(text[start]!);
    while (from !== -1) {
      let len = 1;
      while (start + len < text.length && seq[from + len] === text[start + len]) len++;
      if (len > best) best = len;
      from = seq.indexOf(text[start]!, from + 1);
    }
  }
  return best;
}

/** True when the whole text is made of keyboard/alphabet runs of ≥ 3 characters. */
function isSequence(lower: string): boolean {
  let i = 0;
  while (i < lower.length) {
    const run = longestRunAt(lower, i);
    if (run < MIN_RUN) return false;
    i += run;
  }
  return true;
}

/** True when the text is one unit of 1–3 characters repeated (`aaaa`, `121212`, `abcabc`). */
function isRepeated(chars: string[]): boolean {
  for (let unit = 1; unit <= 3 && unit < chars.length; unit++) {
    let same = true;
    for (let i = unit; i < chars.length && same; i++) same = chars[i] === chars[i % unit];
    if (same) return true;
  }
  return false;
}

const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '9': 'g', '@': 'a', $: 's', '!': 'i', '|': 'l', '+': 't' };

function unleet(text: string): string {
  let out = '';
  for (const ch of text) out += LEET[ch] ?? ch;
  return out;
}

const EDGE_NON_LETTERS = /^[^\p{L}]+|[^\p{L}]+$/gu;
const TRAILING_NON_LETTERS = /[^\p{L}]+$/u;
const SEPARATORS = /[\s._-]+/g;

/** Forms of the password compared against the common list. */
function commonCandidates(lower: string): Set<string> {
  const compact = lower.replace(SEPARATORS, '');
  const out = new Set<string>();
  for (const form of [lower, compact]) {
    const trailingStripped = form.replace(TRAILING_NON_LETTERS, '');
    const edgeStripped = form.replace(EDGE_NON_LETTERS, '');
    out.add(form);
    out.add(trailingStripped);
    out.add(edgeStripped);
    out.add(unleet(trailingStripped));
    out.add(unleet(edgeStripped));
    // l33t first, then strip: "4dm1n2024" -> "admin", "P@ssw0rd!!" -> "password".
    out.add(unleet(form).replace(EDGE_NON_LETTERS, ''));
    out.add(unleet(form.replace(/\d+$/, '')).replace(EDGE_NON_LETTERS, ''));
  }
  out.delete('');
  return out;
}

function usernameParts(username: string): string[] {
  const lower = username.normalize('NFKC').toLowerCase().trim();
  const local = lower.split('@')[0] ?? '';
  return [...new Set([lower, local, local.replace(SEPARATORS, '')])].filter((p) => [...p].length >= 3);
}

/**
 * Checks a new password against the policy: at least 10 characters (at most
 * 128), not a common password (also after stripping leading/trailing digits and
 * symbols and undoing l33t, so `Bismillah123!` is refused), not containing the
 * username, not one character or a short pattern repeated, and not a keyboard or
 * alphabet sequence (`qwertyuiop`, `1234567890`, `qwerty12345`). Messages are in
 * Bahasa Indonesia for direct display.
 *
 * @example
 * checkPasswordPolicy('Bismillah123!', { username: 'operator.desa' });
 * // { ok: false, violations: [{ code: 'common', message: 'Kata sandi terlalu umum …' }] }
 * checkPasswordPolicy('kopi tubruk di Sleman', { username: 'wawan' }); // { ok: true }
 */
export function checkPasswordPolicy(password: string, options: { username?: string } = {}): PasswordPolicyResult {
  const normalized = normalize(typeof password === 'string' ? password : '');
  const chars = [...normalized];
  const lower = normalized.toLowerCase();
  const lowerChars = [...lower];
  const codes: PasswordViolationCode[] = [];

  if (chars.length < MIN_PASSWORD_LENGTH) codes.push('too_short');
  if (chars.length > MAX_PASSWORD_LENGTH) codes.push('too_long');
  if (lower.length > 0) {
    const candidates = commonCandidates(lower);
    if ([...candidates].some((c) => COMMON_PASSWORDS.has(c))) codes.push('common');
    if (options.username !== undefined) {
      const compact = lower.replace(SEPARATORS, '');
      if (usernameParts(options.username).some((u) => lower.includes(u) || compact.includes(u))) {
        codes.push('contains_username');
      }
    }
    if (isRepeated(lowerChars)) codes.push('repeated');
    else if (lowerChars.length >= MIN_RUN && isSequence(lower)) codes.push('sequence');
  }

  return codes.length === 0 ? { ok: true } : { ok: false, violations: codes.map((code) => ({ code, message: MESSAGES[code] })) };
}
