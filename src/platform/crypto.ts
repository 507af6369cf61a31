/**
 * Envelope encryption and blind indexes for personal identifiers (NIK, No. KK,
 * phone, bank account, street address).
 *
 * - A master key (in a KMS/HSM, or a local 32-byte key in development) wraps
 *   per-generation data keys; only wrapped data keys are stored in the database.
 * - {@link FieldCipher} encrypts one field value with AES-256-GCM under the
 *   current data key. Old ciphertexts stay readable while their key id is loaded,
 *   so data keys can be rotated and rows re-encrypted in the background.
 * - {@link BlindIndex} gives a keyed, deterministic digest of a normalised value
 *   so equality lookups and deduplication work without decrypting.
 *
 * UU 27/2022 (PDP) treats these identifiers as personal data and finances as
 * specific data; errors thrown here never contain plaintext or key material.
 *
 * Pure module: no database, no environment. Keys are passed in.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  hkdfSync,
  KeyObject,
  randomBytes,
} from 'node:crypto';

/** Byte length of every key handled here (AES-256, HMAC-SHA256). */
export const KEY_BYTES = 32;

/** First byte of every {@link FieldCipher} ciphertext. */
export const FIELD_CIPHER_VERSION = 1;

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
// [version 1][key id 2][iv 12][tag 16][ciphertext]
const HEADER_BYTES = 3;
const IV_OFFSET = HEADER_BYTES;
const TAG_OFFSET = IV_OFFSET + IV_BYTES;
const CT_OFFSET = TAG_OFFSET + TAG_BYTES;
const MAX_KEY_ID = 0xffff;
const GCM_OPTIONS = { authTagLength: TAG_BYTES } as const;

/** Why a cryptographic operation failed. A closed list, safe to log. */
export type CryptoErrorCode =
  | 'invalid_key'
  | 'malformed_ciphertext'
  | 'unsupported_version'
  | 'unknown_key_id'
  | 'authentication_failed'
  | 'unwrap_failed';

/**
 * Thrown by this module. The message names the problem and, where useful, the key
 * id; it never contains plaintext, ciphertext bytes or key material.
 */
export class CryptoError extends Error {
  override readonly name = 'CryptoError';
  constructor(
    readonly code: CryptoErrorCode,
    message: string,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------

/**
 * Generates a fresh random 256-bit key (data key, master key or blind-index key).
 *
 * @example
 * const masterKey = generateKey();
 * console.log(masterKey.toString('base64')); // store in the secret manager, not in git
 */
export function generateKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}={0,1}$/;

/**
 * Parses a 32-byte key written as 64 hex characters or as base64 / base64url
 * (43 characters, or 44 with `=` padding). Surrounding whitespace is ignored.
 * Throws a {@link CryptoError} `invalid_key` whose message names `name` and the
 * problem but never echoes the value. An all-zero key is rejected as a placeholder.
 *
 * @example
 * const masterKey = parseKey(config.masterKey, 'TEPAT_MASTER_KEY');
 * parseKey('00ff'.repeat(16)); // hex
 * parseKey(generateKey().toString('base64')); // base64
 */
export function parseKey(encoded: string, name = 'key'): Buffer {
  if (typeof encoded !== 'string') {
    throw new CryptoError('invalid_key', `${name} must be a string`);
  }
  const text = encoded.trim();
  let key: Buffer;
  if (HEX_KEY.test(text)) {
    key = Buffer.from(text, 'hex');
  } else if (BASE64_KEY.test(text)) {
    key = Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64');
  } else {
    throw new CryptoError(
      'invalid_key',
      `${name} must be 32 bytes written as 64 hex characters or 44 base64 characters ` +
        `(got ${text.length} characters); generate one with generateKey()`,
    );
  }
  if (key.length !== KEY_BYTES) {
    throw new CryptoError('invalid_key', `${name} must decode to ${KEY_BYTES} bytes, got ${key.length}`);
  }
  if (key.every((b) => b === 0)) {
    throw new CryptoError('invalid_key', `${name} is all zeros; use a random key`);
  }
  return key;
}

function toSecretKey(key: Uint8Array | KeyObject, what: string): KeyObject {
  if (key instanceof KeyObject) {
    if (key.type !== 'secret' || key.symmetricKeySize !== KEY_BYTES) {
      throw new CryptoError('invalid_key', `${what} must be a ${KEY_BYTES}-byte secret key`);
    }
    return key;
  }
  if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES) {
    throw new CryptoError('invalid_key', `${what} must be exactly ${KEY_BYTES} bytes`);
  }
  // A KeyObject keeps the key bytes outside the JS heap, so they cannot end up in
  // a log line or a JSON dump by accident; the caller's buffer is not retained.
  return createSecretKey(key);
}

// ---------------------------------------------------------------------------
// Key providers (master key wrapping)
// ---------------------------------------------------------------------------

/**
 * Wraps and unwraps data keys under a master key that the application never
 * sees in clear when backed by a KMS/HSM. `id` identifies the master key (store
 * it next to each wrapped data key so the right provider is used to unwrap).
 */
export interface KeyProvider {
  readonly id: string;
  wrapKey(dataKey: Buffer): Promise<Buffer>;
  unwrapKey(wrapped: Buffer): Promise<Buffer>;
}

const WRAP_VERSION = 1;
const WRAP_BYTES = 1 + IV_BYTES + TAG_BYTES + KEY_BYTES;
const WRAP_AAD = Buffer.from('tepat/local-key-provider/v1', 'utf8');

/**
 * {@link KeyProvider} for development, tests and single-server installs: wraps
 * 32-byte data keys with AES-256-GCM under a 32-byte master key held in memory.
 * Wrapped format: `[version 1][iv 12][tag 16][wrapped key 32]` (61 bytes).
 *
 * The default `id` is `local:` plus a 64-bit key check value (HMAC of a fixed
 * label), so operators can tell which master key is configured without exposing it.
 *
 * @example
 * const provider = new LocalKeyProvider(parseKey(config.masterKey, 'TEPAT_MASTER_KEY'));
 * const { wrappedKey } = await createDataKey(provider); // store wrappedKey with key id 1
 * const cipher = await FieldCipher.fromWrappedKeys(provider, [{ keyId: 1, wrappedKey }], 1);
 */
export class LocalKeyProvider implements KeyProvider {
  readonly id: string;
  readonly #master: KeyObject;

  constructor(masterKey: Uint8Array | KeyObject, options: { id?: string } = {}) {
    this.#master = toSecretKey(masterKey, 'master key');
    this.id = options.id ?? `local:${keyCheckValue(this.#master)}`;
  }

  async wrapKey(dataKey: Buffer): Promise<Buffer> {
    if (!(dataKey instanceof Uint8Array) || dataKey.length !== KEY_BYTES) {
      throw new CryptoError('invalid_key', `data key must be exactly ${KEY_BYTES} bytes`);
    }
    const out = Buffer.alloc(WRAP_BYTES);
    out[0] = WRAP_VERSION;
    randomBytes(IV_BYTES).copy(out, 1);
    const cipher = createCipheriv(ALGORITHM, this.#master, out.subarray(1, 1 + IV_BYTES), GCM_OPTIONS);
    cipher.setAAD(WRAP_AAD);
    cipher.update(dataKey).copy(out, 1 + IV_BYTES + TAG_BYTES);
    cipher.final();
    cipher.getAuthTag().copy(out, 1 + IV_BYTES);
    return out;
  }

  async unwrapKey(wrapped: Buffer): Promise<Buffer> {
    if (!(wrapped instanceof Uint8Array) || wrapped.length !== WRAP_BYTES || wrapped[0] !== WRAP_VERSION) {
      throw new CryptoError('unwrap_failed', `wrapped data key is malformed (provider ${this.id})`);
    }
    try {
      const decipher = createDecipheriv(ALGORITHM, this.#master, wrapped.subarray(1, 1 + IV_BYTES), GCM_OPTIONS);
      decipher.setAAD(WRAP_AAD);
      decipher.setAuthTag(wrapped.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
      const key = decipher.update(wrapped.subarray(1 + IV_BYTES + TAG_BYTES));
      decipher.final();
      return key;
    } catch {
      throw new CryptoError(
        'unwrap_failed',
        `cannot unwrap data key with provider ${this.id}: wrong master key or corrupted wrapped key`,
      );
    }
  }
}

function keyCheckValue(key: KeyObject): string {
  return createHmac('sha256', key).update('tepat/key-check-value/v1').digest('hex').slice(0, 16);
}

/**
 * Generates a new data key and wraps it with `provider`. Store `wrappedKey` (with
 * its key id and `provider.id`); use `dataKey` directly or drop it and load the
 * wrapped form with {@link FieldCipher.fromWrappedKeys}.
 *
 * @example
 * const { wrappedKey } = await createDataKey(provider);
 * await keys.insert({ keyId: 2, providerId: provider.id, wrappedKey });
 */
export async function createDataKey(provider: KeyProvider): Promise<{ dataKey: Buffer; wrappedKey: Buffer }> {
  const dataKey = generateKey();
  return { dataKey, wrappedKey: await provider.wrapKey(dataKey) };
}

// ---------------------------------------------------------------------------
// Field encryption
// ---------------------------------------------------------------------------

// Random IVs are drawn from a pooled CSPRNG buffer: crypto.randomBytes(12) per call
// costs about as much as the encryption itself. Each 12-byte slice is handed out
// once; the pool is per-thread (module instance), so workers never share it.
// (Do not bake this module's state into a V8 startup snapshot: every process
// started from it would replay the same pool.)
// Random 96-bit IVs are safe for up to 2^32 messages per key (NIST SP 800-38D
// §8.3); rotate the data key well before that (≈ 4 billion field values).
const IV_POOL_BYTES = IV_BYTES * 4096;
let ivPool = Buffer.alloc(0);
let ivPoolOffset = IV_POOL_BYTES;

function writeRandomIv(target: Buffer, offset: number): void {
  if (ivPoolOffset + IV_BYTES > ivPool.length) {
    ivPool = randomBytes(IV_POOL_BYTES);
    ivPoolOffset = 0;
  }
  ivPool.copy(target, offset, ivPoolOffset, ivPoolOffset + IV_BYTES);
  ivPoolOffset += IV_BYTES;
}

/** Wrapped data key as stored in the key table. */
export interface WrappedDataKey {
  keyId: number;
  wrappedKey: Uint8Array;
}

function assertKeyId(keyId: number): void {
  if (!Number.isInteger(keyId) || keyId < 0 || keyId > MAX_KEY_ID) {
    throw new CryptoError('invalid_key', `key id must be an integer from 0 to ${MAX_KEY_ID}`);
  }
}

const MAX_CACHED_CONTEXTS = 256;

/**
 * AES-256-GCM encryption of single field values with key rotation.
 *
 * Ciphertext format (all integers big-endian):
 * `[version 0x01][key id uint16][iv 12][tag 16][ciphertext]`, i.e. 31 bytes plus
 * the UTF-8 length of the plaintext. The 3-byte header and the optional `context`
 * are authenticated as associated data, so a ciphertext cannot be relabelled with
 * another key id or moved to a column with a different context unnoticed.
 *
 * Length is not hidden: NIKs are always 16 digits, but names and addresses leak
 * their length.
 *
 * @example
 * const cipher = new FieldCipher([[1, dataKey1], [2, dataKey2]], 2);
 * const stored = cipher.encrypt('3201011503900001', 'person.nik');
 * cipher.decrypt(stored, 'person.nik'); // '3201011503900001'
 * cipher.keyIdOf(stored); // 2
 */
export class FieldCipher {
  readonly currentKeyId: number;
  // Per key id: the key and its 3-byte header (the header doubles as the AAD, so
  // decrypt can pass the cached copy instead of slicing the input).
  readonly #keys = new Map<number, { key: KeyObject; header: Buffer }>();
  readonly #currentKey: KeyObject;
  readonly #currentHeader: Buffer;
  readonly #contexts = new Map<string, Buffer>();

  /**
   * @param keys data keys by key id (uint16), as raw 32-byte buffers or KeyObjects.
   * @param currentKeyId the key id used by {@link encrypt}; must be among `keys`.
   */
  constructor(keys: Iterable<readonly [number, Uint8Array | KeyObject]>, currentKeyId: number) {
    for (const [keyId, key] of keys) {
      assertKeyId(keyId);
      if (this.#keys.has(keyId)) throw new CryptoError('invalid_key', `duplicate data key id ${keyId}`);
      this.#keys.set(keyId, {
        key: toSecretKey(key, `data key ${keyId}`),
        header: Buffer.from([FIELD_CIPHER_VERSION, keyId >>> 8, keyId & 0xff]),
      });
    }
    assertKeyId(currentKeyId);
    const current = this.#keys.get(currentKeyId);
    if (current === undefined) {
      throw new CryptoError('unknown_key_id', `current key id ${currentKeyId} is not among the loaded data keys`);
    }
    this.currentKeyId = currentKeyId;
    this.#currentKey = current.key;
    this.#currentHeader = current.header;
  }

  /**
   * Unwraps stored data keys with `provider` and builds a cipher. The unwrapped
   * key buffers are zeroed once copied into KeyObjects.
   *
   * @example
   * const rows = await db.selectFrom('data_key').select(['key_id', 'wrapped_key']).execute();
   * const cipher = await FieldCipher.fromWrappedKeys(
   *   provider,
   *   rows.map((r) => ({ keyId: r.key_id, wrappedKey: r.wrapped_key })),
   *   currentKeyId,
   * );
   */
  static async fromWrappedKeys(
    provider: KeyProvider,
    wrapped: Iterable<WrappedDataKey>,
    currentKeyId: number,
  ): Promise<FieldCipher> {
    const entries: [number, KeyObject][] = [];
    for (const { keyId, wrappedKey } of wrapped) {
      const raw = await provider.unwrapKey(asBuffer(wrappedKey));
      try {
        entries.push([keyId, toSecretKey(raw, `data key ${keyId}`)]);
      } finally {
        raw.fill(0);
      }
    }
    return new FieldCipher(entries, currentKeyId);
  }

  /**
   * Encrypts `plaintext` (UTF-8) under the current data key with a fresh random IV.
   * `context` (e.g. `'person.nik'`) is bound as associated data and must be given
   * again to decrypt.
   *
   * @example
   * const nikCipher = cipher.encrypt(nik, 'person.nik'); // Buffer for a bytea column
   */
  encrypt(plaintext: string, context?: string): Buffer {
    if (typeof plaintext !== 'string') throw new TypeError('FieldCipher.encrypt expects a string');
    const out = Buffer.allocUnsafe(CT_OFFSET + Buffer.byteLength(plaintext, 'utf8'));
    this.#currentHeader.copy(out, 0);
    writeRandomIv(out, IV_OFFSET);
    const cipher = createCipheriv(ALGORITHM, this.#currentKey, out.subarray(IV_OFFSET, TAG_OFFSET), GCM_OPTIONS);
    cipher.setAAD(this.#currentHeader);
    if (context !== undefined) cipher.setAAD(this.#contextBytes(context));
    cipher.update(plaintext, 'utf8').copy(out, CT_OFFSET);
    cipher.final();
    cipher.getAuthTag().copy(out, TAG_OFFSET);
    return out;
  }

  /**
   * Decrypts a value produced by {@link encrypt}. Accepts a Buffer or a plain
   * Uint8Array (PGlite returns bytea as Uint8Array). Throws a {@link CryptoError}
   * (`malformed_ciphertext`, `unsupported_version`, `unknown_key_id` or
   * `authentication_failed`) and never returns unauthenticated data.
   *
   * @example
   * const nik = cipher.decrypt(row.nik_enc, 'person.nik');
   */
  decrypt(ciphertext: Uint8Array, context?: string): string {
    const keyId = this.keyIdOf(ciphertext);
    const entry = this.#keys.get(keyId);
    if (entry === undefined) {
      throw new CryptoError('unknown_key_id', `data key ${keyId} is not loaded; cannot decrypt`);
    }
    const decipher = createDecipheriv(ALGORITHM, entry.key, ciphertext.subarray(IV_OFFSET, TAG_OFFSET), GCM_OPTIONS);
    decipher.setAAD(entry.header);
    if (context !== undefined) decipher.setAAD(this.#contextBytes(context));
    decipher.setAuthTag(ciphertext.subarray(TAG_OFFSET, CT_OFFSET));
    const plain = decipher.update(ciphertext.subarray(CT_OFFSET));
    try {
      decipher.final();
    } catch {
      plain.fill(0);
      throw new CryptoError(
        'authentication_failed',
        `ciphertext failed authentication under data key ${keyId}: tampered data, wrong key or wrong context`,
      );
    }
    return plain.toString('utf8');
  }

  /**
   * Reads the data key id from a ciphertext header (validating version and length),
   * e.g. to find rows still encrypted under an old key.
   *
   * @example
   * if (cipher.keyIdOf(row.nik_enc) !== cipher.currentKeyId) queueReencrypt(row.id);
   */
  keyIdOf(ciphertext: Uint8Array): number {
    if (!(ciphertext instanceof Uint8Array)) {
      throw new CryptoError('malformed_ciphertext', 'ciphertext must be a Buffer or Uint8Array');
    }
    if (ciphertext.length < CT_OFFSET) {
      throw new CryptoError('malformed_ciphertext', `ciphertext is too short (${ciphertext.length} bytes)`);
    }
    if (ciphertext[0] !== FIELD_CIPHER_VERSION) {
      throw new CryptoError('unsupported_version', `unsupported ciphertext version ${ciphertext[0]}`);
    }
    return (ciphertext[1]! << 8) | ciphertext[2]!;
  }

  /**
   * True when the ciphertext was made under another key than the current one and
   * should be re-encrypted (`cipher.encrypt(cipher.decrypt(buf))`).
   *
   * @example
   * if (cipher.needsReencryption(row.phone_enc)) row.phone_enc = cipher.encrypt(cipher.decrypt(row.phone_enc));
   */
  needsReencryption(ciphertext: Uint8Array): boolean {
    return this.keyIdOf(ciphertext) !== this.currentKeyId;
  }

  /**
   * The current data key, to build an encrypt-only cipher on a worker thread of this
   * process (`new FieldCipher([[keyId, key]], keyId)`): a KeyObject passed through
   * `postMessage` is cloned to the worker, never serialised. Do not log or store it.
   *
   * @example worker.postMessage({ key: cipher.currentKeyForWorker() });
   */
  currentKeyForWorker(): { keyId: number; key: KeyObject } {
    return { keyId: this.currentKeyId, key: this.#currentKey };
  }

  #contextBytes(context: string): Buffer {
    let bytes = this.#contexts.get(context);
    if (bytes === undefined) {
      if (typeof context !== 'string') throw new TypeError('context must be a string');
      bytes = Buffer.from(context, 'utf8');
      if (this.#contexts.size < MAX_CACHED_CONTEXTS) this.#contexts.set(context, bytes);
    }
    return bytes;
  }
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

// ---------------------------------------------------------------------------
// Blind index
// ---------------------------------------------------------------------------

/** Output length of {@link BlindIndex.compute} in bytes. */
export const BLIND_INDEX_BYTES = 16;

const PURPOSE = /^[a-z][a-z0-9_.-]{0,31}$/;

/**
 * Keyed HMAC-SHA256 digests of normalised identifiers, for equality search and
 * deduplication over encrypted columns.
 *
 * Each purpose (`'nik'`, `'kk'`, `'phone'`, `'account'`…) gets its own subkey
 * derived with HKDF-SHA256, so the same digits used as a phone number and as a
 * bank account give unrelated indexes and cannot be joined across columns.
 *
 * Use a key separate from the encryption keys. Identifiers have little entropy
 * (a NIK is region + birth date + serial): anyone holding this key can recover
 * values by brute force, so it deserves the same protection as the master key.
 * Rotating it means recomputing every index.
 *
 * @example
 * const index = new BlindIndex(blindIndexKey);
 * const nikIdx = index.compute('nik', normalizeNik(input)); // 16-byte Buffer
 */
// HMAC-SHA256 of short values in JavaScript. Node's createHmac costs ~3 µs per call,
// nearly all of it object set-up; an import computes four blind indexes per row. For a
// value of at most SHORT_VALUE_CHARS characters the same HMAC is computed here from the
// key's precomputed inner and outer SHA-256 states (two block compressions), about
// twice as fast. Output is bit-identical (crypto.test.ts checks it against node:crypto);
// the code has no secret-dependent branches or table lookups. Longer values use Node.

const SHA256_K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const SHA256_IV = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
const shaW = new Int32Array(64);

/** One SHA-256 block compression (FIPS 180-4 §6.2.2) of `block[offset..offset+64]` into `state`. */
function sha256Block(state: Int32Array, block: Uint8Array, offset: number): void {
  const w = shaW;
  for (let i = 0; i < 16; i++) {
    const j = offset + i * 4;
    w[i] = (block[j]! << 24) | (block[j + 1]! << 16) | (block[j + 2]! << 8) | block[j + 3]!;
  }
  for (let i = 16; i < 64; i++) {
    const w15 = w[i - 15]!;
    const w2 = w[i - 2]!;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
  }
  let a = state[0]!, b = state[1]!, c = state[2]!, d = state[3]!, e = state[4]!, f = state[5]!, g = state[6]!, h = state[7]!;
  for (let i = 0; i < 64; i++) {
    const t1 = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + ((e & f) ^ (~e & g)) + SHA256_K[i]! + w[i]!) | 0;
    const t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
  }
  state[0] = (state[0]! + a) | 0; state[1] = (state[1]! + b) | 0; state[2] = (state[2]! + c) | 0; state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0; state[5] = (state[5]! + f) | 0; state[6] = (state[6]! + g) | 0; state[7] = (state[7]! + h) | 0;
}

/** Values up to this many UTF-16 units (≤ 144 UTF-8 bytes, three blocks) take the JavaScript path. */
const SHORT_VALUE_CHARS = 48;

/** The SHA-256 states after absorbing the HMAC key's inner and outer pads (RFC 2104). */
interface HmacPads {
  readonly inner: Int32Array;
  readonly outer: Int32Array;
}

function hmacPads(key: Uint8Array): HmacPads {
  // Keys here are 32 bytes, shorter than the 64-byte block: padded with zeros.
  const ipad = Buffer.alloc(64, 0x36);
  const opad = Buffer.alloc(64, 0x5c);
  for (let i = 0; i < key.length; i++) {
    ipad[i]! ^= key[i]!;
    opad[i]! ^= key[i]!;
  }
  const inner = SHA256_IV.slice();
  const outer = SHA256_IV.slice();
  sha256Block(inner, ipad, 0);
  sha256Block(outer, opad, 0);
  ipad.fill(0);
  opad.fill(0);
  return { inner, outer };
}

const hmacBlock = Buffer.alloc(192);
const hmacState = new Int32Array(8);

/** First 16 bytes of HMAC-SHA256(key, UTF-8 value) for a value of at most SHORT_VALUE_CHARS. */
function shortHmac16(pads: HmacPads, value: string): Buffer {
  const buf = hmacBlock;
  let n = 0;
  for (; n < value.length; n++) {
    const c = value.charCodeAt(n);
    if (c > 0x7f) break;
    buf[n] = c;
  }
  if (n < value.length) n = buf.write(value, 0, 'utf8');
  // Padding: 0x80, zeros, then the bit length of (ipad block + message) as 64 bits.
  buf[n] = 0x80;
  const end = (n + 9 + 63) & ~63;
  buf.fill(0, n + 1, end - 4);
  buf.writeUInt32BE((64 + n) * 8, end - 4);
  const st = hmacState;
  st.set(pads.inner);
  for (let off = 0; off < end; off += 64) sha256Block(st, buf, off);
  // Outer hash over the 32-byte inner digest: one block.
  for (let i = 0; i < 8; i++) buf.writeInt32BE(st[i]!, i * 4);
  buf[32] = 0x80;
  buf.fill(0, 33, 62);
  buf[62] = 0x03; // (64 + 32) * 8 = 768 bits
  buf[63] = 0x00;
  st.set(pads.outer);
  sha256Block(st, buf, 0);
  const out = Buffer.allocUnsafe(BLIND_INDEX_BYTES);
  for (let i = 0; i < BLIND_INDEX_BYTES / 4; i++) out.writeInt32BE(st[i]!, i * 4);
  return out;
}

export class BlindIndex {
  readonly #rootKey: KeyObject;
  readonly #subkeys = new Map<string, { key: KeyObject; pads: HmacPads }>();

  constructor(key: Uint8Array | KeyObject) {
    this.#rootKey = toSecretKey(key, 'blind index key');
  }

  /**
   * The root key, to build the same index on a worker thread of this process
   * (`new BlindIndex(key)`); see {@link FieldCipher.currentKeyForWorker}.
   */
  keyForWorker(): KeyObject {
    return this.#rootKey;
  }

  /**
   * Returns the first 16 bytes of HMAC-SHA256(subkey(purpose), UTF-8 value).
   *
   * Why 16 bytes: an index is only compared for equality. 128 bits keep the
   * chance of any accidental collision across 10^9 values below 2^-68, and an
   * attacker without the key cannot forge or test values at any length; halving
   * the size halves the b-tree indexes over hundreds of millions of rows.
   * HMAC truncation to ≥ 64 bits is allowed by NIST SP 800-107 §5.3.
   *
   * The caller normalises first (digits only, trimmed, canonical +62 phone…);
   * an empty value is rejected because it would make all missing values "equal".
   *
   * @example
   * index.compute('phone', '6281234567890');
   * index.compute('nik', '3201011503900001').equals(index.compute('kk', '3201011503900001')); // false
   */
  compute(purpose: string, normalizedValue: string): Buffer {
    if (typeof normalizedValue !== 'string' || normalizedValue.length === 0) {
      throw new TypeError(`blind index value for '${String(purpose)}' must be a non-empty string`);
    }
    const subkey = this.#subkey(purpose);
    if (normalizedValue.length <= SHORT_VALUE_CHARS) return shortHmac16(subkey.pads, normalizedValue);
    return createHmac('sha256', subkey.key)
      .update(normalizedValue, 'utf8')
      .digest()
      .subarray(0, BLIND_INDEX_BYTES);
  }

  #subkey(purpose: string): { key: KeyObject; pads: HmacPads } {
    let subkey = this.#subkeys.get(purpose);
    if (subkey === undefined) {
      if (typeof purpose !== 'string' || !PURPOSE.test(purpose)) {
        throw new TypeError('blind index purpose must match /^[a-z][a-z0-9_.-]{0,31}$/, e.g. "nik"');
      }
      const derived = Buffer.from(
        hkdfSync('sha256', this.#rootKey, Buffer.alloc(0), `tepat/blind-index/v1/${purpose}`, KEY_BYTES),
      );
      subkey = { key: createSecretKey(derived), pads: hmacPads(derived) };
      derived.fill(0);
      this.#subkeys.set(purpose, subkey);
    }
    return subkey;
  }
}
